"""Readers: budget YAML and workbooks (→ Budget), published reports in text or PDF (→ Report)."""


def __getattr__(name: str):
    # Lazy: importing yusuan.read must not pull in pdfplumber or the templates.
    if name in ("published", "ReadResult"):
        from . import published as module

        return getattr(module, name)
    raise AttributeError(name)
