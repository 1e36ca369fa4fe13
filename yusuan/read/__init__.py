"""Readers: budget YAML and workbooks (→ Budget), published reports in text or PDF (→ Report)."""
from .published import ReadResult, published
