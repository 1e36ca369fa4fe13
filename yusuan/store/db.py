"""Which database, and bringing it to the newest schema with the Alembic migrations we ship."""
from __future__ import annotations

import os
import select
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_FILE = "yusuan-portal.db"  # in the working folder, created on first start


def resolve_url(db: str | None) -> str:
    """``--db`` (a URL, or a path to a SQLite file), else DATABASE_URL, else the default file.
    A bare postgresql:// URL is given the psycopg (3) driver we install."""
    value = db or os.environ.get("DATABASE_URL") or DEFAULT_FILE
    if "://" not in value:
        return f"sqlite:///{Path(value).absolute()}"
    for bare in ("postgresql://", "postgres://"):
        if value.startswith(bare):
            return "postgresql+psycopg://" + value[len(bare):]
    return value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE is off by default in SQLite
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the server) do not wait for a publisher
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


RECYCLE_SECONDS = 1800  # a pooled connection is replaced after this long (idle timeouts, firewalls)


def _closed_by_server(dbapi_connection) -> bool:
    """Whether the server has closed this pooled connection (it restarted, the backend was
    killed, an idle timeout): between requests a connection has nothing to read, so a readable
    socket means the server's goodbye or an end of file is waiting. One poll(2), no round trip."""
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        return True
    poller = select.poll()
    try:
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    except (OSError, ValueError):
        return True
    return bool(poller.poll(0))


def _check_out(dbapi_connection, _record, _proxy) -> None:
    # Raising DisconnectionError makes the pool drop this connection and check out another (a new
    # one when every pooled one was closed): the page is never asked on a dead connection.
    if _closed_by_server(dbapi_connection):
        raise exc.DisconnectionError("the database server closed this connection")


def make_engine(url: str) -> Engine:
    url = resolve_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Not pool_pre_ping: its "SELECT 1" is a round trip on every checkout, i.e. every request
    # (a third of a page seen before on PostgreSQL). A connection the server closed is found at
    # checkout without one (_check_out); one lost during a request is SQLAlchemy's disconnect
    # detection's: the pool is invalidated, and the unit page asks again once (web/app.py).
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_recycle=RECYCLE_SECONDS)
    event.listen(engine, "checkout", _check_out)
    return engine


def upgrade(engine: Engine) -> None:
    """Apply the migrations the database lacks (all of them on a new one)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("yusuan.store") / "migrations"))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str | None = None, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """The engine and sessions of ``url``, its schema brought up to date unless ``migrate`` is
    false (the server's worker processes: `yusuan serve` migrated once before starting them,
    and several processes running the same migration at once would race)."""
    engine = make_engine(resolve_url(url))
    if migrate:
        upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
