"""Projects and funds services: balance checks, the lifecycle, concurrency, scopes, exact money."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.projects import scopes as projects_scopes
from duikou.projects import selectors, services
from duikou.projects.models import MoneyFlow, ProgressReport, Project, StatusTransition
from duikou.projects.services import ConcurrentEditError
from duikou.reports import figures

pytestmark = pytest.mark.django_db


def make_project(reg, code, county=None, status=None, **extra):
    data = dict(
        code=code,
        name="测试项目" + code,
        year=2023,
        category="教育",
        county=county or reg.dulan,
        aid_amount=Decimal("1000000.00"),
    )
    data.update(extra)
    if status is not None:
        return services.project_create(actor=None, via_import=True, status=status, **data)
    return services.project_create(actor=None, **data)


def flow(project, type_, amount, voucher, actor=None, **extra):
    data = dict(date=dt.date(2023, 3, 1), type=type_, source="援助资金", amount=Decimal(amount))
    data.update(extra)
    return services.flow_record(actor=actor, project=project, voucher=voucher, **data)


# Money flows --------------------------------------------------------------------------------


def test_a_disbursement_beyond_the_commitment_is_refused_with_both_amounts(reg):
    p = make_project(reg, "F1", status="立项")
    flow(p, "下达", "1000000.00", "XD1")
    with pytest.raises(ValidationError) as exc:
        flow(p, "拨付", "1500000.00", "BF1")
    message = " ".join(exc.value.message_dict["amount"])
    assert "150.00 万元" in message and "100.00 万元" in message and "F1" in message
    assert list(p.flows.values_list("voucher", flat=True)) == ["XD1"]


def test_spending_beyond_the_disbursement_is_refused_with_both_amounts(reg):
    p = make_project(reg, "F2", status="在建", actual_start=dt.date(2023, 2, 1))
    flow(p, "下达", "1000000.00", "XD1")
    flow(p, "拨付", "400000.00", "BF1")
    with pytest.raises(ValidationError) as exc:
        flow(p, "支出", "400000.01", "ZC1")
    message = " ".join(exc.value.message_dict["amount"])
    assert "40.00 万元" in message and "支出" in message
    assert p.flows.count() == 2
    # Exactly up to the disbursement is fine.
    flow(p, "支出", "400000.00", "ZC2")


def test_the_balance_is_kept_per_funding_source(reg):
    p = make_project(reg, "F3", status="立项", local_amount=Decimal("500000"))
    flow(p, "下达", "1000000", "XD1")
    with pytest.raises(ValidationError):
        flow(p, "拨付", "100000", "BF1", source="地方配套")


def test_a_cancelled_project_refuses_flows(reg):
    p = make_project(reg, "F4", status="立项")
    services.project_transition(actor=None, project=p, to_status="取消", comment="选址变更")
    with pytest.raises(ValidationError) as exc:
        flow(p, "下达", "1000", "XD1")
    assert "已取消" in str(exc.value)
    assert not MoneyFlow.objects.filter(project=p).exists()


def test_a_duplicate_voucher_is_refused(reg):
    p = make_project(reg, "F5", status="立项")
    flow(p, "下达", "1000", "XD1")
    with pytest.raises(ValidationError) as exc:
        flow(p, "下达", "2000", "XD1")
    assert "凭证号" in str(exc.value)
    assert p.flows.count() == 1


def test_a_county_team_records_flows_only_in_its_county(reg):
    dulan = make_project(reg, "F6", status="立项")
    wulan = make_project(reg, "F7", county=reg.wulan, status="立项")
    flow(dulan, "下达", "1000", "XD1", actor=reg.dulan_team)
    with pytest.raises(PermissionDenied):
        flow(wulan, "下达", "1000", "XD1", actor=reg.dulan_team)
    with pytest.raises(PermissionDenied):
        flow(dulan, "下达", "1000", "XD2", actor=reg.viewer)


def test_many_small_flows_sum_exactly(reg):
    """Amounts that floats cannot hold (0.10, 0.20, 0.07 …) add up to the cent, on any database."""
    p = make_project(reg, "M1", status="立项", aid_amount=Decimal("99999999.99"))
    amounts = [Decimal(a) for a in ("0.10", "0.20", "0.07", "1234567.89", "0.01", "33.33")] * 40
    for i, amount in enumerate(amounts):
        services.flow_record(
            actor=None,
            project=p,
            check_balance=False,
            date=dt.date(2023, 1 + i % 12, 1 + i % 28),
            type="下达",
            source="援助资金",
            amount=amount,
            voucher=f"XD{i:04d}",
        )
    expected = sum(amounts, Decimal(0))
    assert expected == Decimal("49384064.00")
    assert services.flow_totals(p, "援助资金")["下达"] == expected
    assert figures.flows(2023)["下达"] == "49384064.00"
    assert figures.flows_by_month(2023, reg.hq)["下达"][-1] == "49384064.00"
    qs = projects_scopes.projects_for_user(reg.hq)
    totals = {t["key"]: t["wan"] for t in selectors.list_totals(qs)["items"]}
    assert totals["committed"] == "4,938.41"


# The lifecycle ------------------------------------------------------------------------------


def test_headquarters_approves_and_the_stamp_says_who_when_and_why(reg):
    p = make_project(reg, "T1")
    services.project_transition(actor=reg.hq, project=p, to_status="立项", comment="同意立项")
    stamp = StatusTransition.objects.get(project=p)
    assert (stamp.from_status, stamp.to_status, stamp.by, stamp.comment) == (
        "储备",
        "立项",
        reg.hq,
        "同意立项",
    )
    p.refresh_from_db()
    assert p.status == "立项" and p.version == 2


def test_a_county_team_may_not_approve_or_accept(reg):
    p = make_project(reg, "T2")
    with pytest.raises(PermissionDenied):
        services.project_transition(actor=reg.dulan_team, project=p, to_status="立项")
    done = make_project(
        reg,
        "T3",
        status="完工",
        actual_start=dt.date(2023, 3, 1),
        actual_finish=dt.date(2023, 8, 1),
    )
    with pytest.raises(PermissionDenied):
        services.project_transition(actor=reg.dulan_team, project=done, to_status="验收")
    services.project_transition(actor=reg.hq, project=done, to_status="验收")
    assert Project.objects.get(pk=done.pk).status == "验收"


def test_building_needs_an_actual_start(reg):
    p = make_project(reg, "T4", status="立项")
    with pytest.raises(ValidationError) as exc:
        services.project_transition(actor=reg.dulan_team, project=p, to_status="在建")
    assert "actual_start" in exc.value.message_dict
    assert Project.objects.get(pk=p.pk).status == "立项"
    services.project_transition(
        actor=reg.dulan_team, project=p, to_status="在建", actual_start=dt.date(2023, 4, 2)
    )
    p.refresh_from_db()
    assert (p.status, p.actual_start) == ("在建", dt.date(2023, 4, 2))


def test_completion_needs_an_actual_finish_and_acceptance_needs_completion(reg):
    p = make_project(reg, "T5", status="在建", actual_start=dt.date(2023, 4, 2))
    with pytest.raises(ValidationError) as exc:
        services.project_transition(actor=reg.hq, project=p, to_status="验收")
    assert "可变更为" in str(exc.value) and "完工" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.project_transition(actor=reg.hq, project=p, to_status="完工")
    assert "actual_finish" in exc.value.message_dict


def test_suspending_needs_a_reason(reg):
    p = make_project(reg, "T6", status="在建", actual_start=dt.date(2023, 4, 2))
    with pytest.raises(ValidationError) as exc:
        services.project_transition(actor=reg.dulan_team, project=p, to_status="暂停", comment=" ")
    assert "comment" in exc.value.message_dict
    services.project_transition(
        actor=reg.dulan_team, project=p, to_status="暂停", comment="冬季停工"
    )
    assert Project.objects.get(pk=p.pk).status == "暂停"


def test_illegal_jumps_are_refused_with_the_allowed_ones(reg):
    p = make_project(reg, "T7")
    for target in ["在建", "完工", "验收", "暂停"]:
        with pytest.raises(ValidationError) as exc:
            services.project_transition(
                actor=reg.hq, project=p, to_status=target, actual_start=dt.date(2023, 1, 2)
            )
        assert "立项、取消" in str(exc.value)
    assert Project.objects.get(pk=p.pk).status == "储备"
    assert not StatusTransition.objects.filter(project=p).exists()


# Records, scopes, concurrency ---------------------------------------------------------------


def test_a_second_update_from_the_same_version_is_refused_with_what_changed(reg):
    p = make_project(reg, "C1")
    services.project_update(
        actor=reg.hq, project=p, expected_version=1, aid_amount=Decimal("1200000.00")
    )
    with pytest.raises(ConcurrentEditError) as exc:
        services.project_update(actor=reg.dulan_team, project=p, expected_version=1, name="改名")
    changes = exc.value.changes
    assert changes and changes[0]["who"] == reg.hq
    assert {"field": "援助资金（元）", "old": "1000000.00", "new": "1200000.00"} in changes[0][
        "changes"
    ]
    p.refresh_from_db()
    assert p.name == "测试项目C1" and p.version == 2


def test_a_county_team_cannot_create_a_project_in_another_county(reg):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            actor=reg.dulan_team,
            code="S1",
            name="跨县项目",
            year=2023,
            category="教育",
            county=reg.wulan,
            aid_amount=Decimal(1),
        )
    assert "county" in exc.value.message_dict
    assert not Project.objects.filter(code="S1").exists()
    p = services.project_create(
        actor=reg.dulan_team,
        code="S2",
        name="本县项目",
        year=2023,
        category="教育",
        county=reg.dulan,
        aid_amount=Decimal(1),
    )
    assert p.created_by == reg.dulan_team and p.status == "储备"


def test_viewers_and_liaisons_cannot_create_projects(reg):
    for user in (reg.viewer, reg.liaison):
        with pytest.raises(PermissionDenied):
            services.project_create(
                actor=user, code="S3", name="x", year=2023, category="教育", county=reg.dulan
            )


def test_a_liaison_reports_progress_on_its_own_organisations_projects_only(reg):
    own = make_project(
        reg, "L1", status="在建", actual_start=dt.date(2023, 3, 1), implementer=reg.dulan_hospital
    )
    other = make_project(
        reg,
        "L2",
        county=reg.wulan,
        status="在建",
        actual_start=dt.date(2023, 3, 1),
        implementer=reg.wulan_hospital,
    )
    report = services.progress_report_create(
        actor=reg.liaison, project=own, date=dt.date(2023, 5, 1), progress=30, text="主体施工"
    )
    assert report.created_by == reg.liaison
    with pytest.raises(PermissionDenied):
        services.progress_report_create(
            actor=reg.liaison, project=other, date=dt.date(2023, 5, 1), progress=30, text="x"
        )
    # A liaison may report, but not edit the record or record money.
    with pytest.raises(PermissionDenied):
        services.project_update(actor=reg.liaison, project=own, name="改名")
    with pytest.raises(PermissionDenied):
        flow(own, "下达", "1", "XD9", actor=reg.liaison)
    assert ProgressReport.objects.filter(project=other).count() == 0
