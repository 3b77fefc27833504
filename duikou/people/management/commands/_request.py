"""What `people_export` and `people_erase` share: finding the person, naming who acts."""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError

from duikou.accounts.models import User
from duikou.people.identity import normalise_id_number
from duikou.people.models import Person


def find_person(text: str) -> Person:
    """By record id (digits, up to 10) or by ID number (found by its keyed hash)."""
    text = (text or "").strip()
    if text.isdigit() and len(text) <= 10:
        person = Person.objects.filter(pk=int(text)).first()
    else:
        person = Person.objects.with_id_number(normalise_id_number(text)).first()
    if person is None:
        # The argument is never echoed: it may be an ID number.
        raise CommandError("没有找到该人员（按记录编号或身份证号查找）。")
    return person


def actor_of(username: str | None) -> tuple[User | None, str]:
    """--user names a headquarters account; else the operating system user is named."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有账号 {username}。")
        return user, username
    return None, f"命令行:{getpass.getuser()}"
