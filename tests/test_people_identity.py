"""ID numbers, phones, masks, batches and the field key: pure functions and key handling."""

import datetime as dt
import os

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError

from duikou.core import crypto
from duikou.lib.checkdigits import check_resident_id
from duikou.lib.masking import mask_id_number, mask_phone
from duikou.people.identity import (
    add_months,
    id_birth_date,
    id_gender,
    id_messages,
    looks_like_id_number,
    make_id_number,
    normalise_id_number,
    normalise_phone,
    phone_problem,
)
from duikou.people.models import chinese_batch_name
from duikou.people.services import batch_parse
from tests.test_people_common import LI_ID, MA_ID, PHONE, field_key  # noqa: F401


def test_masks_show_the_address_code_and_last_four_only():
    assert mask_id_number("632802198506151239") == "632802********1239"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0977-8221234") == "097*****1234"
    assert mask_phone("") == ""


def test_sex_and_birth_date_come_from_the_id_number():
    assert id_gender(LI_ID) == "男"
    assert id_gender(MA_ID) == "女"
    assert id_birth_date(LI_ID) == dt.date(1985, 6, 15)


def test_lower_case_x_and_full_width_digits_are_normalised():
    assert normalise_id_number("63282220010101002x") == MA_ID
    assert normalise_id_number("６３２８２２２００１０１０１００２Ｘ") == MA_ID
    assert normalise_phone("138 1234 5678") == PHONE
    assert normalise_phone("+8613812345678") == PHONE


def test_phone_formats():
    assert phone_problem("13812345678") is None
    assert phone_problem("0977-8221234") is None
    assert phone_problem("12345") is not None
    assert phone_problem("23812345678") is not None


def test_make_id_number_computes_a_valid_check_digit():
    value = make_id_number("330106", dt.date(1983, 7, 21), "046")
    assert check_resident_id(value).ok
    assert id_gender(value) == "女"


def test_messages_never_quote_the_whole_number():
    bad = "632802198506151238"
    messages = id_messages(check_resident_id(bad).errors)
    assert messages and "校验码" in messages[0]
    assert all(bad not in m for m in messages)


def test_only_digit_runs_of_id_length_are_treated_as_id_numbers():
    assert looks_like_id_number(LI_ID)
    assert looks_like_id_number("632802198506151")
    assert not looks_like_id_number("6328021985")
    assert not looks_like_id_number("李明")
    assert not looks_like_id_number("神经内科")


def test_three_calendar_months_clamp_to_the_month_end():
    assert add_months(dt.date(2023, 3, 1), 3) == dt.date(2023, 6, 1)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 10, 15), 3) == dt.date(2024, 1, 15)


@pytest.mark.parametrize(
    ("text", "number"),
    [("第一批", 1), ("1", 1), ("第1批", 1), ("第六批", 6), ("六", 6), ("第十批", 10),
     ("第十二批", 12), ("第二十一批", 21), ("第６批", 6), (" 第五批 ", 5)],
)  # fmt: skip
def test_batches_parse_from_chinese_or_digits(text, number):
    assert batch_parse(text) == number


@pytest.mark.parametrize("text", ["", "第批", "abc", "第零批", "0"])
def test_unreadable_batches_are_refused(text):
    with pytest.raises(ValidationError) as exc:
        batch_parse(text)
    assert "无法识别" in str(exc.value)


def test_batch_names_in_chinese_numerals():
    assert chinese_batch_name(1) == "第一批"
    assert chinese_batch_name(6) == "第六批"
    assert chinese_batch_name(10) == "第十批"
    assert chinese_batch_name(16) == "第十六批"
    assert chinese_batch_name(20) == "第二十批"


def test_encryption_round_trips_and_is_not_deterministic(field_key):  # noqa: F811
    a, b = crypto.encrypt(LI_ID), crypto.encrypt(LI_ID)
    assert a != b and LI_ID not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == LI_ID
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_the_search_hash_is_keyed(field_key, monkeypatch):  # noqa: F811
    digest = crypto.blind_index(LI_ID)
    assert len(digest) == 64 and LI_ID not in digest
    assert crypto.blind_index(LI_ID) == digest
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_cache()
    assert crypto.blind_index(LI_ID) != digest


def test_key_rotation_keeps_old_ciphertexts_readable(field_key, monkeypatch):  # noqa: F811
    old = crypto.encrypt(PHONE)
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, f"{new_key},{field_key}")
    crypto.reset_cache()
    assert crypto.decrypt(old) == PHONE
    rotated = crypto.rotate(old)
    monkeypatch.setenv(crypto.ENV_VAR, new_key)
    crypto.reset_cache()
    assert crypto.decrypt(rotated) == PHONE


def test_without_the_env_var_a_key_file_is_generated_once_owner_only(
    settings, tmp_path, monkeypatch
):
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    settings.DATA_DIR = tmp_path
    crypto.reset_cache()
    try:
        token = crypto.encrypt(PHONE)
        key_file = tmp_path / "field_key"
        assert key_file.exists()
        assert oct(key_file.stat().st_mode)[-3:] == "600"
        first = key_file.read_text()
        crypto.reset_cache()
        assert crypto.decrypt(token) == PHONE
        assert key_file.read_text() == first
    finally:
        crypto.reset_cache()


def test_a_bad_key_is_a_configuration_error_that_does_not_echo_it(monkeypatch):
    monkeypatch.setenv(crypto.ENV_VAR, "not-a-key-secret-value")
    crypto.reset_cache()
    try:
        with pytest.raises(ImproperlyConfigured) as exc:
            crypto.encrypt("x")
        assert "not-a-key-secret-value" not in str(exc.value)
    finally:
        monkeypatch.delenv(crypto.ENV_VAR)
        crypto.reset_cache()
    assert os.environ.get(crypto.ENV_VAR) is None
