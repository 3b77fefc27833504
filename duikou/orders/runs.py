"""Planning runs: the one door for starting, stopping, editing and confirming a run.

A run freezes the period's instance (planning_data.build_instance) when it is created; the
planner (duikou.planning) runs in the background task `tasks.plan_run` -> `run_execute`,
which writes its progress to the row about twice a second; the plan it ends with is the
*proposed* plan, copied to the *current* plan that manual edits change (each checked against
the five rules of design/visit-planning.md); confirming turns the current plan into visits.

Every write is in a transaction and leaves history; refusals are ValidationErrors with a
Chinese message; only `can_plan` users act (actor=None is the system: the demo, the task).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from duikou.core import servicekit
from duikou.orders import planning_data
from duikou.orders.models import (
    Demand,
    DemandStatus,
    EditAction,
    PlanEdit,
    PlanningRun,
    RunStatus,
    Visit,
    VisitStatus,
)
from duikou.orders.scopes import can_plan
from duikou.people.models import Person
from duikou.planning.instance import Instance, MalformedError, parse_instance
from duikou.planning.solver import Planner
from duikou.planning.validator import Violation, check

TIME_LIMIT_MIN, TIME_LIMIT_MAX = 5, 600
MAX_PERIOD_DAYS = 366
#: seconds between two progress writes of a running run
PROGRESS_EVERY = 0.5
#: a run still 计算中 this long after its time limit has lost its worker
STALE_AFTER = 60
#: the five rules, as the edit refusals name them
RULES = {
    1: gettext_noop("规则1 专家不具备所需专业"),
    2: gettext_noop("规则2 超出需求时间窗口"),
    3: gettext_noop("规则3 不在专家可出诊时间内（含往返路程）"),
    4: gettext_noop("规则4 与该专家的其他安排重叠或路程时间不足"),
    5: gettext_noop("规则5 超过专家本期服务天数上限"),
}
EDITABLE = (RunStatus.DONE, RunStatus.STOPPED)
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def _require(actor) -> None:
    if actor is not None and not can_plan(actor):
        raise PermissionDenied(_("只有指挥部可以发起、调整和确认排班。"))


def _fmt(d: dt.date) -> str:
    return formats.date_format(d, "Y-m-d")


def is_waiting_long(run: PlanningRun, now: dt.datetime | None = None) -> bool:
    """A queued run no worker has taken for a minute (is the task worker running?)."""
    if run.status != RunStatus.QUEUED or run.created_at is None:
        return False
    now = now or timezone.now()
    return (now - run.created_at).total_seconds() > STALE_AFTER


def is_interrupted(run: PlanningRun, now: dt.datetime | None = None) -> bool:
    """A run left 计算中 whose worker died: no end long after its time limit."""
    if run.status != RunStatus.RUNNING or run.started_at is None:
        return False
    now = now or timezone.now()
    return (now - run.started_at).total_seconds() > run.time_limit + STALE_AFTER


# Create ---------------------------------------------------------------------------------------


def run_create(
    *,
    actor,
    period_start: dt.date,
    period_end: dt.date,
    time_limit: int = 30,
    max_days: int = 20,
    enqueue: bool = True,
) -> PlanningRun:
    """Freeze the period's instance in a new run and queue the planner."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    if period_start is None or period_end is None:
        errors["period_start"] = [_("请选择计划期的开始和结束日期。")]
    elif period_end < period_start:
        errors["period_end"] = [_("计划期结束不能早于开始。")]
    elif (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        errors["period_end"] = [_("计划期最长 %(n)s 天，请分段排班。") % {"n": MAX_PERIOD_DAYS}]
    if not isinstance(time_limit, int) or not TIME_LIMIT_MIN <= time_limit <= TIME_LIMIT_MAX:
        errors["time_limit"] = [
            _("计算时限应在 %(lo)s 到 %(hi)s 秒之间。")
            % {"lo": TIME_LIMIT_MIN, "hi": TIME_LIMIT_MAX}
        ]
    if not isinstance(max_days, int) or not 1 <= max_days <= 366:
        errors["max_days"] = [_("每位专家本期最多服务天数应在 1 到 366 之间。")]
    if errors:
        raise ValidationError(errors)
    if max_days > (period_end - period_start).days + 1:
        max_days = (period_end - period_start).days + 1
    with transaction.atomic():
        run = PlanningRun(
            period_start=period_start,
            period_end=period_end,
            time_limit=time_limit,
            max_days=max_days,
            created_by=actor,
            status=RunStatus.QUEUED,
        )
        name = f"duikou-{period_start:%Y%m%d}-{period_end:%Y%m%d}"
        instance = planning_data.build_instance(
            period_start, period_end, max_days=max_days, name=name
        )
        if not instance["demands"]:
            left_out = len(instance.get("excluded", []))
            msg = _("该时段内没有可安排的待安排需求（需求的时间窗口须与计划期重叠）。")
            if left_out:
                msg += _("另有 %(n)s 项需求的窗口在本期内不足所需天数。") % {"n": left_out}
            raise ValidationError({"period_start": [msg]})
        if not instance["experts"]:
            raise ValidationError(
                {"period_start": [_("该时段内没有专家申报可出诊时间（或已全部排满）。")]}
            )
        run.instance = instance
        run.full_clean(exclude=["created_by"])  # None: started by the system (demo)
        servicekit.store(run, actor=actor, reason=_("发起排班计算"))
        run.instance["name"] = f"duikou-run-{run.pk}"
        PlanningRun.objects.filter(pk=run.pk).update(instance=run.instance)
        if enqueue:
            from duikou.orders import tasks

            pk = run.pk
            transaction.on_commit(lambda: tasks.plan_run.enqueue(pk))
    return run


def run_rerun(*, actor, run: PlanningRun) -> PlanningRun:
    """Plan the same period again with today's records (after a failure or an interruption)."""
    _require(actor)
    if is_interrupted(run):
        PlanningRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            message=_("计算进程中断（超过时限仍无结果），已重新发起。"),
            finished_at=timezone.now(),
        )
    elif run.status in ACTIVE:
        raise ValidationError(_("该排班仍在计算，不能重新发起。"))
    return run_create(
        actor=actor,
        period_start=run.period_start,
        period_end=run.period_end,
        time_limit=run.time_limit,
        max_days=run.max_days,
    )


