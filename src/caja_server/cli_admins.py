"""``caja-server admin passwd|list|disable|enable``: presenter accounts from the terminal."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from caja_core.errors import CajaError
from caja_core.services import accounts
from caja_core.storage.db import Database
from caja_server.settings import default_data_dir


class AdminCommandError(Exception):
    """A refusal to print as ``caja-server: error: ...``."""


def add_admin_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``admin`` and its subcommands, each with the ``common`` options."""
    admin = commands.add_parser("admin", help="presenter accounts: passwd, list, disable, enable")
    sub = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    passwd = sub.add_parser(
        "passwd",
        help="set an account's password (from $CAJA_ADMIN_PASSWORD, or asked for); its logins end",
    )
    passwd.add_argument("username")
    common(passwd)
    common(sub.add_parser("list", help="list the accounts"))
    for name, text in (("disable", "no login; its logins end"), ("enable", "allow login again")):
        action = sub.add_parser(name, help=f"{name} an account: {text}")
        action.add_argument("username")
        common(action)


def new_password(username: str) -> str:
    """The password from ``CAJA_ADMIN_PASSWORD``, or asked for twice in a terminal."""
    password = os.environ.get("CAJA_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise AdminCommandError("set CAJA_ADMIN_PASSWORD, or run in a terminal to be asked")
    password = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise AdminCommandError("the passwords differ")
    return password


def run_admin_command(args: argparse.Namespace, open_database: Callable[[], Database]) -> int:
    """Run ``args.admin_command`` against the database ``open_database`` gives."""
    password = new_password(args.username) if args.admin_command == "passwd" else None
    database = open_database()
    try:
        with database.transaction() as db:
            if args.admin_command == "list":
                for a in accounts.list_accounts(db):
                    state = "disabled" if a.disabled else "active"
                    print(
                        f"{a.username}\t{state}\t{a.logins} logins\tcreated {a.created_at:%Y-%m-%d}"
                    )
                return 0
            admin = accounts.find_admin(db, args.username)
            if password is not None:
                accounts.set_password(db, admin, password)
            else:
                accounts.set_disabled(db, admin, args.admin_command == "disable")
            done = {"passwd": "New password set for", "disable": "Disabled", "enable": "Enabled"}
            print(f"{done[args.admin_command]} '{admin.username}'.")
    except CajaError as exc:
        errors = exc.extra.get("errors") or []
        problems = "; ".join(str(e.get("msg")) for e in errors)
        raise AdminCommandError(f"{exc.detail}: {problems}" if problems else exc.detail) from None
    finally:
        database.dispose()
    return 0


def write_initial_password(path: Path | None, password: str) -> Path:
    """Write the first admin's password to ``path`` (default: ``initial-admin-password`` in
    the data directory), readable by this user only; returns where."""
    path = path or default_data_dir() / "initial-admin-password"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(f"username: admin\npassword: {password}\n")
    path.chmod(0o600)
    return path
