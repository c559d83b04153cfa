"""``caja-server``: run the server, migrate the database, create admins, dump the OpenAPI.

    caja-server [--host H] [--port P] [--database-url URL] [--reload] ...   run the server
    caja-server migrate                                                    upgrade the schema
    caja-server create-admin USERNAME          password from CAJA_ADMIN_PASSWORD or a prompt
    caja-server openapi [--output FILE]        the OpenAPI document (no database needed)
    caja-server session check|export|import    sessions as JSON/YAML files (cli_sessions.py)
    caja-server admin passwd|list|disable|enable   presenter accounts (cli_admins.py)

The server refuses to start on a database whose schema is behind its newest migration (run
``caja-server migrate`` first; ``make serve`` does); a schema a newer release has migrated is
fine (migrations are expand/contract). With no database configured it uses (and creates, and
migrates) a SQLite file in the per-user data directory. When there is no admin at all it creates
``admin`` with a random password and prints it once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from caja_core import __version__
from caja_core.errors import CajaError
from caja_core.errors import ValidationFailed as DomainValidationFailed
from caja_core.services import admins
from caja_core.storage.db import Database
from caja_server.cli_admins import (
    AdminCommandError,
    add_admin_commands,
    run_admin_command,
    write_initial_password,
)
from caja_server.cli_sessions import SessionCommandError, add_session_commands, run_session_command
from caja_server.logs import configure_logging
from caja_server.settings import Settings, default_data_dir

PROG = "caja-server"


class CliError(Exception):
    """A failure to report as one clear line (exit code 1), never a traceback."""


def _database_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--database-url",
        default=default,
        metavar="URL",
        help="SQLAlchemy database URL (default: $CAJA_DATABASE_URL, or a SQLite file in the "
        f"per-user data directory, {default_data_dir()})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Caja: live audience interaction. Without a command, runs the server.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--host", help="interface to listen on (default: $CAJA_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: $CAJA_PORT or 8000)")
    _database_option(parser, None)
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("CAJA_WORKERS", "1")),
        metavar="N",
        help="server processes sharing the port (PostgreSQL only: they learn each other's "
        "versions through it; default: $CAJA_WORKERS or 1)",
    )
    parser.add_argument(
        "--proxy-headers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (default: on)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="comma-separated proxy addresses to trust, or '*' (default: "
        "$CAJA_FORWARDED_ALLOW_IPS or 127.0.0.1)",
    )
    parser.add_argument(
        "--timeout-keep-alive",
        type=int,
        default=75,
        metavar="SECONDS",
        help="keep idle connections this long; above the load balancer's idle timeout "
        "(default: 75)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    migrate = commands.add_parser("migrate", help="upgrade the database schema to the newest")
    _database_option(migrate, argparse.SUPPRESS)

    create = commands.add_parser(
        "create-admin",
        help="create a presenter account",
        description="Create a presenter account. The password comes from "
        "$CAJA_ADMIN_PASSWORD, or is asked for.",
    )
    create.add_argument("username")
    _database_option(create, argparse.SUPPRESS)

    add_admin_commands(commands, lambda p: _database_option(p, argparse.SUPPRESS))

    openapi = commands.add_parser(
        "openapi", help="print the OpenAPI document (JSON) without a database"
    )
    openapi.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    add_session_commands(commands, lambda p: _database_option(p, argparse.SUPPRESS))
    # Parsed by caja_server.bench itself (see main); listed here for --help.
    commands.add_parser("bench", help="load-test a running server (caja-server bench --help)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for field in ("database_url", "host", "port", "forwarded_allow_ips"):
        value = getattr(args, field, None)
        if value is not None:
            overrides[field] = value
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        raise CliError(f"invalid settings: {problems}") from None
    if "public_url" not in settings.model_fields_set:
        # Join links and QR codes should point where this server actually listens.
        shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
        settings = settings.model_copy(update={"public_url": f"http://{shown}:{settings.port}"})
    return settings


def _uses_default_database(settings: Settings) -> bool:
    """No database configured: the SQLite file in the per-user data directory."""
    return "database_url" not in settings.model_fields_set


def _open_database(settings: Settings) -> Database:
    if _uses_default_database(settings):
        default_data_dir().mkdir(parents=True, exist_ok=True)
    try:
        return Database(settings.database_url)
    except (SQLAlchemyError, ValueError) as exc:
        raise CliError(f"can't use database URL {settings.database_url!r}: {exc}") from None


def _require_current_schema(database: Database, settings: Settings) -> None:
    try:
        usable = database.schema_is_usable()
    except SQLAlchemyError as exc:
        raise CliError(f"can't reach the database: {_first_line(exc)}") from None
    if not usable:
        raise CliError(
            "the database schema is not up to date (or the database is empty).\n"
            f"  Run: {PROG} migrate --database-url '{settings.database_url}'"
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def cmd_migrate(args: argparse.Namespace) -> int:
    """Upgrade the schema to the newest migration."""
    settings = _settings(args)
    configure_logging(settings)
    database = _open_database(settings)
    try:
        for attempt in range(1, MIGRATE_ATTEMPTS + 1):
            try:
                database.upgrade()
                break
            except SQLAlchemyError as exc:
                # Under live traffic a migration can lose a deadlock or miss its lock
                # timeout; PostgreSQL then rolls it back whole, so trying again is safe.
                if attempt == MIGRATE_ATTEMPTS or not _lost_a_lock(exc):
                    raise CliError(f"migration failed: {_first_line(exc)}") from None
                print(f"migration attempt {attempt} lost a lock; trying again", file=sys.stderr)
                time.sleep(2 * attempt)
    finally:
        database.dispose()
    print(f"Database schema is up to date ({settings.database_url}).")
    return 0


MIGRATE_ATTEMPTS = 3
"""How often ``caja-server migrate`` tries when PostgreSQL rolled a migration back for a
deadlock (40P01) or a lock it could not get in time (55P03)."""


def _lost_a_lock(exc: SQLAlchemyError) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in ("40P01", "55P03")


def cmd_create_admin(args: argparse.Namespace) -> int:
    """Create a presenter account."""
    settings = _settings(args)
    configure_logging(settings)
    password = os.environ.get("CAJA_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise CliError("set CAJA_ADMIN_PASSWORD, or run in a terminal to be asked")
        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Repeat the password: ") != password:
            raise CliError("the passwords differ")
    database = _open_database(settings)
    try:
        _require_current_schema(database, settings)
        with database.transaction() as db:
            admin = admins.create_admin(db, args.username, password)
            username = admin.username
    except DomainValidationFailed as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors)
        raise CliError(f"{exc.detail}: {problems}") from None
    except CajaError as exc:
        raise CliError(exc.detail) from None
    finally:
        database.dispose()
    print(f"Created admin '{username}'.")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """Print the OpenAPI document. Builds the app without touching any database."""
    from caja_server.app import create_app

    settings = Settings(database_url="sqlite://", env="test", log_level="warning")
    configure_logging(settings)
    document = json.dumps(create_app(settings).openapi(), indent=2, sort_keys=False) + "\n"
    if args.output:
        args.output.write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the schema, make sure there is an admin, and run uvicorn."""
    import uvicorn

    settings = _settings(args)
    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if args.workers > 1 and not settings.database_url.startswith("postgresql"):
        # On SQLite a process learns only its own commits' versions (no relay): another
        # worker's phones would keep seeing an old snapshot.
        raise CliError("--workers above 1 needs PostgreSQL (CAJA_DATABASE_URL=postgresql+...)")
    if args.workers > 1 and args.reload:
        raise CliError("--workers and --reload do not go together")
    configure_logging(settings)
    database = _open_database(settings)
    try:
        if _uses_default_database(settings):
            # One person's own database: create it, and keep it migrated across upgrades.
            print(f"Database: {settings.database_url} (set CAJA_DATABASE_URL to use another)")
            database.upgrade()
        _require_current_schema(database, settings)
        supplied = os.environ.get("CAJA_ADMIN_PASSWORD") or None
        password = _ensure_initial_admin(database, supplied)
    except SQLAlchemyError as exc:
        raise CliError(f"can't reach the database: {_first_line(exc)}") from None
    finally:
        database.dispose()
    login_url = f"{settings.public_url}/admin"
    if password is not None and supplied:
        print("No admin existed: created 'admin' with the password of CAJA_ADMIN_PASSWORD.")
    elif password is not None and settings.env == "production":
        # Never into the log stream: a file only the server's user can read.
        where = write_initial_password(settings.initial_password_file, password)
        print(f"No admin existed: created 'admin'; its password is in {where} (mode 600).")
    elif password is not None:
        _banner(
            "No admin existed, so one was created. This password is shown only once:",
            f"    username: admin\n    password: {password}",
            f"Log in at {login_url}. Named accounts: {PROG} create-admin USERNAME",
        )
    print(f"Caja is starting on http://{settings.host}:{settings.port} - log in at {login_url}")
    sys.stdout.flush()
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "proxy_headers": args.proxy_headers,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "timeout_keep_alive": args.timeout_keep_alive,
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }
    if args.reload or args.workers > 1:
        # The reloader and the workers import the app in child processes: hand the
        # settings over by env.
        os.environ.update(
            {
                "CAJA_DATABASE_URL": settings.database_url,
                "CAJA_PUBLIC_URL": settings.public_url,
                "CAJA_HOST": settings.host,
                "CAJA_PORT": str(settings.port),
            }
        )
    if args.reload:
        src = Path(__file__).resolve().parent.parent
        uvicorn.run(
            "caja_server.app:app_from_environment",
            factory=True,
            reload=True,
            reload_dirs=[str(src)],
            **options,
        )
    elif args.workers > 1:
        uvicorn.run(
            "caja_server.app:app_from_environment",
            factory=True,
            workers=args.workers,
            # A worker's start (the plugins' warm-up, the collector's freeze) takes longer
            # than uvicorn's 5 s on a busy machine, and a loaded one may not answer the
            # supervisor's ping in time: it would be killed and restarted, again and again.
            timeout_worker_healthcheck=60,
            **options,
        )
    else:
        from caja_server.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0


