"""hatch_build.py, the build hook that puts the web UI into the wheel and the sdist."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("caja_hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_source_tree_without_node_is_a_loud_error(monkeypatch: pytest.MonkeyPatch) -> None:
    hook = _hook()
    monkeypatch.setenv("PATH", "")
    with pytest.raises(hook.UIBuildError, match=r"needs Node\.js"):
        hook._npm()


def test_the_source_digest_ignores_installed_packages_and_test_output() -> None:
    hook = _hook()
    before = hook.source_digest()
    assert before == hook.source_digest()
    assert {"node_modules", "test-results", "playwright-report"} <= hook.SKIPPED_DIRS
