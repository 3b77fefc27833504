"""Read a record's change history (django-simple-history) as who / when / what changed."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _


def _display(field: models.Field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.is_relation and field.related_model is not None:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        # Beijing time to the minute, like every other time on the pages.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def history_entries(instance: models.Model, limit: int = 50) -> list[dict]:
    """Newest first; each entry names the user, the time, the action and old → new values."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    return _entries(instance, records, limit)


def history_entries_many(instances: list[models.Model], limit: int = 50) -> dict[int, list[dict]]:
    """history_entries of several records of one model, in one query: {pk: entries}."""
    if not instances:
        return {}
    model = type(instances[0])
    pk_name = model._meta.pk.attname
    rows: dict[int, list] = {obj.pk: [] for obj in instances}
    history = model.history.model.objects.filter(**{f"{pk_name}__in": list(rows)})
    for record in history.select_related("history_user").order_by("-history_date"):
        kept = rows[getattr(record, pk_name)]
        if len(kept) <= limit:
            kept.append(record)
    return {obj.pk: _entries(obj, rows[obj.pk], limit) for obj in instances}


def _entries(instance: models.Model, records: list, limit: int) -> list[dict]:
    actions = {"+": _("新建"), "~": _("修改"), "-": _("删除")}
    entries = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user or _("系统"),
                "action": actions.get(record.history_type, record.history_type),
                "changes": changes,
                "reason": record.history_change_reason or "",
            }
        )
    return entries
