"""Readers: budget YAML and workbooks (→ Budget), published reports in text, PDF or XLSX (→ Report)."""
from .published import ReadResult, published

__all__ = ["ReadResult", "published"]
