"""The portal's first schema: templates, units, reports, cells, claims, findings, search.

Revision ID: 0001
"""
from alembic import op
import sqlalchemy as sa

from yusuan.store.models import Money

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "templates",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("department", sa.String(500), nullable=False),
        sa.Column("department_code", sa.String(100), nullable=False),
        sa.Column("region", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
    )
    op.create_index("ix_units_name", "units", ["name"])
    op.create_index("ix_units_department", "units", ["department"])
    op.create_index("ix_units_region", "units", ["region"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("template_id", sa.String(100), sa.ForeignKey("templates.id"), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("budget_json", sa.Text, nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("headline", Money(), nullable=True),
        sa.Column("headline_unit", sa.String(20), nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("roundings", sa.Integer, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("unit_id", "year", name="uq_reports_unit_year"),
    )
    op.create_index("ix_reports_year", "reports", ["year"])
    op.create_table(
        "cells",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("table_id", sa.String(20), nullable=False),
        sa.Column("row_index", sa.Integer, nullable=False),
        sa.Column("row_code", sa.String(100), nullable=False),
        sa.Column("row_label", sa.String(500), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("column", sa.String(100), nullable=False),
        sa.Column("header", sa.String(500), nullable=False),
        sa.Column("value", Money(), nullable=True),
        sa.Column("unit", sa.String(20), nullable=False),
    )
    op.create_index("ix_cells_report_table", "cells", ["report_id", "table_id"])
    op.create_index("ix_cells_code", "cells", ["row_code"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("section", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("value", Money(), nullable=True),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_claims_report", "claims", ["report_id"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("location", sa.JSON, nullable=False),
        sa.Column("location_text", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("expected", sa.Text, nullable=False),
        sa.Column("found", sa.Text, nullable=False),
        sa.Column("arithmetic", sa.Text, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
    )
    op.create_index("ix_findings_report", "findings", ["report_id"])
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("grams", sa.Text, nullable=False),
    )
    op.create_index("ix_search_docs_report", "search_docs", ["report_id"])
    # The full-text index of the n-gram tokens (yusuan/store/search.py), each database its own way.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(grams, tokenize='unicode61')")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE search_docs ADD COLUMN tsv tsvector")
        op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    for table in ("search_docs", "findings", "claims", "cells", "reports", "units", "templates"):
        op.drop_table(table)
