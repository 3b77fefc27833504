"""What an import will change, record by record: the preview's change list.

Every sheet handler tells the engine which records its rows create (`Context.creates`) and
which they update (`Context.updated(obj, before, sheet=…, row=…)`): the engine, knowing no
ledger, turns the values before and after into text (the sheet's columns say how: money in
万元, a choice by its label, an organisation by its name, personal data masked) and flags the
risky updates:

- ``place``: the row matched a record of another county or organisation than the uploader's
  usual one (their own counties/organisation; for headquarters, the place most rows of the
  workbook lie in), or the row moves the record to another county or organisation;
- ``amount``: an amount changes by more than half of what it was;
- ``status``: a status goes backwards along its column's progression (`Column.forward`).

The list is kept on the result (`ImportResult.changes`), stored on the batch as JSON (`as_json`)
for the preview page and its workbook, and printed by `duikou import --changes`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from duikou.exchange_io import specs
from duikou.lib.money import yuan_to_wan

if TYPE_CHECKING:
    from duikou.accounts.models import User
    from duikou.exchange_io.reader import ParsedSheet, Row

CREATE = "create"
UPDATE = "update"
RISK_PLACE = "place"
RISK_AMOUNT = "amount"
RISK_STATUS = "status"
RISK_UNKNOWN = "unknown"  # an update the preview could not describe
RISK_LABELS = {
    RISK_PLACE: gettext_noop("其他县市/单位"),
    RISK_AMOUNT: gettext_noop("金额变化超过一半"),
    RISK_STATUS: gettext_noop("状态倒退"),
    RISK_UNKNOWN: gettext_noop("无法显示变化"),
}
MAJORITY_MIN = 3  # rows with a place before the workbook's usual place counts


def risk_label(code: str) -> str:
    return _(RISK_LABELS.get(code, code))


@dataclass(slots=True)
class Change:
    sheet: str
    row: int | None
    action: str  # CREATE or UPDATE
    key: str
    label: str = ""
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # column, old, new
    risks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    place: str = ""  # where the record lies (before the change), for the place rule
    new_place: str = ""  # where it lies after it

    @property
    def risky(self) -> bool:
        return bool(self.risks)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sheet": self.sheet,
            "row": self.row,
            "action": self.action,
            "key": self.key,
            "label": self.label,
        }
        if self.fields:
            data["fields"] = [list(f) for f in self.fields]
        if self.risks:
            data["risks"] = self.risks
            data["notes"] = self.notes
        return data

    def text(self) -> str:
        """One line for the command line."""
        where = self.sheet + (_(" 第 %(n)s 行") % {"n": self.row} if self.row else "")
        what = self.key + (f"（{self.label}）" if self.label and self.label != self.key else "")
        if self.action == CREATE:
            line = _("%(where)s：新建 %(what)s") % {"where": where, "what": what}
        else:
            parts = "；".join(
                f"{name}：{old or _('空')} → {new or _('空')}" for name, old, new in self.fields
            )
            line = _("%(where)s：更新 %(what)s：%(parts)s") % {
                "where": where,
                "what": what,
                "parts": parts,
            }
        if self.notes:
            line += _("  [注意：%(n)s]") % {"n": "；".join(self.notes)}
        return line

    def signature(self) -> tuple:
        """What the uploader accepted when confirming a risky update."""
        return (self.sheet, self.key, tuple(sorted(self.risks)))


class Changes:
    """The change list of one run, collected while the sheets are applied."""

    def __init__(self) -> None:
        self.items: list[Change] = []
        self._labels: dict[tuple[type[models.Model], Any], str] = {}
        # Per sheet: its key columns, whether it holds personal data, its place column.
        self._specs: dict[str, tuple[list[tuple[str, specs.Column]], bool, str]] = {}

    def _spec(self, spec: specs.SheetSpec) -> tuple[list[tuple[str, specs.Column]], bool, str]:
        found = self._specs.get(spec.name)
        if found is None:
            personal = any(getattr(c, "mask", None) for c in spec.columns)
            keys = [(name, spec.by_field[name]) for name in spec.key]
            found = self._specs[spec.name] = (keys, personal, spec.place.split(".")[0])
        return found

    def __len__(self) -> int:
        return len(self.items)

    @property
    def updated(self) -> list[Change]:
        return [c for c in self.items if c.action == UPDATE]

    @property
    def created(self) -> list[Change]:
        return [c for c in self.items if c.action == CREATE]

    @property
    def risky(self) -> list[Change]:
        return [c for c in self.items if c.risks]

    # Collecting --------------------------------------------------------------------------

    def create(self, sheet: ParsedSheet, row: Row | None, label: str = "") -> None:
        """A record the row creates (called once a row, in bulk imports too: kept cheap)."""
        spec = sheet.spec
        _keys, personal, top = self._spec(spec)
        place = ""
        if top and row is not None:
            value = row.values.get(top)
            place = value if value.__class__ is str else _name(value)
        self.items.append(
            Change(
                sheet=spec.name,
                row=row.number if row is not None else None,
                action=CREATE,
                key=self.key(sheet, row),
                label=_mask(spec, label) if personal else label,
                new_place=place,
            )
        )

    def update(
        self,
        sheet: ParsedSheet,
        row: Row | None,
        obj: models.Model,
        before: dict[str, Any],
        *,
        label: str | None = None,
    ) -> None:
        """A record updated: `before` holds its changed fields' former values (as stored for
        undo: a related record by its key, money as yuan text, a date as ISO text)."""
        spec = sheet.spec
        model = type(obj)
        fields: list[tuple[str, str, str]] = []
        risks: list[str] = []
        notes: list[str] = []
        for name, old_raw in before.items():
            if name.endswith("_cipher"):  # encrypted personal data: said, never shown
                plain = name.removesuffix("_cipher")
                column = spec.by_field.get(plain)
                title = column.name if column is not None else _verbose(model, name)
                fields.append((title, _("（保密）"), _("已修改")))
                continue
            column = spec.by_field.get(name)
            new_raw = _current(obj, name)
            old = self.show(model, name, old_raw, column)
            new = self.show(model, name, new_raw, column)
            if old == new:
                continue
            title = column.name if column is not None else _verbose(model, name)
            fields.append((title, _mask(spec, old, column), _mask(spec, new, column)))
            if _money(model, name, column) and _more_than_half(old_raw, new_raw):
                risks.append(RISK_AMOUNT)
                notes.append(
                    _("%(c)s从 %(a)s 变为 %(b)s，变化超过一半")
                    % {"c": title, "a": old or "0", "b": new or "0"}
                )
            if column is not None and column.forward and _backwards(column, old_raw, new_raw):
                risks.append(RISK_STATUS)
                notes.append(_("%(c)s由“%(a)s”退回“%(b)s”") % {"c": title, "a": old, "b": new})
            if spec.place and name == spec.place.split(".")[0]:
                risks.append(RISK_PLACE)
                notes.append(
                    _("%(c)s从“%(a)s”改为“%(b)s”") % {"c": title, "a": old or "—", "b": new or "—"}
                )
        if not fields:
            return
        key = self.key(sheet, row) if row is not None else _mask(spec, _text(obj))
        label = _mask(spec, label if label is not None else _text(obj))
        if key and label.startswith(key):  # "ZJHX-2023-015 都兰县…": the name alone
            label = label[len(key) :].strip()
        new_place = _name(_path(obj, spec.place)) if spec.place else ""
        place = new_place
        top = spec.place.split(".")[0] if spec.place else ""
        if top and top in before:
            place = self.show(model, top, before[top], spec.by_field.get(top))
        self.items.append(
            Change(
                sheet=spec.name,
                row=row.number if row is not None else None,
                action=UPDATE,
                key=key,
                label=label,
                fields=fields,
                risks=list(dict.fromkeys(risks)),
                notes=notes,
                place=place,
                new_place=new_place,
            )
        )

    def unexplained(self, sheet: ParsedSheet, row: Row | None, obj: models.Model) -> None:
        """An update whose values could not be shown: listed, and flagged to be checked."""
        self.items.append(
            Change(
                sheet=sheet.spec.name,
                row=row.number if row is not None else None,
                action=UPDATE,
                key=self.key(sheet, row),
                label=_mask(sheet.spec, _text(obj)),
                fields=[(_("（变化）"), "", _("无法显示，请在记录的历史中核对"))],
                risks=[RISK_UNKNOWN],
                notes=[_("无法列出这条更新的原值和新值")],
            )
        )

    def key(self, sheet: ParsedSheet, row: Row | None) -> str:
        if row is None:
            return ""
        spec = sheet.spec
        keys, personal, _top = self._spec(spec)
        values = row.values
        parts = []
        for name, column in keys:
            value = values.get(name)
            if value is None or value == "":
                continue
            if value.__class__ is str and column.kind != specs.CHOICE:
                text = value
            else:
                text = _plain(value, column)
            parts.append(_mask(spec, text, column) if personal else text)
        return " / ".join(parts)

    # Values ------------------------------------------------------------------------------

    def show(self, model: type[models.Model], name: str, value: Any, column: Any) -> str:
        """A field value (a record, a key, a list of keys, yuan, a date …) as the page shows it."""
        if value is None or value == "" or value == []:
            return ""
        try:
            mfield = model._meta.get_field(name)
        except Exception:
            mfield = None
        related = getattr(mfield, "related_model", None) if mfield is not None else None
        if isinstance(related, type) and issubclass(related, models.Model):
            if isinstance(value, list | tuple | set):
                return "、".join(sorted(self._label(related, v) for v in value))
            if isinstance(value, models.Model):
                return _name(value)
            return self._label(related, value)
        if isinstance(value, models.Model):
            return _name(value)
        if _money(model, name, column):
            try:
                return f"{yuan_to_wan(Decimal(str(value)))} 万元"
            except (InvalidOperation, ValueError):
                return str(value)
        choices = None
        if column is not None and column.choices is not None:
            choices = dict(column.choices.choices)
        elif mfield is not None and getattr(mfield, "choices", None):
            choices = dict(mfield.flatchoices)
        if choices is not None and not isinstance(value, list | tuple):
            return str(choices.get(value, value))
        return _plain(value, column)

    def _label(self, model: type[models.Model], pk: Any) -> str:
        if isinstance(pk, models.Model):
            return _name(pk)
        key = (model, pk)
        if key not in self._labels:
            obj = model._default_manager.filter(pk=pk).first()
            self._labels[key] = _name(obj) if obj is not None else f"#{pk}"
        return self._labels[key]

    # Risks of the whole run ----------------------------------------------------------------

    def finish(self, actor: User | None) -> None:
        """Flag the updates of records lying outside the uploader's usual place."""
        usual = usual_places(actor, self.items)
        if not usual:
            return
        for change in self.updated:
            if change.place and change.place not in usual and RISK_PLACE not in change.risks:
                change.risks.append(RISK_PLACE)
                change.notes.append(
                    _("该记录属于“%(p)s”，不是本次上传通常涉及的“%(u)s”")
                    % {"p": change.place, "u": "、".join(sorted(usual))}
                )

    # Output ------------------------------------------------------------------------------

    def as_json(self) -> dict[str, Any]:
        counts: dict[str, dict[str, int]] = {}
        for c in self.items:
            n = counts.setdefault(c.sheet, {"created": 0, "updated": 0, "risky": 0})
            n["created" if c.action == CREATE else "updated"] += 1
            n["risky"] += bool(c.risks)
        # The records created, which may be a hundred thousand, as short lists.
        return {
            "updated": [c.as_json() for c in self.items if c.action == UPDATE],
            "created": [[c.sheet, c.row, c.key, c.label] for c in self.items if c.action == CREATE],
            "sheets": counts,
            "risky": sum(1 for c in self.items if c.risks),
        }

    def text(self, *, limit: int = 200) -> str:
        """The change list for the command line: updates first (risky ones first), capped."""
        if not self.items:
            return _("变化：没有要新建或更新的记录。")
        ordered = sorted(
            self.items,
            key=lambda c: (c.action != UPDATE, not c.risks, c.sheet, c.row or 0),
        )
        lines = [
            _("变化（共 %(n)s 条：新建 %(c)s，更新 %(u)s，其中需注意 %(r)s）：")
            % {
                "n": len(self.items),
                "c": len(self.created),
                "u": len(self.updated),
                "r": len(self.risky),
            }
        ]
        lines += ["  " + c.text() for c in ordered[:limit]]
        if len(ordered) > limit:
            lines.append(_("  ……另有 %(n)s 条变化未列出。") % {"n": len(ordered) - limit})
        return "\n".join(lines)


