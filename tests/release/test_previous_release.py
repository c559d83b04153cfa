"""The previous release keeps working on the schema this tree migrates to.

During a blue/green release the previous release ("blue") serves while this one's migrations
run, and after a rollback it runs on the migrated schema. So for every migration this tree has
beyond the previous release's newest one, the previous release's own API tests run against a
database migrated by *this* tree: its code is unpacked from git (``git archive``) into a cache
with its own virtualenv (from its own ``requirements/dev.lock``), and a small pytest plugin makes
its test fixtures migrate with this tree's Alembic instead of its own.

The release is named in ``deploy/previous-release.toml`` (tag and commit, the tests to run,
and its tests that no newer schema can pass, with reasons). A clone without the tag still
works from the commit; a clone without the commit fails, saying what to fetch.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from caja_core.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
RELEASE_FILE = ROOT / "deploy" / "previous-release.toml"
VERSIONS = "src/caja_core/migrations/versions"
SHIM = Path(__file__).with_name("release_shim.py")


@dataclass(frozen=True)
class Release:
    tag: str
    commit: str
    tests: list[str]
    deselect: dict[str, str]


def previous_release() -> Release:
    data: dict[str, Any] = tomllib.loads(RELEASE_FILE.read_text(encoding="utf-8"))
    return Release(
        tag=data["tag"],
        commit=data["commit"],
        tests=list(data["tests"]),
        deselect=dict(data.get("deselect", {})),
    )


def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=check, timeout=60
    )


def require_git() -> None:
    if shutil.which("git") is None or git("rev-parse", "--git-dir", check=False).returncode:
        pytest.skip("not a git checkout: the previous release is read from git history")


def require_release_commit(release: Release) -> None:
    """Fail, saying what is missing, when the clone lacks the release's commit."""
    if git("cat-file", "-e", f"{release.commit}^{{commit}}", check=False).returncode:
        pytest.fail(
            f"the previous release {release.tag} (commit {release.commit}, named in "
            f"deploy/previous-release.toml) is not in this clone. Fetch it: "
            f"`git fetch --tags`, or `git fetch --unshallow` in a shallow clone."
        )


def release_migrations(release: Release) -> dict[str, bytes]:
    """``{path: content}`` of the release's migration scripts."""
    listing = git("ls-tree", "--name-only", f"{release.commit}:{VERSIONS}").stdout.split()
    found = {}
    for name in listing:
        if name.endswith(".py"):
            shown = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{release.commit}:{VERSIONS}/{name}"],
                capture_output=True,
                check=True,
                timeout=60,
            )
            found[f"{VERSIONS}/{name}"] = shown.stdout
    return found


def revision_of(source: bytes) -> str:
    match = re.search(rb'^revision(?::\s*str)?\s*=\s*"([^"]+)"', source, re.MULTILINE)
    assert match, "a migration without a revision id"
    return match.group(1).decode()


