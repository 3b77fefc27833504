"""People's to-do (duikou.notices.todo): for headquarters and county teams, long-term postings
ending soon whose host department has no successor (people.rotation, in the user's scope)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.accounts.scopes import records_programme_data
from duikou.notices.todo import SHOWN, Record, Todo
from duikou.people import rotation


def provider(user: User) -> list[Todo]:
    if not records_programme_data(user):
        return []
    today = timezone.localdate()
    gaps = rotation.coverage_gaps(user, today)
    return [
        Todo(
            group=_("干部人才"),
            title=_("即将期满、尚无接替人选的派驻岗位"),
            count=len(gaps),
            url=reverse("people:coverage"),
            records=[
                Record(
                    label=f"{r.posting.person.name} · {r.posting.host_org}",
                    url=r.posting.get_absolute_url(),
                    note=_("%(d)s 期满（还有 %(n)s 天）")
                    % {"d": r.posting.end_date.isoformat(), "n": r.days_left},
                )
                for r in gaps[:SHOWN]
            ],
        )
    ]
