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
    for instance, label in instances_with_labels:
        entries.extend(history_entries(instance, limit=limit, label=label))
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
