"""Confirming a plan: visits, demands 已安排, and no double-booking (two headquarters users,
two runs, the same period; on PostgreSQL also two threads at once)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse

from duikou.accounts.models import Role
from duikou.orders import runs
from duikou.orders.models import Demand, DemandStatus, PlanningRun, RunStatus, Visit, VisitStatus
from duikou.orders.runs import confirm as runs_confirm
from tests.conftest import make_user
from tests.test_orders_runs_common import PE, PS, day, demand, expert
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("field_key")


def make_records(reg):
    a = expert(reg, "甲医生", "神经内科", [(day(0), day(40))])
    b = expert(reg, "乙医生", "心血管内科", [(day(10), day(60))], resident_at=reg.wulan_hospital)
    ds = [
        demand(reg.dulan_hospital, "神经内科", 5, day(0), day(30), priority=8),
        demand(reg.wulan_hospital, "神经内科", 4, day(5), day(40)),
        demand(reg.dulan_hospital, "心血管内科", 3, day(20), day(50)),
    ]
    return a, b, ds


def done_run(actor, period=(PS, PE)) -> PlanningRun:
    run = runs.run_create(
        actor=actor, period_start=period[0], period_end=period[1], time_limit=5, enqueue=False
    )
    run = runs.run_execute(run.pk)
    assert run.status == RunStatus.DONE, run.message
    return run


@pytest.fixture
def two_runs(reg):
    make_records(reg)
    hq2 = make_user("hq2", Role.HEADQUARTERS)
    first = done_run(reg.hq)
    # another headquarters user plans an overlapping period before the first is confirmed
    second = done_run(hq2, (PS + dt.timedelta(days=10), PE + dt.timedelta(days=30)))
    return first, second, hq2


def test_confirm_turns_the_plan_into_visits(reg, two_runs):
    run, _second, _hq2 = two_runs
    visits = runs.run_confirm(actor=reg.hq, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.CONFIRMED and run.confirmed_by == reg.hq and run.confirmed_at
    assert len(visits) == len(run.plan["assignments"]) == 3
    for row in run.plan["assignments"]:
        v = Visit.objects.get(demand_id=int(row["demand"][1:]))
        assert v.expert_id == int(row["expert"][1:]) and v.run == run
        assert v.start_date == PS + dt.timedelta(days=row["start"])
        assert v.days == v.demand.days
        assert v.end_date == v.start_date + dt.timedelta(days=v.demand.days - 1)
        assert v.status == VisitStatus.SCHEDULED
        assert v.demand.status == DemandStatus.SCHEDULED
        assert v.history.first().history_user == reg.hq
        assert v.demand.history.first().history_user == reg.hq
        assert v.demand.history.first().history_change_reason == f"排班 #{run.pk} 确认"
        assert v.demand.history.first().status == DemandStatus.SCHEDULED
    with pytest.raises(ValidationError, match="已确认过"):
        runs.run_confirm(actor=reg.hq, run=run)


def test_second_confirmation_of_an_overlapping_period_is_refused(reg, two_runs):
    first, second, hq2 = two_runs
    runs.run_confirm(actor=reg.hq, run=first)
    before = list(Visit.objects.values_list("pk", "demand_id", "expert_id", "start_date"))
    with pytest.raises(ValidationError) as exc:
        runs.run_confirm(actor=hq2, run=second)
    msg = exc.value.messages[0]
    assert msg.startswith(f"该时段已有确认的排班：#{first.pk}，由 hq 于 ")
    assert "未做任何更改" in msg
    second.refresh_from_db()
    assert second.status == RunStatus.DONE and second.confirmed_at is None
    assert list(Visit.objects.values_list("pk", "demand_id", "expert_id", "start_date")) == before
    for d in Demand.objects.all():
        assert d.visits.exclude(status=VisitStatus.CANCELLED).count() <= 1


def test_a_demand_no_longer_open_refuses_the_whole_plan(reg, two_runs):
    run, _second, _hq2 = two_runs
    d = Demand.objects.get(pk=int(run.plan["assignments"][0]["demand"][1:]))
    d.status = DemandStatus.WITHDRAWN
    d.save()
    with pytest.raises(ValidationError, match="已不是待安排状态"):
        runs.run_confirm(actor=reg.hq, run=run)
    assert not Visit.objects.exists()
    assert Demand.objects.filter(status=DemandStatus.SCHEDULED).count() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_an_expert_booked_meanwhile_refuses_the_whole_plan(reg, two_runs):
    run, _second, _hq2 = two_runs
    row = run.plan["assignments"][0]
    other = demand(reg.prefecture_hospital, "神经内科", 2, PS, PE)
    start = PS + dt.timedelta(days=row["start"])
    Visit.objects.create(
        demand=other, expert_id=int(row["expert"][1:]), start_date=start, end_date=start
    )
    with pytest.raises(ValidationError, match="已有安排"):
        runs.run_confirm(actor=reg.hq, run=run)
    assert Visit.objects.count() == 1
    assert not Demand.objects.filter(status=DemandStatus.SCHEDULED).exists()


def test_the_database_constraint_is_the_last_guard(reg, two_runs, monkeypatch):
    """A live visit slipping in between the checks and the insert: a clear message, no rows."""
    run, _second, _hq2 = two_runs
    original = runs_confirm.bulk_create_with_history

    def slip_in_first(objs, model, **kwargs):
        first = objs[0]
        Visit.objects.create(
            demand=first.demand,
            expert=first.expert,
            start_date=first.start_date,
            end_date=first.end_date,
        )
        return original(objs, model, **kwargs)

    monkeypatch.setattr(runs_confirm, "bulk_create_with_history", slip_in_first)
    with pytest.raises(ValidationError, match="该需求已有安排的服务"):
        runs.run_confirm(actor=reg.hq, run=run)
    monkeypatch.undo()
    assert not Visit.objects.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert not Demand.objects.filter(status=DemandStatus.SCHEDULED).exists()


def test_confirm_refusals(reg, two_runs):
    run, _second, _hq2 = two_runs
    with pytest.raises(PermissionDenied):
        runs.run_confirm(actor=reg.viewer, run=run)
    queued = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    with pytest.raises(ValidationError, match="只有已完成或已停止"):
        runs.run_confirm(actor=reg.hq, run=queued)
    PlanningRun.objects.filter(pk=run.pk).update(plan={"assignments": []})
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="没有任何安排"):
        runs.run_confirm(actor=reg.hq, run=run)
    assert not Visit.objects.exists()


def test_changed_demand_after_planning_is_refused(reg, two_runs):
    run, _second, _hq2 = two_runs
    did = int(run.plan["assignments"][0]["demand"][1:])
    Demand.objects.filter(pk=did).update(days=1)
    with pytest.raises(ValidationError, match="改了所需天数"):
        runs.run_confirm(actor=reg.hq, run=run)
    assert not Visit.objects.exists()


def test_confirm_from_the_page(reg, two_runs, client_for):
    first, second, hq2 = two_runs
    c = client_for(reg.hq)
    r = c.post(reverse("orders:run_confirm", args=[first.pk]), follow=True)
    html = r.content.decode()
    assert (
        "已确认排班" in html and 'id="lead-confirmed"' in html and 'id="run-visit-export"' in html
    )
    assert html.count('id="assigned-table"') == 1  # the visits, once, with their status
    assert "run-confirm-btn" not in html and "edit-move" not in html  # no more edits
    c = client_for(hq2)
    r = c.post(reverse("orders:run_confirm", args=[second.pk]), follow=True)
    assert f"该时段已有确认的排班：#{first.pk}" in r.content.decode()
    assert Visit.objects.filter(run=second).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_on_postgresql(reg):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every write anyway)")
    make_records(reg)
    hq2 = make_user("hq2", Role.HEADQUARTERS)
    first, second = done_run(reg.hq), done_run(hq2)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def confirm(name, actor, run):
        try:
            barrier.wait(5)
            outcome[name] = len(runs.run_confirm(actor=actor, run=run))
        except ValidationError as exc:
            outcome[name] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=confirm, args=("first", reg.hq, first)),
        threading.Thread(target=confirm, args=("second", hq2, second)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    wins = [k for k, v in outcome.items() if isinstance(v, int)]
    assert len(wins) == 1, outcome
    loser = "second" if wins == ["first"] else "first"
    assert str(outcome[loser]).startswith("该时段已有确认的排班")
    assert PlanningRun.objects.filter(status=RunStatus.CONFIRMED).count() == 1
    assert Visit.objects.count() == outcome[wins[0]]
    for d in Demand.objects.all():
        assert d.visits.exclude(status=VisitStatus.CANCELLED).count() <= 1
