"""A throwaway PostgreSQL cluster for the portal's tests: initdb in a temporary folder, started
with pg_ctl on a free loopback port, trust authentication, removed at the end.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` user that
Debian's package creates. Where PostgreSQL cannot start the tests skip, saying why — except in
CI (CI=true), where a missing PostgreSQL is a failure, since the same tests must run on both."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="yusuan-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        self.user = os.environ.get("USER", "postgres")

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.as_user + list(command), capture_output=True, text=True, timeout=120)

    def start(self) -> str:
        """The URL of a fresh database; RuntimeError saying why when it cannot start."""
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("PostgreSQL is not installed (no initdb/pg_ctl; scripts/install-debian-packages.sh tests installs it)")
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no postgres user to own the cluster") from None
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            self.user = "postgres"
        done = self._run(initdb, "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[-300:]}")
        self.options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        done = self._run(pg_ctl, "-D", str(self.data), "-o", self.options, "-l", str(self.folder / "log"), "-w", "-t", "60",
                         "start")
        if done.returncode:
            log = (self.folder / "log").read_text(errors="replace")[-300:] if (self.folder / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()[-300:]} {log}")
        url = f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"
        from sqlalchemy import create_engine, text

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + 30
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text("CREATE DATABASE yusuan_test"))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        engine.dispose()
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/yusuan_test"

    def restart(self) -> None:
        """Stop the server (its connections closed) and start it again on the same port."""
        done = self._run(_binary("pg_ctl"), "-D", str(self.data), "-o", self.options, "-l", str(self.folder / "log"),
                         "-m", "fast", "-w", "-t", "60", "restart")
        if done.returncode:
            raise RuntimeError(f"pg_ctl restart failed: {done.stderr.strip()[-300:]}")

    def stop(self) -> None:
        pg_ctl = _binary("pg_ctl")
        if pg_ctl and self.data.exists():
            self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
