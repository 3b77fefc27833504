"""Masking ID numbers and phone numbers for display: pure functions, no Django.

The people ledger shows personal numbers masked; the import engine masks whatever looks like one
in the problems it reports.
"""

from __future__ import annotations

import re

# Anything shaped like a mainland ID number (18 characters, the last a digit or X; or the old
# 15 digits) or a mainland mobile number, standing alone (not inside a longer number or code).
# One definition for the import engine's problems and the log filter.
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE_LIKE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")


def mask_id_number(id_number: str) -> str:
    """632802********1239: the address code and the last four characters."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four characters."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_text(text: str) -> str:
    """Every ID number and mobile number in free text, masked."""
    text = ID_LIKE.sub(lambda m: mask_id_number(m[0].upper()), text)
    return MOBILE_LIKE.sub(lambda m: mask_phone(m[0]), text)
