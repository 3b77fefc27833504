"""The id scheme between the platform's records and the planner's instance and plans.

* demands ``D<Demand pk>``, experts ``E<Person pk>``;
* sites ``O<Organisation pk>``, and ``HZ`` for 杭州 (home of the flexible experts).

Nothing outside this package writes or parses these ids.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: the site id of 杭州, home of the flexible experts
HZ = "HZ"
HZ_NAME = "杭州"
HZ_COUNTY = "330100"


def demand_id(pk: int) -> str:
    return f"D{pk}"


def expert_id(pk: int) -> str:
    return f"E{pk}"


def site_id(org_pk: int) -> str:
    return f"O{org_pk}"


def _pk(prefix: str, ident: str) -> int:
    if not ident.startswith(prefix) or not ident[1:].isdigit():
        raise ValidationError(_("方案中的编号 %(id)s 无法识别。") % {"id": ident})
    return int(ident[1:])


def demand_pk(ident: str) -> int:
    """The Demand pk of a planner demand id; ValidationError when it is not one."""
    return _pk("D", ident)


def person_pk(ident: str) -> int:
    """The Person pk of a planner expert id; ValidationError when it is not one."""
    return _pk("E", ident)
