"""Tests for yusuan.catalog against the seed disclosure (长治市公安局屯留分局 2024)."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

from yusuan.catalog import Catalog, CatalogError, Entry, normalize_name

TESTS = Path(__file__).resolve().parents[1]
SEED = TESTS / "data" / "tunliu-police-2024.txt"
SHARED_SEED = TESTS.parent.parent / "shared" / "seed" / "tunliu-police-2024.txt"

CLASSES_2024 = [
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"), ("209", "社会保险基金支出"), ("210", "卫生健康支出"),
    ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"), ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"),
    ("232", "债务付息支出"), ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"),
]
CN_ORDINALS = (
    "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十 "
    "二十一 二十二 二十三 二十四 二十五 二十六 二十七 二十八 二十九 三十"
).split()
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


# ---------------------------------------------------------------- seed parsing
@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i: text.index(end, i)]


def subject_rows(sec: str) -> list[tuple[str, str]]:
    """(code, name) rows of a 科目编码/科目名称 table (表2/3/5); a name broken over
    several lines (2080505 in 表5) is joined back."""
    lines = [ln.strip() for ln in sec.splitlines()]
    out = []
    for i, ln in enumerate(lines):
        m = re.match(r"^(2\d{2}(?:\d{2}){0,2})(?:\s+(.*))?$", ln)
        if not m:
            continue
        rest = (m.group(2) or "").split()
        if rest and not NUMBER.match(rest[0]):
            name = rest[0]
        else:  # name on the following lines, up to the first line of numbers
            parts = []
            for nxt in lines[i + 1:]:
                if not nxt:
                    continue
                if NUMBER.match(nxt.split()[0]):
                    break
                parts.append(nxt)
            name = "".join(parts)
        out.append((m.group(1), name))
    return out


def class_rows(sec: str) -> list[tuple[str, str]]:
    """(ordinal, name) of the 支出 column of 表1/表4; names broken over lines are joined."""
    joined = "".join(sec.splitlines())
    items = re.findall(r"([一二三四五六七八九十]+)、([^\s\d、]+)", joined)
    return [(o, n) for o, n in items if not n.endswith(("预算", "资金"))]


@pytest.fixture(scope="module")
def table6(seed_text):
    """[(dept 类 name, dept 款 name, gov 款 name)] of 预算公开表6."""
    sec = section(seed_text, "预算公开表6", "表七")
    sec = sec[sec.index("合计 3059.45"):]
    out, current = [], None
    for ln in sec.splitlines()[1:]:
        tokens = ln.split()
        names = []
        for t in tokens:
            if NUMBER.match(t):
                break
            names.append(t)
        if len(names) == 1:
            current = names[0]
        elif len(names) == 2:
            out.append((current, names[0], names[1]))
        else:
            assert not names, ln
    assert len(out) == 34  # 12 工资福利 + 19 商品和服务 + 2 对个人和家庭 + 1 资本性
    return out


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return Catalog.default()


# ---------------------------------------------------------------- seed data file
def test_seed_copy_is_byte_identical():
    assert SEED.is_file(), "tests/data/tunliu-police-2024.txt must be committed (CI has no /work/shared)"
    if SHARED_SEED.is_file():
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()


# ---------------------------------------------------------------- functional
def test_thirty_classes_in_official_order(cat, seed_text):
    classes = cat.functional_classes()
    assert [(e.code, e.name) for e in classes] == CLASSES_2024
    t1 = class_rows(section(seed_text, "预算公开表1", "表二"))
    assert [o for o, _ in t1] == CN_ORDINALS
    assert [n for _, n in t1] == [e.name for e in classes]


def test_table4_classes_match(cat, seed_text):
    t4 = class_rows(section(seed_text, "预算公开表4", "表五"))
    assert [n for _, n in t4] == [n for _, n in CLASSES_2024]


@pytest.mark.parametrize("table,start,end", [
    ("表2", "预算公开表2", "表三"),
    ("表3", "预算公开表3", "表四"),
    ("表5", "预算公开表5", "表六"),
], ids=["table2", "table3", "table5"])
def test_seed_functional_rows_match_letter_for_letter(cat, seed_text, table, start, end):
    rows = subject_rows(section(seed_text, start, end))
    assert len(rows) >= 16, rows
    for code, name in rows:
        entry = cat.functional(code, where=f"seed {table}")
        assert entry.name == name, (table, code)
        assert entry.source.startswith("seed:")
    assert ("2080505", "机关事业单位基本养老保险缴费支出") in rows


def test_named_seed_entries(cat):
    expected = {
        "2040220": "执法办案", "2040250": "事业运行", "2080501": "行政单位离退休",
        "2080505": "机关事业单位基本养老保险缴费支出", "2101101": "行政单位医疗",
        "2101102": "事业单位医疗", "2210201": "住房公积金", "20805": "行政事业单位养老支出",
        "21011": "行政事业单位医疗", "22102": "住房改革支出", "20402": "公安",
    }
    for code, name in expected.items():
        assert cat.functional(code).name == name


def test_required_classes_have_kuan_and_xiang(cat):
    for cls in ("201", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "221", "224"):
        kuan = cat.children(cls)
        assert len(kuan) >= 3, cls
        assert all(k.level == "款" for k in kuan)
        assert sum(len(cat.children(k.code)) for k in kuan) >= 10, cls
    assert [e.name for e in cat.children("22102")] == ["住房公积金", "提租补贴", "购房补贴"]
    for code, name in [("2040201", "行政运行"), ("2040202", "一般行政管理事务"), ("2040203", "机关服务"),
                       ("2040299", "其他公安支出"), ("2050101", "行政运行"), ("2101103", "公务员医疗补助")]:
        assert cat.functional(code).name == name


def test_levels_parents_and_order(cat):
    for kind, lengths in (("functional", {3: "类", 5: "款", 7: "项"}), ("dept", {3: "类", 5: "款"}),
                          ("gov", {3: "类", 5: "款"}), ("income", {3: "类", 5: "款", 7: "项", 9: "目"})):
        entries = cat.entries(kind)
        codes = [e.code for e in entries]
        assert len(codes) == len(set(codes))
        assert codes == sorted(codes), kind  # official order is code order within these catalogs
        for e in entries:
            assert e.level == lengths[len(e.code)], e
            if e.level == "类":
                assert e.parent == ""
            else:
                assert e.parent == e.code[:-2]
                assert e.parent in codes, e  # every 款/项 parent exists
            assert e.source


def test_ancestors_and_children(cat):
    chain = cat.ancestors("2040220")
    assert [(e.code, e.level) for e in chain] == [("2040220", "项"), ("20402", "款"), ("204", "类")]
    assert [e.name for e in chain] == ["执法办案", "公安", "公共安全支出"]
    assert cat.functional("2040220").parents == ("20402", "204")
    assert [e.code for e in cat.ancestors("204")] == ["204"]
    assert [e.code for e in cat.ancestors("30213")] == ["30213", "302"]
    assert "2040220" in [e.code for e in cat.children("20402")]
    assert all(e.parent == "208" for e in cat.children("208"))
    assert cat.children("2040220") == []
    assert cat.is_functional("2040220") and cat.is_functional("204")
    assert not cat.is_functional("30101") and not cat.is_functional("2040299x")
    with pytest.raises(CatalogError):
        cat.ancestors("9999999", where="t")


def test_unknown_code_error_text(cat):
    with pytest.raises(CatalogError) as exc:
        cat.functional("2040299x", where="budget.yaml:12")
    msg = str(exc.value)
    assert msg == "unknown functional code 2040299x (used at budget.yaml:12; catalog functional-2024.csv)"
    assert exc.value.code == "2040299x" and exc.value.where == "budget.yaml:12"
    assert isinstance(exc.value, ValueError)
    with pytest.raises(CatalogError, match=r"unknown dept economic code 30198 \(used at 表6 row 3; catalog dept-economic.csv\)"):
        cat.dept_economic("30198", where="表6 row 3")
    with pytest.raises(CatalogError, match=r"unknown gov economic code 50198 .*gov-economic.csv"):
        cat.gov_economic("50198", where="x")
    with pytest.raises(CatalogError, match="unit kind"):
        cat.gov_code_for("30101", "企业", where="x")
    with pytest.raises(CatalogError, match="30101x"):
        cat.gov_code_for("30101x", "行政", where="x")


# ---------------------------------------------------------------- economic
def test_table6_names_match_letter_for_letter(cat, table6):
    dept_class = {e.name: e.code for e in cat.entries("dept") if e.level == "类"}
    for cls_name, dept_name, gov_name in table6:
        assert cls_name in dept_class, cls_name
        matches = [e for e in cat.children(dept_class[cls_name]) if e.name == dept_name]
        assert len(matches) == 1, dept_name
        assert any(e.name == gov_name for e in cat.entries("gov") if e.level == "款"), gov_name
    assert cat.dept_economic("30213").name == "维修(护)费"  # ASCII, as the seed's department column
    assert cat.gov_economic("50209").name == "维修（护）费"  # full-width, as its government column
    assert normalize_name("维修(护)费") == normalize_name("维修（护）费")
    assert [e.code for e in cat.by_name("dept", "办公设备购置", under="310")] == ["31002"]


def test_table6_mapping_pairs(cat, table6):
    dept_class = {e.name: e.code for e in cat.entries("dept") if e.level == "类"}
    for cls_name, dept_name, gov_name in table6:
        (dept,) = [e for e in cat.children(dept_class[cls_name]) if e.name == dept_name]
        kind = "事业" if gov_name == "工资福利支出" else "行政"
        gov = cat.gov_for(dept.code, kind, where=f"表6 {dept_name}")
        assert gov.name == gov_name, (dept.code, kind)
        assert cat.mapping_source(dept.code, kind).startswith("seed:")


def test_mapping_rules(cat):
    expected_admin = {
        "30101": "50101", "30102": "50101", "30103": "50101", "30108": "50102", "30110": "50102",
        "30112": "50102", "30113": "50103", "30199": "50199", "30201": "50201", "30213": "50209",
        "30216": "50203", "30218": "50204", "30224": "50204", "30226": "50205", "30227": "50205",
        "30299": "50299", "30217": "50206", "30212": "50207", "30231": "50208", "30302": "50905",
        "30305": "50901", "31002": "50306",
    }
    for dept, gov in expected_admin.items():
        assert cat.gov_code_for(dept, "行政") == gov, dept
        assert cat.gov_code_for(dept, "机关") == gov, dept
    for e in cat.entries("dept"):
        if e.level != "款":
            continue
        for kind in ("行政", "事业"):
            gov = cat.gov_code_for(e.code, kind)  # every 部门 款 maps, for both kinds
            assert cat.gov_economic(gov).level == "款"
        if e.code.startswith("301"):
            assert cat.gov_code_for(e.code, "事业") == "50501"
            assert cat.gov_code_for(e.code, "行政").startswith("501")
        if e.code.startswith("302"):
            assert cat.gov_code_for(e.code, "事业") == "50502"
            assert cat.gov_code_for(e.code, "行政").startswith("502")
        if e.code.startswith("303"):
            assert cat.gov_code_for(e.code, "事业").startswith("509")
        if e.code.startswith("310"):
            assert cat.gov_code_for(e.code, "事业") == "50601"
            assert cat.gov_code_for(e.code, "行政").startswith("503")
        if e.code.startswith("309"):
            assert cat.gov_code_for(e.code, "事业") == "50602"
            assert cat.gov_code_for(e.code, "行政").startswith("504")


def test_economic_catalog_contents(cat):
    dept_classes = [e.code for e in cat.entries("dept") if e.level == "类"]
    assert dept_classes == ["301", "302", "303", "307", "309", "310", "311", "312", "313", "399"]
    gov_classes = [e.code for e in cat.entries("gov") if e.level == "类"]
    assert gov_classes == ["501", "502", "503", "504", "505", "506", "507", "508", "509", "510",
                           "511", "512", "513", "514", "599"]
    assert [e.code for e in cat.children("301")] == [
        "30101", "30102", "30103", "30106", "30107", "30108", "30109", "30110", "30111", "30112",
        "30113", "30114", "30199"]
    assert [e.name for e in cat.children("502")] == [
        "办公经费", "会议费", "培训费", "专用材料购置费", "委托业务费", "公务接待费", "因公出国（境）费用",
        "公务用车运行维护费", "维修（护）费", "其他商品和服务支出"]
    assert cat.gov_economic("503").name == "机关资本性支出（一）"
    assert cat.dept_economic("309").name == "资本性支出（基本建设）"


# ---------------------------------------------------------------- package files
def test_csv_files_are_utf8_without_bom():
    for name in ("functional-2024.csv", "dept-economic.csv", "gov-economic.csv", "income-2024.csv", "economic-mapping.csv"):
        data = resources.files("yusuan.catalog").joinpath(name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), name
        rows = list(csv.reader(data.decode("utf-8").splitlines()))
        header = rows[0]
        if name == "economic-mapping.csv":
            assert header == ["dept_code", "unit_kind", "gov_code", "source"]
            assert {r[1] for r in rows[1:]} == {"行政", "事业"}
        else:
            assert header == ["code", "name", "level", "parent", "source"]
        assert all(len(r) == len(header) for r in rows)


def test_income_catalog_covers_both_incomes_and_extends_by_filename(tmp_path):
    cat = Catalog.default()
    assert [e.name for e in (cat.income("103"), cat.income("10301"), cat.income("10306"))] == ["非税收入", "政府性基金收入", "国有资本经营收入"]
    assert cat.income("103014801").parents == ("1030148", "10301", "103")
    f = tmp_path / "my-income-2025.csv"
    f.write_text("code,name\n1030177,新设基金收入\n103017701,新设基金收入目\n", encoding="utf-8")
    extended = Catalog.load([f])
    assert extended.income("103017701") == Entry("103017701", "新设基金收入目", "目", "1030177", f"{f}:3")
    with pytest.raises(CatalogError, match=r"unknown income code 1030177 .*income-2024.csv"):
        cat.income("1030177", where="t")


def test_default_is_cached():
    assert Catalog.default() is Catalog.default()


# ---------------------------------------------------------------- --catalog overrides
def test_extra_catalog_by_filename(tmp_path):
    f = tmp_path / "functional-2025.csv"
    f.write_text(
        "code,name,level,parent,source\n"
        "2040220,执法办案（改）,项,20402,test\n"
        "2040224,新设项,项,20402,test\n"
        "2040221,-,,,\n",
        encoding="utf-8",
    )
    cat = Catalog.load([f])
    assert cat.functional("2040220").name == "执法办案（改）"
    assert cat.functional("2040224") == Entry("2040224", "新设项", "项", "20402", "test")
    assert [e.code for e in cat.children("20402")][-1] == "2040224"
    assert not cat.is_functional("2040221")
    # the renamed entry keeps its official position
    codes = [e.code for e in cat.children("20402")]
    assert codes.index("2040220") < codes.index("2040250")
    with pytest.raises(CatalogError, match=r"unknown functional code 2040221 .*functional-2024.csv \+ .*functional-2025.csv"):
        cat.functional("2040221", where="t")
    # the default catalog is untouched
    assert Catalog.default().functional("2040220").name == "执法办案"
    assert not Catalog.default().is_functional("2040224")


def test_extra_catalog_with_catalog_column(tmp_path):
    f = tmp_path / "overrides.csv"
    f.write_text(
        "catalog,code,name,level,parent,source,dept_code,unit_kind,gov_code\n"
        "dept,30232,新经济款,,,,,,\n"
        "gov,50210,新政府款,,,,,,\n"
        "mapping,,,,,,30232,行政,50210\n"
        "mapping,,,,,,30232,事业,50502\n"
        "functional,235,新类支出,类,,,,,\n",
        encoding="utf-8",
    )
    cat = Catalog.load([f])
    e = cat.dept_economic("30232")
    assert (e.name, e.level, e.parent) == ("新经济款", "款", "302")
    assert e.source == f"{f}:2"
    assert cat.gov_code_for("30232", "行政") == "50210"
    assert cat.gov_code_for("30232", "事业") == "50502"
    assert cat.functional_classes()[-1].name == "新类支出"


def test_extra_catalog_errors(tmp_path):
    bad_parent = tmp_path / "functional-x.csv"
    bad_parent.write_text("code,name\n2999901,无父项\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"2999901 .*functional-x.csv:2 has no parent 29999"):
        Catalog.load([bad_parent])
    unnamed = tmp_path / "extra.csv"
    unnamed.write_text("code,name\n2040220,x\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot tell which catalog"):
        Catalog.load([unnamed])
    bad_map = tmp_path / "my-mapping.csv"
    bad_map.write_text("dept_code,unit_kind,gov_code\n30101,行政,50188\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"unknown gov economic code 50188 \(used at .*my-mapping.csv:2"):
        Catalog.load([bad_map])
    bad_code = tmp_path / "dept-extra.csv"
    bad_code.write_text("code,name\n3010,x\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad dept economic code '3010' at .*dept-extra.csv:2"):
        Catalog.load([bad_code])
