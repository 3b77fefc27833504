"""Planning pages: the runs, a run's progress, its plan (calendars, unserved demands, manual
edits) and its confirmation.  Headquarters plans; the viewer reads; everyone else gets 404."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duikou.accounts.scopes import reads_everything
from duikou.core.viewutils import apply_service_error, is_htmx, page_of
from duikou.orders import planning_data, runs
from duikou.orders.forms_runs import EditForm, RunForm, next_quarter, quarter_of
from duikou.orders.models import EditAction, PlanningRun, RunStatus
from duikou.orders.scopes import can_plan, runs_for_user


def _readable_runs(request: HttpRequest):
    """The runs this user reads; 404 for anyone outside headquarters and the viewer."""
    user = request.user
    if not reads_everything(user):
        raise Http404
    return runs_for_user(user)


def _get_run(request: HttpRequest, pk: int) -> PlanningRun:
    # A run left 计算中 by a worker that died is marked failed when it is looked at.
    return runs.run_mark_if_stale(get_object_or_404(_readable_runs(request), pk=pk))


def _require_plan(request: HttpRequest) -> None:
    if not can_plan(request.user):
        raise PermissionDenied(_("只有指挥部可以发起、调整和确认排班。"))


def _quick_periods(today: dt.date) -> list[dict]:
    this_q, next_q = quarter_of(today), next_quarter(today)
    return [
        {"label": _("下季度"), "start": next_q[0], "end": next_q[1]},
        {"label": _("本季度"), "start": this_q[0], "end": this_q[1]},
    ]


def _initial_form() -> RunForm:
    start, end = next_quarter(timezone.localdate())
    return RunForm(initial={"period_start": start, "period_end": end})


def _list_context(request: HttpRequest, form: RunForm) -> dict:
    qs = _readable_runs(request)
    page = page_of(request, qs)
    rows = []
    for run in page.object_list:
        run = runs.run_mark_if_stale(run)  # a run whose worker died shows as failed
        total = len(run.instance.get("demands", []))
        rows.append({"run": run, "total": total, "interrupted": runs.is_interrupted(run)})
    return {
        "page": page,
        "rows": rows,
        "form": form,
        "can_plan": can_plan(request.user),
        "quick": _quick_periods(timezone.localdate()),
    }


@login_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/run_list.html", _list_context(request, _initial_form()))


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    _readable_runs(request)
    _require_plan(request)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = runs.run_create(
                actor=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                time_limit=form.cleaned_data["time_limit"],
                max_days=form.cleaned_data["max_days"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已发起排班计算 #%(n)s。") % {"n": run.pk})
            return redirect("orders:run_detail", pk=run.pk)
    return render(request, "orders/run_list.html", _list_context(request, form), status=400)


@login_required
@require_GET
def run_preview(request: HttpRequest) -> HttpResponse:
    """How many open demands and available experts fall in the chosen period (htmx)."""
    _readable_runs(request)
    form = RunForm(request.GET)
    ctx: dict = {"ok": False}
    start, end = None, None
    if form.is_valid():
        start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    elif not form.errors.get("period_start") and not form.errors.get("period_end"):
        start, end = form.cleaned_data.get("period_start"), form.cleaned_data.get("period_end")
    if start and end and end >= start:
        days = (end - start).days + 1
        if days > runs.MAX_PERIOD_DAYS:
            ctx["error"] = _("计划期最长 %(n)s 天。") % {"n": runs.MAX_PERIOD_DAYS}
        else:
            demands, experts = planning_data.count_period(start, end)
            ctx.update(ok=True, demands=demands, experts=experts, days=days)
    else:
        ctx["error"] = _("请选择计划期的开始和结束日期（结束不早于开始）。")
    return render(request, "orders/_run_preview.html", ctx)


# Detail ---------------------------------------------------------------------------------------


def _schedule(run: PlanningRun, assigned: list[dict]) -> list[dict]:
    """Who goes where and when, once: the confirmed visits (with their status) once the run is
    confirmed, else the plan's assignments."""
    preferred = {(a["pk"], a["expert_pk"]) for a in assigned if a["preferred"]}
    if run.status != RunStatus.CONFIRMED:
        return [dict(a, status=None) for a in assigned]
    visits = run.visits.select_related("demand__organisation", "expert").order_by(
        "start_date", "demand__organisation__name", "pk"
    )
    return [
        {
            "pk": v.demand_id,
            "start": v.start_date,
            "end": v.end_date,
            "short": planning_data.short_days(v.start_date, v.end_date),
            "expert": v.expert.name,
            "site": v.demand.organisation.name,
            "skill": v.demand.skill,
            "days": (v.end_date - v.start_date).days + 1,
            "status": v.get_status_display(),
            "status_code": v.status,
            "preferred": (v.demand_id, v.expert_id) in preferred,
        }
        for v in visits
    ]


def _chosen(form: EditForm, action: str, rows: list[dict], field: str = "demand") -> dict | None:
    """The demand an edit form opens on: the one just posted for this action, else the first."""
    data = form.data
    if data.get("action") == action:
        for row in rows:
            if str(row["pk"]) == data.get(field):
                return row
    return rows[0] if rows else None


