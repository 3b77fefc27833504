"""Orders' to-dos (duikou.notices.todo), each read through the user's scoped querysets:

- liaison: visits that began and wait for its confirmation; open demands whose window can no
  longer hold the days asked (they need new dates or fewer days before any plan can serve them);
- aid staff (the expert): coming visits; visits that began and have no work log yet;
- headquarters: planning runs finished but not confirmed, in a period no confirmed run holds.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active
from duikou.notices.todo import SHOWN, Record, Todo
from duikou.orders import scopes
from duikou.orders.models import Demand, DemandStatus, PlanningRun, RunStatus, Visit, VisitStatus
from duikou.orders.services import MAX_DAYS


def _visit_record(v: Visit) -> Record:
    return Record(
        label=_("%(expert)s → %(org)s（%(skill)s）")
        % {"expert": v.expert.name, "org": v.demand.organisation.name, "skill": v.demand.skill},
        url=reverse("orders:visit_detail", args=[v.pk]),
        note=f"{v.start_date:%Y-%m-%d} – {v.end_date:%Y-%m-%d}",
    )


def _demand_record(d: Demand) -> Record:
    return Record(
        label=str(d),
        url=reverse("orders:demand_detail", args=[d.pk]),
        note=_("需 %(days)s 天，窗口 %(a)s 至 %(b)s")
        % {"days": d.days, "a": d.earliest_start.isoformat(), "b": d.latest_end.isoformat()},
    )


def _from_qs(group: str, title: str, qs, url: str, record, help: str = "") -> Todo:
    count = qs.count()
    shown = [record(x) for x in qs[:SHOWN]] if count else []
    return Todo(group=group, title=title, count=count, url=url, records=shown, help=help)


def visits_to_confirm(user: User, today: dt.date):
    """Visits that began and wait for this user's confirmation of delivery."""
    return (
        scopes.visits_for_user(user)
        .filter(
            status=VisitStatus.SCHEDULED,
            start_date__lte=today,
            demand__organisation__in=scopes.demand_orgs_for_user(user).values("pk"),
        )
        .order_by("start_date", "pk")
    )


def demands_needing_detail(user: User, today: dt.date) -> list[Demand]:
    """Open demands whose window has no room left for the days asked (its last possible start,
    latest_end - days + 1, is past): no plan can serve them until the dates or days change."""
    near = scopes.demands_for_user(user).filter(
        status=DemandStatus.OPEN, latest_end__lt=today + dt.timedelta(days=MAX_DAYS)
    )
    return [
        d
        for d in near.order_by("latest_end", "pk")
        if d.latest_end - dt.timedelta(days=d.days - 1) < today
    ]


def coming_visits(user: User, today: dt.date):
    return (
        scopes.visits_for_user(user)
        .filter(expert__user=user, status=VisitStatus.SCHEDULED, end_date__gte=today)
        .order_by("start_date", "pk")
    )


def logs_to_write(user: User, today: dt.date):
    return (
        scopes.visits_for_user(user)
        .filter(expert__user=user, start_date__lte=today, expert_log="")
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("start_date", "pk")
    )


def runs_to_confirm(user: User):
    """Runs with a plan (已完成/已停止) whose period no confirmed run overlaps."""
    confirmed = PlanningRun.objects.filter(
        status=RunStatus.CONFIRMED,
        period_start__lte=OuterRef("period_end"),
        period_end__gte=OuterRef("period_start"),
    )
    return (
        scopes.runs_for_user(user)
        .filter(status__in=[RunStatus.DONE, RunStatus.STOPPED])
        .exclude(plan=None)
        .filter(~Q(Exists(confirmed)))
        .order_by("-created_at", "-pk")
    )


def provider(user: User) -> list[Todo]:
    if not active(user):
        return []
    today = timezone.localdate()
    group = _("专家服务")
    visits = reverse("orders:visit_list")
    items: list[Todo] = []
    if user.role == Role.LIAISON:
        items.append(
            _from_qs(
                group,
                _("专家服务已开始，待确认实际服务天数并评价"),
                visits_to_confirm(user, today),
                visits + "?when=due",
                _visit_record,
            )
        )
        stale = demands_needing_detail(user, today)
        items.append(
            Todo(
                group=group,
                title=_("服务需求的时间窗口已不够安排，请修改日期或天数"),
                count=len(stale),
                url=reverse("orders:demand_list") + "?" + urlencode({"status": DemandStatus.OPEN}),
                records=[_demand_record(d) for d in stale[:SHOWN]],
            )
        )
    if user.role == Role.AID_STAFF:
        items.append(
            _from_qs(
                group,
                _("即将开始或进行中的专家服务"),
                coming_visits(user, today),
                visits + "?when=upcoming",
                _visit_record,
            )
        )
        items.append(
            _from_qs(
                group,
                _("已开始的服务，待填写工作记录"),
                logs_to_write(user, today),
                visits,
                _visit_record,
                help=_("记录本次服务做了什么（门诊、手术、讲座、带教等）"),
            )
        )
    if user.role == Role.HEADQUARTERS:
        items.append(
            _from_qs(
                _("排班"),
                _("排班方案已算完，待确认"),
                runs_to_confirm(user),
                reverse("orders:run_list"),
                lambda r: Record(
                    label=_("排班 %(run)s") % {"run": r},
                    url=reverse("orders:run_detail", args=[r.pk]),
                    note=r.get_status_display(),
                ),
            )
        )
    return items
