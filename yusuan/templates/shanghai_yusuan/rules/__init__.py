"""The Shanghai 预算's own rules (shanghai-yusuan-danwei; the 部门 variant inherits them through
``extends``): what the layout does not say by itself.

The arithmetic of the nine tables (columns, roll-ups, the same lines shown in two tables) is
generated from template.yaml. What is left: the two 收支总表, rows of labels on two sides
(tables.py), and the prose — 编制说明 and 其他相关情况说明 — whose every figure reading.py makes
a claim (docs/claims.md): each against the table cell it restates,
against the other figures it adds up with, the wording of each change against its sign, and
each stated rate recomputed.
"""
from . import prose, tables  # noqa: F401  (importing registers them)
