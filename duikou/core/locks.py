"""Published years are locked: a change that would alter a figure of a locked year is refused.

Once headquarters publishes a year's summary, that year's records are locked (as DHIS2, Akvo
RSR and ActivityInfo lock reporting periods). Each ledger says, in its AppConfig.ready(), which
of its models count in which years' figures (`dated`, `yearly`, `spanning`, or `register` with
its own rule); this module then refuses, with a message that names the lock:

- a save that changes such a record counting in a locked year, before or after the change
  (a pre_save signal: forms, services, imports row by row, undo's restores);
- a deletion of one (pre_delete: undo, erasure);
- rows created in bulk by an import (`refused_created`, called by the Excel engine, which
  knows no ledger: it asks here by model label) and objects an undo would touch
  (`refused_objects`).

Headquarters unlocks a year with a reason (`year_unlock`), and every lock and unlock is in
the history of `YearLock`. `changes_since` lists the records of a year changed after a moment
(the reports page compares the published figures with today's).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.bulk import chunked

if TYPE_CHECKING:
    from duikou.accounts.models import User

#: fields whose change never changes a figure (stamps)
ALWAYS_IGNORED = frozenset({"created_at", "updated_at", "created_by_id"})

YearsOf = Callable[[Any, frozenset[int]], set[int]]
QFor = Callable[[frozenset[int]], Q]


@dataclass(frozen=True)
class Rule:
    """Which locked years a record of `model` counts in (`years`) and the same as a filter."""

    model: type[models.Model]
    years: YearsOf  # (record, locked years) → the locked years it counts in
    q: QFor  # locked years → the records counting in any of them
    ignore: frozenset[str]
    # fields that matter only through the years they make a record count in (a period's
    # ends): ending a posting in 2024 leaves 2023's figures as they were
    period: frozenset[str] = frozenset()

    @property
    def what(self) -> str:
        return str(self.model._meta.verbose_name)


_RULES: dict[str, Rule] = {}


class YearLocked(ValidationError):
    """A change refused because it would alter a figure of a locked (published) year."""


def register(
    model: type[models.Model],
    *,
    years: YearsOf,
    q: QFor,
    ignore: Iterable[str] = (),
    period: Iterable[str] = (),
) -> None:
    """Lock `model`'s records in the years they count in; idempotent (ready() may run twice)."""
    label = model._meta.label_lower
    _RULES[label] = Rule(model, years, q, ALWAYS_IGNORED | frozenset(ignore), frozenset(period))
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"yearlock-save-{label}")
    pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"yearlock-delete-{label}")


def year_of(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).year if timezone.is_aware(value) else value.year
    if isinstance(value, dt.date):
        return value.year
    return int(value)