# Execute (the background task) ------------------------------------------------------------------


def _finish(run_id: int, **fields) -> PlanningRun:
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run_id)
        for k, v in fields.items():
            setattr(run, k, v)
        run.finished_at = timezone.now()
        servicekit.store(run, actor=None, reason=_("排班计算结束"))
    return run


def run_execute(run_id: int) -> PlanningRun:
    """Run the planner on a queued run, writing progress; ends 已完成, 已停止 or 失败."""
    claimed = PlanningRun.objects.filter(
        pk=run_id, status=RunStatus.QUEUED, stop_requested=False
    ).update(status=RunStatus.RUNNING, started_at=timezone.now(), elapsed=0.0)
    if not claimed:
        run = PlanningRun.objects.get(pk=run_id)
        if run.status == RunStatus.QUEUED and run.stop_requested:
            return _finish(run_id, status=RunStatus.STOPPED, message=_("计算开始前已停止。"))
        return run  # already taken by another worker, or finished
    try:
        run = PlanningRun.objects.get(pk=run_id)
        inst = parse_instance(run.instance)
        planner = Planner(inst, float(run.time_limit), workers=1, seed=run_id)
        done = threading.Event()

        def work() -> None:
            try:
                planner.run()
            finally:
                done.set()

        thread = threading.Thread(target=work, name=f"plan-run-{run_id}", daemon=True)
        thread.start()
        stopped = False
        hard_deadline = planner.t0 + run.time_limit + 5
        rows = PlanningRun.objects.filter(pk=run_id)
        while not done.wait(PROGRESS_EVERY):
            best = planner.best()
            rows.update(
                progress_score=best.score.score,
                progress_served=best.score.served,
                bound=best.bound,
                elapsed=round(planner.elapsed(), 2),
            )
            if not stopped and rows.filter(stop_requested=True).exists():
                stopped = True
                planner.stop()
            if time.monotonic() > hard_deadline:
                planner.stop()
            if time.monotonic() > hard_deadline + 10:
                break  # the planner ignores the stop: keep its best plan, never wait forever
        thread.join(5)
        best = planner.best()
        plan = {"assignments": best.assignments(inst)}
        result = check(inst, plan)
        if not result.valid:  # never expected: the planner keeps only validated plans
            raise RuntimeError(str(result.violations[0]))
        sc = result.score
        msg = _("得分 %(score)s，安排 %(served)s/%(total)s 项需求，用时 %(t).1f 秒。") % {
            "score": sc.score,
            "served": sc.served,
            "total": sc.demands,
            "t": planner.elapsed(),
        }
        if best.optimal:
            msg += _("已证明为最优方案。")
        if stopped:
            msg = _("已按要求提前停止：") + msg
        if planner.error is not None:
            msg += _("（计算中途出错，保留了出错前的最好方案）")
        return _finish(
            run_id,
            status=RunStatus.STOPPED if stopped else RunStatus.DONE,
            proposed_plan=plan,
            plan=copy.deepcopy(plan),
            progress_score=sc.score,
            progress_served=sc.served,
            bound=best.bound,
            optimal=best.optimal,
            elapsed=round(planner.elapsed(), 2),
            message=msg,
        )
    except Exception as exc:  # a run must end in a clear state, whatever failed
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return _finish(
            run_id,
            status=RunStatus.FAILED,
            proposed_plan=None,
            plan=None,
            message=_("计算失败：%(detail)s") % {"detail": detail},
        )


