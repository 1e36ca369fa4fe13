"""A search's candidates tested without reading the documents: each document's kind, report and
normalized text (yusuan/store/search.py ``normalize``) stored where the full-text index finds it.

- SQLite: the FTS5 table gets them as UNINDEXED columns, before the indexed n-grams (a row's
  later columns are not read for the earlier ones): a search reads its candidates from there
  alone. It was reading each candidate's document row (3–5 µs each, thousands for a common word)
  and normalizing its text in Python (most of a search over prose).
- PostgreSQL: ``search_docs.norm``, beside the tsvector.

Revision ID: 0006_search_candidates
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_search_candidates"
down_revision = "0005_unit_page"
branch_labels = None
depends_on = None

BATCH = 2000


def _documents(connection):
    """(id, kind, report_id, normalized text, grams) of every stored document, in batches."""
    from yusuan.store.search import normalize

    last = 0
    while True:
        rows = connection.execute(sa.text("SELECT id, kind, report_id, text, grams FROM search_docs WHERE id > :last "
                                          "ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        yield [{"id": i, "kind": k, "report_id": r, "norm": normalize(t or ""), "grams": g or ""}
               for i, k, r, t, g in rows]
        last = rows[-1][0]


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts_new USING fts5(kind UNINDEXED, report_id UNINDEXED, "
                   "norm UNINDEXED, grams, tokenize='unicode61')")
        for batch in _documents(connection):
            connection.execute(sa.text("INSERT INTO search_fts_new(rowid, kind, report_id, norm, grams) "
                                       "VALUES (:id, :kind, :report_id, :norm, :grams)"), batch)
        op.execute("DROP TABLE search_fts")
        op.execute("ALTER TABLE search_fts_new RENAME TO search_fts")
    elif connection.dialect.name == "postgresql":
        op.add_column("search_docs", sa.Column("norm", sa.Text, nullable=True))
        for batch in _documents(connection):
            connection.execute(sa.text("UPDATE search_docs SET norm = :norm WHERE id = :id"),
                               [{"id": d["id"], "norm": d["norm"]} for d in batch])


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts_old USING fts5(grams, tokenize='unicode61')")
        op.execute("INSERT INTO search_fts_old(rowid, grams) SELECT id, grams FROM search_docs")
        op.execute("DROP TABLE search_fts")
        op.execute("ALTER TABLE search_fts_old RENAME TO search_fts")
    elif connection.dialect.name == "postgresql":
        op.drop_column("search_docs", "norm")
