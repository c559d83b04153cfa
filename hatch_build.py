"""Build the web UI into ``src/caja_server/static`` so the wheel and the sdist carry it.

Hatchling runs this hook for every build (``[tool.hatch.build.hooks.custom]`` in
pyproject.toml):

- from a source tree (``frontend/package.json`` is there): ``npm ci`` when
  ``node_modules`` does not match ``package-lock.json``, then ``npm run build``, unless the
  built UI is already that of these sources (a stamp with the hash of the frontend's files);
  no Node there is an error, never a wheel without its UI;
- from an sdist (no ``frontend/``): the UI the sdist carries is used as it is;
- editable installs (``pip install -e .``) build nothing: they serve the tree's
  ``src/caja_server/static`` (``make ui``).

``python hatch_build.py`` does the same build without hatchling (``make ui``;
``scripts/test-ui.sh`` with ``--deps`` and ``--no-typecheck``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "src" / "caja_server" / "static"
# Not part of the build's inputs: installed packages, test output, editors' files.
SKIPPED_DIRS = {"node_modules", "test-results", "playwright-report", "coverage", ".vite"}
STAMP = FRONTEND / "node_modules" / ".caja-ui-build"
LOCK_STAMP = FRONTEND / "node_modules" / ".caja-package-lock"


class UIBuildError(Exception):
    """The web UI could not be built; the message says what to do."""


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path.relative_to(ROOT)).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


def source_digest() -> str:
    """A hash of every file the UI is built from."""
    files = []
    for folder, dirs, names in os.walk(FRONTEND):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]  # never walk node_modules
        files.extend(Path(folder) / name for name in names)
    return _digest(sorted(files))


def _built_digest() -> str:
    return _digest(sorted(p for p in STATIC.rglob("*") if p.is_file()))


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise UIBuildError(
            "Building Caja from a source tree builds its web UI, which needs Node.js 20+ and "
            "npm on PATH (https://nodejs.org). Install Node, or build from the sdist (which "
            "carries the built UI) or install the published wheel, which need no Node."
        )
    return npm


def _run(args: list[str]) -> None:
    print(f"caja build: {' '.join(args[1:])} (in frontend/)", file=sys.stderr, flush=True)
    done = subprocess.run(args, cwd=FRONTEND, check=False)  # noqa: S603
    if done.returncode != 0:
        raise UIBuildError(f"`{' '.join(args[1:])}` failed in frontend/ (exit {done.returncode})")


def install_dependencies() -> None:
    """``npm ci`` unless ``node_modules`` was installed from this ``package-lock.json``."""
    npm = _npm()
    lock = hashlib.sha256((FRONTEND / "package-lock.json").read_bytes()).hexdigest()
    if not LOCK_STAMP.is_file() or LOCK_STAMP.read_text().strip() != lock:
        _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"])
        LOCK_STAMP.write_text(lock + "\n")


def build_ui(*, force: bool = False, typecheck: bool = True) -> bool:
    """Build the UI when its sources changed since the last build; True if it built.
    ``typecheck=False`` skips ``tsc`` (for a caller that has just run it)."""
    digest = source_digest()
    built = STATIC / "index.html"
    up_to_date = built.is_file() and STAMP.is_file()
    if not force and up_to_date and STAMP.read_text().split() == [digest, _built_digest()]:
        return False
    install_dependencies()
    npm = _npm()
    if typecheck:
        _run([npm, "run", "build"])
    else:
        _run([npm, "exec", "--", "vite", "build", "--logLevel", "warn"])
    if not built.is_file():
        raise UIBuildError(f"`npm run build` wrote no {built.relative_to(ROOT)}")
    STAMP.write_text(f"{digest} {_built_digest()}\n")
    return True


def ensure_ui() -> None:
    """Build the UI from a source tree; from an sdist, check that it carries one."""
    if (FRONTEND / "package.json").is_file():
        build_ui()
    elif not (STATIC / "index.html").is_file():
        raise UIBuildError(
            f"No built web UI in {STATIC.relative_to(ROOT)} and no frontend/ to build it "
            "from: build from a git checkout (with Node) or from the published sdist."
        )


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # `python hatch_build.py` outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class CajaBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    """Puts the built web UI into the wheel and the sdist."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        try:
            ensure_ui()
        except UIBuildError as exc:
            raise SystemExit(f"error: {exc}") from None
        target = "caja_server/static" if self.target_name == "wheel" else "src/caja_server/static"
        build_data.setdefault("force_include", {})[str(STATIC)] = target


def main(argv: list[str]) -> None:
    """``python hatch_build.py [--deps] [--force] [--no-typecheck]``."""
    if "--deps" in argv:
        install_dependencies()
        return
    built = build_ui(force="--force" in argv, typecheck="--no-typecheck" not in argv)
    print("web UI built" if built else "web UI up to date (frontend/ unchanged since its build)")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except UIBuildError as exc:
        sys.exit(f"error: {exc}")