def run_stop(*, actor, run: PlanningRun) -> PlanningRun:
    """Ask a running run to stop (it keeps its best plan); a queued one stops at once."""
    _require(actor)
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in ACTIVE:
            raise ValidationError(_("该排班已结束，无需停止。"))
        run.stop_requested = True
        if run.status == RunStatus.QUEUED:
            run.status = RunStatus.STOPPED
            run.finished_at = timezone.now()
            run.message = _("计算开始前已停止。")
        servicekit.store(run, actor=actor, reason=_("停止排班计算"))
    return run


# Reading a run in human terms --------------------------------------------------------------------


class Names:
    """Human names of an instance's ids: site names, expert names, dates of days."""

    def __init__(self, run: PlanningRun):
        self.start = run.period_start
        inst = run.instance
        self.sites = {s["id"]: s.get("name", s["id"]) for s in inst.get("sites", [])}
        self.experts = {e["id"]: e.get("name", e["id"]) for e in inst.get("experts", [])}
        self.demands = {d["id"]: d for d in inst.get("demands", [])}

    def date(self, day: int) -> dt.date:
        return planning_data.date_of(self.start, day)

    def days(self, a: int, b: int) -> str:
        """The half-open [a, b) as inclusive dates."""
        if b - a <= 1:
            return _fmt(self.date(a))
        return f"{_fmt(self.date(a))}–{_fmt(self.date(b - 1))}"

    def expert(self, eid: str) -> str:
        return self.experts.get(eid, eid)

    def demand(self, did: str) -> str:
        d = self.demands.get(did)
        if d is None:
            return did
        return f"{did}（{self.sites.get(d['site'], d['site'])} · {d['skill']}）"


def _why(names: Names, inst: Instance, raw: dict, v: Violation, rows: dict) -> str:
    """A violation in human terms (the rule's name is added by the caller)."""
    dem = next(d for d in raw["demands"] if d["id"] == v.demand)
    exp = next(e for e in raw["experts"] if e["id"] == v.expert)
    dur = dem["duration"]
    when = names.days(v.start, v.start + dur)
    who = names.expert(v.expert)
    what = names.demand(v.demand)
    if v.rule == 1:
        return _("%(who)s 的专业为 %(has)s，%(what)s 需要 %(skill)s。") % {
            "who": who,
            "has": "、".join(exp["skills"]) or _("未填写"),
            "what": what,
            "skill": dem["skill"],
        }
    if v.rule == 2:
        w0, w1 = dem["window"]
        return _("%(what)s 须在 %(window)s 内完成，调整后为 %(when)s。") % {
            "what": what,
            "window": names.days(w0, w1),
            "when": when,
        }
    if v.rule == 3:
        t = raw["travel"][exp["home"]][dem["site"]]
        avail = "、".join(names.days(a, b) for a, b in exp["available"]) or _("无")
        return _(
            "%(who)s 本期可出诊 %(avail)s；从 %(home)s 到 %(site)s 单程 %(t)s 天，"
            "%(when)s 加上往返路程不在其中一段可出诊时间内。"
        ) % {
            "who": who,
            "avail": avail,
            "home": names.sites.get(exp["home"], exp["home"]),
            "site": names.sites.get(dem["site"], dem["site"]),
            "t": t,
            "when": when,
        }
    if v.rule == 4:
        # the other assignment of the same expert that clashes
        mine = (v.start, v.start + dur)
        others = []
        for did, (eid, s) in rows.items():
            if eid != v.expert or did == v.demand:
                continue
            od = names.demands[did]
            t = raw["travel"][od["site"]][dem["site"]]
            e2 = s + od["duration"]
            if s < mine[1] + t and mine[0] < e2 + t:
                others.append(
                    _("%(what)s（%(when)s，两地路程 %(t)s 天）")
                    % {"what": names.demand(did), "when": names.days(s, e2), "t": t}
                )
        return _("%(who)s 在 %(when)s 的安排与 %(others)s 冲突。") % {
            "who": who,
            "when": when,
            "others": "、".join(others) or _("其他安排"),
        }
    if v.rule == 5:
        total = sum(
            names.demands[did]["duration"] for did, (eid, _s) in rows.items() if eid == v.expert
        )
        return _("%(who)s 本期共 %(total)s 天，上限 %(max)s 天。") % {
            "who": who,
            "total": total,
            "max": exp["max_days"],
        }
    return v.why


