"""Cell normalisers: exact money, every date form, headers with units and marks."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duikou.exchange_io import cells
from duikou.exchange_io.engine import infer_kind
from duikou.exchange_io.reader import header_key


@pytest.mark.parametrize(
    ("raw", "unit", "fen"),
    [
        (1200, "万元", 1_200_000_000),
        (0.1 + 0.2, "万元", 300_000),  # a formula's float noise is what Excel shows: 0.3
        ("1,234.56", "元", 123_456),
        ("１２３４．５", "元", 123_450),
        ("￥12.5万元", "万元", 12_500_000),
        ("0.000001", "万元", 1),
        (" 12 ", "元", 1200),
        ("0", "元", 0),
    ],
)
def test_money_is_exact(raw, unit, fen):
    assert cells.money_fen(raw, unit) == fen


@pytest.mark.parametrize(
    ("raw", "unit", "fragment"),
    [
        (-1, "元", "负数"),
        ("0.0000001", "万元", "最多 6 位小数"),
        ("0.001", "元", "最多 2 位小数"),
        ("abc", "元", "不是数字"),
        ("1e5", "元", "不是数字"),
        (True, "元", "不是数字"),
        ("12元", "万元", "单位是“万元”"),
        (1e15, "万元", "金额过大"),
    ],
)
def test_bad_money(raw, unit, fragment):
    with pytest.raises(cells.CellError, match=fragment):
        cells.money_fen(raw, unit)


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_any_fen_amount_written_in_wan_reads_back_exactly(fen):
    from decimal import Decimal

    from duikou.exchange_io.exports import wan

    assert cells.money_fen(format(wan(Decimal(fen) / 100), "f"), "万元") == fen


def test_dates():
    june = dt.date(2023, 6, 1)
    for raw in [
        "2023-06-01",
        "2023/6/1",
        "2023.6.1",
        "2023年6月1日",
        "20230601",
        20230601.0,
        45078.0,
        dt.datetime(2023, 6, 1, 8, 30),
        "2023-06-01 00:00:00",
    ]:
        assert cells.parse_date(raw) == june, raw
    with pytest.raises(cells.CellError, match="不存在"):
        cells.parse_date("2023-02-29")
    assert cells.parse_date("2024-02-29") == dt.date(2024, 2, 29)


def test_headers():
    assert header_key("援助资金(万元)*") == ("援助资金", "万元")
    assert header_key("＊援助资金（元）") == ("援助资金", "元")
    assert header_key(" 项目编号 * ") == ("项目编号", "")
    assert header_key("金额[万元]") == ("金额", "万元")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("都兰县人民医院", "医院"),
        ("德令哈市第一中学", "学校"),
        ("青海柴达木职业技术学院", "院校"),
        ("乌兰县茶卡村", "村"),
        ("都兰县枸杞种植专业合作社", "合作社"),
        ("宁波某某有限公司", "企业"),
        ("都兰县卫生健康局", "政府机关"),
        ("海西州青少年宫", "其他"),
    ],
)
def test_kind_of_a_new_organisation_is_inferred_from_its_name(name, kind):
    assert infer_kind(name) == kind
