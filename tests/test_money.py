from decimal import Decimal

import pytest

from duikou.lib.money import fen_to_yuan, format_cn, format_wan, yuan_str, yuan_to_fen


def test_it_round_trips_yuan_through_fen_exactly():
    assert yuan_to_fen("14070000.00") == 1_407_000_000
    assert fen_to_yuan(1_407_000_000) == Decimal("14070000.00")
    assert yuan_str(865_000_00) == "865000.00"


def test_it_refuses_fractions_of_a_fen():
    with pytest.raises(ValueError):
        yuan_to_fen("1.005")


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_it_refuses_what_is_not_an_amount(bad):
    with pytest.raises(ValueError):
        yuan_to_fen(bad)


def test_it_shows_amounts_in_chinese_units():
    assert format_wan(1_407_000_000) == "1,407.00 万元"
    assert format_cn(1_325_000_000_00) == "13.25 亿元"
    assert format_cn(86_500_00) == "8.65 万元"
    assert format_cn(12_34) == "12.34 元"


def test_a_million_small_sums_stay_exact():
    assert sum(yuan_to_fen("0.01") for _ in range(1_000_000)) == 1_000_000


def test_wan_and_yuan_convert_exactly_both_ways():
    from duikou.lib.money import wan_plain, wan_to_yuan, yuan_to_wan

    assert wan_to_yuan("86.5") == Decimal("865000.00")
    assert wan_to_yuan(Decimal("0.000001")) == Decimal("0.01")
    assert yuan_to_wan(Decimal("14070000.00")) == Decimal("1407")
    assert str(yuan_to_wan(Decimal("10000000.00"))) == "1000"  # never 1E+3
    assert yuan_to_wan(Decimal("0.01")) == Decimal("0.000001")
    assert wan_plain(Decimal("865000.00")) == "86.5"
    assert wan_plain(None) == "0"


def test_wan_beyond_a_fen_is_refused():
    from duikou.lib.money import wan_to_yuan

    with pytest.raises(ValueError):
        wan_to_yuan("0.0000001")
