"""The 部门决算's own rules: what its layout does not say by itself.

The column sums (本年收入合计 = its sources, 三公 合计 = its items, each phase apart) and the
roll-ups of the tables printed with codes are generated from template.yaml. What is left:

- the two 收支总表 (tables 1 and 4): rows of labels, two sides, 总计 = 本年 + balances;
- the 基本支出 table (6): two sides of 经济分类 codes, each closed by its 合计 row;
- the 基金/国资 tables (8, 9): 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余;
- across tables: the identities that link the nine (table 1's sources and 类 against tables 2
  and 3, table 4 against 5, 8 and 9, table 5's 基本支出 against table 6);
- the 说明: every amount it restates, every share and growth rate, and a 决算's own sentences —
  决算数 against 年初/全年预算数 (the wording 大于/小于/持平 agrees with the figures, a stated
  完成…% is recomputed, a reason is given where they differ) and changes against last year.

Claims are named by their subject (docs/claims.md, the 决算 vocabulary of
yusuan/templates/shanghai_juesuan/reading.py).
"""
from . import tables, cross, prose  # noqa: F401  (importing registers them)
