"""The one door for every write to the exchanges ledger: validated, scoped, atomic, in history.

Keyword-only, with the acting user (`actor`; None for the demo loader and internal callers,
which skip the permission checks). A ValidationError names the field, in Chinese;
PermissionDenied when the actor may not write there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.accounts.scopes import is_headquarters
from duikou.core import crypto, servicekit, uploads
from duikou.core.models import Division, Organisation
from duikou.exchanges import scopes
from duikou.exchanges.models import (
    Event,
    EventPhoto,
    Indicator,
    IndicatorValue,
    OffsiteClass,
    Participant,
)
from duikou.exchanges.vocab import EventKind, ParticipantSide, is_computed_name
from duikou.lib.checkdigits import check_resident_id, normalise_code

EVENT_FIELDS = (
    "kind",
    "title",
    "start_date",
    "end_date",
    "organiser_text",
    "haixi_count",
    "zhejiang_count",
    "note",
)
CLASS_FIELDS = ("school", "haixi_org", "major", "intake_year", "students", "note")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


# Events -------------------------------------------------------------------------------------


def _check_event(
    data: dict[str, Any], places: Sequence[Division], organisers: Sequence[Organisation]
) -> None:
    """What full_clean cannot see: the kind, the dates' order, the counts, the places."""
    errors: dict[str, list] = {}
    if data.get("kind") not in EventKind.values:
        errors["kind"] = [
            _("活动类型“%(k)s”未知，可选：%(all)s。")
            % {"k": data.get("kind") or "", "all": "、".join(EventKind.values)}
        ]
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [
            _("结束日期（%(end)s）不能早于开始日期（%(start)s）。")
            % {"end": end.isoformat(), "start": start.isoformat()}
        ]
    for field, label in (("haixi_count", _("海西参与人数")), ("zhejiang_count", _("浙江参与人数"))):
        value = data.get(field)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[field] = [_("%(f)s应为不小于 0 的整数。") % {"f": label}]
    allowed = set(scopes.event_places().values_list("pk", flat=True))
    bad = [p.name for p in places if p.pk not in allowed]
    if bad:
        errors["places"] = [
            _("地点“%(p)s”不是海西州的县市或浙江省的城市。") % {"p": "、".join(bad)}
        ]
    if errors:
        raise ValidationError(errors)


def _check_scope(
    actor: User | None, places: Sequence[Division], organisers: Sequence[Organisation]
) -> None:
    if actor is None or is_headquarters(actor):
        return
    if not scopes.can_create_event(actor):
        raise PermissionDenied(_("您没有登记交流活动的权限。"))
    if not scopes.in_users_counties(actor, places, organisers):
        raise ValidationError({"places": _("地点或主办单位须至少有一个在您负责的县市。")})


def _names(items: Iterable) -> str:
    return "、".join(sorted(str(i) for i in items)) or "—"


@transaction.atomic
def event_create(
    *,
    actor: User | None,
    places: Sequence[Division] = (),
    organisers: Sequence[Organisation] = (),
    **data: Any,
) -> Event:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    data.setdefault("haixi_count", 0)
    data.setdefault("zhejiang_count", 0)
    places, organisers = list(places), list(organisers)
    _check_event(data, places, organisers)
    _check_scope(actor, places, organisers)
    event = Event(created_by=actor)
    servicekit.apply_fields(event, EVENT_FIELDS, data)
    servicekit.save(event, actor=actor)
    event.places.set(places)
    event.organisers.set(organisers)
    return event


@transaction.atomic
def event_update(
    *,
    actor: User | None,
    event: Event,
    places: Sequence[Division] | None = None,
    organisers: Sequence[Organisation] | None = None,
    **data: Any,
) -> Event:
    obj = Event.objects.select_for_update().get(pk=event.pk)
    if actor is not None and not scopes.can_edit_event(actor, obj):
        raise PermissionDenied(_("您没有修改该活动的权限。"))
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    new_places = list(obj.places.all()) if places is None else list(places)
    new_orgs = list(obj.organisers.all()) if organisers is None else list(organisers)
    merged = {f: getattr(obj, f) for f in EVENT_FIELDS} | data
    _check_event(merged, new_places, new_orgs)
    _check_scope(actor, new_places, new_orgs)  # a county team cannot move an event away
    changed = servicekit.apply_fields(obj, EVENT_FIELDS, data)
    if changed:
        servicekit.save(obj, actor=actor)
    reasons = []
    if {p.pk for p in new_places} != set(obj.places.values_list("pk", flat=True)):
        obj.places.set(new_places)
        reasons.append(_("地点：%(p)s") % {"p": _names(new_places)})
    if {o.pk for o in new_orgs} != set(obj.organisers.values_list("pk", flat=True)):
        obj.organisers.set(new_orgs)
        reasons.append(_("主办单位：%(o)s") % {"o": _names(new_orgs)})
    if reasons:
        servicekit.store(obj, actor=actor, reason="；".join(reasons))
    return obj


