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


# -- `check --units --transfers`: the department's cells against its units' netted the same way --

def _files(pair, tmp_path, transfer=None):
    """The two units' budgets, the department consolidated with the transfer, the transfers file."""
    bureau, centre, _, transfer_ = pair
    transfer = transfer or transfer_
    units = []
    for unit in (bureau, centre):
        units.append(tmp_path / f"{unit.unit.code}.yaml")
        units[-1].write_text(budget_yaml(unit), encoding="utf-8")
    department = tmp_path / "dept.yaml"
    department.write_text(budget_yaml(consolidate([bureau, centre], "测试部门", transfers=[transfer])), encoding="utf-8")
    transfers = tmp_path / "t.yaml"
    transfers.write_text(f"transfers:\n  - payer: {transfer.payer}\n    payee: {transfer.payee}\n    kind: {transfer.kind}\n"
                         f"    func: \"{transfer.func}\"\n    econ: \"{transfer.econ}\"\n    amount: {transfer.amount}\n",
                         encoding="utf-8")
    return department, units, transfers


def _sum_errors(department, units, transfers=None):
    from yusuan.commands.check import check_one

    findings, notes, errors = check_one(department, None, (), ("D.",), (), None, tuple(units), transfers)
    assert errors == []
    return [f for f in findings if f.rule == "D.units-sum" and f.severity == "error"], notes, findings


def test_check_units_with_the_transfers_finds_no_gap(pair, tmp_path):
    department, units, transfers = _files(pair, tmp_path)
    errors, notes, findings = _sum_errors(department, units, transfers)
    assert errors == []
    assert {f.severity for f in findings} <= {"rounding"}, [f.line() for f in findings if f.severity != "rounding"]
    assert any(n.startswith(f"transfers: {pair[1].unit.name} counted less") and "50000" in n for n in notes), notes


def test_check_units_without_the_transfers_errs_on_the_touched_cells(pair, tmp_path):
    bureau, centre, remit, _ = pair
    department, units, _ = _files(pair, tmp_path)
    errors, _, _ = _sum_errors(department, units)
    cells = {(f.location.table, f.location.row, f.location.column) for f in errors}
    # 50,000 元 = 5.00 万元 short (5.01 where the units' two roundings meet) on the cells the line
    # moves: the totals, the 单位资金 and basic columns, the rows of its 功能 项 and their parents.
    assert {("1", "收入总计", "income_amount"), ("2", remit.func, "unit_funds"), ("2", remit.func[:5], "total"),
            ("3", remit.func, "basic"), ("3", "合计", "total")} <= cells, cells
    assert all(f.arithmetic.endswith(("(gap -5.00)", "(gap -5.01)")) for f in errors), [f.arithmetic for f in errors]
    # Never a 财政拨款 column: the transfer is 单位资金.
    assert not any(column in ("general", "general_budget") for _, _, column in cells), cells
    # The hint: short by one amount on several cells.
    assert errors and all("a transfer between the units netted? give --transfers" in f.message for f in errors)


def test_check_units_with_transfers_still_catches_another_cell(pair, tmp_path):
    department, units, transfers = _files(pair, tmp_path)
    budget = read_budget(department)
    k, line = next((k, l) for k, l in enumerate(budget.lines) if l.econ != "39999" and l.project is None and not l.carryover)
    lines = list(budget.lines)
    lines[k] = line.model_copy(update={"amount": line.amount + Decimal("10000")})  # 1.00 万元 more
    income = dict(budget.income) if budget.income is not None else None
    if income is not None:
        income[line.source] += Decimal("10000")
    edited = tmp_path / "edited.yaml"
    edited.write_text(budget_yaml(budget.model_copy(update={"lines": lines, "income": income})), encoding="utf-8")
    errors, _, _ = _sum_errors(edited, units, transfers)
    assert errors, "a cell edited after the netting is still not the units' netted sum"
    assert all(f.arithmetic.endswith(("(gap +0.99)", "(gap +1.00)", "(gap +1.01)")) for f in errors), [f.arithmetic for f in errors]
    assert ("2", line.func, "total") in {(f.location.table, f.location.row, f.location.column) for f in errors}
    assert not any("give --transfers" in f.message for f in errors)  # netted: no hint


def test_check_transfers_need_the_payers_budget(pair, tmp_path):
    from yusuan.commands.check import check_one

    department, units, transfers = _files(pair, tmp_path)
    centre_json = tmp_path / "centre.json"
    from yusuan.derive import derive as _derive
    centre_json.write_text(_derive(pair[1], SHANXI).model_dump_json(by_alias=True), encoding="utf-8")
    _, _, errors = check_one(department, None, (), ("D.",), (), None, (units[0], centre_json), transfers)
    assert errors and "transfers[0].payer" in errors[0] and "not a budget" in errors[0], errors
    result = CliRunner().invoke(app, ["check", str(department), "--transfers", str(transfers)])
    assert result.exit_code == 2 and "give --units" in result.output


def test_last_years_transfer_is_netted_from_the_prior_total(pair):
    bureau, centre, _, transfer = pair
    with_prior = transfer.model_copy(update={"prior_amount": Decimal("40000")})
    department = consolidate([bureau, centre], "测试部门", transfers=[with_prior])
    assert department.prior_year.total == bureau.prior_year.total + centre.prior_year.total - Decimal("40000")
    assert consolidate([bureau, centre], "测试部门", transfers=[transfer]).prior_year.total == \
        bureau.prior_year.total + centre.prior_year.total
    # The payer alone, netted as check --transfers nets it: the same cut, the same prior total.
    from yusuan.consolidate import net_unit

    alone = net_unit(centre, [with_prior], {bureau.unit.name, centre.unit.name})
    assert alone.prior_year.total == centre.prior_year.total - Decimal("40000")
    assert sum(l.amount for l in alone.lines) == sum(l.amount for l in centre.lines) - AMOUNT
    assert alone.income["单位资金"] == centre.income["单位资金"] - AMOUNT and consistency_errors(alone) == []
    assert net_unit(bureau, [with_prior], {bureau.unit.name, centre.unit.name}) is bureau  # pays nothing
    too_much = transfer.model_copy(update={"prior_amount": centre.prior_year.total + 1})
    with pytest.raises(ConsolidationError, match=r"transfers\[0\]\.prior_amount"):
        consolidate([bureau, centre], "测试部门", transfers=[too_much])


def test_no_transfer_hint_where_a_unit_is_missing(pair, tmp_path):
    """A unit listed without its report explains the gaps better: no hint of a transfer then."""
    from yusuan.commands.check import check_one

    department, units, _ = _files(pair, tmp_path)
    findings, _, errors = check_one(department, None, (), ("D.",), (), None, (units[0],))
    assert errors == [] and any(f.rule == "D.units-unknown" for f in findings)
    assert any(f.rule == "D.units-sum" and f.severity == "error" for f in findings)
    assert not any("give --transfers" in f.message for f in findings)


def test_the_command_checks_with_transfers(pair, tmp_path):
    department, units, transfers = _files(pair, tmp_path)
    args = ["check", str(department), *[a for u in units for a in ("--units", str(u))], "--select", "D."]
    result = CliRunner().invoke(app, [*args, "--transfers", str(transfers)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "D.units-sum" in result.output and "give --transfers" in result.output
