"""The portal's store: SQLAlchemy models, Alembic migrations shipped in the package, publishing.

``db.open_store(url)`` gives an engine on a database migrated to the newest schema (SQLite by
default, PostgreSQL by URL); ``ingest.publish_file`` reads, checks and stores one input.
"""