def stored_items(preview: dict[str, Any]) -> list[dict[str, Any]]:
    """The change list stored on a batch (`Changes.as_json`) as one list of dicts."""
    items = list(preview.get("updated", []))
    items += [
        {"sheet": s, "row": r, "action": CREATE, "key": k, "label": label}
        for s, r, k, label in preview.get("created", [])
    ]
    return items


def usual_places(actor: User | None, items: list[Change]) -> set[str]:
    """The uploader's usual places: their own counties and organisation; for an uploader
    without any (headquarters), the place most of the workbook's rows lie in, when a clear
    majority of at least MAJORITY_MIN rows does."""
    places: set[str] = set()
    if actor is not None and getattr(actor, "pk", None):
        places.update(actor.counties.values_list("name", flat=True))
        if actor.organisation_id:
            places.add(actor.organisation.name)
    if places:
        return places
    counted = Counter(c.new_place for c in items if c.new_place)
    total = sum(counted.values())
    if total < MAJORITY_MIN:
        return set()
    top, n = counted.most_common(1)[0]
    return {top} if n * 2 > total else set()


# Helpers ---------------------------------------------------------------------------------


def _text(obj: Any) -> str:
    try:
        return str(obj)
    except Exception:  # a record whose related rows are gone
        return f"#{getattr(obj, 'pk', '')}"


