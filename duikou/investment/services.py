"""The one door for every write to the investment ledger: validated, scoped, atomic, in history.

Every function is keyword-only with the acting user (`actor`; None for the demo loader and
internal callers, which skip the permission checks). A ValidationError names the field, in
Chinese; PermissionDenied when the actor may not write there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import crypto, servicekit
from duikou.core import services as core_services
from duikou.core.models import Division, Organisation
from duikou.core.validators import credit_code_messages
from duikou.core.vocab import OrgKind, Side
from duikou.investment import scopes
from duikou.investment.models import (
    Deal,
    DealStageChange,
    Enterprise,
    Policy,
    PromotionEvent,
)
from duikou.investment.vocab import (
    SIGNED_STAGES,
    DealStage,
    is_backwards,
    parse_incentives,
    parse_industries,
)
from duikou.lib.checkdigits import check_uscc, normalise_code
from duikou.lib.money import fen_to_yuan, yuan_to_fen

ENTERPRISE_FIELDS = (
    "industry_section",
    "industry_division",
    "products",
    "size",
    "zero_carbon",
    "intentions",
    "intended_investment",
    "contact_name",
)
POLICY_FIELDS = (
    "title",
    "issuer",
    "doc_no",
    "valid_from",
    "valid_to",
    "industries",
    "incentives",
    "min_investment",
    "min_jobs",
    "region",
    "text",
)
DEAL_FIELDS = (
    "name",
    "county",
    "industry_section",
    "industry_division",
    "signed_amount",
    "invested",
    "event",
    "owner",
    "note",
)
EVENT_FIELDS = ("name", "date", "place", "organiser", "attendance", "note")
MONEY_LABELS = {
    "intended_investment": "意向投资额",
    "min_investment": "最低投资额",
    "signed_amount": "签约金额",
    "invested": "已到位资金",
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def money(value: Any, field: str) -> Decimal | None:
    """An amount in yuan (Decimal, int or text) → exact Decimal; text, negative or finer than
    a 分 is refused with a message naming the field."""
    if value is None or value == "":
        return None
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


def _amounts(data: dict[str, Any]) -> None:
    for field in MONEY_LABELS:
        if field in data:
            data[field] = money(data[field], field)


# Enterprises ---------------------------------------------------------------------------------


def check_credit_code(raw: str) -> str:
    code = normalise_code(raw or "")
    if not code:
        raise ValidationError({"credit_code": _("统一社会信用代码不能为空。")})
    result = check_uscc(code)
    if not result.ok:
        raise ValidationError(
            {
                "credit_code": [
                    _("统一社会信用代码有误：%(m)s") % {"m": m}
                    for m in credit_code_messages(result.errors)
                ]
            }
        )
    return code


def _phone(raw: str) -> str:
    value = normalise_code(raw or "").replace("－", "-").replace("—", "-").replace(" ", "")
    value = value.removeprefix("+86")
    if value and not (MOBILE.match(value) or LANDLINE.match(value)):
        raise ValidationError(
            {"phone": _("联系电话格式不正确：应为 11 位手机号或带区号的固定电话。")}
        )
    return value


def enterprise_organisation(
    *, actor: User | None, name: str, credit_code: str, city: Division | None = None
) -> Organisation:
    """The Zhejiang organisation of an enterprise: found by credit code, else by name (its code
    filled in), else created in the city (or the province)."""
    code = check_credit_code(credit_code)
    name = (name or "").strip()
    org = Organisation.objects.filter(credit_code=code).first()
    if org is not None:
        return org
    org = Organisation.objects.filter(name=name).first()
    if org is not None:
        if org.credit_code and org.credit_code != code:
            raise ValidationError(
                {
                    "credit_code": _("单位“%(n)s”已登记统一社会信用代码 %(c)s，与填写的不一致。")
                    % {"n": name, "c": org.credit_code}
                }
            )
        return core_services.organisation_update(actor=None, organisation=org, credit_code=code)
    if not name:
        raise ValidationError({"name": _("企业名称不能为空。")})
    division = city or Division.objects.get(code="330000")
    return core_services.organisation_create(
        actor=None,
        name=name,
        kind=OrgKind.ENTERPRISE,
        side=Side.SUPPORTING,
        division=division,
        credit_code=code,
    )


@transaction.atomic
def enterprise_create(
    *, actor: User | None, organisation: Organisation, phone: str = "", **data: Any
) -> Enterprise:
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(_("您没有登记招商企业的权限。"))
    if Enterprise.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("该单位已在招商企业清单中。")})
    _amounts(data)
    enterprise = Enterprise(organisation=organisation, created_by=actor)
    servicekit.apply_fields(enterprise, ENTERPRISE_FIELDS, data)
    enterprise.phone_cipher = crypto.encrypt(_phone(phone))
    servicekit.save(enterprise, actor=actor)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User | None, enterprise: Enterprise, phone: str | None = None, **data: Any
) -> Enterprise:
    """Change fields; `phone` None leaves the phone as it is, "" clears it."""
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(_("您没有修改招商企业的权限。"))
    obj = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _amounts(data)
    changed = servicekit.apply_fields(obj, ENTERPRISE_FIELDS, data)
    if phone is not None:
        value = _phone(phone)
        if value != obj.clear_phone():
            obj.phone_cipher = crypto.encrypt(value)
            changed.append("phone_cipher")
    if not changed:
        return obj
    servicekit.save(obj, actor=actor)
    return obj


# Policies ------------------------------------------------------------------------------------


def _policy_lists(data: dict[str, Any]) -> None:
    """适用行业 and 优惠类型 given as text are parsed; unknown parts are named in the error."""
    errors: dict[str, list[str]] = {}
    if isinstance(data.get("industries"), str):
        codes, bad = parse_industries(data["industries"])
        if bad:
            errors["industries"] = [
                _("适用行业“%(v)s”不是 GB/T 4754-2017 的门类或两位大类代码。")
                % {"v": "、".join(bad)}
            ]
        data["industries"] = codes
    if isinstance(data.get("incentives"), str):
        kinds, bad = parse_incentives(data["incentives"])
        if bad:
            errors["incentives"] = [
                _("优惠类型“%(v)s”未知，可选：电价、土地、税收、补贴、人才、其他。")
                % {"v": "、".join(bad)}
            ]
        data["incentives"] = kinds
    if errors:
        raise ValidationError(errors)
    for key in ("industries", "incentives"):
        if key in data and data[key] is not None:
            data[key] = list(data[key])


@transaction.atomic
def policy_create(*, actor: User | None, **data: Any) -> Policy:
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(_("您没有登记招商政策的权限。"))
    _amounts(data)
    _policy_lists(data)
    policy = Policy(created_by=actor)
    servicekit.apply_fields(policy, POLICY_FIELDS, data)
    servicekit.save(policy, actor=actor)
    return policy


@transaction.atomic
def policy_update(*, actor: User | None, policy: Policy, **data: Any) -> Policy:
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(_("您没有修改招商政策的权限。"))
    obj = Policy.objects.select_for_update().get(pk=policy.pk)
    _amounts(data)
    _policy_lists(data)
    if not servicekit.apply_fields(obj, POLICY_FIELDS, data):
        return obj
    servicekit.save(obj, actor=actor)
    return obj


# Promotion events ----------------------------------------------------------------------------


@transaction.atomic
def event_create(*, actor: User | None, **data: Any) -> PromotionEvent:
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(_("您没有登记推介会的权限。"))
    event = PromotionEvent(created_by=actor)
    servicekit.apply_fields(event, EVENT_FIELDS, data)
    servicekit.save(event, actor=actor)
    return event


@transaction.atomic
def event_update(*, actor: User | None, event: PromotionEvent, **data: Any) -> PromotionEvent:
    if actor is not None and not scopes.can_edit_lists(actor):
        raise _deny(_("您没有修改推介会的权限。"))
    obj = PromotionEvent.objects.select_for_update().get(pk=event.pk)
    if not servicekit.apply_fields(obj, EVENT_FIELDS, data):
        return obj
    servicekit.save(obj, actor=actor)
    return obj


# Deals ---------------------------------------------------------------------------------------


def _check_place(actor: User | None, county: Division | None) -> None:
    if actor is None:
        return
    if not scopes.can_create_deal(actor):
        raise _deny(_("您没有登记招商项目的权限。"))
    if not scopes.can_place_deal(actor, county):
        raise ValidationError({"county": _("落地县市超出您的数据范围。")})


@transaction.atomic
def deal_create(
    *,
    actor: User | None,
    name: str,
    enterprise: Enterprise,
    county: Division,
    on: dt.date,
    stage: str = DealStage.LEAD,
    end_reason: str = "",
    policies: Iterable[Policy] = (),
    **data: Any,
) -> Deal:
    """A new deal entering `stage` on the date `on` (its first timeline entry)."""
    _check_place(actor, county)
    _amounts(data)
    data.setdefault("industry_section", enterprise.industry_section)
    data.setdefault("industry_division", enterprise.industry_division)
    if stage not in DealStage.values:
        raise ValidationError({"stage": _("阶段“%(s)s”未知。") % {"s": stage}})
    deal = Deal(
        name=name,
        enterprise=enterprise,
        county=county,
        stage=stage,
        end_reason=end_reason,
        created_by=actor,
    )
    servicekit.apply_fields(deal, DEAL_FIELDS, {k: v for k, v in data.items() if k != "name"})
    if stage in SIGNED_STAGES:
        deal.signed_on = on
    servicekit.save(deal, actor=actor)
    deal.policies.set(list(policies))
    DealStageChange.objects.create(deal=deal, from_stage="", to_stage=stage, date=on, by=actor)
    return deal


@transaction.atomic
def deal_update(
    *,
    actor: User | None,
    deal: Deal,
    policies: Iterable[Policy] | None = None,
    **data: Any,
) -> Deal:
    obj = Deal.objects.select_for_update().select_related("county").get(pk=deal.pk)
    if actor is not None and not scopes.can_edit_deal(actor, obj):
        raise _deny(_("您没有修改该招商项目的权限。"))
    if "county" in data and data["county"] != obj.county:
        _check_place(actor, data["county"])
    _amounts(data)
    changed = servicekit.apply_fields(obj, DEAL_FIELDS, data)
    if changed:
        servicekit.save(obj, actor=actor)
    if policies is not None:
        wanted = {p.pk for p in policies}
        if wanted != set(obj.policies.values_list("pk", flat=True)):
            obj.policies.set(list(wanted))
            names = "、".join(obj.policies.order_by("title").values_list("title", flat=True))
            servicekit.store(obj, actor=actor, reason=_("适用政策：%(p)s") % {"p": names or "—"})
    return obj


@transaction.atomic
def deal_move(
    *,
    actor: User | None,
    deal: Deal,
    stage: str,
    on: dt.date,
    reason: str = "",
    signed_amount: Any = None,
) -> Deal:
    """Move a deal to `stage` on the date `on`. Going back (or reopening an ended deal) and
    ending it need a reason; reaching 签约 needs a signed amount and dates the signing."""
    obj = Deal.objects.select_for_update().select_related("county").get(pk=deal.pk)
    if actor is not None and not scopes.can_edit_deal(actor, obj):
        raise _deny(_("您没有推进该招商项目的权限。"))
    if stage not in DealStage.values:
        raise ValidationError(
            {
                "stage": _("阶段“%(s)s”未知，可选：%(all)s。")
                % {"s": stage, "all": "、".join(DealStage.values)}
            }
        )
    reason = (reason or "").strip()
    if stage == obj.stage:
        raise ValidationError({"stage": _("项目已处于“%(s)s”阶段。") % {"s": stage}})
    if is_backwards(obj.stage, stage) and not reason:
        raise ValidationError(
            {"reason": _("从“%(a)s”退回“%(b)s”须填写原因。") % {"a": obj.stage, "b": stage}}
        )
    if stage == DealStage.ENDED and not reason:
        raise ValidationError({"reason": _("终止项目须填写终止原因。")})
    last = obj.stage_changes.order_by("-date", "-pk").first()
    if last is not None and on < last.date:
        raise ValidationError(
            {
                "date": _("日期 %(d)s 早于上一次阶段变更（%(last)s）。")
                % {"d": on.isoformat(), "last": last.date.isoformat()}
            }
        )
    amount = money(signed_amount, "signed_amount")
    if amount is not None:
        obj.signed_amount = amount
    old = obj.stage
    obj.stage = stage
    if stage == DealStage.ENDED:
        obj.end_reason = reason
    elif old == DealStage.ENDED:
        obj.end_reason = ""
    if stage in SIGNED_STAGES and obj.signed_on is None:
        obj.signed_on = on
    elif stage in (DealStage.LEAD, DealStage.TALKS) and obj.signed_on is not None:
        obj.signed_on = None  # moved back before signing: no longer counted as signed
    servicekit.save(obj, actor=actor, reason=reason)
    DealStageChange.objects.create(
        deal=obj, from_stage=old, to_stage=stage, date=on, reason=reason, by=actor
    )
    return obj