def _path(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def dated(model: type[models.Model], field: str, *, ignore: Iterable[str] = ()) -> None:
    """Records count in the year of a date (or datetime, Asia/Shanghai), e.g. a flow's date;
    `field` may follow foreign keys (`demand__posted_at`)."""

    def years(obj: Any, locked: frozenset[int]) -> set[int]:
        year = year_of(_path(obj, field))
        return {year} & locked if year is not None else set()

    def q(locked: frozenset[int]) -> Q:
        return Q(**{f"{field}__year__in": sorted(locked)})

    register(model, years=years, q=q, ignore=ignore)


def yearly(model: type[models.Model], field: str, *, ignore: Iterable[str] = ()) -> None:
    """Records count in the year a field holds, e.g. a project's plan year (年度)."""

    def years(obj: Any, locked: frozenset[int]) -> set[int]:
        year = getattr(obj, field)
        return {int(year)} & locked if year is not None else set()

    def q(locked: frozenset[int]) -> Q:
        return Q(**{f"{field}__in": sorted(locked)})

    register(model, years=years, q=q, ignore=ignore)


def spanning(
    model: type[models.Model], start: str, end: str, *, ignore: Iterable[str] = ()
) -> None:
    """Records count in every year their period overlaps (an empty end: still running)."""

    def years(obj: Any, locked: frozenset[int]) -> set[int]:
        first, last = year_of(getattr(obj, start)), year_of(getattr(obj, end))
        if first is None:
            return set()
        return {y for y in locked if first <= y and (last is None or y <= last)}

    def q(locked: frozenset[int]) -> Q:
        return functools.reduce(
            operator.or_,
            (
                Q(**{f"{start}__lte": dt.date(y, 12, 31)})
                & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": dt.date(y, 1, 1)}))
                for y in sorted(locked)
            ),
        )

    register(model, years=years, q=q, ignore=ignore, period=(start, end))


# The locks -------------------------------------------------------------------------------


def locked_years() -> frozenset[int]:
    from duikou.core.models import YearLock

    return frozenset(YearLock.objects.filter(locked=True).values_list("year", flat=True))


def _refusal(rule: Rule, years: set[int], obj: Any = None) -> YearLocked:
    from duikou.core.models import YearLock

    locks = {lock.year: lock for lock in YearLock.objects.filter(year__in=years)}
    parts = []
    for year in sorted(years):
        lock = locks.get(year)
        when = timezone.localtime(lock.changed_at).strftime("%Y-%m-%d") if lock else ""
        parts.append(_("%(year)s年度（%(when)s 发布锁定）") % {"year": year, "when": when})
    record = f"“{obj}”" if obj is not None else ""
    return YearLocked(
        _(
            "%(locks)s已锁定：不能更改计入该年度数据的%(what)s%(record)s。"
            "如确需更改，请总部先解锁该年度并说明原因。"
        )
        % {"locks": "、".join(parts), "what": rule.what, "record": record},
        code="year_locked",
    )


def _before_save(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:  # fixtures
        return
    rule = _RULES.get(sender._meta.label_lower)
    if rule is None:
        return
    locked = locked_years()
    if not locked:
        return
    hit = rule.years(instance, locked)
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
        if old is not None:
            changed = {
                f.attname
                for f in sender._meta.concrete_fields
                if f.attname not in rule.ignore
                and (update_fields is None or f.name in update_fields)
                and getattr(old, f.attname) != getattr(instance, f.attname)
            }
            if not changed:
                return
            before = rule.years(old, locked)
            # a change of the period alone matters where it moves the record in or out of a
            # locked year; any other change matters in every locked year it counts in
            hit = before ^ hit if changed <= rule.period else before | hit
    if hit:
        raise _refusal(rule, hit, instance)


def _before_delete(sender, instance, **kwargs) -> None:
    rule = _RULES.get(sender._meta.label_lower)
    if rule is None:
        return
    locked = locked_years()
    if locked:
        hit = rule.years(instance, locked)
        if hit:
            raise _refusal(rule, hit, instance)


def refused_objects(pks_by_label: dict[str, set[int]]) -> list[str]:
    """Messages for the records among these (model label → primary keys) that count in a
    locked year: what an undo would change. Empty when none (or no year is locked)."""
    locked = locked_years()
    if not locked:
        return []
    messages = []
    for label, pks in pks_by_label.items():
        rule = _RULES.get(label)
        if rule is None or not pks:
            continue
        for chunk in chunked(sorted(pks)):
            for obj in rule.model._default_manager.filter(pk__in=chunk).filter(rule.q(locked))[:5]:
                messages.append(str(_refusal(rule, rule.years(obj, locked), obj).message))
            if messages:
                return messages
    return messages


refused_created = refused_objects  # rows an import created in bulk: the same question


# Changes since publishing ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    what: str
    record: str
    action: str  # "+", "~", "-" (simple_history's types)
    at: dt.datetime
    by: str
    reason: str


def changes_since(year: int, since: dt.datetime, *, limit: int = 200) -> list[Change]:
    """Records counting in `year` whose history has an entry after `since`, newest first."""
    found: list[Change] = []
    locked = frozenset({year})
    for rule in _RULES.values():
        history = getattr(rule.model, "history", None)
        if history is None:
            continue
        rows = (
            history.model.objects.filter(history_date__gt=since)
            .filter(rule.q(locked))
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
        for row in rows:
            found.append(
                Change(
                    what=rule.what,
                    record=str(row.instance),
                    action=row.history_type,
                    at=row.history_date,
                    by=str(row.history_user or ""),
                    reason=row.history_change_reason or "",
                )
            )
    found.sort(key=lambda c: c.at, reverse=True)
    return found[:limit]


# Services --------------------------------------------------------------------------------


def _headquarters_only(actor: User | None) -> None:
    from duikou.accounts.scopes import is_headquarters

    if actor is None or not is_headquarters(actor):
        raise PermissionDenied(_("只有总部可以锁定或解锁年度。"))


@transaction.atomic
def year_lock(year: int, *, actor: User | None, reason: str = ""):
    """Lock a year (publishing its summary does); locking a locked year changes nothing."""
    from duikou.core.models import YearLock
    from duikou.core.servicekit import store

    _headquarters_only(actor)
    lock, _created = YearLock.objects.select_for_update().get_or_create(
        year=year, defaults={"locked": False}
    )
    if lock.locked:
        return lock
    lock.locked = True
    lock.reason = reason
    lock.changed_by = actor
    store(lock, actor=actor, reason=reason or _("发布年度综述"))
    return lock


@transaction.atomic
def year_unlock(year: int, *, actor: User | None, reason: str):
    """Unlock a year: headquarters only, with a reason (kept in the lock's history)."""
    from duikou.core.models import YearLock
    from duikou.core.servicekit import store

    _headquarters_only(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("解锁必须说明原因。")})
    lock = YearLock.objects.select_for_update().filter(year=year, locked=True).first()
    if lock is None:
        raise ValidationError({"year": _("%(year)s年度没有锁定。") % {"year": year}})
    lock.locked = False
    lock.reason = reason
    lock.changed_by = actor
    store(lock, actor=actor, reason=reason)
    return lock


def models_locked() -> list[str]:
    """The verbose names of the models whose records a lock covers (for the help text)."""
    return [rule.what for rule in _RULES.values()]


def rule_for(label: str) -> Rule | None:
    return _RULES.get(label)
