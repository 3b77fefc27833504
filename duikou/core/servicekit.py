"""What every service does before it writes: apply the changed fields, validate, save in history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from duikou.accounts.models import User


def apply_fields(
    instance: models.Model, fields: tuple[str, ...], data: dict[str, Any]
) -> list[str]:
    """Set the given fields on the instance; return the names whose value changed."""
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    changed = []
    for name, value in data.items():
        if getattr(instance, name, None) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def stamp(instance: models.Model, *, actor: User | None, reason: str = "") -> None:
    """Name who (and why) on the history row simple_history writes at the next save."""
    setattr(instance, "_history_user", actor)  # noqa: B010 - simple_history reads these
    if reason:
        setattr(instance, "_change_reason", reason)  # noqa: B010


def store(instance: models.Model, *, actor: User | None, reason: str = "") -> None:
    """Save with the history row naming who and why; a constraint race becomes a clear error."""
    stamp(instance, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        # A concurrent write slipped past full_clean's checks. The database's own detail may
        # quote values (even keyed hashes), so it is not shown.
        raise ValidationError(_("保存失败：与已有记录冲突，请刷新后重试。")) from exc


def save(instance: models.Model, *, actor: User | None, reason: str = "") -> None:
    """full_clean, then store."""
    instance.full_clean()
    store(instance, actor=actor, reason=reason)
