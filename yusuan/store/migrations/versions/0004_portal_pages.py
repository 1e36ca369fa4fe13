"""The unit page without parsing its report (issue 14's p99 goal), and serving a folder again
without reading it again:

- ``page_parts``: what the unit page computes from the report besides its HTML (0003) — its
  charts, what it gives the charts across years, each finding's cell anchor, its table ids — as
  JSON made when the report is published (parsing a report's JSON is most of a first visit);
- ``source_sha256``: the sha256 of the file a report was published from, so that
  `yusuan serve DIR|CORPUS` leaves a report of the same bytes as it is.

Revision ID: 0004_portal_pages
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_portal_pages"
down_revision = "0004_workflow_folders"  # chained after the workflow's revision of the same round
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: reports stored before have none (their page parses them once, as before), and a
    # report not published from a file (the bureau's publication) has no source sha256.
    op.add_column("reports", sa.Column("page_parts", sa.Text, nullable=True))
    op.add_column("reports", sa.Column("source_sha256", sa.String(64), nullable=True))
    op.create_index("ix_reports_source_sha256", "reports", ["source_sha256"])


def downgrade() -> None:
    op.drop_index("ix_reports_source_sha256", "reports")
    op.drop_column("reports", "source_sha256")
    op.drop_column("reports", "page_parts")
