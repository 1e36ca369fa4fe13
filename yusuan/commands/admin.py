"""`yusuan admin create-user NAME --role admin|reviewer|publisher` and `yusuan worker`: the
finance bureau's accounts and the background worker of the portal (docs/workflow.md).

The first admin can only be made here (the pages need an admin to make accounts). The password
is read from a prompt (not echoed, asked twice) or from --password-file, never from the command
line, where it would stay in the shell's history and in the process list.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DB_HELP = "database URL or SQLite file (default $DATABASE_URL, else yusuan-portal.db here)"


def register(app: typer.Typer) -> None:
    admin = typer.Typer(no_args_is_help=True, help="Accounts of the portal's finance-bureau workflow.")
    app.add_typer(admin, name="admin")

    @admin.command("create-user")
    def create_user(
        name: str = typer.Argument(..., help="the account name"),
        role: str = typer.Option(..., "--role", help="admin, reviewer or publisher"),
        region: str = typer.Option("", "--region", help="a reviewer's region (the units' 地区)"),
        unit: list[str] = typer.Option([], "--unit", help="a publisher's unit, by name (registered if new); repeatable"),
        password_file: Optional[Path] = typer.Option(None, "--password-file", help="read the password from this file "
                                                                                   "(its first line)"),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """Make an account (the first admin, or any account from a script)."""
        from sqlalchemy import select

        from ..errors import InputError
        from ..store.db import open_store
        from ..store.workflow import WorkflowError, audit, create_account
        from ..store.workflow_models import ManagedUnit

        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(password_file, None, f"cannot read the password ({exc})") from None
            password = lines[0] if lines else ""
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        _, sessions = open_store(db)
        try:
            with sessions.begin() as s:
                units = []
                for unit_name in unit:
                    found = s.scalars(select(ManagedUnit).where(ManagedUnit.name == unit_name)).first()
                    if found is None:
                        found = ManagedUnit(name=unit_name, code="", region=region, department="")
                        s.add(found)
                    units.append(found)
                account = create_account(s, name, password, role, region=region, units=units)
                audit(s, "(command line)", "create-account", account.name, f"role {role}", "localhost")
        except WorkflowError as exc:
            raise InputError(name, None, str(exc)) from None
        typer.echo(f"created {role} {name}")

    @admin.command("reset-password")
    def reset_password_command(
        name: str = typer.Argument(..., help="the account whose password is reset"),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """Give an account a temporary password (printed once; good for 72 hours, only to choose a
        new one at the next login) and end its sessions — for the last admin, who has no other
        admin to reset it on the page."""
        from sqlalchemy import select

        from ..errors import InputError
        from ..store.db import open_store
        from ..store.workflow import WorkflowError, audit, reset_password
        from ..store.workflow_models import Account

        _, sessions = open_store(db)
        try:
            with sessions.begin() as s:
                account = s.scalars(select(Account).where(Account.name == name)).first()
                if account is None:
                    raise WorkflowError(f"没有账号 {name}")
                # the command line acts as an admin that is no account (the page's rules otherwise)
                console = Account(id=-1, name="(command line)", role="admin")
                temporary = reset_password(s, console, account)
                audit(s, "(command line)", "reset-password", account.name,
                      "temporary password issued; every session of the account ended", "localhost")
        except WorkflowError as exc:
            raise InputError(name, None, str(exc)) from None
        typer.echo(f"temporary password of {name} (shown once; change it at the next login): {temporary}")

    @app.command("worker")
    def worker_command(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        once: bool = typer.Option(False, "--once", help="do the jobs waiting now, then stop"),
    ) -> None:
        """Read and check uploaded drafts (jobs kept in the database) until stopped."""
        import signal
        import threading

        from ..batch import Interrupted
        from ..jobs import Worker
        from ..store.db import open_store

        _, sessions = open_store(db)
        worker = Worker(sessions)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            if once:
                while worker.run_one():
                    pass
                return
            worker.run(stop)
        except (KeyboardInterrupt, Interrupted):
            # Stopped while a file was read in its capped process: that process is ended and
            # the job is back in the queue for the next worker (yusuan/jobs.py).
            pass