def _detail_context(
    request: HttpRequest, run: PlanningRun, edit_form: EditForm | None = None
) -> dict:
    edit_form = edit_form or EditForm()
    ctx: dict = {
        "run": run,
        "can_plan": can_plan(request.user),
        "active": run.status in runs.ACTIVE,
        "interrupted": runs.is_interrupted(run),
        "editable": run.status in runs.EDITABLE and run.plan is not None,
        "edit_form": edit_form,
        "edits": run.edits.select_related("user"),
        "total": len(run.instance.get("demands", [])),
        "expert_count": len(run.instance.get("experts", [])),
        "excluded_count": len(run.instance.get("excluded", [])),
    }
    ctx.update(_progress(run))
    if run.plan is None:
        return ctx
    names = planning_data.Names(run)
    scores = planning_data.plan_scores(run)
    if scores is None:
        ctx["broken"] = True
        return ctx
    score, proposed = scores
    ctx["score"] = score
    if proposed is not None:
        ctx["proposed_score"] = proposed
    if run.bound:
        ctx["gap"] = max(0.0, (run.bound - score.score) / run.bound * 100)
    ctx["unserved"] = unserved = planning_data.unserved_rows(run, run.plan, names)
    ctx["assignable"] = assignable = [u for u in unserved if not u.get("excluded")]
    ctx["assigned"] = assigned = planning_data.assigned_rows(run.plan, names)
    ctx["lead"] = planning_data.lead(run, run.plan, score, unserved)
    ctx["schedule"] = _schedule(run, assigned)
    if ctx["editable"]:
        moved = _chosen(edit_form, "move", assigned)
        chosen = _chosen(edit_form, "assign", assignable)
        ctx["move_experts"] = planning_data.expert_choices(
            run.instance, moved["skill"] if moved else None
        )
        ctx["assign_experts"] = planning_data.expert_choices(
            run.instance, chosen["skill"] if chosen else None
        )
    ctx["calendar"] = cal = planning_data.calendar(run, run.plan, names)
    ctx["calendar_views"] = [("experts", cal["experts"]), ("sites", cal["sites"])]
    ctx["replay"] = (
        f"duikou plan run-{run.pk}-instance.json --time-limit {run.time_limit} -o plan.json"
    )
    ctx["check_cmd"] = f"duikou plan run-{run.pk}-instance.json --check run-{run.pk}-plan.json"
    return ctx


def _progress(run: PlanningRun) -> dict:
    served = run.progress_served or 0
    total = len(run.instance.get("demands", []))
    share = min(100.0, run.elapsed / run.time_limit * 100) if run.time_limit else 0
    gap = None
    if run.bound and run.progress_score is not None:
        gap = max(0.0, (run.bound - run.progress_score) / run.bound * 100)
    return {
        "p_waiting_long": runs.is_waiting_long(run),
        "p_served": served,
        "p_total": total,
        "p_share": share,
        "p_gap": gap,
        "p_left": max(0.0, run.time_limit - run.elapsed),
    }


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    return render(request, "orders/run_detail.html", _detail_context(request, run))


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel, polled every second while the run is queued or running."""
    run = _get_run(request, pk)
    ctx = {"run": run, "can_plan": can_plan(request.user), "interrupted": runs.is_interrupted(run)}
    ctx.update(_progress(run))
    response = render(request, "orders/_run_progress.html", ctx)
    if run.status not in runs.ACTIVE and is_htmx(request):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_stop(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    _require_plan(request)
    try:
        runs.run_stop(actor=request.user, run=run)
        messages.success(request, _("已请求停止，稍候将保留目前最好的方案。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("orders:run_detail", pk=run.pk)


@login_required
@require_POST
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    _require_plan(request)
    try:
        new = runs.run_rerun(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orders:run_detail", pk=run.pk)
    messages.success(request, _("已重新发起排班计算 #%(n)s。") % {"n": new.pk})
    return redirect("orders:run_detail", pk=new.pk)


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def run_instance_json(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    return _json_download(run.instance, f"run-{run.pk}-instance.json")


@login_required
@require_GET
def run_plan_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The current plan; `?which=proposed` the planner's own."""
    run = _get_run(request, pk)
    proposed = request.GET.get("which") == "proposed"
    plan = run.proposed_plan if proposed else run.plan
    if plan is None:
        raise Http404
    name = f"run-{run.pk}-{'proposed' if proposed else 'plan'}.json"
    return _json_download(plan, name)


def _edit_error(exc: ValidationError) -> ValidationError:
    """The service names the plan's fields (demand_id …); the form names the records'."""
    if not hasattr(exc, "error_dict"):
        return exc
    rename = {"demand_id": "demand", "expert_id": "expert", "other_demand_id": "other_demand"}
    return ValidationError({rename.get(k, k): v for k, v in exc.error_dict.items()})


@login_required
@require_POST
def run_edit(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    _require_plan(request)
    form = EditForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        other = c["other_demand"]
        try:
            edit = runs.plan_edit(
                actor=request.user,
                run=run,
                action=c["action"],
                demand_id=planning_data.demand_id(c["demand"]),
                expert_id=planning_data.expert_id(c["expert"]) if c["expert"] else None,
                start=c["start"],
                other_demand_id=planning_data.demand_id(other) if other else None,
            )
        except ValidationError as exc:
            apply_service_error(form, _edit_error(exc))
        else:
            messages.success(
                request,
                _("已%(action)s：%(detail)s。")
                % {"action": EditAction(edit.action).label, "detail": edit.detail},
            )
            return redirect(reverse("orders:run_detail", args=[run.pk]) + "#plan-edit")
    run.refresh_from_db()
    ctx = _detail_context(request, run, edit_form=form)
    ctx["edit_refused"] = True
    return render(request, "orders/run_detail.html", ctx, status=400)


@login_required
@require_POST
def run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    _require_plan(request)
    try:
        visits = runs.run_confirm(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orders:run_detail", pk=run.pk)
    messages.success(
        request, _("已确认排班 #%(n)s：生成 %(v)s 次专家服务。") % {"n": run.pk, "v": len(visits)}
    )
    return redirect("orders:run_detail", pk=run.pk)
