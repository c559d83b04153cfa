"""``caja-server session ...``: sessions as files.

    caja-server session check FILE                 validate a definition (no database)
    caja-server session export SID FILE            write a session's definition (.json/.yaml)
    caja-server session import FILE --admin NAME   create a draft session for that admin
    caja-server session schema [--output FILE]     the format's JSON Schema (installed types)

FILE may be ``-`` for standard input or output (YAML, unless ``--format json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from caja_core.definitions import DefinitionInvalid, definition_schema, validate_definition
from caja_core.errors import CajaError
from caja_core.plugins import PluginHost
from caja_core.services import definitions as definition_service
from caja_core.storage.db import Database
from caja_core.storage.models import Admin
from caja_server.definition_files import (
    FileFormat,
    dump_definition,
    format_for_path,
    parse_definition_text,
)


class SessionCommandError(Exception):
    """A failure of a session command, reported as one clear message (exit code 1)."""


def add_session_commands(
    commands: Any, database_option: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add ``session check|export|import`` to the ``caja-server`` command line."""
    session = commands.add_parser(
        "session",
        help="sessions as files: check, export, import",
        description="Keep sessions as JSON or YAML files (docs/sessions-as-code.md).",
    )
    actions = session.add_subparsers(dest="session_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check",
        help="validate a session definition without a database (exit 1 when invalid)",
    )
    check.add_argument("file", help="a .json, .yaml or .yml file, or - for standard input")
    _format_option(check)

    export = actions.add_parser("export", help="write a session's definition to a file")
    export.add_argument("session_id", metavar="SID", help="the session's id")
    export.add_argument("file", help="a .json, .yaml or .yml file, or - for standard output")
    _format_option(export)
    database_option(export)

    schema = actions.add_parser(
        "schema", help="print the JSON Schema of session definitions (no database)"
    )
    schema.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")

    load = actions.add_parser("import", help="create a draft session from a definition")
    load.add_argument("file", help="a .json, .yaml or .yml file, or - for standard input")
    load.add_argument("--admin", required=True, metavar="NAME", help="the owner's username")
    load.add_argument("--name", help="the new session's name (default: the file's)")
    _format_option(load)
    database_option(load)


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "yaml"),
        help="the file's format (default: by its extension; YAML for -)",
    )


def _file_format(args: argparse.Namespace) -> FileFormat:
    if args.format:
        fmt: FileFormat = args.format
        return fmt
    return "yaml" if args.file == "-" else format_for_path(args.file)


def _read(args: argparse.Namespace) -> Any:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SessionCommandError(f"can't read {args.file}: {exc}") from None
    return parse_definition_text(text, _file_format(args))


def _host() -> PluginHost:
    host = PluginHost()
    host.load_entry_points()
    return host


def _report_invalid(source: str, exc: DefinitionInvalid) -> str:
    lines = exc.lines or [exc.detail]
    noun = "problem" if len(lines) == 1 else "problems"
    return f"{source}: {len(lines)} {noun}:\n" + "\n".join(f"  {line}" for line in lines)


def run_session_command(args: argparse.Namespace, database: Callable[[], Database]) -> int:
    """Run ``caja-server session ...``; ``database`` opens the configured database."""
    try:
        if args.session_command == "check":
            definition = validate_definition(_host(), _read(args))
            count = len(definition.activities)
            print(f"{args.file}: valid: '{definition.name}', {count} activities")
            return 0
        if args.session_command == "schema":
            text = json.dumps(definition_schema(_host()), indent=2) + "\n"
            if args.output:
                args.output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        if args.session_command == "import":
            return _import(args, database)
        return _export(args, database)
    except DefinitionInvalid as exc:
        print(_report_invalid(args.file, exc), file=sys.stderr)
        return 1


def _import(args: argparse.Namespace, open_database: Callable[[], Database]) -> int:
    raw = _read(args)
    host = _host()
    validate_definition(host, raw)  # before touching any database
    database = open_database()
    try:
        with database.transaction() as db:
            admin = db.scalars(select(Admin).where(Admin.username == args.admin)).first()
            if admin is None:
                raise SessionCommandError(f"no admin '{args.admin}' (create-admin creates one)")
            session = definition_service.create_from_definition(
                db, host, admin, raw, name=args.name
            )
            sid, name, code = session.id, session.name, session.join_code
    except (CajaError, SQLAlchemyError) as exc:
        if isinstance(exc, DefinitionInvalid):
            raise
        detail = exc.detail if isinstance(exc, CajaError) else str(exc).splitlines()[0]
        raise SessionCommandError(detail) from None
    finally:
        database.dispose()
    print(f"Created session '{name}' ({sid}), join code {code}, owned by {args.admin}.")
    return 0


def _export(args: argparse.Namespace, open_database: Callable[[], Database]) -> int:
    database = open_database()
    try:
        with database.read() as db:
            data = definition_service.definition_for_operator(db, args.session_id)
    except CajaError as exc:
        raise SessionCommandError(f"{exc.detail}: {args.session_id}") from None
    except SQLAlchemyError as exc:
        raise SessionCommandError(str(exc).splitlines()[0]) from None
    finally:
        database.dispose()
    text = dump_definition(data, _file_format(args))
    if args.file == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SessionCommandError(f"can't write {args.file}: {exc}") from None
        print(f"Wrote '{data['name']}' ({len(data['activities'])} activities) to {args.file}.")
    return 0
