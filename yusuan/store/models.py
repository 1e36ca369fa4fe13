"""The portal's database: one row per published unit-year report, its cells, claims and findings.

The Report JSON stays the source of truth (``ReportRow.report_json``): pages and downloads are
rendered from it, so nothing the renderers draw can drift from what was published. The other
tables are that report flattened for what a database is good at: listing, filtering, searching
and comparing cell by cell without loading every report.

Money is exact: ``Money`` stores a Decimal as text on SQLite (whose NUMERIC affinity would turn
6640.71 into a binary float) and as NUMERIC without a scale on PostgreSQL (arbitrary precision,
so no digit is rounded away); it always comes back as a Decimal.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import (JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class Money(TypeDecorator):
    impl = String(64)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.NUMERIC())
        return dialect.type_descriptor(String(64))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):  # a float here would be a bug upstream: refuse it loudly
            raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
        return value if dialect.name == "postgresql" else format(value, "f")

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(value)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class TemplateRow(Base):
    """A layout a stored report is in (shanxi-2024 …), with its name for the pages."""

    __tablename__ = "templates"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="")  # 预算 | 决算
    level: Mapped[str] = mapped_column(String(20), default="")  # 单位 | 部门


class Unit(Base):
    """A budget unit. ``key`` is its stable URL part: the unit code when known, else a slug of
    its name (a report read from a PDF names the unit but gives no code)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(500))
    department: Mapped[str] = mapped_column(String(500), default="")
    department_code: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20), default="")
    reports: Mapped[list["ReportRow"]] = relationship(back_populates="unit", order_by="ReportRow.year")

    __table_args__ = (Index("ix_units_name", "name"), Index("ix_units_department", "department"),
                      Index("ix_units_region", "region"))


class ReportRow(Base):
    """One unit's report of one year: the Report JSON and what the page header needs."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[str] = mapped_column(ForeignKey("templates.id"))
    source: Mapped[str] = mapped_column(String(1000), default="")  # the file it was published from
    origin: Mapped[str] = mapped_column(String(20), default="")  # budget | report | published
    # Loaded only when asked for (deferred): a list of 50 units must not read 50 reports of ~100 kB.
    report_json: Mapped[str] = mapped_column(Text, deferred=True)
    budget_json: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)  # line items, for the data package
    # The report's body as the unit page shows it, rendered when published (yusuan.web.fragment),
    # its links' base written as a marker the page replaces; None for reports stored before 0003.
    page_html: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of report_json: the render cache's key
    # The page's other parts made from the report (charts, year items, anchors, table ids) as
    # JSON, made when published (yusuan.web.fragment.stored_parts); None before 0004_portal_pages.
    page_parts: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    # The unit page's findings section and the report's own charts (their blocks' HTML and data),
    # rendered when published (yusuan.web.unit_page); None before 0005_portal_speed.
    page_findings: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    page_charts: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    # sha256 of the file's bytes it was published from (0004_portal_pages): `serve DIR` leaves a
    # report of the same bytes as it is, without reading the file again
    source_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    headline: Mapped[Decimal | None] = mapped_column(Money, nullable=True)  # the template's headline figure
    headline_unit: Mapped[str] = mapped_column(String(20), default="")
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    roundings: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    unit: Mapped[Unit] = relationship(back_populates="reports")
    template: Mapped[TemplateRow] = relationship()
    cells: Mapped[list["CellRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    claims: Mapped[list["ClaimRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    findings: Mapped[list["FindingRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                         order_by="FindingRow.id")

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_reports_unit_year"), Index("ix_reports_year", "year"))


class CellRow(Base):
    """One amount cell as displayed: table, row (index, code, labels), column (key, header path)."""

    __tablename__ = "cells"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    table_id: Mapped[str] = mapped_column(String(20))
    row_index: Mapped[int] = mapped_column(Integer)
    row_code: Mapped[str] = mapped_column(String(100), default="")
    row_label: Mapped[str] = mapped_column(String(500), default="")  # the row's label texts, joined by " | "
    level: Mapped[int] = mapped_column(Integer, default=0)
    column: Mapped[str] = mapped_column(String(100))
    header: Mapped[str] = mapped_column(String(500), default="")  # the column's header path, joined by " / "
    value: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    unit: Mapped[str] = mapped_column(String(20), default="")

    __table_args__ = (Index("ix_cells_report_table", "report_id", "table_id"), Index("ix_cells_code", "row_code"))


class ClaimRow(Base):
    """A figure stated in the prose (Report.explanations[].claims)."""

    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20), default="")
    subject: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_claims_report", "report_id"),)


class FindingRow(Base):
    """A finding of `yusuan check` on the stored report."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(20))
    location: Mapped[dict] = mapped_column(JSON, default=dict)  # table/row/column/section/quote/project
    location_text: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    expected: Mapped[str] = mapped_column(Text, default="")
    found: Mapped[str] = mapped_column(Text, default="")
    arithmetic: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_findings_report", "report_id"),)


class SearchDoc(Base):
    """One searchable thing of a report: the unit, a classification row, a project, a prose section.

    ``grams`` is the text as character n-gram tokens (yusuan/store/search.py): the full-text index
    (FTS5 on SQLite, a tsvector on PostgreSQL) indexes those, so Chinese, which has no spaces,
    is found by any two characters of a word."""

    __tablename__ = "search_docs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # unit | code | project | prose
    ref: Mapped[str] = mapped_column(String(200), default="")  # a table id, a section number …
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    grams: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_search_docs_report", "report_id"),)
