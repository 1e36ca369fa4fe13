"""Errors a user can cause: each names the file and the place in it (docs/architecture.md, "Untrusted input")."""
from __future__ import annotations


class InputError(ValueError):
    """Bad input. ``place`` is a line (``12``), a cell (``支出明细!D17``) or a path (``lines[3].amount``)."""

    def __init__(self, file: str, place: str | int | None, message: str):
        self.file = str(file)
        self.place = "" if place is None else str(place)
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.place}" if self.place else self.file
        return f"{where}: {self.message}"


class Refused(InputError):
    """A published document nothing could be read from — still data: why, which template it
    resembles most, and the table titles found (``check -f json`` and ``read -o`` report them)."""

    def __init__(self, file: str, message: str, resembles: str | None = None, titles: list[str] | tuple = ()):
        self.resembles = resembles
        self.titles = list(titles)
        super().__init__(file, None, message)

    def as_data(self) -> dict:
        return {"input": self.file, "status": "unreadable", "reason": self.message,
                "resembles": self.resembles, "titles": self.titles}


class InputErrors(ValueError):
    """Several input errors found at once (a workbook reports all its errors, not only the first).

    ``more`` counts the errors past the listing limit (limits "errors"): a broken sheet of
    200,000 rows is 100 lines and "… and N more", not millions of lines. ``at_least``: the reader
    stopped looking once past the limit, so N is a lower bound ("… and at least N more")."""

    def __init__(self, errors: list[InputError], more: int = 0, at_least: bool = False):
        from .limits import limit

        shown = limit("errors")
        self.errors = list(errors)[:shown]
        self.more = more + max(0, len(errors) - shown)
        self.at_least = at_least
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """The errors as lines, the last saying how many more were found when some were left out."""
        lines = [str(e) for e in self.errors]
        if self.more:
            lines.append(f"… and {'at least ' if self.at_least else ''}{self.more} more errors in {self.errors[-1].file if self.errors else 'this file'}")
        return lines
