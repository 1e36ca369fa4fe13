"""The report's page HTML, rendered once when it is published (issue 14's speed goal: the unit
page must not typeset a report of thousands of cells on each visit, and a published report's
page must not change when the renderer later does).

Revision ID: 0003_report_html
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_report_html"
down_revision = "0002_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: reports stored before this revision have none, and are rendered (and cached) on
    # their first visit as before.
    op.add_column("reports", sa.Column("page_html", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("reports", "page_html")
