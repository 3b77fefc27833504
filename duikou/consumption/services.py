"""The one door for every write to the consumption ledger: validated, scoped, atomic, in history.

Every function is keyword-only with the acting user (`actor`; None for the demo loader and
internal callers, which skip the permission checks). A ValidationError names the field, in
Chinese; PermissionDenied when the actor may not write there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.consumption import scopes
from duikou.consumption.models import (
    Certification,
    Channel,
    Product,
    Sale,
    SalesTarget,
    Supplier,
)
from duikou.consumption.vocab import CertificationKind, ChannelKind
from duikou.core import bulk, servicekit
from duikou.core.models import Organisation
from duikou.lib.money import fen_to_yuan, yuan_to_fen

PRODUCT_FIELDS = ("name", "name_en", "note")
CHANNEL_FIELDS = ("name", "kind", "city", "operator", "opened_on", "closed_on", "note")
SALE_FIELDS = ("date", "is_month", "channel", "product", "supplier", "sold", "ordered")
MONEY_LABELS = {"sold": "销售额", "ordered": "订单额", "amount": "目标销售额"}


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _lists(actor: User | None, message: str) -> None:
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(message)


def money(value: Any, field: str) -> Decimal:
    """An amount in yuan (Decimal, int or text) → exact Decimal; empty is 0; text, negative or
    finer than a 分 is refused with a message naming the field."""
    if value is None or value == "":
        return Decimal("0.00")
    label = _(MONEY_LABELS.get(field, field))
    try:
        fen = yuan_to_fen(str(value).replace(",", "").strip())
    except ValueError as exc:
        raise ValidationError(
            {field: _("%(field)s“%(v)s”不是有效的金额。") % {"field": label, "v": value}}
        ) from exc
    if fen < 0:
        raise ValidationError({field: _("%(field)s不能为负数。") % {"field": label}})
    return fen_to_yuan(fen)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def check_period(day: dt.date | None, is_month: bool, *, today: dt.date | None = None) -> None:
    """A sale's date: given, and not in the future (a month from its first day)."""
    if day is None:
        raise ValidationError({"date": [_("请填写日期。")]})
    today = today or timezone.localdate()
    if is_month and day.day != 1:
        raise ValidationError({"date": [_("月度合计的日期应为该月 1 日。")]})
    if day > today:
        if is_month:
            message = _("月份 %(m)s 尚未到来，不能填报。") % {"m": day.strftime("%Y-%m")}
        else:
            message = _("日期 %(d)s 在今天之后，不能填报。") % {"d": day.isoformat()}
        raise ValidationError({"date": [message]})


# Products ------------------------------------------------------------------------------------


@transaction.atomic
def product_create(*, actor: User | None, name: str, name_en: str = "", note: str = "") -> Product:
    _lists(actor, _("您没有登记产品的权限。"))
    product = Product(created_by=actor)
    servicekit.apply_fields(
        product, PRODUCT_FIELDS, {"name": name, "name_en": name_en, "note": note}
    )
    servicekit.save(product, actor=actor)
    return product


@transaction.atomic
def product_update(*, actor: User | None, product: Product, **data: Any) -> Product:
    _lists(actor, _("您没有修改产品的权限。"))
    obj = Product.objects.select_for_update().get(pk=product.pk)
    if servicekit.apply_fields(obj, PRODUCT_FIELDS, data):
        servicekit.save(obj, actor=actor)
    return obj


# Suppliers -----------------------------------------------------------------------------------


@transaction.atomic
def supplier_for_organisation(
    *, actor: User | None, organisation: Organisation, note: str = ""
) -> tuple[Supplier, bool]:
    """The organisation's supplier record, created when it has none (the bool says so)."""
    found = Supplier.objects.filter(organisation=organisation).first()
    if found is not None:
        return found, False
    if actor is not None and not scopes.can_add_supplier(actor, organisation):
        raise _deny(_("您没有登记该供应商的权限。"))
    supplier = Supplier(created_by=actor, organisation=organisation, note=note)
    servicekit.save(supplier, actor=actor)
    return supplier, True