def _name(value: Any) -> str:
    """A related record by its full name where it has one (a county, an organisation)."""
    if value is None:
        return ""
    name = getattr(value, "name", None)
    return name if isinstance(name, str) and name else _text(value)


def _path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def _current(obj: models.Model, name: str) -> Any:
    """A field's value after the update, in the forms `before` holds (a many-to-many field:
    its records)."""
    value = getattr(obj, name, None)
    if isinstance(value, models.Manager):
        return list(value.all())
    return value


def _verbose(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _money(model: type[models.Model], name: str, column: Any) -> bool:
    if column is not None:
        return column.kind == specs.MONEY
    try:
        mfield = model._meta.get_field(name)
    except Exception:
        return False
    return type(mfield).__name__ == "MoneyField"


def _yuan(value: Any) -> Decimal | None:
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _more_than_half(old: Any, new: Any) -> bool:
    a, b = _yuan(old), _yuan(new)
    if a is None or b is None or a <= 0:
        return False
    return abs(b - a) * 2 > a


def _backwards(column: specs.Column, old: Any, new: Any) -> bool:
    order = list(column.forward)
    if old not in order or new not in order:
        return False
    return order.index(new) < order.index(old)


def _plain(value: Any, column: Any = None) -> str:
    if isinstance(value, models.Model):
        return _name(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, list | tuple | set):
        return "、".join(_plain(v, column) for v in value)
    if column is not None and column.kind == specs.CHOICE and column.choices is not None:
        return str(dict(column.choices.choices).get(value, value))
    return str(value)


def _mask(spec: specs.SheetSpec, text: str, column: Any = None) -> str:
    """Personal data never shows in clear: a masked column by its mask, and anything in a
    personal sheet that looks like an ID number or a phone number."""
    if not text:
        return text
    mask = getattr(column, "mask", None)
    if mask is not None:
        try:
            text = mask(text)
        except Exception:
            text = "***"
    if any(getattr(c, "mask", None) for c in spec.columns):
        from duikou.lib.masking import mask_text

        text = mask_text(text)
    return text
