"""Which database, and bringing it to the newest schema with the Alembic migrations we ship."""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
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


def make_engine(url: str) -> Engine:
    url = resolve_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


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