@transaction.atomic
def certification_set(
    *,
    actor: User | None,
    supplier: Supplier,
    kind: str,
    certified_on: dt.date | None,
) -> Certification:
    """Give a supplier a certification (or change its date)."""
    _lists(actor, _("您没有登记供应商认证的权限。"))
    if kind not in CertificationKind.values:
        raise ValidationError(
            {
                "kind": [
                    _("认证“%(v)s”未知，可选：%(allowed)s。")
                    % {"v": kind, "allowed": "、".join(CertificationKind.values)}
                ]
            }
        )
    cert = Certification.objects.filter(supplier=supplier, kind=kind).first()
    if cert is None:
        cert = Certification(created_by=actor, supplier=supplier, kind=kind)
    elif cert.certified_on == certified_on:
        return cert
    cert.certified_on = certified_on
    servicekit.save(cert, actor=actor)
    return cert


@transaction.atomic
def certification_remove(*, actor: User | None, certification: Certification) -> None:
    _lists(actor, _("您没有修改供应商认证的权限。"))
    servicekit.stamp(certification, actor=actor)
    certification.delete()


# Channels ------------------------------------------------------------------------------------


def _check_kind(data: dict[str, Any]) -> None:
    if "kind" in data and data["kind"] not in ChannelKind.values:
        raise ValidationError(
            {
                "kind": [
                    _("渠道类型“%(v)s”未知，可选：%(allowed)s。")
                    % {"v": data["kind"], "allowed": "、".join(ChannelKind.values)}
                ]
            }
        )


@transaction.atomic
def channel_create(*, actor: User | None, **data: Any) -> Channel:
    _lists(actor, _("您没有登记销售渠道的权限。"))
    _check_kind(data)
    channel = Channel(created_by=actor)
    servicekit.apply_fields(channel, CHANNEL_FIELDS, data)
    servicekit.save(channel, actor=actor)
    return channel


@transaction.atomic
def channel_update(*, actor: User | None, channel: Channel, **data: Any) -> Channel:
    _lists(actor, _("您没有修改销售渠道的权限。"))
    _check_kind(data)
    obj = Channel.objects.select_for_update().get(pk=channel.pk)
    if servicekit.apply_fields(obj, CHANNEL_FIELDS, data):
        servicekit.save(obj, actor=actor)
    return obj


# Sales ---------------------------------------------------------------------------------------


def _check_sale(actor: User | None, data: dict[str, Any]) -> None:
    for field in ("sold", "ordered"):
        if field in data:
            data[field] = money(data[field], field)
    if actor is not None and not scopes.can_record_sale(
        actor, data.get("channel"), data.get("supplier")
    ):
        raise _deny(_("您没有为该渠道（或该供应商）填报销售的权限。"))


@transaction.atomic
def sale_create(*, actor: User | None, **data: Any) -> Sale:
    data.setdefault("is_month", False)
    _check_sale(actor, data)
    check_period(data.get("date"), data["is_month"])
    sale = Sale(created_by=actor)
    servicekit.apply_fields(sale, SALE_FIELDS, data)
    servicekit.save(sale, actor=actor)
    return sale


@transaction.atomic
def sale_update(*, actor: User | None, sale: Sale, **data: Any) -> Sale:
    obj = Sale.objects.select_related("channel", "supplier__organisation").get(pk=sale.pk)
    if actor is not None and not scopes.can_record_sale(actor, obj.channel, obj.supplier):
        raise _deny(_("您没有修改这条销售记录的权限。"))
    merged = {
        "channel": data.get("channel", obj.channel),
        "supplier": data.get("supplier", obj.supplier),
    }
    merged.update(data)
    _check_sale(actor, merged)
    data.update({k: merged[k] for k in data})
    if "date" in data or "is_month" in data:
        check_period(data.get("date", obj.date), data.get("is_month", obj.is_month))
    if servicekit.apply_fields(obj, SALE_FIELDS, data):
        servicekit.save(obj, actor=actor)
    return obj