# Edit ----------------------------------------------------------------------------------------


def _start_day(run: PlanningRun, start) -> int | None:
    if start is None:
        return None
    if isinstance(start, dt.datetime):
        start = start.date()
    if isinstance(start, dt.date):
        if not run.period_start <= start <= run.period_end:
            raise ValidationError(
                {
                    "start": [
                        _("开始日期应在计划期 %(a)s 至 %(b)s 内。")
                        % {"a": _fmt(run.period_start), "b": _fmt(run.period_end)}
                    ]
                }
            )
        return planning_data.day_of(run.period_start, start)
    if isinstance(start, int) and not isinstance(start, bool):
        return start
    raise ValidationError({"start": [_("开始日期无效。")]})


def plan_edit(
    *,
    actor,
    run: PlanningRun,
    action: str,
    demand_id: str,
    expert_id: str | None = None,
    start=None,
    other_demand_id: str | None = None,
) -> PlanEdit:
    """Change the current plan by one move, swap, assign or unassign, if the five rules hold."""
    _require(actor)
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in EDITABLE or run.plan is None:
            raise ValidationError(_("只有已完成或已停止、尚未确认的方案可以调整。"))
        raw = run.instance
        inst = parse_instance(raw)
        names = Names(run)
        rows: dict[str, tuple[str, int]] = {
            r["demand"]: (r["expert"], r["start"]) for r in run.plan["assignments"]
        }
        before = check(inst, run.plan).score.score
        if demand_id not in inst.demand_by_id:
            raise ValidationError({"demand_id": [_("该方案中没有这项需求。")]})
        if expert_id and expert_id not in inst.expert_by_id:
            raise ValidationError({"expert_id": [_("该方案中没有这位专家。")]})
        day = _start_day(run, start)
        touched = [demand_id]
        if action == EditAction.MOVE:
            if demand_id not in rows:
                raise ValidationError({"demand_id": [_("这项需求尚未安排，请用“指派”。")]})
            old_e, old_s = rows[demand_id]
            new_e = expert_id or old_e
            new_s = old_s if day is None else day
            if (new_e, new_s) == (old_e, old_s):
                raise ValidationError(_("请选择新的专家或新的开始日期。"))
            rows[demand_id] = (new_e, new_s)
            dur = names.demands[demand_id]["duration"]
            detail = _("调整 %(d)s：%(e0)s %(w0)s → %(e1)s %(w1)s") % {
                "d": names.demand(demand_id),
                "e0": names.expert(old_e),
                "w0": names.days(old_s, old_s + dur),
                "e1": names.expert(new_e),
                "w1": names.days(new_s, new_s + dur),
            }
        elif action == EditAction.SWAP:
            if not other_demand_id or other_demand_id not in inst.demand_by_id:
                raise ValidationError({"other_demand_id": [_("请选择要互换的另一项需求。")]})
            if other_demand_id == demand_id:
                raise ValidationError({"other_demand_id": [_("请选择另一项需求。")]})
            if demand_id not in rows or other_demand_id not in rows:
                raise ValidationError(_("互换的两项需求都须已安排专家。"))
            (e1, s1), (e2, s2) = rows[demand_id], rows[other_demand_id]
            if e1 == e2:
                raise ValidationError(_("两项需求由同一位专家承担，互换没有变化。"))
            rows[demand_id], rows[other_demand_id] = (e2, s1), (e1, s2)
            touched.append(other_demand_id)
            detail = _("互换专家：%(d1)s ↔ %(d2)s（%(e1)s ↔ %(e2)s）") % {
                "d1": names.demand(demand_id),
                "d2": names.demand(other_demand_id),
                "e1": names.expert(e1),
                "e2": names.expert(e2),
            }
        elif action == EditAction.ASSIGN:
            if demand_id in rows:
                raise ValidationError({"demand_id": [_("这项需求已安排，请用“调整”。")]})
            if not expert_id:
                raise ValidationError({"expert_id": [_("请选择专家。")]})
            if day is None:
                raise ValidationError({"start": [_("请填写开始日期。")]})
            rows[demand_id] = (expert_id, day)
            dur = names.demands[demand_id]["duration"]
            detail = _("指派 %(d)s：%(e)s %(w)s") % {
                "d": names.demand(demand_id),
                "e": names.expert(expert_id),
                "w": names.days(day, day + dur),
            }
        elif action == EditAction.UNASSIGN:
            if demand_id not in rows:
                raise ValidationError({"demand_id": [_("这项需求本来就未安排。")]})
            e0, s0 = rows.pop(demand_id)
            dur = names.demands[demand_id]["duration"]
            detail = _("取消指派 %(d)s（原为 %(e)s %(w)s）") % {
                "d": names.demand(demand_id),
                "e": names.expert(e0),
                "w": names.days(s0, s0 + dur),
            }
        else:
            raise ValidationError({"action": [_("未知的调整操作。")]})

        new_plan = {
            "assignments": [
                {"demand": did, "expert": e, "start": s}
                for did, (e, s) in sorted(rows.items(), key=lambda kv: kv[0])
            ]
        }
        try:
            result = check(inst, new_plan)
        except MalformedError as exc:
            raise ValidationError(_("方案格式错误：%(e)s") % {"e": exc}) from exc
        if result.violations:
            # The plan was valid before: the edit broke the rule. Name the edited demand's first.
            ordered = sorted(result.violations, key=lambda v: (v.demand not in touched, v.rule))
            v = ordered[0]
            raise ValidationError(
                _("不能这样调整：%(rule)s。%(why)s")
                % {"rule": _(RULES[v.rule]), "why": _why(names, inst, raw, v, rows)},
                code=f"rule{v.rule}",
            )
        run.plan = new_plan
        run.progress_score = result.score.score
        run.progress_served = result.score.served
        servicekit.store(run, actor=actor, reason=detail[:100])
        edit = PlanEdit(
            run=run,
            action=action,
            detail=detail[:300],
            score_before=before,
            score_after=result.score.score,
            user=actor,
        )
        edit.full_clean()
        edit.save()
    return edit


