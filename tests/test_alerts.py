"""Alerts on lagging projects: each fires on the records that should raise it, and only then."""

import datetime as dt
from decimal import Decimal

import pytest

from duikou.projects import services
from duikou.projects.alerts import alert_summary, by_project, compute_alerts, light_alerts
from duikou.projects.models import Project

pytestmark = pytest.mark.django_db
TODAY = dt.date(2023, 9, 1)


def make(reg, code, **extra):
    data = dict(
        code=code,
        name="测试项目" + code,
        year=2023,
        category="教育",
        county=reg.dulan,
        aid_amount=Decimal("1000000.00"),
    )
    data.update(extra)
    return services.project_create(actor=None, via_import=True, **data)


def kinds(projects=None, today=TODAY):
    full = [
        (a.project.code, a.kind, a.message) for a in compute_alerts(Project.objects.all(), today)
    ]
    # The rows path (dashboard counts, the list's alert filter) finds the same, in the same order.
    light = [
        (a.project.code, a.kind, a.message) for a in light_alerts(Project.objects.all(), today)
    ]
    assert light == full
    return {(code, kind) for code, kind, _message in full}


def test_the_summary_counts_every_alert_and_builds_only_the_worst_projects(
    reg, django_assert_max_num_queries
):
    for i in range(5):
        make(
            reg,
            f"S{i}",
            status="立项",
            planned_start=dt.date(2023, 1, 1),
            planned_finish=dt.date(2023, 3, 1),
        )
    make(reg, "S9", status="在建", actual_start=dt.date(2023, 5, 1))
    rows = by_project(compute_alerts(Project.objects.all(), TODAY))
    with django_assert_max_num_queries(2):
        count, projects, worst = alert_summary(Project.objects.all(), 3, TODAY)
        names = [(r.project.code, r.project.name, r.project.county.name, r.labels) for r in worst]
    assert (count, projects) == (sum(len(r.alerts) for r in rows), len(rows)) == (11, 6)
    assert names == [
        (r.project.code, r.project.name, r.project.county.name, r.labels) for r in rows[:3]
    ]
    assert all(isinstance(r.project, Project) for r in worst)


def test_a_project_not_started_30_days_after_its_planned_start_is_flagged(reg):
    make(reg, "A1", status="立项", planned_start=dt.date(2023, 7, 1))
    make(reg, "A2", status="立项", planned_start=dt.date(2023, 8, 15))
    assert kinds() == {("A1", "not_started")}


def test_a_building_project_without_a_report_for_45_days_is_flagged(reg):
    quiet = make(reg, "B1", status="在建", actual_start=dt.date(2023, 5, 1))
    busy = make(reg, "B2", status="在建", actual_start=dt.date(2023, 5, 1))
    services.progress_report_create(
        actor=None, project=busy, date=dt.date(2023, 8, 20), progress=40, text="主体施工"
    )
    services.progress_report_create(
        actor=None, project=quiet, date=dt.date(2023, 6, 1), progress=10, text="开工"
    )
    assert kinds() == {("B1", "no_report")}


def test_slow_disbursement_compares_the_rate_with_the_years_elapsed_time(reg):
    slow = make(reg, "C1", status="立项")
    fine = make(reg, "C2", status="立项")
    for p, disbursed in [(slow, "100000"), (fine, "600000")]:
        services.flow_record(
            actor=None,
            project=p,
            date=dt.date(2023, 3, 1),
            type="下达",
            source="援助资金",
            amount=Decimal("1000000"),
            voucher="XD" + p.code,
        )
        services.flow_record(
            actor=None,
            project=p,
            date=dt.date(2023, 4, 1),
            type="拨付",
            source="援助资金",
            amount=Decimal(disbursed),
            voucher="BF" + p.code,
        )
    # On 1 September 67% of the year is gone: 10% disbursed lags by 57 points, 60% by 7.
    assert kinds() == {("C1", "slow_disbursement")}


def test_late_and_overdue_finishes_are_flagged(reg):
    make(
        reg,
        "D1",
        status="完工",
        actual_start=dt.date(2023, 3, 1),
        planned_finish=dt.date(2023, 6, 30),
        actual_finish=dt.date(2023, 8, 1),
    )
    make(
        reg,
        "D2",
        status="在建",
        actual_start=dt.date(2023, 3, 1),
        planned_finish=dt.date(2023, 7, 31),
    )
    make(
        reg,
        "D3",
        status="完工",
        actual_start=dt.date(2023, 3, 1),
        planned_finish=dt.date(2023, 8, 31),
        actual_finish=dt.date(2023, 8, 1),
    )
    found = kinds()
    assert ("D1", "finished_late") in found and ("D2", "overdue") in found
    assert not any(code == "D3" for code, _ in found)


def test_cancelled_projects_raise_no_alerts(reg):
    make(reg, "E1", status="取消", planned_start=dt.date(2023, 1, 1))
    assert kinds() == set()


def test_thresholds_are_settings(reg, settings):
    make(reg, "F1", status="立项", planned_start=dt.date(2023, 8, 15))
    settings.DUIKOU_ALERTS = {"not_started_days": 10}
    assert kinds() == {("F1", "not_started")}


def test_alerts_follow_the_users_scope(reg):
    from duikou.projects import scopes as projects_scopes

    make(reg, "G1", status="立项", planned_start=dt.date(2023, 1, 1), county=reg.wulan)
    assert compute_alerts(projects_scopes.projects_for_user(reg.dulan_team), TODAY) == []
    assert len(compute_alerts(projects_scopes.projects_for_user(reg.wulan_team), TODAY)) == 1
