"""Migrations linted for PostgreSQL: squawk reads the SQL that Alembic's offline mode emits.

Each migration's SQL (``alembic upgrade <down>:<rev> --sql``, what production would run) is
linted on its own. The rules that do not fit Caja are switched off here, in one place, each
with its reason; so is the one rule a released migration broke. squawk ships in
``.venv-infra`` (``requirements/infra.txt``, installed by ``scripts/check-infra.sh``).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import caja_core

from .tfconfig import ROOT

MIGRATIONS = Path(caja_core.__file__).parent / "migrations"
PG_VERSION = "16"  # infrastructure/modules/database: engine_version

# Rules switched off for every migration, and why.
EXCLUDED_RULES = {
    "prefer-text-field": (
        "SQLAlchemy's String(n) is varchar(n), the model's own limit. Widening a varchar "
        "is a catalogue-only change in PostgreSQL; anything that rewrites is caught by "
        "changing-column-type."
    ),
    "prefer-bigint-over-int": (
        "style, not deploy safety: the integer columns are counters and version stamps far "
        "from 2^31, and changing a type later is its own (linted) migration."
    ),
    "prefer-identity": (
        "SQLAlchemy renders autoincrement integers as SERIAL; identity versus serial is "
        "style, not deploy safety."
    ),
}

# Released migrations that break a rule. They ran wherever their release runs and are never
# edited; a new migration does not get an entry here.
GRANDFATHERED = {
    "0003": {
        "require-concurrent-index-creation": (
            "released in v0.1.0: ix_responses_activity_version and "
            "ix_participants_session_version were built without CONCURRENTLY, blocking "
            "writes to responses and participants for the build (seconds at v0.1.0's sizes)."
        ),
    },
}


def squawk_binary() -> str:
    """squawk from .venv-infra, else from PATH; skipped (or failed, when check-infra.sh
    requires it) when neither has it."""
    for candidate in (ROOT / ".venv-infra" / "bin" / "squawk", shutil.which("squawk")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    message = "squawk is not installed: scripts/check-infra.sh installs it into .venv-infra"
    if os.environ.get("CAJA_REQUIRE_SQUAWK") == "1":
        pytest.fail(message)
    pytest.skip(message)


def alembic_config(buffer: io.StringIO, extra_versions: Path | None = None) -> Config:
    cfg = Config(output_buffer=buffer)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Offline mode never connects; env.py renders for PostgreSQL whatever the URL says.
    cfg.set_main_option("sqlalchemy.url", "postgresql+psycopg://lint@127.0.0.1/lint")
    if extra_versions is not None:
        cfg.set_main_option("path_separator", "space")
        cfg.set_main_option("version_locations", f"{MIGRATIONS / 'versions'} {extra_versions}")
    return cfg


def migration_sql(revision: str, extra_versions: Path | None = None) -> str:
    """The SQL that upgrading from the revision's parent to ``revision`` runs."""
    buffer = io.StringIO()
    cfg = alembic_config(buffer, extra_versions)
    script = ScriptDirectory.from_config(cfg).get_revision(revision)
    assert script is not None
    down = script.down_revision
    assert down is None or isinstance(down, str), "merge migrations: lint each parent"
    command.upgrade(cfg, f"{down or 'base'}:{revision}", sql=True)
    return buffer.getvalue()


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(io.StringIO()))
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def lint(squawk: str, sql_files: list[Path]) -> list[dict[str, Any]]:
    """squawk's violations (JSON reporter) for these files under Caja's rules."""
    result = subprocess.run(
        [
            squawk,
            f"--pg-version={PG_VERSION}",
            f"--exclude={','.join(sorted(EXCLUDED_RULES))}",
            "--reporter=json",
            *map(str, sql_files),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=sql_files[0].parent,  # no stray .squawk.toml above the files
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    violations = json.loads(result.stdout or "[]")
    assert isinstance(violations, list)
    assert (result.returncode == 1) == bool(violations), result.stderr
    return violations


def write_sql(directory: Path, revision: str, sql: str) -> Path:
    ignored = sorted(GRANDFATHERED.get(revision, {}))
    header = f"-- squawk-ignore-file {' '.join(ignored)}\n" if ignored else ""
    path = directory / f"{revision}.sql"
    path.write_text(header + sql, encoding="utf-8")
    return path


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{Path(v['file']).name}:{v['line']}: {v['rule_name']}: {v['message']}" for v in violations
    )


def test_every_migration_passes_the_postgresql_linter(tmp_path: Path) -> None:
    squawk = squawk_binary()
    files = [write_sql(tmp_path, rev, migration_sql(rev)) for rev in revisions()]
    assert len(files) >= 3
    violations = lint(squawk, files)
    assert not violations, (
        "migrations break PostgreSQL deploy-safety rules (docs/deploy.md, 'Writing a "
        "migration'):\n" + describe(violations)
    )


def test_every_migration_runs_with_lock_and_statement_timeouts() -> None:
    for rev in revisions():
        sql = migration_sql(rev)
        assert "SET lock_timeout = '5s';" in sql, rev
        assert "SET statement_timeout = '60s';" in sql, rev
        assert sql.index("SET lock_timeout") < sql.index("BEGIN;"), rev


def test_grandfathered_rules_name_released_migrations_only() -> None:
    known = set(revisions())
    assert set(GRANDFATHERED) <= known
    for rules in GRANDFATHERED.values():
        assert set(rules).isdisjoint(EXCLUDED_RULES)
        assert all(reason.strip() for reason in rules.values())


# A migration that would break the release before it, or block it while it runs.
BAD_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade() -> None:
    op.add_column("responses", sa.Column("weight", sa.Integer(), nullable=False))
    op.create_index("ix_responses_weight", "responses", ["weight"])
    op.alter_column("sessions", "title", type_=sa.Text())
    op.alter_column("participants", "nickname", new_column_name="display_name")
    op.drop_column("activities", "config")
"""

# The expand step of docs/deploy.md's example: two migrations, because an index built
# CONCURRENTLY runs outside a transaction and belongs in one of its own (rerunnable).
EXPAND_MIGRATIONS = {
    "9998": """
import sqlalchemy as sa
from alembic import op

revision = "9998"
down_revision = "{head}"


def upgrade() -> None:
    op.add_column(
        "participants",
        sa.Column("locale", sa.String(length=16), nullable=False, server_default="en"),
    )
    op.create_table(
        "participant_badges",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
    )
    op.create_index(
        "ix_participant_badges_participant_id", "participant_badges", ["participant_id"]
    )
""",
    "9999": """
from alembic import op

revision = "9999"
down_revision = "9998"


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute("SET statement_timeout = 0")
        op.create_index(
            "ix_participants_locale",
            "participants",
            ["locale"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )
""",
}


def lint_extra_migrations(tmp_path: Path, sources: dict[str, str]) -> list[dict[str, Any]]:
    """Lint migrations added on top of the newest one (each its own SQL file)."""
    squawk = squawk_binary()
    head = revisions()[-1]
    versions = tmp_path / "versions"
    versions.mkdir()
    for revision, source in sources.items():
        (versions / f"{revision}_extra.py").write_text(
            textwrap.dedent(source).replace("{head}", head), encoding="utf-8"
        )
    files = [
        write_sql(tmp_path, revision, migration_sql(revision, extra_versions=versions))
        for revision in sources
    ]
    return lint(squawk, files)


def test_the_linter_catches_what_would_break_a_running_release(tmp_path: Path) -> None:
    rules = {v["rule_name"] for v in lint_extra_migrations(tmp_path, {"9999": BAD_MIGRATION})}
    assert {
        "adding-required-field",  # NOT NULL without a default
        "require-concurrent-index-creation",  # blocks writes on an existing table
        "changing-column-type",  # a table rewrite under an exclusive lock
        "renaming-column",  # the previous release still reads the old name
        "ban-drop-column",  # likewise
    } <= rules, rules


def test_the_documented_expand_step_passes(tmp_path: Path) -> None:
    violations = lint_extra_migrations(tmp_path, EXPAND_MIGRATIONS)
    assert not violations, describe(violations)
