"""The import direction is a test, not a hope (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_caja_core_imports_nothing_by_name_at_run_time():
    """import-linter sees only import statements: ``importlib.import_module("caja_server...")``
    would route around it. The kit's web fixtures live in ``caja_server.testing`` instead."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "src" / "caja_core").rglob("*.py"))
        if "import_module(" in path.read_text() or "__import__(" in path.read_text()
    ]
    assert offenders == []
