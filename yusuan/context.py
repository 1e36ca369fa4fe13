"""The context of one command: which layout, which classification catalog (docs/architecture.md).

Built once by a command (``Context.create``) and passed down through derive, the prose, the
readers, the checker and the renderers; nothing below the commands picks a template or a
catalog of its own. A command that reads a published document may leave the template open
(``template_ref=None``): the reader detects it, and the context it returns names it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .catalog import Catalog
from .templates import Template, load


@dataclass(frozen=True)
class Context:
    template_ref: str | None  # a built-in template id or a template folder; None: detect from the document
    catalog: Catalog
    catalog_files: tuple[str, ...] = ()  # what --catalog named (worker processes load them again)

    @classmethod
    def create(cls, template: str | None = None, catalog_files: tuple[str | Path, ...] | list = ()) -> "Context":
        files = tuple(str(f) for f in catalog_files)
        catalog = Catalog.load(files) if files else Catalog.default()
        if template is not None:
            load(template, 2024)  # an unknown template fails here, in the command, not in a worker
        return cls(template, catalog, files)

    def template(self, year: int) -> Template:
        if self.template_ref is None:
            raise ValueError("no template chosen (detect it from the document first)")
        return load(self.template_ref, year)

    def with_template(self, ref: str) -> "Context":
        return replace(self, template_ref=ref)

    def rendering(self, report, budget=None):
        """What the renderers need for ``report``: its layout (the context's, else the one the
        report names — a report.json says which template it is), the catalog, the budget if any."""
        from .render import Rendering

        return Rendering(report, load(self.template_ref or report.template, report.year), self.catalog, budget)
