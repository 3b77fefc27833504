"""A run's life: created (the period's instance frozen with planning_data.build_instance),
queued, planned in the background task `tasks.plan_run` -> `run_execute` (progress written to
the row about twice a second), stopped, re-run.  The plan the planner ends with is the
*proposed* plan, copied to the *current* plan that edits.py changes and confirm.py turns into
visits.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core import heartbeat, servicekit
from duikou.orders import planning_data
from duikou.orders.models import PlanningRun, RunStatus
from duikou.orders.runs.common import ACTIVE, require_planner
from duikou.planning.instance import parse_instance
from duikou.planning.solver import Planner
from duikou.planning.validator import check

TIME_LIMIT_MIN, TIME_LIMIT_MAX = 5, 600
MAX_PERIOD_DAYS = 366
#: seconds between two progress writes of a running run
PROGRESS_EVERY = 0.5
#: a run queued this long without a worker taking it: is the task worker running?
STALE_AFTER = 60


def is_waiting_long(run: PlanningRun, now: dt.datetime | None = None) -> bool:
    """A queued run no worker has taken for a minute (is the task worker running?)."""
    if run.status != RunStatus.QUEUED or run.created_at is None:
        return False
    now = now or timezone.now()
    return (now - run.created_at).total_seconds() > STALE_AFTER


def is_interrupted(run: PlanningRun, now: dt.datetime | None = None) -> bool:
    """A run left 计算中 whose worker died: no heartbeat (or start) for the timeout
    (DUIKOU_TASK_STALE_SECONDS)."""
    if run.status != RunStatus.RUNNING:
        return False
    return heartbeat.is_stale(run.heartbeat_at or run.started_at or run.created_at, now)


def run_mark_if_stale(run: PlanningRun) -> PlanningRun:
    """Mark a run whose worker died as failed (in history); the run as it now is. Checked
    whenever a run is read by the pages, and by `runs_sweep`. It can be re-run (run_rerun)."""
    if not is_interrupted(run):
        return run
    heartbeat.mark_stale(lambda: _mark_stale(run.pk))
    run.refresh_from_db()
    return run


def _mark_stale(pk: int) -> int:
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=pk)
        if not is_interrupted(run):
            return 0
        run.status = RunStatus.FAILED
        run.message = str(heartbeat.STALE_MESSAGE)
        run.finished_at = timezone.now()
        servicekit.store(run, actor=None, reason=_("后台任务中断"))
    return 1


def runs_sweep() -> int:
    """Mark every run whose worker died (the periodic sweep); how many were marked."""
    n = 0
    for pk in PlanningRun.objects.filter(status=RunStatus.RUNNING).values_list("pk", flat=True):
        n += heartbeat.mark_stale(lambda pk=pk: _mark_stale(pk))
    return n


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
    require_planner(actor)
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
    require_planner(actor)
    run = run_mark_if_stale(run)
    if run.status in ACTIVE:
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
    ).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        elapsed=0.0,
    )
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
        abandoned = False
        while not done.wait(PROGRESS_EVERY):
            best = planner.best()
            # The progress is the heartbeat; a run marked failed meanwhile (its worker looked
            # dead) is given up: someone may already have re-run it.
            abandoned = not rows.filter(status=RunStatus.RUNNING).update(
                progress_score=best.score.score,
                progress_served=best.score.served,
                bound=best.bound,
                elapsed=round(planner.elapsed(), 2),
                heartbeat_at=timezone.now(),
            )
            if abandoned:
                planner.stop()
                break
            if not stopped and rows.filter(stop_requested=True).exists():
                stopped = True
                planner.stop()
            if time.monotonic() > hard_deadline:
                planner.stop()
            if time.monotonic() > hard_deadline + 10:
                break  # the planner ignores the stop: keep its best plan, never wait forever
        thread.join(5)
        if abandoned:
            return PlanningRun.objects.get(pk=run_id)
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
    require_planner(actor)
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
