"""Netting of transfers between a department's units (yusuan/consolidate.py ``Transfer``): money
one unit pays another (上缴上级支出 / 附属单位上缴收入, 对附属单位补助支出 / 上级补助收入) is
counted once in the department's budget; every other cell stays the units' sum."""
from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from yusuan.budget import Budget, LineItem, consistency_errors
from yusuan.cli import app
from yusuan.consolidate import ConsolidationError, Transfer, budget_yaml, consolidate
from yusuan.derive import derive
from yusuan.errors import InputError
from yusuan.inputs import read_budget
from tests.contexts import SHANXI

from .helpers import generated
from .test_consolidate import exact, keyed

AMOUNT = Decimal("50000")


def _with_line(budget: Budget, line: LineItem) -> Budget:
    """``budget`` with one more current-year line, its declared income grown to match."""
    income = dict(budget.income or {})
    income[line.source] = income.get(line.source, Decimal(0)) + line.amount
    out = Budget.model_validate({**budget.model_dump(by_alias=True), "lines": [*[l.model_dump() for l in budget.lines], line.model_dump()],
                                 "income": income if budget.income is not None else None})
    assert consistency_errors(out) == []
    return out


@pytest.fixture(scope="module")
def pair():
    """A bureau and its 事业单位, the 事业单位 remitting 50,000 元 of its 单位资金 to the bureau
    (上缴上级支出), which spends it on office costs (its 附属单位上缴收入)."""
    series = generated(3, 3, [2024])
    bureau, centre = series[0][2024], series[1][2024]
    assert centre.unit.department == bureau.unit.name and centre.unit.kind == "事业"
    func = centre.lines[0].func
    remit = LineItem(func=func, econ="39999", amount=AMOUNT, source="单位资金", kind="公用经费")
    centre = _with_line(centre, remit)
    bureau = _with_line(bureau, LineItem(func=bureau.lines[0].func, econ="30201", amount=AMOUNT, source="单位资金", kind="公用经费"))
    transfer = Transfer(payer=centre.unit.name, payee=bureau.unit.name, kind="上缴上级支出", func=func, econ="39999", amount=AMOUNT)
    return bureau, centre, remit, transfer


def test_the_money_is_counted_once_and_every_other_cell_is_the_units_sum(pair, monkeypatch):
    bureau, centre, remit, transfer = pair
    department = consolidate([bureau, centre], "测试部门", transfers=[transfer])
    whole = keyed(exact(department, monkeypatch))
    expected: dict = {}
    for k, unit in enumerate((bureau, centre), 1):
        for key, value in keyed(exact(unit, monkeypatch), f"U{k}-", unit.unit.name).items():
            expected[key] = expected.get(key, Decimal(0)) + value
    # What the transfer line alone shows, once: taken out of the department.
    alone = centre.model_copy(update={"lines": [remit], "projects": [], "income": None, "income_items": [], "performance_order": None})
    for key, value in keyed(exact(alone, monkeypatch), "U2-", centre.unit.name).items():
        expected[key] -= value
    nonzero = lambda cells: {k: v for k, v in cells.items() if v}  # noqa: E731 — a row of zeros is no cell
    assert nonzero(whole) == nonzero(expected)
    # The headline: 收支总计 is the units' less the transfer, counted once.
    total = lambda budget: next(r for r in exact(budget, monkeypatch).table("1").rows if r.label("income_item") == "收入总计").value("income_amount")  # noqa: E731
    assert total(department) == total(bureau) + total(centre) - AMOUNT
    assert department.income["单位资金"] == bureau.income["单位资金"] + centre.income["单位资金"] - AMOUNT
    assert consistency_errors(department) == []


def test_without_transfers_nothing_is_netted(pair):
    bureau, centre, *_ = pair
    department = consolidate([bureau, centre], "测试部门")
    assert sum(l.amount for l in department.lines) == sum(l.amount for l in bureau.lines) + sum(l.amount for l in centre.lines)


def test_a_transfer_the_payer_cannot_pay_is_refused(pair):
    bureau, centre, _, transfer = pair
    too_much = transfer.model_copy(update={"amount": Decimal("1e12")})
    with pytest.raises(ConsolidationError, match=r"transfers\[0\]: .* less than"):
        consolidate([bureau, centre], "x", transfers=[too_much])
    with pytest.raises(ConsolidationError, match=r"transfers\[0\]\.payee: 某单位 is not one of the units"):
        consolidate([bureau, centre], "x", transfers=[transfer.model_copy(update={"payee": "某单位"})])
    with pytest.raises(ConsolidationError, match="does not pay itself"):
        consolidate([bureau, centre], "x", transfers=[transfer.model_copy(update={"payee": transfer.payer})])


def test_fiscal_money_is_no_transfer():
    """财政拨款 reaches each unit from the 财政 directly: a transfer of it is refused."""
    with pytest.raises(ValueError, match="source"):
        Transfer(payer="a", payee="b", kind="对附属单位补助支出", func="2040201", econ="39999", source="一般公共预算", amount="1")


def test_the_command_nets_the_transfers_of_a_file(pair, tmp_path):
    bureau, centre, _, transfer = pair
    files = []
    for unit in (bureau, centre):
        files.append(tmp_path / f"{unit.unit.code}.yaml")
        files[-1].write_text(budget_yaml(unit), encoding="utf-8")
    transfers = tmp_path / "transfers.yaml"
    transfers.write_text(f"""transfers:
  - payer: {transfer.payer}
    payee: {transfer.payee}
    kind: 上缴上级支出
    func: {transfer.func}
    econ: "39999"
    amount: 50000.00
""", encoding="utf-8")
    out = tmp_path / "dept.yaml"
    result = CliRunner().invoke(app, ["consolidate", *map(str, files), "--name", "测试部门", "--transfers", str(transfers), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "netted 1 transfer" in result.output
    text = out.read_text(encoding="utf-8")
    assert "上缴上级支出" in text  # the file says what was netted
    department = consolidate([bureau, centre], "测试部门", transfers=[transfer])
    assert derive(department, SHANXI).table("1") == derive(read_budget(out), SHANXI).table("1")

    bad = tmp_path / "bad.yaml"
    bad.write_text("transfers:\n  - payer: a\n    payee: b\n    kind: 借款\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["consolidate", *map(str, files), "--name", "测试部门", "--transfers", str(bad), "-o", str(tmp_path / "x.yaml")])
    # An InputError: `yusuan` (cli.main) prints it on one line and exits 2.
    assert isinstance(result.exception, InputError)
    assert str(result.exception).startswith(f"{bad}:4: transfers[0].kind")
    assert not (tmp_path / "x.yaml").exists()