@transaction.atomic
def sale_record(
    *,
    actor: User | None,
    channel: Channel,
    product: Product,
    date: dt.date,
    is_month: bool,
    sold: Any,
    ordered: Any = 0,
    supplier: Supplier | None = None,
) -> tuple[Sale, bool]:
    """Enter a sale by its key (日期 + 渠道 + 产品): a new row, or the existing one updated
    (the bool: created)."""
    if is_month:
        date = month_start(date)
    existing = Sale.objects.filter(
        date=date, is_month=is_month, channel=channel, product=product
    ).first()
    if existing is None:
        sale = sale_create(
            actor=actor,
            channel=channel,
            product=product,
            date=date,
            is_month=is_month,
            sold=sold,
            ordered=ordered,
            supplier=supplier,
        )
        return sale, True
    sale = sale_update(actor=actor, sale=existing, sold=sold, ordered=ordered, supplier=supplier)
    return sale, False


@transaction.atomic
def sale_delete(*, actor: User | None, sale: Sale) -> None:
    if actor is not None and not scopes.can_record_sale(actor, sale.channel, sale.supplier):
        raise _deny(_("您没有删除这条销售记录的权限。"))
    servicekit.stamp(sale, actor=actor)
    sale.delete()


@transaction.atomic
def sales_create_many(
    *, actor: User | None, rows: Iterable[dict[str, Any]], reason: str = ""
) -> list[int]:
    """Many new sales at once (an import, the demo), each with its history row, written with
    multi-row INSERTs. Each row is checked as `sale_create` checks it (amounts, date, the
    actor's channel or supplier); the caller knows the keys are new (the unique constraint
    still guards them). Returns the new primary keys in row order."""
    today = timezone.localdate()
    adapt = bulk.db_for(Sale).ops.adapt_datefield_value
    values = []
    allowed: dict[tuple, bool] = {}
    for data in rows:
        is_month = bool(data.get("is_month", False))
        day = data.get("date")
        check_period(day, is_month, today=today)
        channel, supplier = data["channel"], data.get("supplier")
        if actor is not None:
            key = (channel.pk, supplier.pk if supplier else None)
            if key not in allowed:
                allowed[key] = scopes.can_record_sale(actor, channel, supplier)
            if not allowed[key]:
                raise _deny(_("您没有为该渠道（或该供应商）填报销售的权限。"))
        sold = yuan_to_fen(money(data.get("sold"), "sold"))
        ordered = yuan_to_fen(money(data.get("ordered"), "ordered"))
        values.append(
            (
                adapt(day),
                is_month,
                channel.pk,
                data["product"].pk,
                supplier.pk if supplier else None,
                sold,
                ordered,
            )
        )
    if not values:
        return []
    user_id = actor.pk if actor is not None else None
    return bulk.insert_with_history(
        Sale,
        ["date", "is_month", "channel_id", "product_id", "supplier_id", "sold", "ordered"],
        values,
        user_id=user_id,
        reason=reason,
        constants={"created_by_id": user_id},
    )


# Targets -------------------------------------------------------------------------------------


@transaction.atomic
def target_set(*, actor: User | None, year: int, amount: Any, note: str = "") -> SalesTarget:
    """Set (or change) the year's sales target."""
    _lists(actor, _("只有指挥部可以设定年度销售目标。"))
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": [_("年度应在 2000–2100 之间。")]})
    value = money(amount, "amount")
    target = SalesTarget.objects.select_for_update().filter(year=year).first()
    if target is None:
        target = SalesTarget(created_by=actor, year=year)
    elif target.amount == value and target.note == note:
        return target
    target.amount = value
    target.note = note
    servicekit.save(target, actor=actor)
    return target
