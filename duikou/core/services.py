"""The one door for every write to the registry: validated, scoped, atomic, and in history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import scopes, servicekit
from duikou.core.models import Department, Division, Organisation, Pairing

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "side",
    "division",
    "credit_code",
    "credit_code_override",
    "credit_code_override_reason",
    "address",
    "note",
)
PAIRING_FIELDS = (
    "kind",
    "zhejiang_org",
    "haixi_org",
    "haixi_department",
    "start_date",
    "end_date",
    "agreement_title",
    "note",
)


def _override_reason(org: Organisation) -> str:
    if org.credit_code_override:
        return _("保留校验不通过的统一社会信用代码：%(reason)s") % {
            "reason": org.credit_code_override_reason
        }
    return ""


@transaction.atomic
def organisation_create(*, actor: User | None, **data: Any) -> Organisation:
    if actor is not None:
        if not scopes.can_create_organisation(actor):
            raise PermissionDenied(_("您没有新建单位的权限。"))
        division = data.get("division")
        if (
            division is not None
            and not scopes.editable_divisions(actor).filter(pk=division.pk).exists()
        ):
            raise ValidationError({"division": _("所在地超出您的数据范围。")})
    org = Organisation()
    servicekit.apply_fields(org, ORGANISATION_FIELDS, data)
    servicekit.save(org, actor=actor, reason=_override_reason(org))
    return org


@transaction.atomic
def organisation_update(
    *, actor: User | None, organisation: Organisation, **data: Any
) -> Organisation:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if actor is not None:
        if not scopes.can_edit_organisation(actor, org):
            raise PermissionDenied(_("您没有修改该单位的权限。"))
        division = data.get("division")
        if (
            division is not None
            and division.pk != org.division_id
            and not scopes.editable_divisions(actor).filter(pk=division.pk).exists()
        ):
            raise ValidationError({"division": _("所在地超出您的数据范围。")})
    if not servicekit.apply_fields(org, ORGANISATION_FIELDS, data):
        return org
    servicekit.save(org, actor=actor, reason=_override_reason(org))
    return org


@transaction.atomic
def organisation_set_members(
    *, actor: User | None, organisation: Organisation, members: list[Organisation]
) -> None:
    if actor is not None and not scopes.can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("您没有修改该单位的权限。"))
    if organisation in members:
        raise ValidationError({"members": _("单位不能是自己的成员。")})
    organisation.members.set(members)
    # Record the membership change on the organisation's own history.
    servicekit.stamp(
        organisation,
        actor=actor,
        reason=_("成员单位：%(names)s")
        % {"names": "、".join(m.display_short for m in members) or "—"},
    )
    organisation.save()


@transaction.atomic
def department_create(
    *, actor: User | None, organisation: Organisation, name: str, catalogue_code: str = ""
) -> Department:
    if actor is not None and not scopes.can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("您没有修改该单位的权限。"))
    dept = Department(organisation=organisation, name=name, catalogue_code=catalogue_code)
    servicekit.save(dept, actor=actor)
    return dept


def department_get_or_create(
    *, actor: User | None, organisation: Organisation, name: str, catalogue_code: str = ""
) -> Department:
    existing = Department.objects.filter(organisation=organisation, name=name.strip()).first()
    if existing:
        return existing
    return department_create(
        actor=actor, organisation=organisation, name=name, catalogue_code=catalogue_code
    )


def _check_pairing_scope(actor: User, pairing: Pairing) -> None:
    if pairing.haixi_org_id and not scopes.pairing_in_county_scope(actor, pairing.haixi_org):
        raise ValidationError({"haixi_org": _("受援方单位超出您的数据范围。")})


@transaction.atomic
def pairing_create(*, actor: User | None, **data: Any) -> Pairing:
    if actor is not None and not scopes.can_create_pairing(actor):
        raise PermissionDenied(_("您没有新建结对的权限。"))
    pairing = Pairing(created_by=actor)
    servicekit.apply_fields(pairing, PAIRING_FIELDS, data)
    if actor is not None:
        _check_pairing_scope(actor, pairing)
    servicekit.save(pairing, actor=actor)
    return pairing


@transaction.atomic
def pairing_update(*, actor: User | None, pairing: Pairing, **data: Any) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if actor is not None:
        if not scopes.can_edit_pairing(actor, pairing):
            raise PermissionDenied(_("您没有修改该结对的权限。"))
    if not servicekit.apply_fields(pairing, PAIRING_FIELDS, data):
        return pairing
    if actor is not None:
        _check_pairing_scope(actor, pairing)
    servicekit.save(pairing, actor=actor)
    return pairing


@transaction.atomic
def pairing_end(*, actor: User | None, pairing: Pairing, end_date: dt.date) -> Pairing:
    """End a pairing (pairings are ended, not deleted: their history stays in the figures)."""
    return pairing_update(actor=actor, pairing=pairing, end_date=end_date)


@transaction.atomic
def division_set_paired_city(
    *, actor: User | None, county: Division, city: Division | None
) -> Division:
    if actor is not None and not actor.is_headquarters:
        raise PermissionDenied(_("只有指挥部可以调整结对城市。"))
    county.paired_city = city
    servicekit.save(county, actor=actor)
    return county