def this_tree_revisions() -> list[str]:
    """This tree's revisions, oldest first."""
    script = ScriptDirectory.from_config(Database("sqlite://").alembic_config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def test_the_previous_release_is_named_and_present() -> None:
    require_git()
    release = previous_release()
    assert re.fullmatch(r"[0-9a-f]{40}", release.commit), "give the full commit id"
    require_release_commit(release)
    assert (
        git("merge-base", "--is-ancestor", release.commit, "HEAD", check=False).returncode == 0
    ), f"{release.tag} ({release.commit}) is not an ancestor of this tree"
    tagged = git("rev-parse", "--verify", "-q", f"refs/tags/{release.tag}^{{commit}}", check=False)
    if tagged.returncode == 0:  # a clone without tags falls back to the commit
        assert tagged.stdout.strip() == release.commit, (
            f"tag {release.tag} is {tagged.stdout.strip()}, deploy/previous-release.toml says "
            f"{release.commit}"
        )
    newest = git("describe", "--tags", "--abbrev=0", "--match", "v*", "HEAD", check=False)
    if newest.returncode == 0:
        assert newest.stdout.strip() == release.tag, (
            f"{newest.stdout.strip()} is tagged: name it in deploy/previous-release.toml"
        )


def test_released_migrations_are_never_edited() -> None:
    require_git()
    release = previous_release()
    require_release_commit(release)
    released = release_migrations(release)
    assert released, f"{release.tag} has no migrations under {VERSIONS}"
    for path, content in released.items():
        ours = ROOT / path
        assert ours.is_file(), f"{path} (released in {release.tag}) was removed"
        assert ours.read_bytes() == content, (
            f"{path} was changed after {release.tag} ran it in production: "
            "add a new migration instead"
        )
    ours = this_tree_revisions()
    theirs = {revision_of(content) for content in released.values()}
    assert set(ours[: len(theirs)]) == theirs, "this tree's history must start with the release's"


# -- the previous release's API tests on this tree's schema ---------------------------------


def cache_root() -> Path:
    configured = os.environ.get("CAJA_RELEASE_CACHE")
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "caja" / "releases"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # parallel runs build one copy, the others wait
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def release_checkout(release: Release) -> Path:
    """The release's tree and its own virtualenv, built once per (commit, lock file)."""
    lock = git("show", f"{release.commit}:requirements/dev.lock").stdout
    key = f"{release.commit[:12]}-{hashlib.sha256(lock.encode()).hexdigest()[:12]}"
    home = cache_root() / key
    ready = home / ".ready"
    with locked(cache_root() / f"{key}.lock"):
        if ready.exists():
            return home
        shutil.rmtree(home, ignore_errors=True)
        src = home / "src"
        src.mkdir(parents=True)
        archive = home / "release.tar"
        with archive.open("wb") as out:
            subprocess.run(
                ["git", "-C", str(ROOT), "archive", "--format=tar", release.commit],
                stdout=out,
                check=True,
                timeout=120,
            )
        with tarfile.open(archive) as tar:
            tar.extractall(src, filter="data")
        archive.unlink()
        venv = home / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run(
            [*pip, "-r", str(src / "requirements" / "dev.lock")], check=True, timeout=900
        )
        subprocess.run([*pip, "--no-deps", "-e", str(src)], check=True, timeout=300)
        ready.touch()
    return home


@pytest.mark.slow
def test_the_previous_release_passes_its_api_tests_on_this_schema(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the previous release's contract is checked on PostgreSQL")
    require_git()
    release = previous_release()
    require_release_commit(release)
    theirs = {revision_of(content) for content in release_migrations(release).values()}
    newer = [rev for rev in this_tree_revisions() if rev not in theirs]
    if not newer:
        pytest.skip(f"no migration after {release.tag}'s: it already runs on this schema")

    home = release_checkout(release)
    report = tmp_path / "migrated.txt"
    server = os.environ.get("CAJA_TEST_DATABASE_URL", "")
    assert server.startswith("postgresql"), "CAJA_TEST_DATABASE_URL names the PostgreSQL server"
    env = {
        **os.environ,
        "CAJA_TEST_DATABASE_URL": server,
        "PYTHONPATH": str(SHIM.parent),
        "CAJA_SHIM_PYTHON": sys.executable,  # this tree's interpreter, with this tree's Alembic
        "CAJA_SHIM_REPORT": str(report),
    }
    env.pop("CAJA_TEST_DB_ONLY", None)
    deselect = [arg for test in release.deselect for arg in ("--deselect", test)]
    result = subprocess.run(
        [
            str(home / "venv" / "bin" / "python"),
            "-m",
            "pytest",
            "-p",
            SHIM.stem,
            "-p",
            "no:cacheprovider",
            "-q",
            # Its own xdist: the release's tests take about a minute on one core.
            "-n",
            "2",
            *deselect,
            *release.tests,
        ],
        cwd=home / "src",
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, (
        f"{release.tag}'s API tests fail on a database migrated to {newer[-1]} "
        f"(migrations since {release.tag}: {', '.join(newer)}). A migration breaks the "
        f"running release: make it expand/contract (docs/deploy.md, 'Writing a migration').\n"
        + output
    )
    migrated = report.read_text(encoding="utf-8").split() if report.exists() else []
    assert migrated, "the release's tests never migrated a database through the shim\n" + output
    assert set(migrated) == {newer[-1]}, f"databases reached {migrated}, not {newer[-1]}"
