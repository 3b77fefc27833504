"""Change history of people records, with encrypted fields shown as "已修改", never a value.

duikou.core.history would print the stored value of every changed field; for a person that is
ciphertext, which means nothing to a reader and must not be shown either.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from duikou.people.models import SECRET_FIELDS


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
    return str(value)


def history_entries(instance: models.Model, limit: int = 50, label: str = "") -> list[dict]:
    """Newest first: who, when, what; encrypted fields only say that they changed."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-pk")[
            : limit + 1
        ]
    )
    return _entries(instance, records, limit, label)


def _records_many(instances: list[models.Model], limit: int) -> dict[int, list]:
    """The newest limit + 1 history rows of each of several records of one model, in one
    query (a person's postings: not one query per posting)."""
    model = type(instances[0])
    pk_name = model._meta.pk.attname
    rows: dict[int, list] = {obj.pk: [] for obj in instances}
    history = model.history.model.objects.filter(**{f"{pk_name}__in": list(rows)})
    for record in history.select_related("history_user").order_by("-history_date", "-pk"):
        kept = rows[getattr(record, pk_name)]
        if len(kept) <= limit:
            kept.append(record)
    return rows


def _entries(instance: models.Model, records: list, limit: int, label: str) -> list[dict]:
    actions = {"+": _("新建"), "~": _("修改"), "-": _("删除")}
    entries = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
            # simple-history leaves non-editable fields out of its diff; the ciphertext fields
            # are compared here and only said to have changed.
            for name in SECRET_FIELDS:
                if getattr(record, name, None) != getattr(previous, name, None):
                    field = instance._meta.get_field(name)
                    changes.append({"field": str(field.verbose_name), "secret": True})
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user or _("系统"),
                "action": actions.get(record.history_type, record.history_type),
                "changes": changes,
                "reason": record.history_change_reason or "",
                "label": label,
            }
        )
    return entries


def merged_history(*instances_with_labels: tuple[models.Model, str], limit: int = 50) -> list:
    entries: list[dict] = []
    by_model: dict[type, list[models.Model]] = {}
    for instance, _label in instances_with_labels:
        by_model.setdefault(type(instance), []).append(instance)
    records: dict[tuple[type, int], list] = {}
    for model, instances in by_model.items():
        for pk, rows in _records_many(instances, limit).items():
            records[model, pk] = rows
    for instance, label in instances_with_labels:
        rows = records[type(instance), instance.pk]
        entries.extend(_entries(instance, rows, limit, label))
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