# Confirm -------------------------------------------------------------------------------------


def _pk(prefix: str, ident: str) -> int:
    if not ident.startswith(prefix) or not ident[1:].isdigit():
        raise ValidationError(_("方案中的编号 %(id)s 无法识别。") % {"id": ident})
    return int(ident[1:])


def run_confirm(*, actor, run: PlanningRun) -> list[Visit]:
    """Turn the current plan into scheduled visits, all or nothing, never double-booking."""
    _require(actor)
    try:
        with transaction.atomic():
            return _confirm(actor, run)
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
    names = Names(run)
    demand_pks = sorted(_pk("D", r["demand"]) for r in rows)
    person_pks = sorted({_pk("E", r["expert"]) for r in rows})
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
    for r in rows:
        d = demands.get(_pk("D", r["demand"]))
        p = persons.get(_pk("E", r["expert"]))
        raw_d = names.demands[r["demand"]]
        if d is None or p is None:
            problems.append(_("%(d)s 的需求或专家已被删除") % {"d": names.demand(r["demand"])})
            continue
        if d.status != DemandStatus.OPEN or d.pk in live:
            problems.append(
                _("%(d)s 已不是待安排状态（%(s)s）")
                % {"d": names.demand(r["demand"]), "s": d.get_status_display()}
            )
            continue
        if d.days != raw_d["duration"]:
            problems.append(
                _("%(d)s 在计算后改了所需天数，请重新计算") % {"d": names.demand(r["demand"])}
            )
            continue
        start = names.date(r["start"])
        end = start + dt.timedelta(days=d.days - 1)
        if start < d.earliest_start or end > d.latest_end:
            problems.append(
                _("%(d)s 在计算后改了时间窗口，请重新计算") % {"d": names.demand(r["demand"])}
            )
            continue
        planned.append((d, p, start, end))
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
