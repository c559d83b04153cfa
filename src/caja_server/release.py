"""Which release this server is, as the web app sees it (the ``X-Caja-Release`` header).

Every answer carries the header. The web app remembers the first value it sees and reloads
itself when a later answer carries another one, so after a blue/green switch the phones move to
the new release's web app on their own, keeping their identity (their token is in the
browser's storage). Polls answered 304 from memory do not carry it; every new state document
(200) does.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from caja_core import __version__

RELEASE_HEADER = "X-Caja-Release"


def release_name(configured: str, static_dir: Path) -> str:
    """``configured`` (``CAJA_RELEASE``, e.g. the image tag) when set; else the package
    version and a hash of the built web app's ``index.html`` (which names every hashed asset,
    so it changes exactly when the web app does): ``0.1.0+3f2a9c1d``, or ``0.1.0`` when the
    server runs without a web app."""
    if configured:
        return configured
    index = static_dir / "index.html"
    try:
        digest = hashlib.sha256(index.read_bytes()).hexdigest()[:8]
    except OSError:
        return __version__
    return f"{__version__}+{digest}"
