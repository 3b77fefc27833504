"""Data scopes of the consumption ledger, on the ladder of duikou.accounts.scopes.

Who reads what:
- headquarters and viewer: everything;
- a liaison (a shop's or platform's operator): the channels its organisation operates and
  their sales (suppliers and products of those sales);
- a county team: the sales whose supplier lies in its counties, the channels those sales went
  through, and its counties' suppliers;
- aid staff: nothing.
Products are a shared vocabulary: whoever reads any sale reads the list.

Writes: products, channels, suppliers and the yearly target by headquarters; a sale by
headquarters, by a liaison on a channel its organisation operates, and by a county team for a
supplier in its counties.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import (
    active,
    has_role,
    in_counties_q,
    is_headquarters,
    ladder,
    org_in_counties,
    reads_everything,
)
from duikou.consumption.models import Channel, Product, Sale, SalesTarget, Supplier


def sales_for_user(user: User) -> QuerySet[Sale]:
    qs = Sale.objects.select_related(
        "channel", "channel__city", "product", "supplier__organisation"
    )
    return ladder(
        user,
        qs,
        county=lambda u: in_counties_q(u, "supplier__organisation"),
        liaison=lambda org: Q(channel__operator=org),
    )


def channels_for_user(user: User) -> QuerySet[Channel]:
    qs = Channel.objects.select_related("city", "operator")
    if has_role(user, Role.COUNTY_TEAM):
        ids = sales_for_user(user).values("channel_id")
        return qs.filter(pk__in=ids)
    return ladder(user, qs, liaison=lambda org: Q(operator=org))


def suppliers_for_user(user: User) -> QuerySet[Supplier]:
    qs = Supplier.objects.select_related("organisation", "organisation__division")
    if has_role(user, Role.LIAISON) and user.organisation_id:
        ids = sales_for_user(user).exclude(supplier=None).values("supplier_id")
        return qs.filter(pk__in=ids)
    return ladder(user, qs, county=lambda u: in_counties_q(u, "organisation"))


def products_for_user(user: User) -> QuerySet[Product]:
    if reads_sales(user):
        return Product.objects.all()
    return Product.objects.none()


def targets_for_user(user: User) -> QuerySet[SalesTarget]:
    return SalesTarget.objects.all() if reads_sales(user) else SalesTarget.objects.none()


def reads_sales(user: User) -> bool:
    """Anyone with a rung on the sales ladder (not aid staff, not a liaison without a shop)."""
    if reads_everything(user) or has_role(user, Role.COUNTY_TEAM):
        return True
    return has_role(user, Role.LIAISON) and bool(user.organisation_id)


def can_edit_lists(user: User) -> bool:
    """Products, channels, suppliers and targets: headquarters."""
    return is_headquarters(user)


def can_add_supplier(user: User, organisation) -> bool:
    """Headquarters, or a county team for an organisation in its counties."""
    if is_headquarters(user):
        return True
    return has_role(user, Role.COUNTY_TEAM) and org_in_counties(user, organisation)


def can_enter_sales(user: User) -> bool:
    """May this user enter a sale at all (the 录入 button)?"""
    if is_headquarters(user) or has_role(user, Role.COUNTY_TEAM):
        return True
    return (
        has_role(user, Role.LIAISON)
        and Channel.objects.filter(operator_id=user.organisation_id).exists()
    )


def can_record_sale(user: User, channel: Channel | None, supplier: Supplier | None) -> bool:
    if not active(user):
        return False
    if is_headquarters(user):
        return True
    if has_role(user, Role.LIAISON):
        return (
            channel is not None
            and user.organisation_id is not None
            and channel.operator_id == user.organisation_id
        )
    if has_role(user, Role.COUNTY_TEAM):
        return supplier is not None and org_in_counties(user, supplier.organisation)
    return False


def entry_channels(user: User) -> QuerySet[Channel]:
    """The channels a user may enter sales for (open or closed)."""
    if is_headquarters(user) or has_role(user, Role.COUNTY_TEAM):
        return Channel.objects.select_related("city")
    if has_role(user, Role.LIAISON) and user.organisation_id:
        return Channel.objects.filter(operator_id=user.organisation_id)
    return Channel.objects.none()


def entry_suppliers(user: User) -> QuerySet[Supplier]:
    qs = Supplier.objects.select_related("organisation")
    if has_role(user, Role.COUNTY_TEAM):
        return qs.filter(in_counties_q(user, "organisation"))
    return qs if active(user) else qs.none()
