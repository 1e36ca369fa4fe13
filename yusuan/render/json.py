"""The Report's versioned JSON: the interchange format."""
from __future__ import annotations

from . import register


@register("json", "report.json")
def render_json(rendering) -> bytes:
    return rendering.report.to_json().encode("utf-8")
