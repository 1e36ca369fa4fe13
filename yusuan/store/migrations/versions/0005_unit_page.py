"""The unit page joined from text stored at publication (issue 14's p99 goal on first visits):

- ``page_findings``: the page's findings section, rendered when the report is published;
- ``page_charts``: the report's own charts, each one's HTML block and its data as the page embeds
  them (JSON), rendered when published.

A first visit then renders only the page's head and the charts across the unit's years
(yusuan/web/unit_page.py). Reports stored before have neither and are made as before, once per
process.

Revision ID: 0005_unit_page
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_unit_page"
down_revision = "0004_portal_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("page_findings", sa.Text, nullable=True))
    op.add_column("reports", sa.Column("page_charts", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("reports", "page_charts")
    op.drop_column("reports", "page_findings")
