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
