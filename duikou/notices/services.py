"""The one door for writes to notifications: create (`notify`), mark read.

`notify` writes the rows inside the caller's transaction (a refused confirmation tells
nobody) and leaves delivery by e-mail and webhooks to a background task enqueued once the
transaction commits: a slow mail server or webhook never holds a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.notices import todo
from duikou.notices.models import Kind, Notification

TITLE_MAX = 200
LINK_MAX = 300


def _enqueue(ids: list[int]) -> None:
    from duikou.notices import tasks

    tasks.deliver.enqueue(ids)


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Event:
    """One event to tell: its recipients and what they read (see `notify`)."""

    recipients: Iterable[User]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    source: models.Model | None = None
    key: str = ""


def _check(event: Event) -> None:
    if event.kind not in Kind.values:
        raise ValueError(f"unknown notification kind: {event.kind}")
    link = event.link
    if link and (not link.startswith("/") or link.startswith(("//", "/\\"))):
        raise ValueError("a notification links to a page of the platform (a path)")


@transaction.atomic
def notify_many(events: Iterable[Event]) -> list[Notification]:
    """Tell each event to its recipients, all in one insert (a confirmed plan's visits); with a
    `key`, a recipient already told of that key is skipped."""
    events = list(events)
    for event in events:
        _check(event)
    keys = {e.key for e in events if e.key}
    told: set[tuple[int, str]] = set()
    if keys:
        told = set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))
    rows: list[Notification] = []
    for event in events:
        people = {u.pk: u for u in event.recipients if u is not None and u.is_active}
        source = event.source
        source_type = ContentType.objects.get_for_model(source) if source is not None else None
        for user in people.values():
            if event.key and (user.pk, event.key) in told:
                continue
            told.add((user.pk, event.key))
            rows.append(
                Notification(
                    recipient=user,
                    kind=event.kind,
                    title=_clip(event.title, TITLE_MAX),
                    body=(event.body or "").strip(),
                    link=event.link[:LINK_MAX],
                    source_type=source_type,
                    source_id=source.pk if source is not None else None,
                    key=event.key[:100],
                )
            )
    if not rows:
        return []
    rows = Notification.objects.bulk_create(rows)
    # SQLite and PostgreSQL return the new keys from bulk_create.
    transaction.on_commit(partial(_enqueue, [n.pk for n in rows]))
    # What a user is told of usually changes their to-dos too: count theirs afresh.
    for user_pk in {n.recipient_id for n in rows}:
        transaction.on_commit(partial(todo.forget_total, user_pk))
    return rows


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    source: models.Model | None = None,
    key: str = "",
) -> list[Notification]:
    """Tell each recipient of an event; with `key`, a recipient already told of it is skipped.

    Written in the caller's transaction; e-mail and webhooks follow from a background task
    enqueued when it commits."""
    return notify_many([Event(recipients, kind, title, body, link, source, key)])


def notifications_for(user: User) -> models.QuerySet[Notification]:
    """A user's own notifications: nobody reads another's."""
    if not (user.is_authenticated and user.is_active):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at=None).count()


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("只能标记自己的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; the number marked."""
    return notifications_for(actor).filter(read_at=None).update(read_at=timezone.now())
