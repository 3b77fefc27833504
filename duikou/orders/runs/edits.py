"""Manual edits of a run's current plan: move, swap, assign, unassign.

An edit is applied only when the edited plan keeps the five rules of
design/visit-planning.md: the planner's validator checks it and duikou.planning.explain says
which rule breaks and why; planning_data words the refusal (“不能这样调整：规则2 …”).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core import servicekit
from duikou.orders import planning_data
from duikou.orders.models import EditAction, PlanEdit, PlanningRun
from duikou.orders.runs.common import EDITABLE, require_planner
from duikou.planning.explain import explain_edit, rows_of
from duikou.planning.instance import MalformedError, parse_instance
from duikou.planning.validator import check

_fmt = planning_data.fmt_date


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
    require_planner(actor)
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in EDITABLE or run.plan is None:
            raise ValidationError(_("只有已完成或已停止、尚未确认的方案可以调整。"))
        inst = parse_instance(run.instance)
        names = planning_data.Names(run)
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
            dur = names.duration(demand_id)
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
            dur = names.duration(demand_id)
            detail = _("指派 %(d)s：%(e)s %(w)s") % {
                "d": names.demand(demand_id),
                "e": names.expert(expert_id),
                "w": names.days(day, day + dur),
            }
        elif action == EditAction.UNASSIGN:
            if demand_id not in rows:
                raise ValidationError({"demand_id": [_("这项需求本来就未安排。")]})
            e0, s0 = rows.pop(demand_id)
            dur = names.duration(demand_id)
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
            edited = [(r["demand"], r["expert"], r["start"]) for r in new_plan["assignments"]]
            reason = explain_edit(inst, rows_of(inst, edited), touched)
            assert reason is not None  # the validator and explain agree (tests)
            raise ValidationError(
                planning_data.edit_refusal(names, reason), code=f"rule{reason.rule}"
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
