"""Planning runs: creating, executing in the background, stopping, downloads and replay,
manual edits checked against the five rules, and who may do what."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from duikou.orders import runs
from duikou.orders.models import EditAction, PlanEdit, PlanningRun, RunStatus
from duikou.planning.cli import main as plan_main
from duikou.planning.instance import parse_instance
from duikou.planning.validator import check
from tests.test_orders_runs_common import PE, PS, day, demand, expert
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("field_key")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def records(reg):
    a = expert(reg, "甲医生", "神经内科", [(day(0), day(40))])
    b = expert(reg, "乙医生", "心血管内科", [(day(10), day(60))], resident_at=reg.wulan_hospital)
    ds = [
        demand(reg.dulan_hospital, "神经内科", 5, day(0), day(30), priority=8, preferred=[a]),
        demand(reg.wulan_hospital, "神经内科", 4, day(5), day(40)),
        demand(reg.dulan_hospital, "心血管内科", 3, day(20), day(50)),
        demand(reg.prefecture_hospital, "眼科", 2, PS, PE),
    ]
    return {"a": a, "b": b, "demands": ds}


# Create ---------------------------------------------------------------------------------------


def test_create_freezes_the_instance_and_runs_to_done(
    reg, records, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, time_limit=5)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    assert run.created_by == reg.hq and run.started_at and run.finished_at
    inst = parse_instance(run.instance)
    assert len(inst.demands) == 4 and len(inst.experts) == 2
    assert run.instance["name"] == f"duikou-run-{run.pk}"
    result = check(inst, run.plan)
    assert result.valid
    assert run.plan == run.proposed_plan
    assert run.progress_score == result.score.score
    assert run.progress_served == result.score.served == 3  # 眼科: no expert
    assert "得分" in run.message
    assert run.history.filter(history_user=reg.hq).exists()


@pytest.mark.parametrize(
    "kwargs,field,text",
    [
        (dict(period_start=PS, period_end=PS - dt.timedelta(days=1)), "period_end", "不能早于"),
        (dict(period_start=PS, period_end=PS + dt.timedelta(days=366)), "period_end", "366"),
        (dict(period_start=PS, period_end=PE, time_limit=4), "time_limit", "5 到 600"),
        (dict(period_start=PS, period_end=PE, time_limit=601), "time_limit", "5 到 600"),
        (dict(period_start=PS, period_end=PE, max_days=0), "max_days", "1 到 366"),
    ],
)
def test_create_refuses_bad_parameters(reg, records, kwargs, field, text):
    with pytest.raises(ValidationError) as exc:
        runs.run_create(actor=reg.hq, enqueue=False, **kwargs)
    assert text in " ".join(exc.value.message_dict[field])
    assert not PlanningRun.objects.exists()


def test_create_refuses_a_period_without_demands_or_experts(reg, records):
    later = (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    with pytest.raises(ValidationError) as exc:
        runs.run_create(actor=reg.hq, period_start=later[0], period_end=later[1], enqueue=False)
    assert "没有可安排的待安排需求" in str(exc.value)
    demand(reg.dulan_hospital, "神经内科", 3, later[0], later[1])
    with pytest.raises(ValidationError) as exc:
        runs.run_create(actor=reg.hq, period_start=later[0], period_end=later[1], enqueue=False)
    assert "没有专家申报可出诊时间" in str(exc.value)
    assert not PlanningRun.objects.exists()


def test_only_headquarters_creates(reg, records):
    for user in (reg.viewer, reg.dulan_team, reg.liaison, reg.doctor):
        with pytest.raises(PermissionDenied):
            runs.run_create(actor=user, period_start=PS, period_end=PE, enqueue=False)
    assert runs.run_create(actor=None, period_start=PS, period_end=PE, enqueue=False).pk


# Execute ---------------------------------------------------------------------------------------


def synthetic_instance(n_experts=25, n_demands=220, horizon=90, seed=3) -> dict:
    """A random instance the planner cannot finish within a second (no proof of optimality)."""
    rnd = random.Random(seed)
    sites = [f"S{i}" for i in range(8)] + ["HZ"]
    travel = {
        a: {b: 0 if a == b else 1 + (hash((min(a, b), max(a, b))) % 2) for b in sites}
        for a in sites
    }
    skills = ["neuro", "cardio", "icu"]
    experts = []
    for i in range(n_experts):
        a = rnd.randrange(0, 40)
        experts.append(
            {
                "id": f"E{i}",
                "skills": [rnd.choice(skills)],
                "home": rnd.choice(sites),
                "available": [[a, a + rnd.randrange(20, 50)]],
                "max_days": 20,
            }
        )
    demands = []
    for i in range(n_demands):
        dur = rnd.randrange(2, 7)
        w0 = rnd.randrange(0, horizon - 20)
        demands.append(
            {
                "id": f"D{i}",
                "site": rnd.choice(sites[:-1]),
                "skill": rnd.choice(skills),
                "duration": dur,
                "window": [w0, min(horizon, w0 + dur + rnd.randrange(3, 25))],
                "weight": rnd.randrange(1, 11),
            }
        )
    inst = {
        "name": "synthetic",
        "horizon": horizon,
        "sites": [{"id": s} for s in sites],
        "travel": travel,
        "experts": experts,
        "demands": demands,
    }
    parse_instance(inst)
    return inst


def queued_run(instance, time_limit=3) -> PlanningRun:
    return PlanningRun.objects.create(
        period_start=PS,
        period_end=PS + dt.timedelta(days=instance.get("horizon", 90) - 1),
        time_limit=time_limit,
        instance=instance,
    )


@pytest.fixture
def spy_updates(monkeypatch):
    """Record every queryset.update on PlanningRun; optionally act after the first progress."""
    calls: list[dict] = []
    original = QuerySet.update
    hooks: list = []

    def update(self, **kwargs):
        if self.model is PlanningRun:
            calls.append(dict(kwargs))
            n = original(self, **kwargs)
            if "progress_score" in kwargs:
                for hook in hooks:
                    hook(self)
            return n
        return original(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    return calls, hooks, original


def test_execute_writes_progress_with_updates_only(db, spy_updates):
    calls, _hooks, _orig = spy_updates
    run = queued_run(synthetic_instance(), time_limit=2)
    run = runs.run_execute(run.pk)
    assert run.status == RunStatus.DONE, run.message
    progress = [c for c in calls if "progress_score" in c]
    assert progress, "no progress written while the planner ran"
    for c in progress:
        assert set(c) == {"progress_score", "progress_served", "bound", "elapsed", "heartbeat_at"}
        assert "stop_requested" not in c
    assert progress[-1]["progress_served"] > 0
    assert 1.0 <= run.elapsed <= 2.5
    assert check(parse_instance(run.instance), run.plan).valid


def test_stop_while_running_keeps_the_best_plan(db, spy_updates):
    _calls, hooks, original = spy_updates
    run = queued_run(synthetic_instance(), time_limit=30)

    def user_presses_stop(qs):  # what run_stop does from another request
        hooks.clear()
        original(PlanningRun.objects.filter(pk=run.pk), stop_requested=True)

    hooks.append(user_presses_stop)
    t0 = timezone.now()
    run = runs.run_execute(run.pk)
    assert (timezone.now() - t0).total_seconds() < 10
    assert run.status == RunStatus.STOPPED
    assert run.message.startswith("已按要求提前停止")
    assert run.plan and check(parse_instance(run.instance), run.plan).valid


def test_stop_a_queued_run_and_refuse_stopping_twice(reg, records):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    runs.run_stop(actor=reg.hq, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.STOPPED and run.stop_requested
    assert runs.run_execute(run.pk).status == RunStatus.STOPPED  # the worker does nothing
    assert run.plan is None
    with pytest.raises(ValidationError):
        runs.run_stop(actor=reg.hq, run=run)
    with pytest.raises(PermissionDenied):
        runs.run_stop(actor=reg.viewer, run=run)


def test_a_broken_instance_fails_cleanly(db):
    run = queued_run({"horizon": 10, "sites": []})
    run = runs.run_execute(run.pk)
    assert run.status == RunStatus.FAILED
    assert run.message.startswith("计算失败") and "sites" in run.message
    assert run.plan is None and run.proposed_plan is None and run.finished_at


def test_interrupted_run_can_be_rerun(reg, records):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    PlanningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now() - dt.timedelta(seconds=200)
    )
    run.refresh_from_db()
    assert runs.is_interrupted(run)
    new = runs.run_rerun(actor=reg.hq, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "中断" in run.message
    assert new.pk != run.pk and new.status == RunStatus.QUEUED
    assert (new.period_start, new.period_end, new.time_limit) == (PS, PE, run.time_limit)
    fresh = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    PlanningRun.objects.filter(pk=fresh.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    fresh.refresh_from_db()
    assert not runs.is_interrupted(fresh)
    with pytest.raises(ValidationError):
        runs.run_rerun(actor=reg.hq, run=fresh)


# Pages, downloads and replay -------------------------------------------------------------------


@pytest.fixture
def done_run(reg, records):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, time_limit=5, enqueue=False)
    return runs.run_execute(run.pk)


def test_downloads_replay_with_duikou_plan(reg, done_run, client_for, tmp_path, capsys):
    c = client_for(reg.viewer)
    r = c.get(reverse("orders:run_instance_json", args=[done_run.pk]))
    assert r.status_code == 200
    assert r["Content-Disposition"] == f'attachment; filename="run-{done_run.pk}-instance.json"'
    (tmp_path / "instance.json").write_bytes(r.content)
    r = c.get(reverse("orders:run_plan_json", args=[done_run.pk]))
    assert r["Content-Disposition"] == f'attachment; filename="run-{done_run.pk}-plan.json"'
    (tmp_path / "plan.json").write_bytes(r.content)
    r = c.get(reverse("orders:run_plan_json", args=[done_run.pk]) + "?which=proposed")
    assert f"run-{done_run.pk}-proposed.json" in r["Content-Disposition"]
    assert json.loads(r.content) == done_run.proposed_plan
    capsys.readouterr()
    assert plan_main([str(tmp_path / "instance.json"), "--check", str(tmp_path / "plan.json")]) == 0
    assert capsys.readouterr().out.startswith(f"VALID score={done_run.progress_score} ")
    out = tmp_path / "replay.json"
    code = plan_main(
        [str(tmp_path / "instance.json"), "--time-limit", "2", "--workers", "1", "-o", str(out)]
    )
    assert code == 0
    inst = parse_instance(json.loads((tmp_path / "instance.json").read_text("utf-8")))
    replay = check(inst, json.loads(out.read_text("utf-8")))
    assert replay.valid and replay.score.score == done_run.progress_score  # optimal both times


def test_detail_page_shows_summary_calendar_and_reasons(reg, done_run, records, client_for):
    r = client_for(reg.hq).get(reverse("orders:run_detail", args=[done_run.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="plan-summary"' in html and 'id="plan-calendar"' in html
    assert "甲医生" in html and "都兰县人民医院" in html
    assert "无此专业的专家" in html  # the 眼科 demand
    assert reverse("orders:run_confirm", args=[done_run.pk]) in html
    assert "duikou plan run-" in html and "--time-limit" in html
    assert 'class="bar bar-travel"' in html  # 甲 flies in from 杭州
    summary = f"得分 {done_run.progress_score}，安排 {done_run.progress_served}/"
    assert summary in html
    # The summary line is put together from the run's fields, in the reader's language.
    english = client_for(reg.hq).get(
        reverse("orders:run_detail", args=[done_run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = english.content.decode()
    assert f"Score {done_run.progress_score}" in text and summary not in text


def test_progress_panel_polls_then_refreshes(reg, records, client_for):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    c = client_for(reg.hq)
    r = c.get(reverse("orders:run_detail", args=[run.pk]))
    assert 'hx-trigger="every 1s"' in r.content.decode()
    assert reverse("orders:run_stop", args=[run.pk]) in r.content.decode()
    PlanningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        progress_score=5000,
        progress_served=2,
        bound=9000,
        elapsed=3.0,
    )
    r = c.get(reverse("orders:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "5000" in html and "2/4" in html and "9000" in html and "44.44%" in html
    assert "HX-Refresh" not in r
    PlanningRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE)
    r = c.get(reverse("orders:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert r["HX-Refresh"] == "true"


def test_list_and_start_from_the_page(reg, records, client_for, django_capture_on_commit_callbacks):
    c = client_for(reg.hq)
    r = c.get(reverse("orders:run_list"))
    assert r.status_code == 200 and 'id="run-form"' in r.content.decode()
    r = c.get(reverse("orders:run_preview"), {"period_start": PS, "period_end": PE})
    assert "<b>4</b> 项待安排需求" in r.content.decode() and "<b>2</b> 位专家" in r.content.decode()
    r = c.post(
        reverse("orders:run_create"),
        {"period_start": PS, "period_end": PE, "time_limit": 45, "max_days": 20},
    )
    assert r.status_code == 400 and "time_limit" in r.content.decode()  # not a choice
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("orders:run_create"),
            {"period_start": PS, "period_end": PE, "time_limit": 10, "max_days": 15},
        )
    run = PlanningRun.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("orders:run_detail", args=[run.pk])
    assert run.status == RunStatus.DONE and run.max_days == 15
    r = c.get(reverse("orders:run_list"))
    assert f"#{run.pk}" in r.content.decode() and "已完成" in r.content.decode()


# Access ---------------------------------------------------------------------------------------


def test_outsiders_get_404_everywhere(reg, done_run, client_for):
    pk = done_run.pk
    gets = [
        reverse("orders:run_list"),
        reverse("orders:run_preview"),
        reverse("orders:run_detail", args=[pk]),
        reverse("orders:run_progress", args=[pk]),
        reverse("orders:run_instance_json", args=[pk]),
        reverse("orders:run_plan_json", args=[pk]),
    ]
    posts = [
        reverse("orders:run_create"),
        reverse("orders:run_stop", args=[pk]),
        reverse("orders:run_edit", args=[pk]),
        reverse("orders:run_confirm", args=[pk]),
        reverse("orders:run_rerun", args=[pk]),
    ]
    for user in (reg.dulan_team, reg.wulan_team, reg.liaison, reg.doctor):
        c = client_for(user)
        for url in gets:
            assert c.get(url).status_code == 404, (user, url)
        for url in posts:
            assert c.post(url, {}).status_code == 404, (user, url)
    c.logout()
    assert c.get(reverse("orders:run_list")).status_code == 302  # to the sign-in page


def test_viewer_reads_but_cannot_act(reg, done_run, client_for):
    c = client_for(reg.viewer)
    pk = done_run.pk
    html = c.get(reverse("orders:run_detail", args=[pk])).content.decode()
    assert "plan-summary" in html
    assert "run-confirm-btn" not in html and "edit-move" not in html
    assert 'id="run-form"' not in c.get(reverse("orders:run_list")).content.decode()
    assert (
        c.post(
            reverse("orders:run_create"),
            {"period_start": PS, "period_end": PE, "time_limit": 10, "max_days": 5},
        ).status_code
        == 403
    )
    assert c.post(reverse("orders:run_stop", args=[pk])).status_code == 403
    assert c.post(reverse("orders:run_rerun", args=[pk])).status_code == 403
    assert (
        c.post(
            reverse("orders:run_edit", args=[pk]),
            {"action": "unassign", "demand_id": done_run.plan["assignments"][0]["demand"]},
        ).status_code
        == 403
    )
    assert c.post(reverse("orders:run_confirm", args=[pk])).status_code == 403
    done_run.refresh_from_db()
    assert done_run.status == RunStatus.DONE and not done_run.edits.exists()
    with pytest.raises(PermissionDenied):
        runs.plan_edit(actor=reg.viewer, run=done_run, action="unassign", demand_id="D1")


# Edits ----------------------------------------------------------------------------------------

EDIT_INSTANCE = {
    "name": "edits",
    "horizon": 30,
    "sites": [
        {"id": "A", "name": "都兰县人民医院"},
        {"id": "B", "name": "乌兰县人民医院"},
        {"id": "HZ", "name": "杭州"},
    ],
    "travel": {
        "A": {"A": 0, "B": 1, "HZ": 2},
        "B": {"A": 1, "B": 0, "HZ": 2},
        "HZ": {"A": 2, "B": 2, "HZ": 0},
    },
    "experts": [
        {
            "id": "E1",
            "name": "甲医生",
            "skills": ["神经内科"],
            "home": "HZ",
            "available": [[0, 20]],
            "max_days": 10,
        },
        {
            "id": "E2",
            "name": "乙医生",
            "skills": ["神经内科"],
            "home": "A",
            "available": [[0, 30]],
            "max_days": 10,
        },
        {
            "id": "E3",
            "name": "丙医生",
            "skills": ["心血管内科"],
            "home": "B",
            "available": [[0, 30]],
            "max_days": 30,
        },
    ],
    "demands": [
        {
            "id": "D1",
            "site": "A",
            "skill": "神经内科",
            "duration": 5,
            "window": [0, 20],
            "weight": 5,
        },
        {
            "id": "D2",
            "site": "B",
            "skill": "神经内科",
            "duration": 4,
            "window": [0, 30],
            "weight": 5,
        },
        {
            "id": "D3",
            "site": "A",
            "skill": "心血管内科",
            "duration": 3,
            "window": [0, 10],
            "weight": 5,
        },
        {
            "id": "D4",
            "site": "A",
            "skill": "神经内科",
            "duration": 6,
            "window": [0, 30],
            "weight": 5,
        },
    ],
}
EDIT_PLAN = {
    "assignments": [
        {"demand": "D1", "expert": "E1", "start": 3},
        {"demand": "D2", "expert": "E2", "start": 10},
    ]
}


@pytest.fixture
def edit_run(db):
    assert check(parse_instance(EDIT_INSTANCE), EDIT_PLAN).valid
    return PlanningRun.objects.create(
        period_start=PS,
        period_end=PS + dt.timedelta(days=29),
        status=RunStatus.DONE,
        instance=EDIT_INSTANCE,
        proposed_plan=EDIT_PLAN,
        plan=json.loads(json.dumps(EDIT_PLAN)),
    )


def rows(run):
    run.refresh_from_db()
    return {r["demand"]: (r["expert"], r["start"]) for r in run.plan["assignments"]}


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        (dict(action="move", demand_id="D1", start=day(5)), {"D1": ("E1", 5), "D2": ("E2", 10)}),
        (dict(action="move", demand_id="D1", expert_id="E2"), {"D1": ("E2", 3), "D2": ("E2", 10)}),
        (
            dict(action="swap", demand_id="D1", other_demand_id="D2"),
            {"D1": ("E2", 3), "D2": ("E1", 10)},
        ),
        (
            dict(action="assign", demand_id="D3", expert_id="E3", start=day(2)),
            {"D1": ("E1", 3), "D2": ("E2", 10), "D3": ("E3", 2)},
        ),
        (dict(action="unassign", demand_id="D2"), {"D1": ("E1", 3)}),
    ],
)
def test_valid_edits_are_applied_and_logged(reg, edit_run, kwargs, expected):
    before = check(parse_instance(EDIT_INSTANCE), edit_run.plan).score.score
    edit = runs.plan_edit(actor=reg.hq, run=edit_run, **kwargs)
    assert rows(edit_run) == expected
    assert edit.action == kwargs["action"] and edit.user == reg.hq
    assert edit.score_before == before
    assert edit.score_after == check(parse_instance(EDIT_INSTANCE), edit_run.plan).score.score
    assert edit_run.progress_score == edit.score_after
    assert edit_run.proposed_plan == EDIT_PLAN  # the planner's own plan is kept


@pytest.mark.parametrize(
    "kwargs,rule,detail",
    [
        (
            dict(action="assign", demand_id="D3", expert_id="E1", start=day(2)),
            "规则1 专家不具备所需专业",
            "甲医生 的专业为 神经内科",
        ),
        (
            dict(action="assign", demand_id="D3", expert_id="E3", start=day(8)),
            "规则2 超出需求时间窗口",
            "2026-04-01–2026-04-10",
        ),
        (
            dict(action="move", demand_id="D1", start=day(0)),
            "规则3 不在专家可出诊时间内（含往返路程）",
            "从 杭州 到 都兰县人民医院 单程 2 天",
        ),
        (
            dict(action="assign", demand_id="D4", expert_id="E2", start=day(12)),
            "规则4 与该专家的其他安排重叠或路程时间不足",
            "与 乌兰县人民医院 · 神经内科（2026-04-11–2026-04-14",
        ),
        (
            dict(action="assign", demand_id="D4", expert_id="E1", start=day(10)),
            "规则5 超过专家本期服务天数上限",
            "甲医生 本期共 11 天，上限 10 天",
        ),
        (
            dict(
                action="swap",
                demand_id="D1",
                other_demand_id="D2",
            ),
            None,
            None,
        ),  # valid: a control that the refusals are the rules', not the swap's
    ],
)
def test_invalid_edits_are_refused_with_the_rule_named(reg, edit_run, kwargs, rule, detail):
    if rule is None:
        runs.plan_edit(actor=reg.hq, run=edit_run, **kwargs)
        assert PlanEdit.objects.count() == 1
        return
    with pytest.raises(ValidationError) as exc:
        runs.plan_edit(actor=reg.hq, run=edit_run, **kwargs)
    message = exc.value.messages[0]
    assert rule in message and detail in message, message
    assert rows(edit_run) == {"D1": ("E1", 3), "D2": ("E2", 10)}
    assert not PlanEdit.objects.exists()


def test_edit_input_refusals(reg, edit_run):
    cases = [
        dict(action="move", demand_id="D3", start=day(1)),  # not assigned
        dict(action="assign", demand_id="D1", expert_id="E2", start=day(1)),  # already assigned
        dict(action="assign", demand_id="D3", expert_id="E3"),  # no start
        dict(action="unassign", demand_id="D4"),
        dict(action="swap", demand_id="D1", other_demand_id="D1"),
        dict(action="move", demand_id="D9", start=day(1)),
        dict(action="move", demand_id="D1", expert_id="E9"),
        dict(action="move", demand_id="D1", start=PS - dt.timedelta(days=1)),  # before the period
        dict(action="move", demand_id="D1"),  # nothing changes
        dict(action="teleport", demand_id="D1"),
    ]
    for kwargs in cases:
        with pytest.raises(ValidationError):
            runs.plan_edit(actor=reg.hq, run=edit_run, **kwargs)
    assert rows(edit_run) == {"D1": ("E1", 3), "D2": ("E2", 10)}
    PlanningRun.objects.filter(pk=edit_run.pk).update(status=RunStatus.CONFIRMED)
    with pytest.raises(ValidationError) as exc:
        runs.plan_edit(actor=reg.hq, run=edit_run, action="unassign", demand_id="D1")
    assert "尚未确认" in exc.value.messages[0]


def test_edit_through_the_page(reg, edit_run, client_for):
    c = client_for(reg.hq)
    url = reverse("orders:run_edit", args=[edit_run.pk])
    # the form names the demand by its record's number (D1 is demand 1), never the planner's id
    r = c.post(url, {"action": "move", "demand": "1", "start": "2026-04-01"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="edit-errors"' in html and "规则3" in html
    assert 'value="2026-04-01"' in html  # the refused form keeps what was typed
    assert rows(edit_run) == {"D1": ("E1", 3), "D2": ("E2", 10)}
    r = c.post(url, {"action": "move", "demand": "1", "start": "2026-04-06"})
    assert r.status_code == 302
    assert rows(edit_run)["D1"] == ("E1", 5)
    html = c.get(reverse("orders:run_detail", args=[edit_run.pk])).content.decode()
    assert "调整记录" in html and str(EditAction.MOVE.label) in html


def test_a_queued_run_nobody_takes_says_so_and_can_be_redone(reg, records, client_for):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    c = client_for(reg.hq)
    assert (
        'id="queue-stale"'
        not in c.get(reverse("orders:run_detail", args=[run.pk])).content.decode()
    )
    PlanningRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert 'id="queue-stale"' in c.get(reverse("orders:run_detail", args=[run.pk])).content.decode()
    c.post(reverse("orders:run_stop", args=[run.pk]))
    html = c.get(reverse("orders:run_detail", args=[run.pk])).content.decode()
    assert "计算开始前已停止" in html and 'id="run-rerun"' in html
    r = c.post(reverse("orders:run_rerun", args=[run.pk]))
    new = PlanningRun.objects.exclude(pk=run.pk).get()
    assert r["Location"] == reverse("orders:run_detail", args=[new.pk])
