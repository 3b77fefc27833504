"""Resident ID numbers and phone numbers: normalising, checking, deriving
(masking: duikou.lib.masking).

Pure functions (no database). Findings are (key, params) pairs like duikou.lib.checkdigits, so
forms, the importer and the API word them; `id_messages` words them in the user's language.
Messages never quote a whole ID number or phone number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.utils.translation import gettext as _

from duikou.core.validators import credit_code_messages
from duikou.core.vocab import Gender
from duikou.lib.checkdigits import check_resident_id, normalise_code

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalise_id_number(raw: str) -> str:
    """Strip (also full-width) spaces, full-width digits to ASCII, lower-case x to X."""
    return normalise_code(raw or "")


def looks_like_id_number(raw: str) -> bool:
    """Is a search text an ID number (so it must be looked up by hash, never echoed)?"""
    value = normalise_id_number(raw)
    return len(value) >= 15 and value[:15].isdigit()


def id_findings(id_number: str, today: dt.date | None = None) -> list[tuple[str, dict]]:
    return check_resident_id(id_number, today=today).errors


def id_messages(findings: list[tuple[str, dict]]) -> list[str]:
    return [_("身份证号有误：%(problem)s") % {"problem": m} for m in credit_code_messages(findings)]


def id_birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_gender(id_number: str) -> str:
    # GB 11643: the 17th character, the last of the sequence code, is odd for men.
    return Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE


def normalise_phone(raw: str) -> str:
    value = normalise_code(raw or "").replace("－", "-").replace("—", "-")
    if value.startswith("+86"):
        value = value[3:]
    return value.replace(" ", "")


def phone_problem(phone: str) -> str | None:
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return None
    return _("联系电话格式不正确：应为 11 位手机号（如 138 开头）或带区号的固定电话。")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (the month's last day if it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def make_id_number(address6: str, born: dt.date, sequence3: str) -> str:
    """A valid 18-character ID number from its parts, computing the check (demo data, tests)."""
    from duikou.lib.checkdigits import ID_CHECK, ID_WEIGHTS

    first17 = f"{address6}{born:%Y%m%d}{sequence3}"
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]
