"""``caja-server session check|export|import``, run as the real console script."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml

from caja_core.services import admins
from caja_core.storage.db import Database

from .test_cli import run

pytestmark = pytest.mark.slow

TEMPLATES = Path(__file__).resolve().parents[2] / "src/caja_server/session_templates"
BROKEN = """\
format: caja.session
version: 1
name: Broken
activities:
  - type: poll
    title: Fine
    config: {question: Q, options: [{text: a}, {text: b}]}
  - type: poll
    title: One option
    config: {question: Q, options: [{text: only}]}
  - type: someday
    title: Not installed
"""


def test_check_accepts_the_templates_without_a_database(tmp_path: Path) -> None:
    for template in sorted(TEMPLATES.glob("*.yaml")):
        r = run("session", "check", str(template), CAJA_DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
        assert r.returncode == 0, r.stderr
        assert "valid" in r.stdout
    assert not (tmp_path / "x.db").exists()


BUILT_IN = {
    e.name for e in entry_points(group="caja") if e.dist is not None and e.dist.name == "caja"
}


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    r = run("session", "check", str(path))
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"{path}: 2 problems:",
        "  activities[1].config.options: List should have at least 2 items after validation, not 1",
        "  activities[2].type: unknown activity type 'someday' (installed: "
        f"{', '.join(sorted(BUILT_IN))})",
    ]
    bad_yaml = tmp_path / "bad.yml"
    bad_yaml.write_text("name: [oops\n")
    r = run("session", "check", str(bad_yaml))
    assert r.returncode == 1 and "Not valid YAML: line 2" in r.stderr
    missing = run("session", "check", str(tmp_path / "nope.json"))
    assert missing.returncode == 1 and "can't read" in missing.stderr
    assert "Traceback" not in r.stderr + missing.stderr


def test_import_then_export_round_trip(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url)
    with database.transaction() as db:
        admins.create_admin(db, "carol", "correct horse battery")
    source = TEMPLATES / "sprint-planning.yaml"
    r = run("session", "import", str(source), "--admin", "carol", "--database-url", database_url)
    assert r.returncode == 0, r.stderr
    assert "Created session 'Sprint planning'" in r.stdout
    sid = r.stdout.split("(")[1].split(")")[0]

    out = tmp_path / "planning.json"
    r = run("session", "export", sid, str(out), "--database-url", database_url)
    assert r.returncode == 0, r.stderr
    exported = json.loads(out.read_text())
    original = yaml.safe_load(source.read_text())
    assert exported["name"] == original["name"]
    assert [a["title"] for a in exported["activities"]] == [
        a["title"] for a in original["activities"]
    ]
    r = run("session", "export", sid, "-", "--database-url", database_url)
    assert yaml.safe_load(r.stdout) == exported

    r = run("session", "import", str(out), "--admin", "nobody", "--database-url", database_url)
    assert r.returncode == 1 and "no admin 'nobody'" in r.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    r = run("session", "import", str(broken), "--admin", "carol", "--database-url", database_url)
    assert r.returncode == 1 and "activities[1].config.options" in r.stderr
    r = run("session", "export", "not-an-id", "-", "--database-url", database_url)
    assert r.returncode == 1 and "not found" in r.stderr.lower()
    with database.read() as db:
        from caja_core.storage.models import Session

        assert db.query(Session).count() == 1  # nothing from the failed import
    database.dispose()
