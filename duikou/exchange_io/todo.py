"""The import engine's to-do (duikou.notices.todo): the user's own workbooks that passed the
check (待确认) and wait for the uploader to confirm the import — only the uploader may."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.exchange_io import services
from duikou.exchange_io.models import ImportBatch
from duikou.notices.todo import SHOWN, Record, Todo


def provider(user: User) -> list[Todo]:
    qs = (
        services.batches_for_user(user)
        .filter(user=user, status=ImportBatch.Status.CHECKED)
        .order_by("created_at", "pk")
    )
    count = qs.count()
    if not count:
        return []
    return [
        Todo(
            group=_("数据导入"),
            title=_("已检查的导入批次，待确认导入"),
            count=count,
            url=reverse("exchange_io:batch_list"),
            records=[
                Record(
                    label=str(b),
                    url=b.get_absolute_url(),
                    note=b.created_at.strftime("%Y-%m-%d %H:%M"),
                )
                for b in qs[:SHOWN]
            ],
        )
    ]
