"""The 销售 sheet (templates.md): a fresh platform imports a year of sales from ~50 channels (month
and day rows, amounts in every accepted form), its `sales` figures exact to the 分; re-importing
changes nothing; a copy with one negative amount writes nothing and names the cell; each bad
cell is named; new channels and products are warnings; dry run; 元 columns; undo; export."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from duikou.consumption.models import Channel, Product, Sale, Supplier
from duikou.exchange_io import exports
from duikou.exchange_io import services as io_services
from duikou.exchange_io.models import ImportBatch
from duikou.reports import figures
from tests.test_exchange_support import (
    assert_refused,
    exchange_settings,  # noqa: F401
    make_book,
    messages,
    run,
    table_counts,
)

pytestmark = pytest.mark.django_db

HEAD = [
    "日期*",
    "产品*",
    "渠道*",
    "渠道类型*",
    "销售额(万元)*",
    "订单额(万元)",
    "城市",
    "供应商",
]
CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "台州市"]
PRODUCTS = ["柴达木枸杞", "黑枸杞", "柴达木藜麦", "牦牛肉", "茶卡羊", "柴达木盐羊"]
SUPPLIERS = ["都兰县诺木洪枸杞专业合作社", "乌兰县茶卡羊养殖专业合作社", ""]
FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def messy(fen: int, form: int):
    """One 万元 amount written in one of the forms a sheet may hold."""
    wan = Decimal(fen) / 1_000_000
    text = format(wan, "f")
    return [
        float(wan),  # a number cell
        f"{wan:,}",  # thousands separators
        text.translate(FULL),  # full-width digits
        f"{text}万元",  # the unit written after it
        f"￥{text}",  # a currency sign
        f"\u3000{text} ",  # full-width and plain spaces
        int(wan) if wan == int(wan) else text,  # an integer cell, else text
    ][form % 7]


def period(day: dt.date, month_row: bool, form: int):
    if month_row:
        return [
            f"{day.year}-{day.month:02d}",
            f"{day.year}/{day.month}",
            f"{day.year}年{day.month}月",
        ][form % 3]
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        dt.datetime(day.year, day.month, day.day),  # a real date cell
    ][form % 5]


def year_book(seed: int = 12) -> tuple[list[list], int, int, dict[str, int]]:
    """A year (2023) of sales from 50 channels: the rows, the sold and ordered totals in 分,
    and sold by channel kind."""
    rng = random.Random(seed)
    channels = [(f"测试城市店{i:02d}", "门店") for i in range(30)]
    channels += [(f"测试电商平台{i:02d}", "电商") for i in range(10)]
    channels += [(f"测试食堂{i}", "食堂采购") for i in range(5)]
    channels += [(f"测试其他渠道{i}", "其他") for i in range(3)]
    channels += [("浙江农博会", "展会"), ("杭州年货节", "展会")]
    rows = [HEAD]
    sold_total = ordered_total = 0
    by_kind: dict[str, int] = {}
    form = 0
    for c, (name, kind) in enumerate(channels):
        city = CITIES[c % len(CITIES)]
        if kind == "展会":
            days = [dt.date(2023, 11, 24 + k) for k in range(3)]
            for k, day in enumerate(days):
                for product in PRODUCTS[k : k + 2]:
                    sold, ordered = rng.randint(1, 9_000_000_00), rng.randint(0, 50_000_000_00)
                    form += 1
                    rows.append(
                        [
                            period(day, False, form),
                            product,
                            name,
                            kind,
                            messy(sold, form),
                            messy(ordered, form + 3),
                            city,
                            SUPPLIERS[form % 3],
                        ]
                    )
                    sold_total += sold
                    ordered_total += ordered
                    by_kind[kind] = by_kind.get(kind, 0) + sold
            continue
        for month in range(1, 13):
            first = dt.date(2023, month, 1)
            product = PRODUCTS[(c + month) % len(PRODUCTS)]
            sold = rng.randint(0, 80_000_000)
            form += 1
            rows.append(
                [
                    period(first, True, form),
                    product,
                    name,
                    kind,
                    messy(sold, form),
                    None,
                    city if month == 1 else "",
                    SUPPLIERS[(c + month) % 3],
                ]
            )
            sold_total += sold
            by_kind[kind] = by_kind.get(kind, 0) + sold
            if kind == "门店" and month % 4 == 0:
                # A day row beside the month row (another key): a promotion day.
                day = dt.date(2023, month, 8 + c % 20)
                sold = rng.randint(1, 5_000_000)
                form += 1
                rows.append(
                    [period(day, False, form), product, name, kind, messy(sold, form), 0, "", ""]
                )
                sold_total += sold
                by_kind[kind] = by_kind.get(kind, 0) + sold
    return rows, sold_total, ordered_total, by_kind


def yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def test_a_year_from_50_channels_imports_exactly_and_again_changes_nothing(reg, tmp_path):
    rows, sold, ordered, by_kind = year_book()
    path = make_book(tmp_path / "销售2023.xlsx", {"销售": rows})
    result = run(path, reg.hq)
    assert result.ok, messages(result)
    assert Channel.objects.count() == 50
    assert Product.objects.count() == len(PRODUCTS)
    assert Supplier.objects.count() == 2
    assert Sale.objects.count() == len(rows) - 1
    data = figures.sales(2023)
    assert data["sold"] == yuan(sold)
    assert data["ordered"] == yuan(ordered)
    assert data["by_channel_kind"] == {
        k: yuan(v)
        for k, v in sorted(
            by_kind.items(),
            key=lambda kv: ["门店", "电商", "展会", "食堂采购", "其他"].index(kv[0]),
        )
    }
    assert figures.outlets(2023)["门店"] == 30
    # New channels and products are listed as warnings.
    warnings = "\n".join(w.text() for w in result.warnings)
    assert "新建渠道“测试城市店00”" in warnings and "新建产品“柴达木枸杞”" in warnings
    # The city of a channel comes from its first row.
    assert Channel.objects.get(name="测试城市店00").city.name == "杭州市"
    before = table_counts()
    again = run(path, reg.hq)
    assert again.ok, messages(again)
    summary = again.sheets["销售"]
    assert summary.created == 0 and summary.updated == 0
    assert summary.unchanged == len(rows) - 1
    assert table_counts() == before
    assert figures.sales(2023)["sold"] == yuan(sold)

    # A copy with one negative amount writes nothing and names the cell.
    bad = [list(r) for r in rows]
    bad[37][4] = "-12.5"
    path2 = make_book(tmp_path / "销售2023-坏.xlsx", {"销售": bad})
    assert_refused(
        run(path2, reg.hq), "销售 第 38 行 “销售额(万元)*”列", "金额不能为负数", before=before
    )


def test_a_negative_amount_on_a_fresh_platform_writes_nothing(reg, tmp_path):
    rows = [
        HEAD,
        ["2023-06", "柴达木枸杞", "杭州十城百店·西湖店", "门店", "1.5", "", "杭州市", ""],
        ["2023-07", "柴达木枸杞", "杭州十城百店·西湖店", "门店", "-1", "", "", ""],
    ]
    before = table_counts()
    result = run(make_book(tmp_path / "b.xlsx", {"销售": rows}), reg.hq)
    assert_refused(result, "第 3 行 “销售额(万元)*”列", "金额不能为负数", before=before)
    assert not Channel.objects.exists() and not Product.objects.exists()


@pytest.mark.parametrize(
    ("row", "fragments"),
    [
        (
            ["2023-06", "枸杞", "某店", "超市", "1", "", "", ""],
            ["“渠道类型*”列", "不是有效的渠道类型", "门店、电商"],
        ),
        (
            ["2023-06", "枸杞", "某店", "门店", "十二", "", "", ""],
            ["“销售额(万元)*”列", "不是数字"],
        ),
        (["2023-06", "枸杞", "某店", "门店", "1", "abc", "", ""], ["“订单额(万元)”列", "不是数字"]),
        (
            ["2099-06", "枸杞", "某店", "门店", "1", "", "", ""],
            ["“日期*”列", "月份 2099-06 尚未到来"],
        ),
        (["2099-06-18", "枸杞", "某店", "门店", "1", "", "", ""], ["“日期*”列", "在今天之后"]),
        (
            ["2023-13", "枸杞", "某店", "门店", "1", "", "", ""],
            ["“日期*”列", "月份“2023-13”不存在"],
        ),
        (["六月", "枸杞", "某店", "门店", "1", "", "", ""], ["“日期*”列", "无法识别的日期"]),
        (
            ["2023-06", "枸杞", "某店", "门店", "1", "", "都兰县", ""],
            ["“城市”列", "不是浙江省的地级市"],
        ),
    ],
)
def test_each_bad_cell_is_refused_and_named(reg, tmp_path, row, fragments):
    before = table_counts()
    result = run(make_book(tmp_path / "b.xlsx", {"销售": [HEAD, row]}), reg.hq)
    assert_refused(result, "销售 第 2 行", *fragments, before=before)


def test_a_channel_named_again_with_another_kind_is_an_error_on_that_cell(reg, tmp_path):
    rows = [
        HEAD,
        ["2023-06", "枸杞", "某店", "门店", "1", "", "", ""],
        ["2023-07", "枸杞", "某店", "电商", "1", "", "", ""],
    ]
    before = table_counts()
    result = run(make_book(tmp_path / "b.xlsx", {"销售": rows}), reg.hq)
    assert_refused(
        result,
        "销售 第 3 行 “渠道类型*”列",
        "在第 2 行的渠道类型是“门店”，本行填了“电商”",
        before=before,
    )
    # Against a channel already registered.
    from duikou.consumption import services

    services.channel_create(actor=None, name="浙江农博会", kind="展会")
    rows = [HEAD, ["2023-11-24", "枸杞", "浙江农博会", "门店", "1", "", "", ""]]
    before = table_counts()
    result = run(make_book(tmp_path / "c.xlsx", {"销售": rows}), reg.hq)
    assert_refused(result, "“渠道类型*”列", "已登记为“展会”，本行填了“门店”", before=before)


def test_the_same_key_twice_in_a_book_is_an_error_but_a_day_beside_a_month_is_not(reg, tmp_path):
    rows = [
        HEAD,
        ["2023-06", "枸杞", "某店", "门店", "1", "", "", ""],
        ["2023年6月", "枸杞", "某店", "门店", "2", "", "", ""],
    ]
    assert_refused(run(make_book(tmp_path / "b.xlsx", {"销售": rows}), reg.hq), "与第 2 行是同一")
    rows = [
        HEAD,
        ["2023-06", "枸杞", "某店", "门店", "1", "", "", ""],
        ["2023-06-01", "枸杞", "某店", "门店", "2", "", "", ""],
    ]
    result = run(make_book(tmp_path / "c.xlsx", {"销售": rows}), reg.hq)
    assert result.ok, messages(result)
    assert Sale.objects.filter(is_month=True).count() == 1
    assert Sale.objects.filter(is_month=False).count() == 1


def test_a_dry_run_writes_nothing_and_yuan_columns_are_accepted(reg, tmp_path):
    head = [h.replace("(万元)", "(元)") for h in HEAD]
    rows = [head, ["2023/6", "黑枸杞", "某平台", "电商", "12,345.67", "0.5", "宁波市", ""]]
    path = make_book(tmp_path / "b.xlsx", {"销售": rows})
    before = table_counts()
    dry = run(path, reg.hq, dry_run=True)
    assert dry.ok, messages(dry)
    assert dry.sheets["销售"].created == 1
    assert table_counts() == before
    assert run(path, reg.hq).ok
    sale = Sale.objects.get()
    assert sale.sold == Decimal("12345.67") and sale.ordered == Decimal("0.50")
    assert sale.is_month and sale.date == dt.date(2023, 6, 1)


def test_a_changed_amount_updates_the_row_in_history_and_an_import_can_be_undone(
    reg,
    tmp_path,
    exchange_settings,  # noqa: F811
):
    rows = [
        HEAD,
        [
            "2023-06",
            "柴达木枸杞",
            "杭州十城百店·西湖店",
            "门店",
            "1.5",
            "",
            "杭州市",
            "都兰县诺木洪枸杞专业合作社",
        ],
    ]
    assert run(make_book(tmp_path / "a.xlsx", {"销售": rows}), reg.hq).ok
    rows[1][4] = "2.25"
    path = make_book(tmp_path / "b.xlsx", {"销售": rows})
    batch = io_services.batch_create(
        user=reg.hq, file=SimpleUploadedFile(path.name, path.read_bytes()), filename=path.name
    )
    io_services.batch_run(batch, dry_run=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    sale = Sale.objects.get()
    assert sale.sold == Decimal("22500.00")
    assert "导入" in sale.history.order_by("-history_id").first().history_change_reason
    io_services.batch_undo(batch, actor=reg.hq)
    sale.refresh_from_db()
    assert sale.sold == Decimal("15000.00")
    # A book that created everything goes away entirely.
    rows2 = [HEAD, ["2023-07", "牦牛肉", "某新平台", "电商", "3", "", "", "天峻县牦牛肉公司"]]
    path2 = make_book(tmp_path / "c.xlsx", {"销售": rows2})
    batch2 = io_services.batch_create(
        user=reg.hq, file=SimpleUploadedFile(path2.name, path2.read_bytes()), filename=path2.name
    )
    io_services.batch_run(batch2, dry_run=False)
    assert Channel.objects.filter(name="某新平台").exists()
    io_services.batch_undo(batch2, actor=reg.hq)
    assert not Channel.objects.filter(name="某新平台").exists()
    assert not Product.objects.filter(name="牦牛肉").exists()
    assert not Supplier.objects.filter(organisation__name="天峻县牦牛肉公司").exists()
    assert Sale.objects.count() == 1


def test_the_shop_liaison_cannot_import_and_a_county_team_only_its_suppliers(reg, tmp_path):
    from duikou.consumption import services

    services.channel_create(actor=None, name="某店", kind="门店")
    services.product_create(actor=None, name="枸杞")
    rows = [HEAD, ["2023-06", "枸杞", "某店", "门店", "1", "", "", "乌兰县某合作社"]]
    before = table_counts()
    result = run(make_book(tmp_path / "b.xlsx", {"销售": rows}), reg.dulan_team)
    assert_refused(result, "“供应商”列", before=before)
    assert not io_services.can_import(reg.doctor)


def test_an_export_of_the_sales_list_re_imports_unchanged(reg, tmp_path):
    rows, *_ = year_book(seed=3)
    assert run(make_book(tmp_path / "a.xlsx", {"销售": rows[:80]}), reg.hq).ok
    response = exports.sheet_response("销售", Sale.objects.all(), "xlsx", "sales")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(BytesIO(data))
    assert "销售" in book.sheetnames
    again = run(data, reg.hq)
    assert again.ok, messages(again)
    assert again.sheets["销售"].created == 0 and again.sheets["销售"].updated == 0
