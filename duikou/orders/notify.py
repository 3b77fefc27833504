"""Who orders tells, of what (duikou.notices): a visit scheduled or changed, a demand served.

Called by the services inside their transactions: a refused write tells nobody. Recipients
follow the scopes: the liaison of the institution, the expert (through their account), the
county team of the institution's county, never the person who acted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from duikou.accounts.models import Role, User
from duikou.notices import recipients, services
from duikou.notices.models import Kind
from duikou.orders.models import Visit


def _fmt(visit: Visit) -> dict:
    return {
        "expert": visit.expert.name,
        "org": visit.demand.organisation.name,
        "skill": visit.demand.skill,
        "kind": visit.demand.get_service_kind_display(),
        "a": visit.start_date.isoformat(),
        "b": visit.end_date.isoformat(),
        "days": visit.days,
    }


def _link(visit: Visit) -> str:
    return reverse("orders:visit_detail", args=[visit.pk])


def _expert_user(visit: Visit) -> list[User | None]:
    return [visit.expert.user] if visit.expert.user_id else []


def visits_scheduled(visits: Iterable[Visit], *, actor: User | None) -> int:
    """A confirmed plan: each visit told to the institution's liaisons and to the expert."""
    visits = list(visits)
    if not visits:
        return 0
    visits = list(
        Visit.objects.filter(pk__in=[v.pk for v in visits]).select_related(
            "demand__organisation", "expert__user"
        )
    )
    liaisons: dict[int, list[User]] = defaultdict(list)
    orgs = {v.demand.organisation_id for v in visits}
    for user in User.objects.filter(is_active=True, role=Role.LIAISON, organisation_id__in=orgs):
        liaisons[user.organisation_id].append(user)
    events = [
        services.Event(
            recipients=recipients.users(
                liaisons[v.demand.organisation_id], _expert_user(v), exclude=actor
            ),
            kind=Kind.VISIT_SCHEDULED,
            title=_("专家服务已安排：%(expert)s 于 %(a)s 至 %(b)s 到%(org)s（%(skill)s）")
            % _fmt(v),
            body=_(
                "%(org)s 的“%(skill)s · %(kind)s”需求已安排 %(expert)s，"
                "共 %(days)s 天。服务开始后，请受援单位确认实际服务天数并评价。"
            )
            % _fmt(v),
            link=_link(v),
            source=v,
        )
        for v in visits
    ]
    return len(services.notify_many(events))


def visit_cancelled(visit: Visit, *, actor: User | None, reason: str) -> int:
    """A scheduled visit cancelled: the institution, the expert and the county team are told."""
    v = Visit.objects.select_related("demand__organisation__division", "expert__user").get(
        pk=visit.pk
    )
    org = v.demand.organisation
    who = recipients.users(
        recipients.liaisons_of(org.pk),
        _expert_user(v),
        recipients.county_teams_of(org.division),
        exclude=actor,
    )
    return len(
        services.notify(
            recipients=who,
            kind=Kind.VISIT_CHANGED,
            title=_("专家服务已取消：%(expert)s 原定 %(a)s 至 %(b)s 到%(org)s") % _fmt(v),
            body=_("取消原因：%(r)s。该需求已回到“待安排”，将在下次排班中重新安排。")
            % {"r": reason},
            link=_link(v),
            source=v,
        )
    )


def visit_delivered(visit: Visit, *, actor: User | None) -> int:
    """A visit confirmed as served: the expert, the demand's poster and the county team."""
    v = Visit.objects.select_related(
        "demand__organisation__division", "demand__posted_by", "expert__user"
    ).get(pk=visit.pk)
    org = v.demand.organisation
    who = recipients.users(
        _expert_user(v),
        [v.demand.posted_by],
        recipients.county_teams_of(org.division),
        exclude=actor,
    )
    facts = {**_fmt(v), "served": v.delivered_days, "rating": v.rating}
    return len(
        services.notify(
            recipients=who,
            kind=Kind.DEMAND_SERVED,
            title=_("需求已服务：%(org)s 确认 %(expert)s 服务 %(served)s 天") % facts,
            body=_("“%(skill)s · %(kind)s”已完成，评价 %(rating)s 星。") % facts,
            link=_link(v),
            source=v,
        )
    )
