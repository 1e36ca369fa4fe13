"""The rules that are Shanxi's own (the arithmetic of each table is generated from template.yaml):
its 收支总表, the cross-table identities that are not equal filters, the prose of 第三部分, the
项目支出绩效目标表 and what the 操作规程 requires it to disclose. Importing registers them."""
from . import completeness, cross, prose, tables, targets  # noqa: F401
