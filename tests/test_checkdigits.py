import datetime as dt

import pytest

from duikou.lib.checkdigits import check_resident_id, check_uscc, make_uscc

VALID_USCC = [
    "91350100M000100Y43",
    "91110000101623741K",
    "911101066976941872",
    "91632801MA7XQ2K04J",
    "12632802438800125D",
    "52632800MJ0A1B2C57",
    "93632822MA7Y00019Q",
    "91330100MA2H3K4L4W",
    "11632800015520017N",
    "12330200470133211E",
    "91632803MA70004210",  # the "31 → 0" branch
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_it_accepts_the_reference_credit_codes(code):
    result = check_uscc(code)
    assert result.ok, result.errors
    assert result.warnings == []


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("91632801MA7XQ2K04K", "check"),
        ("91632801MA7XQ2K04", "length"),
        ("91632801MA7XQ2KO4J", "charset"),
        ("91632801MA7XQ2K0IJ", "charset"),
        ("9163280AMA7XQ2K04J", "region"),
        ("91632801M7AXQ2K04J", "check"),  # adjacent transposition
    ],
)
def test_it_rejects_the_invalid_credit_codes(code, key):
    result = check_uscc(code)
    assert not result.ok
    assert result.errors[0][0] == key


def test_only_a_wrong_check_character_is_overridable():
    assert check_uscc("91632801MA7XQ2K04K").check_digit_error
    assert not check_uscc("91632801MA7XQ2KO4J").check_digit_error


def test_it_normalises_lower_case_and_spaces():
    result = check_uscc(" 91632801ma7xq2k04j ")
    assert result.ok
    assert result.code == "91632801MA7XQ2K04J"


def test_it_normalises_full_width_characters():
    assert check_uscc("９１６３２８０１ＭＡ７ＸＱ２Ｋ０４Ｊ").code == "91632801MA7XQ2K04J"


def test_strict_mode_findings_are_warnings():
    embedded = check_uscc("91632801MA7XQ2K05M")
    assert embedded.ok and embedded.warnings[0][0] == "orgcode"
    prefix = check_uscc("94632801MA7XQ2K049")
    assert prefix.ok and prefix.warnings[0][0] == "prefix"


def test_make_uscc_builds_codes_that_pass_strict_checks():
    code = make_uscc("12", "632822", "43880012")
    result = check_uscc(code)
    assert result.ok and result.warnings == []


VALID_IDS = [
    "11010519491231002X",
    "440524188001010014",
    "632802198506151239",
    "63282220010101002X",
    "632803200002292018",
    "632821197611034581",
    "63282319880712018X",
]


@pytest.mark.parametrize("code", VALID_IDS)
def test_it_accepts_the_reference_resident_ids(code):
    assert check_resident_id(code, today=dt.date(2026, 11, 29)).ok


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("632802198506151238", "check"),
        ("63280219850615123", "length"),
        ("63280219850615123x", "id_format"),
        ("632801199002294517", "birth_invalid"),
        ("632802198513151237", "birth_invalid"),
        ("632802209912310013", "birth_future"),
        ("110105194912310029", "check"),
    ],
)
def test_it_rejects_the_invalid_resident_ids(code, key):
    result = check_resident_id(code, today=dt.date(2026, 11, 29))
    assert not result.ok
    assert result.errors[0][0] == key
