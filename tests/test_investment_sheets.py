"""The 企业, 政策 and 招商 sheets: a fresh platform imports the two lists and `duikou match`
recommends only eligible policies, division-level first; bad cells named, all or nothing;
re-import changes nothing; undo; an export re-imports unchanged."""

from __future__ import annotations

import json
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from duikou.exchange_io import exports
from duikou.exchange_io import services as io_services
from duikou.exchange_io.models import ImportBatch
from duikou.investment import matching
from duikou.investment.models import Deal, Enterprise, Policy
from tests.investment_kit import code
from tests.test_exchange_support import (
    assert_refused,
    exchange_settings,  # noqa: F401
    make_book,
    messages,
    run,
)

pytestmark = pytest.mark.django_db

E_HEAD = [
    "企业名称*",
    "统一社会信用代码*",
    "所在城市",
    "行业门类*",
    "行业大类",
    "主营产品",
    "规模",
    "零碳标签",
    "投资意向",
    "意向投资额(万元)",
    "联系人",
    "联系电话",
]
P_HEAD = [
    "政策名称*",
    "发文单位*",
    "文号",
    "生效日期*",
    "失效日期",
    "适用行业",
    "优惠类型*",
    "最低投资额(万元)",
    "最低就业人数",
    "适用地区",
    "政策内容",
]
D_HEAD = [
    "项目名称*",
    "企业*",
    "落地县市*",
    "阶段*",
    "签约日期",
    "签约金额(万元)",
    "已到位资金(万元)",
]

ENTERPRISES = [
    E_HEAD,
    [
        "杭州晴川光伏科技有限公司",
        code(1),
        "杭州市",
        "C",
        38,
        "光伏组件、储能电池",
        "中型",
        "是",
        "在海西建设光伏组件和储能项目",
        3000,
        "王晴",
        "13857160001",
    ],
    [
        "湖州云岭数据科技有限公司",
        code(2, "330500"),
        "湖州市",
        "信息传输、软件和信息技术服务业",
        "65",
        "数据中心、绿色算力服务",
        "大型",
        "是",
        "建设绿色算力数据中心",
        "50,000",
        "",
        "",
    ],
    [
        "嘉兴小禾食品有限公司",
        code(3, "330400"),
        "嘉兴市",
        "C",
        "14",
        "枸杞饮品",
        "小型",
        "否",
        "枸杞深加工",
        200,
        "",
        "",
    ],
]
POLICIES = [
    P_HEAD,
    [
        "海西州招商引资若干政策",
        "海西州人民政府",
        "海西政〔2023〕1号",
        "2023-01-01",
        None,
        "",
        "土地、税收",
        None,
        None,
        "海西州",
        "对新引进企业给予土地和税收优惠。",
    ],
    [
        "海西州制造业高质量发展扶持办法",
        "海西州工业和信息化局",
        "海西工信〔2024〕3号",
        "2024/1/1",
        "2028年12月31日",
        "C",
        "补贴",
        1000,
        50,
        "",
        "支持光伏、储能等先进制造业。",
    ],
    [
        "海西州光伏储能产业链支持政策",
        "海西州发展和改革委员会",
        "海西发改〔2024〕8号",
        "20240301",
        "2028-12-31",
        "38、44",
        "电价、土地",
        1000,
        None,
        "",
        "对光伏组件、储能电池制造项目给予支持。",
    ],
    [
        "海西州绿色算力数据中心电价支持政策",
        "海西州发展和改革委员会",
        "海西发改〔2024〕20号",
        "2024-01-01",
        "2029-12-31",
        "I 65",
        "电价",
        10000,
        None,
        "德令哈市",
        "数据中心绿电优惠电价。",
    ],
    [
        "海西州光伏制造过渡期补贴",
        "海西州财政局",
        "海西财〔2020〕5号",
        "2020-01-01",
        "2023-12-31",
        "38",
        "补贴",
        None,
        None,
        "",
        "光伏组件制造补贴。",
    ],
    [
        "都兰县枸杞精深加工奖励办法",
        "都兰县人民政府",
        "",
        "2024-01-01",
        "2026-12-31",
        "C",
        "补贴",
        None,
        None,
        "都兰县",
        "枸杞深加工项目奖励。",
    ],
]
DEALS = [
    D_HEAD,
    [
        "绿色算力数据中心项目",
        "湖州云岭数据科技有限公司",
        "德令哈市",
        "签约",
        "2024-05-28",
        50000,
        0,
    ],
    ["光伏组件项目", code(1), "都兰县", "洽谈", None, None, None],
]


def book(tmp_path, name="lists.xlsx", **sheets):
    return make_book(tmp_path / name, sheets)


