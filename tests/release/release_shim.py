"""A pytest plugin loaded into the *previous release's* test run (``-p release_shim``).

Its test fixtures migrate their PostgreSQL databases with ``Database.upgrade``; this makes that
call run *this* tree's migrations instead (in this tree's interpreter, ``CAJA_SHIM_PYTHON``), and
notes the revision each database reached in ``CAJA_SHIM_REPORT``. Everything else is the
release's own code. Standard library only: it runs in the release's virtualenv.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from caja_core.storage import db

MIGRATE = (
    "import sys\n"
    "from caja_core.storage.db import Database\n"
    "database = Database(sys.argv[1])\n"
    "database.upgrade()\n"
    "print(database.current_revision())\n"
    "database.dispose()\n"
)

_release_upgrade = db.Database.upgrade


def _upgrade_with_this_tree(self: Any, revision: str = "head") -> None:
    if not self.url.startswith("postgresql") or revision != "head":
        _release_upgrade(self, revision)  # its SQLite scratch databases stay its own
        return
    done = subprocess.run(
        [os.environ["CAJA_SHIM_PYTHON"], "-c", MIGRATE, self.url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"this tree's migrations failed:\n{done.stderr[-3000:]}")
    with open(os.environ["CAJA_SHIM_REPORT"], "a", encoding="utf-8") as report:
        report.write(done.stdout.strip().splitlines()[-1] + "\n")


db.Database.upgrade = _upgrade_with_this_tree  # type: ignore[method-assign]
