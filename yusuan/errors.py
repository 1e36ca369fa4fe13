"""Errors a user can cause: each names the file and the place in it (DESIGN.md, "Errors say where")."""
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


class InputErrors(ValueError):
    """Several input errors found at once (a workbook reports all its errors, not only the first)."""

    def __init__(self, errors: list[InputError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
