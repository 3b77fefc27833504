"""Confirming a run: its current plan becomes scheduled visits, all or nothing.

Confirmations of overlapping periods are serialised by locking the runs (in pk order); the
demands and experts are locked, re-read and checked against what the plan assumed (still
待安排, same days and window, no clash with the experts' scheduled visits); the database's
one-live-visit-per-demand constraint is the last guard.  Visits and demands are written in
bulk with their history rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from duikou.orders import notify, planning_data
from duikou.orders.models import Demand, DemandStatus, PlanningRun, RunStatus, Visit, VisitStatus
from duikou.orders.runs.common import EDITABLE, require_planner
from duikou.people.models import Person
from duikou.planning.instance import parse_instance
from duikou.planning.validator import check

_fmt = planning_data.fmt_date


def run_confirm(*, actor, run: PlanningRun) -> list[Visit]:
    """Turn the current plan into scheduled visits, all or nothing, never double-booking."""
    require_planner(actor)
    try:
        with transaction.atomic():
            visits = _confirm(actor, run)
            # The institutions and experts are told in the same transaction (duikou.notices).
            notify.visits_scheduled(visits, actor=actor)
            return visits
    except IntegrityError as exc:
        raise ValidationError(
            _("确认失败：方案中有需求已被其他排班安排（该需求已有安排的服务），未做任何更改。")
        ) from exc


def _confirm(actor, run: PlanningRun) -> list[Visit]:
    # Lock every run whose period overlaps (this one included), in pk order: two
    # confirmations of overlapping periods are serialised here.
    overlapping = list(
        PlanningRun.objects.select_for_update()
        .filter(period_start__lte=run.period_end, period_end__gte=run.period_start)
        .order_by("pk")
    )
    run = next(r for r in overlapping if r.pk == run.pk)
    if run.status == RunStatus.CONFIRMED:
        raise ValidationError(_("该方案已确认过。"))
    if run.status not in EDITABLE or run.plan is None:
        raise ValidationError(_("只有已完成或已停止的方案可以确认。"))
    other = next(
        (r for r in overlapping if r.pk != run.pk and r.status == RunStatus.CONFIRMED), None
    )
    if other is not None:
        raise ValidationError(
            _(
                "该时段已有确认的排班：#%(n)s，由 %(who)s 于 %(at)s 确认"
                "（%(a)s 至 %(b)s）。未做任何更改。"
            )
            % {
                "n": other.pk,
                "who": other.confirmed_by or _("系统"),
                "at": formats.date_format(timezone.localtime(other.confirmed_at), "Y-m-d H:i")
                if other.confirmed_at
                else "—",
                "a": _fmt(other.period_start),
                "b": _fmt(other.period_end),
            }
        )
    inst = parse_instance(run.instance)
    result = check(inst, run.plan)
    if not result.valid:
        raise ValidationError(_("当前方案未通过规则检查，不能确认。"))
    rows = run.plan["assignments"]
    if not rows:
        raise ValidationError(_("方案中没有任何安排，无需确认。"))
    names = planning_data.Names(run)
    wanted = planning_data.planned_visits(run, run.plan, names)
    demand_pks = sorted(w.demand_pk for w in wanted)
    person_pks = sorted({w.person_pk for w in wanted})
    demands = {
        d.pk: d for d in Demand.objects.select_for_update().filter(pk__in=demand_pks).order_by("pk")
    }
    persons = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=person_pks).order_by("pk")
    }
    problems: list[str] = []
    live = set(
        Visit.objects.filter(demand_id__in=demand_pks)
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("demand_id", flat=True)
    )
    planned: list[tuple[Demand, Person, dt.date, dt.date]] = []
    for w in wanted:
        d = demands.get(w.demand_pk)
        p = persons.get(w.person_pk)
        if d is None or p is None:
            problems.append(_("%(d)s 的需求或专家已被删除") % {"d": names.demand(w.demand)})
            continue
        if d.status != DemandStatus.OPEN or d.pk in live:
            problems.append(
                _("%(d)s 已不是待安排状态（%(s)s）")
                % {"d": names.demand(w.demand), "s": d.get_status_display()}
            )
            continue
        if d.days != w.duration:
            problems.append(
                _("%(d)s 在计算后改了所需天数，请重新计算") % {"d": names.demand(w.demand)}
            )
            continue
        if w.start < d.earliest_start or w.end > d.latest_end:
            problems.append(
                _("%(d)s 在计算后改了时间窗口，请重新计算") % {"d": names.demand(w.demand)}
            )
            continue
        planned.append((d, p, w.start, w.end))
    # The experts' scheduled visits that overlap the new ones, in one query.
    booked: dict[int, list[Visit]] = defaultdict(list)
    if planned:
        lo = min(start for _d, _p, start, _e in planned)
        hi = max(end for _d, _p, _s, end in planned)
        for v in Visit.objects.filter(
            expert_id__in=person_pks,
            status=VisitStatus.SCHEDULED,
            start_date__lte=hi,
            end_date__gte=lo,
        ).select_related("demand__organisation"):
            booked[v.expert_id].append(v)
    for _d, p, start, end in planned:
        clash = next(
            (
                v
                for v in sorted(booked[p.pk], key=lambda v: (v.start_date, v.pk))
                if v.start_date <= end and v.end_date >= start
            ),
            None,
        )
        if clash is not None:
            problems.append(
                _("%(who)s 在 %(a)s 至 %(b)s 已有安排（%(org)s）")
                % {
                    "who": p.name,
                    "a": _fmt(clash.start_date),
                    "b": _fmt(clash.end_date),
                    "org": clash.demand.organisation,
                }
            )
    if problems:
        shown = "；".join(problems[:5])
        if len(problems) > 5:
            shown += _("……等 %(n)s 处") % {"n": len(problems)}
        raise ValidationError(_("不能确认，未做任何更改：%(p)s。") % {"p": shown})

    # Written in bulk, each row with its history row (who, when, why): a quarter's plan is
    # confirmed inside the request (bench/orders_platform.py).
    visits = [
        Visit(demand=d, expert=p, run=run, start_date=start, end_date=end)
        for d, p, start, end in planned
    ]
    for v in visits:
        v.clean_fields(exclude=["demand", "expert", "run"])  # the rows above were checked
    reason = _("排班 #%(n)s 确认") % {"n": run.pk}
    visits = bulk_create_with_history(
        visits, Visit, default_user=actor, default_change_reason=reason
    )
    scheduled = [d for d, _p, _s, _e in planned]
    now = timezone.now()
    for d in scheduled:
        d.status = DemandStatus.SCHEDULED
        d.version += 1
        d.updated_at = now
    bulk_update_with_history(
        scheduled,
        Demand,
        ["status", "version", "updated_at"],
        default_user=actor,
        default_change_reason=reason,
    )
    run.status = RunStatus.CONFIRMED
    run.confirmed_by = actor
    run.confirmed_at = timezone.now()
    run._history_user = actor
    run.save()
    return visits
