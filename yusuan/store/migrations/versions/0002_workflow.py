"""The finance bureau's workflow (issue 15): accounts, managed units, drafts and their findings,
jobs, published versions and their files, the audit log; triggers that keep published versions
and their files from ever changing.

Revision ID: 0002_workflow
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_workflow"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# The columns of a version that are its content: written once, by the insert.
VERSION_CONTENT = ("unit_id", "public_key", "year", "number", "draft_id", "published_by", "published_at",
                   "report_json", "budget_json", "digest", "origin", "findings_json", "unexplained")


def upgrade() -> None:
    op.create_table("wf_secrets", sa.Column("name", sa.String(50), primary_key=True),
                    sa.Column("value", sa.String(200), nullable=False))
    op.create_table(
        "wf_units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("name", sa.String(500), nullable=False, unique=True),
        sa.Column("region", sa.String(500), nullable=False),
        sa.Column("department", sa.String(500), nullable=False),
    )
    op.create_index("ix_wf_units_region", "wf_units", ["region"])
    op.create_table(
        "wf_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("region", sa.String(500), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "wf_account_units",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("wf_accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("wf_units.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "wf_login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_wf_login_failures_name", "wf_login_failures", ["name", "at"])
    op.create_index("ix_wf_login_failures_address", "wf_login_failures", ["address", "at"])
    op.create_table(
        "wf_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("wf_units.id"), nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("wf_accounts.id"), nullable=False),
        sa.Column("uploaded_at", TS, nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("report_json", sa.Text, nullable=True),
        sa.Column("budget_json", sa.Text, nullable=True),
        sa.Column("previous_id", sa.Integer, sa.ForeignKey("wf_drafts.id"), nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewed_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_wf_drafts_unit", "wf_drafts", ["unit_id", "year"])
    op.create_index("ix_wf_drafts_uploader", "wf_drafts", ["uploaded_by"])
    op.create_table(
        "wf_draft_findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("wf_drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("location", sa.JSON, nullable=False),
        sa.Column("location_text", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("expected", sa.Text, nullable=False),
        sa.Column("found", sa.Text, nullable=False),
        sa.Column("arithmetic", sa.Text, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("explained_by", sa.String(100), nullable=False),
        sa.Column("explained_at", TS, nullable=True),
    )
    op.create_index("ix_wf_draft_findings_draft", "wf_draft_findings", ["draft_id"])
    op.create_table(
        "wf_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("wf_drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("worker", sa.String(100), nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("progress", sa.String(200), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
    )
    op.create_index("ix_wf_jobs_status", "wf_jobs", ["status", "id"])
    op.create_index("ix_wf_jobs_draft", "wf_jobs", ["draft_id"])
    op.create_table(
        "wf_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("wf_units.id"), nullable=False),
        sa.Column("public_key", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("wf_drafts.id"), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("budget_json", sa.Text, nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("findings_json", sa.Text, nullable=False),
        sa.Column("unexplained", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("withdrawn_by", sa.String(100), nullable=False),
        sa.Column("withdrawn_at", TS, nullable=True),
        sa.Column("withdrawn_reason", sa.Text, nullable=False),
        sa.UniqueConstraint("unit_id", "year", "number", name="uq_wf_versions_number"),
    )
    op.create_index("ix_wf_versions_public", "wf_versions", ["public_key", "year"])
    op.create_table(
        "wf_version_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("wf_versions.id"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "wf_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("account", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    op.create_index("ix_wf_audit_at", "wf_audit", ["at"])
    _immutability()


def _immutability() -> None:
    """Published content is written once: the database itself refuses changing or deleting a
    version's file, changing a version's content columns, deleting a version, or rewriting the
    audit log. (Status and withdrawal columns of a version stay writable.)"""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ("wf_version_files", "wf_audit"):
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table}: written once, never changed'); END")
        op.execute("CREATE TRIGGER wf_versions_no_delete BEFORE DELETE ON wf_versions "
                   "BEGIN SELECT RAISE(ABORT, 'wf_versions: a published version is never deleted'); END")
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in VERSION_CONTENT)
        op.execute(f"CREATE TRIGGER wf_versions_content BEFORE UPDATE ON wf_versions WHEN {changed} "
                   "BEGIN SELECT RAISE(ABORT, 'wf_versions: a published version''s content never changes'); END")
    elif dialect == "postgresql":
        op.execute("""CREATE FUNCTION wf_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '%: written once, never changed', TG_TABLE_NAME; END $$""")
        for table in ("wf_version_files", "wf_audit"):
            op.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION wf_refuse()")
        op.execute("CREATE TRIGGER wf_versions_no_delete BEFORE DELETE ON wf_versions "
                   "FOR EACH ROW EXECUTE FUNCTION wf_refuse()")
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in VERSION_CONTENT)
        op.execute(f"CREATE TRIGGER wf_versions_content BEFORE UPDATE ON wf_versions FOR EACH ROW "
                   f"WHEN ({changed}) EXECUTE FUNCTION wf_refuse()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in (("wf_version_files_frozen", "wf_version_files"), ("wf_audit_frozen", "wf_audit"),
                            ("wf_versions_no_delete", "wf_versions"), ("wf_versions_content", "wf_versions")):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS wf_refuse()")
    for table in ("wf_audit", "wf_version_files", "wf_versions", "wf_jobs", "wf_draft_findings", "wf_drafts",
                  "wf_login_failures", "wf_account_units", "wf_accounts", "wf_units", "wf_secrets"):
        op.drop_table(table)  # SQLite drops a table's triggers with it