def _clean_phone(raw: str) -> str:
    value = normalise_code(raw or "").replace(" ", "").replace("-", "").removeprefix("+86")
    if value and not MOBILE.match(value):
        raise ValidationError({"phone": _("联系电话应为 11 位手机号。")})
    return value


def _clean_id(raw: str) -> str:
    value = normalise_code(raw or "").replace(" ", "").upper()
    if value and not (ID_NUMBER.match(value) and check_resident_id(value).ok):
        # The number itself is never echoed back (personal data).
        raise ValidationError({"id_number": _("身份证号有误：应为 18 位且校验位正确。")})
    return value


@transaction.atomic
def participant_add(
    *,
    actor: User | None,
    event: Event,
    name: str,
    side: str,
    organisation: str = "",
    phone: str = "",
    id_number: str = "",
) -> Participant:
    """Name a participant; the phone and ID number are stored encrypted, never logged."""
    if actor is not None and not scopes.can_edit_event(actor, event):
        raise PermissionDenied(_("您没有修改该活动的权限。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("参与人姓名不能为空。")})
    if side not in ParticipantSide.values:
        raise ValidationError(
            {"side": _("参与人来自“%(s)s”未知，可选：海西、浙江。") % {"s": side or ""}}
        )
    person = Participant(
        event=event,
        name=name,
        side=side,
        organisation=(organisation or "").strip(),
        created_by=actor,
    )
    person.phone_cipher = crypto.encrypt(_clean_phone(phone)) if phone else ""
    person.id_cipher = crypto.encrypt(_clean_id(id_number)) if id_number else ""
    servicekit.save(person, actor=actor)
    return person


@transaction.atomic
def event_photos_add(
    *,
    actor: User | None,
    event: Event,
    photos: Sequence[UploadedFile],
    caption: str = "",
) -> list[EventPhoto]:
    """Photos checked by content (core.uploads) and capped per event, as progress photos are."""
    if actor is not None and not scopes.can_edit_event(actor, event):
        raise PermissionDenied(_("您没有为该活动上传照片的权限。"))
    if not photos:
        raise ValidationError({"photos": _("请选择至少一张照片。")})
    existing = [p.image.size for p in event.photos.all() if _stored_size(p) is not None]
    uploads.check_caps(existing + [photo.size or 0 for photo in photos])
    for photo in photos:
        uploads.check_file(photo, kinds=(uploads.IMAGE,))
    out = []
    for photo in photos:
        item = EventPhoto(event=event, image=photo, caption=caption.strip(), uploaded_by=actor)
        item.full_clean()
        item.save()
        out.append(item)
    servicekit.store(event, actor=actor, reason=_("上传照片 %(n)s 张") % {"n": len(out)})
    return out


def _stored_size(photo: EventPhoto) -> int | None:
    try:
        return photo.image.size
    except (FileNotFoundError, OSError, ValueError):
        return None


# Off-site classes ---------------------------------------------------------------------------


def _check_class(obj: OffsiteClass) -> None:
    errors: dict[str, list] = {}
    if obj.students is None or not isinstance(obj.students, int) or obj.students < 0:
        errors["students"] = [_("在读学生数应为不小于 0 的整数。")]
    if obj.school_id and obj.school.side != "支援方":
        errors["school"] = [_("浙江院校应为支援方（浙江）单位。")]
    if obj.haixi_org_id and obj.haixi_org.side != "受援方":
        errors["haixi_org"] = [_("海西合作单位应为受援方（海西）单位。")]
    if obj.intake_year is not None and not (2000 <= obj.intake_year <= 2100):
        errors["intake_year"] = [_("招生年份应在 2000–2100 之间。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offsite_class_create(*, actor: User | None, **data: Any) -> OffsiteClass:
    if actor is not None and not scopes.can_edit_classes(actor):
        raise PermissionDenied(_("您没有登记异地班的权限。"))
    obj = OffsiteClass(created_by=actor)
    servicekit.apply_fields(obj, CLASS_FIELDS, data)
    obj.major = (obj.major or "").strip()
    _check_class(obj)
    servicekit.save(obj, actor=actor)
    return obj


@transaction.atomic
def offsite_class_update(
    *, actor: User | None, offsite_class: OffsiteClass, **data: Any
) -> OffsiteClass:
    if actor is not None and not scopes.can_edit_classes(actor):
        raise PermissionDenied(_("您没有修改异地班的权限。"))
    obj = OffsiteClass.objects.select_for_update().get(pk=offsite_class.pk)
    if servicekit.apply_fields(obj, CLASS_FIELDS, data):
        obj.major = (obj.major or "").strip()
        _check_class(obj)
        servicekit.save(obj, actor=actor)
    return obj


# Indicators ---------------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("指标名称不能为空。")})
    if is_computed_name(name):
        raise ValidationError(
            {
                "name": _(
                    "“%(n)s”是平台从记录计算的数字，不能作为填报指标：计算所得的数字从不作为指标保存。"
                )
                % {"n": name}
            }
        )
    return name


@transaction.atomic
def indicator_create(
    *, actor: User | None, name: str, unit: str, description: str = ""
) -> Indicator:
    if actor is not None and not scopes.can_edit_indicators(actor):
        raise PermissionDenied(_("您没有定义填报指标的权限。"))
    name = _check_name(name)
    if Indicator.objects.filter(name=name).exists():
        raise ValidationError({"name": _("指标“%(n)s”已经存在。") % {"n": name}})
    if not (unit or "").strip():
        raise ValidationError({"unit": _("指标单位不能为空。")})
    obj = Indicator(name=name, unit=unit.strip(), description=description.strip(), created_by=actor)
    servicekit.save(obj, actor=actor)
    return obj


def _value(raw: Any) -> Decimal:
    text = str(raw if raw is not None else "").replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError({"value": _("数值“%(v)s”不是有效的数字。") % {"v": raw}}) from exc
    if not value.is_finite():
        raise ValidationError({"value": _("数值“%(v)s”不是有效的数字。") % {"v": raw}})
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError({"value": _("数值最多保留 4 位小数。")})
    if value < 0:
        raise ValidationError({"value": _("数值不能为负数。")})
    if abs(value) >= Decimal(10) ** 11:
        raise ValidationError({"value": _("数值过大。")})
    return value


def _source(raw: str) -> str:
    source = (raw or "").strip()
    if not source:
        raise ValidationError(
            {"source": _("来源文件不能为空：填报指标须注明数字出自哪份文件（文号或标题）。")}
        )
    return source


@transaction.atomic
def indicator_value_set(
    *,
    actor: User | None,
    indicator: Indicator,
    year: int,
    value: Any,
    source: str,
    reason: str = "",
    entered_at: dt.datetime | None = None,
) -> IndicatorValue:
    """Enter (or correct) the indicator's value for a year; a correction keeps the old value
    in history with its reason."""
    if actor is not None and not scopes.can_edit_indicators(actor):
        raise PermissionDenied(_("您没有填报指标的权限。"))
    if not isinstance(year, int) or not (2000 <= year <= 2100):
        raise ValidationError({"year": _("年度应在 2000–2100 之间。")})
    number = _value(value)
    source = _source(source)
    obj = IndicatorValue.objects.select_for_update().filter(indicator=indicator, year=year).first()
    when = entered_at or timezone.now()
    if obj is None:
        obj = IndicatorValue(
            indicator=indicator,
            year=year,
            value=number,
            source=source,
            entered_by=actor,
            entered_at=when,
            created_by=actor,
        )
        servicekit.save(obj, actor=actor, reason=reason)
        return obj
    if obj.value == number and obj.source == source:
        return obj
    obj.value, obj.source, obj.entered_by, obj.entered_at = number, source, actor, when
    servicekit.save(obj, actor=actor, reason=reason)
    return obj
