"""Shared helpers of the people tests (no tests here): a fixed field key and small builders.

Every people test module imports `field_key` (autouse there) so that no key file is written
into the working copy's data dir and the ciphertexts are reproducible within a run.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet

from duikou.core import crypto
from duikou.people import services
from duikou.people.models import Person, Posting

TEST_KEY = Fernet.generate_key().decode()

# Valid resident ID numbers (docs/contracts/domain-facts.md §2b) and what they say.
LI_ID = "632802198506151239"  # male (17th digit 3), born 1985-06-15
MA_ID = "63282220010101002X"  # female, born 2001-01-01
ZHAO_ID = "632821197611034581"  # female, born 1976-11-03
SUN_ID = "632803200002292018"  # male, born 2000-02-29 (leap day)
WU_ID = "440524188001010014"  # male, born 1880-01-01
PHONE = "13812345678"
PHONE_2 = "13987654321"


@pytest.fixture
def field_key(monkeypatch):
    monkeypatch.setenv(crypto.ENV_VAR, TEST_KEY)
    crypto.reset_cache()
    yield TEST_KEY
    crypto.reset_cache()


def person(reg, *, id_number=LI_ID, name="李明", phone=PHONE, employer=None, **extra) -> Person:
    return services.person_create(
        actor=None,
        id_number=id_number,
        name=name,
        phone=phone,
        employer=employer or reg.jiaxing_hospital,
        **extra,
    )


def posting(reg, who: Person, *, host=None, start=dt.date(2023, 3, 1), **extra) -> Posting:
    data = dict(
        person=who,
        kind="专业技术人才",
        field="医疗",
        sending_org=reg.jiaxing_hospital,
        host_org=host or reg.dulan_hospital,
        start_date=start,
        end_date=dt.date(2024, 8, 31),
    )
    data.update(extra)
    return services.posting_create(actor=None, **data)
