"""Masking ID numbers and phone numbers for display: pure functions, no Django.

The people ledger shows personal numbers masked; the import engine masks whatever looks like one
in the problems it reports.
"""

from __future__ import annotations


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