def _ensure_initial_admin(database: Database, password: str | None) -> str | None:
    try:
        with database.transaction() as db:
            return admins.ensure_initial_admin(db, password)
    except IntegrityError:
        return None  # another replica starting at the same moment created it


def _banner(*lines: str) -> None:
    rule = "=" * 72
    print(rule)
    for line in lines:
        print(line)
    print(rule, flush=True)


def cmd_session(args: argparse.Namespace) -> int:
    """``session check|export|import``: sessions as files (``check`` needs no database)."""
    settings = _settings(args)
    configure_logging(settings.model_copy(update={"log_level": "warning"}))

    def open_database() -> Database:
        database = _open_database(settings)
        _require_current_schema(database, settings)
        return database

    try:
        return run_session_command(args, open_database)
    except SessionCommandError as exc:
        raise CliError(str(exc)) from None


def cmd_admin(args: argparse.Namespace) -> int:
    """``admin passwd|list|disable|enable``: presenter accounts."""
    settings = _settings(args)
    configure_logging(settings.model_copy(update={"log_level": "warning"}))

    def open_database() -> Database:
        database = _open_database(settings)
        _require_current_schema(database, settings)
        return database

    try:
        return run_admin_command(args, open_database)
    except AdminCommandError as exc:
        raise CliError(str(exc)) from None


COMMANDS = {
    None: cmd_serve,
    "admin": cmd_admin,
    "session": cmd_session,
    "migrate": cmd_migrate,
    "create-admin": cmd_create_admin,
    "openapi": cmd_openapi,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``caja-server`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["bench"]:
        from caja_server.bench import main as bench_main

        return bench_main(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "bench":
        parser.error("'bench' takes its own options: put them after it (caja-server bench --help)")
    try:
        return COMMANDS[args.command](args)
    except CliError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
