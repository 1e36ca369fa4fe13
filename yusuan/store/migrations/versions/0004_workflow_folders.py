"""The bureau's workflow, second slice (issue 15): uploads of several files or a folder grouped
(progress per upload), a budget draft's own rendered PDF, each finding's boxes on its page, and
password resets (a temporary password that must be changed at the next login).

Revision ID: 0004_workflow_folders
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_workflow_folders"
down_revision = "0003_report_html"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "wf_uploads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("wf_accounts.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
    )
    # Plain integer columns added to existing tables (SQLite cannot add a foreign key in place);
    # the ORM keeps them consistent.
    op.add_column("wf_drafts", sa.Column("upload_id", sa.Integer, nullable=True))
    op.create_index("ix_wf_drafts_upload", "wf_drafts", ["upload_id"])
    op.add_column("wf_drafts", sa.Column("pdf", sa.LargeBinary, nullable=True))
    op.add_column("wf_draft_findings", sa.Column("boxes", sa.JSON, nullable=True))
    op.add_column("wf_accounts", sa.Column("must_change", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("wf_accounts", sa.Column("temporary_until", TS, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wf_accounts") as batch:
        batch.drop_column("temporary_until")
        batch.drop_column("must_change")
    with op.batch_alter_table("wf_draft_findings") as batch:
        batch.drop_column("boxes")
    op.drop_index("ix_wf_drafts_upload", "wf_drafts")
    with op.batch_alter_table("wf_drafts") as batch:
        batch.drop_column("pdf")
        batch.drop_column("upload_id")
    op.drop_table("wf_uploads")