def test_a_fresh_platform_imports_the_two_lists_and_matches_only_eligible_policies(db, tmp_path):
    result = run(book(tmp_path, 企业=ENTERPRISES, 政策=POLICIES))
    assert result.ok, messages(result)
    assert Enterprise.objects.count() == 3 and Policy.objects.count() == 6
    solar = Enterprise.objects.get(organisation__credit_code=code(1))
    assert solar.industry_division == "38" and solar.phone_masked == "138****0001"
    assert solar.intended_investment == 30_000_000
    data = Enterprise.objects.get(organisation__credit_code=code(2, "330500"))
    assert data.industry_section == "I"
    expected_first = {
        code(1): "海西发改〔2024〕8号",
        code(2, "330500"): "海西发改〔2024〕20号",
        code(3, "330400"): "",  # the Dulan-only policy has no document number
    }
    for e in Enterprise.objects.all():
        out = StringIO()
        call_command("match", enterprise=e.code, on="2026-12-01", json=True, stdout=out)
        doc = json.loads(out.getvalue())
        got = doc["policies"]
        assert got, e.name
        assert got[0]["doc_no"] == expected_first[e.code]
        levels = [p["level"] for p in got]
        assert levels == sorted(levels, key=lambda lv: -matching.LEVELS[lv])
        for p in got:
            assert p["doc_no"] != "海西财〔2020〕5号"  # expired
            policy = Policy.objects.get(title=p["title"])
            assert matching.eligible(policy, e, matching.dt.date(2026, 12, 1))
    # Importing the same workbook again changes nothing.
    again = run(book(tmp_path, "again.xlsx", 企业=ENTERPRISES, 政策=POLICIES))
    assert again.ok and not any(s.created or s.updated for s in again.sheets.values()), again.text()


@pytest.mark.parametrize(
    ("sheet", "row", "column", "fragment"),
    [
        ("企业", 1, 1, "校验码"),
        ("企业", 1, 4, "不属于门类"),
        ("企业", 1, 9, "不能为负数"),
        ("企业", 1, 9, "不是数字"),
        ("政策", 1, 4, "失效日期"),
        ("政策", 1, 6, "免费午餐"),
        ("政策", 1, 9, "不是海西的县级行政区"),
    ],
)
def test_bad_cells_are_named_and_nothing_is_written(db, tmp_path, sheet, row, column, fragment):
    ents = [list(r) for r in ENTERPRISES]
    pols = [list(r) for r in POLICIES]
    target = ents if sheet == "企业" else pols
    bad = {
        "校验码": code(1)[:-1] + ("0" if code(1)[-1] != "0" else "1"),
        "不属于门类": "44",
        "不能为负数": -5,
        "不是数字": "很多",
        "失效日期": "2022-01-01",
        "免费午餐": "电价、免费午餐",
        "不是海西的县级行政区": "杭州市",
    }[fragment]
    target[row][column] = bad
    result = run(book(tmp_path, 企业=ents, 政策=pols))
    assert_refused(result, fragment)
    header = target[0][column].rstrip("*")
    columns = {e.column.split("(")[0].rstrip("*") for e in result.errors}
    assert header.split("(")[0] in columns, messages(result)
    assert not Enterprise.objects.exists() and not Policy.objects.exists()


def test_deals_import_idempotently_and_an_export_reimports_unchanged(db, tmp_path):
    result = run(book(tmp_path, 企业=ENTERPRISES, 政策=POLICIES, 招商=DEALS))
    assert result.ok, messages(result)
    deal = Deal.objects.get(name="绿色算力数据中心项目")
    assert deal.signed_on.isoformat() == "2024-05-28" and deal.signed_amount == 500_000_000
    again = run(book(tmp_path, "again.xlsx", 企业=ENTERPRISES, 政策=POLICIES, 招商=DEALS))
    assert again.ok and not any(s.created or s.updated for s in again.sheets.values()), again.text()
    sheets = {}
    for name, qs in (
        ("企业", Enterprise.objects.all()),
        ("政策", Policy.objects.all()),
        ("招商", Deal.objects.all()),
    ):
        spec_headers = exports.specs.get(name).headers
        sheets[name] = [spec_headers, *[list(r) for r in exports.rows(name, qs)]]
    exported = run(make_book(tmp_path / "export.xlsx", sheets))
    assert exported.ok, messages(exported)
    assert not any(s.created or s.updated for s in exported.sheets.values()), exported.text()


def test_an_import_of_the_lists_can_be_undone(reg, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path = book(tmp_path, 企业=ENTERPRISES, 政策=POLICIES, 招商=DEALS)
    batch = io_services.batch_create(
        user=reg.hq, file=SimpleUploadedFile(path.name, path.read_bytes()), filename=path.name
    )
    io_services.batch_run(batch, dry_run=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Deal.objects.count() == 2
    io_services.batch_undo(batch, actor=reg.hq)
    assert not Deal.objects.exists() and not Enterprise.objects.exists()
    assert not Policy.objects.exists()


def test_the_template_offers_the_three_sheets(db):
    from duikou.exchange_io import blanks

    names = [s.name for s in exports.specs.ordered()]
    assert {"企业", "政策", "招商"} <= set(names)
    assert blanks  # the template module builds every registered sheet
    _ = BytesIO, load_workbook
