"""A published year is locked: forms, imports and undo that would change its figures are refused,
naming the lock; headquarters unlocks with a reason, and the change is then listed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duikou.core import locks
from duikou.core.models import YearLock
from duikou.exchange_io import services
from duikou.exchange_io.models import ImportBatch
from duikou.projects import services as project_services
from duikou.projects.models import MoneyFlow, Project
from tests.test_exchange_support import (
    FLOW_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    project_row,
)

pytestmark = pytest.mark.django_db


def run_import(tmp_path, name, sheets, user):
    path = make_book(tmp_path / name, sheets)
    batch = services.batch_create(user=user, file=path, filename=name)
    return batch, services.batch_run(batch, dry_run=False)


@pytest.fixture
def imported(reg, tmp_path):
    """A 2023 project with a 2023 and a 2024 flow, imported in one batch."""
    batch, result = run_import(
        tmp_path,
        "first.xlsx",
        {
            "项目": [PROJECT_HEADER, project_row("ZJHX-2023-001")],
            "资金": [
                FLOW_HEADER,
                flow_row("ZJHX-2023-001", "V23"),
                flow_row("ZJHX-2023-001", "V24", **{"日期*": dt.date(2024, 3, 1)}),
            ],
        },
        reg.hq,
    )
    assert result.ok, result.text()
    batch.refresh_from_db()
    return batch


def flow(voucher):
    return MoneyFlow.objects.get(voucher=voucher)


def test_a_locked_year_refuses_changes_through_the_services(reg, imported):
    locks.year_lock(2023, actor=reg.hq)
    with pytest.raises(ValidationError) as exc:
        project_services.flow_update(actor=reg.hq, flow=flow("V23"), amount=Decimal("500"))
    assert "2023年度" in str(exc.value) and "已锁定" in str(exc.value)
    assert flow("V23").amount == Decimal("6000000.00")
    # moving a flow of an open year into the locked one is a change of the locked year too
    with pytest.raises(ValidationError):
        project_services.flow_update(actor=reg.hq, flow=flow("V24"), date=dt.date(2023, 12, 1))
    # the project itself counts in 2023 (its plan year)
    project = Project.objects.get(code="ZJHX-2023-001")
    with pytest.raises(ValidationError):
        project_services.project_update(actor=reg.hq, project=project, name="改名")
    # a record of an open year changes as before
    project_services.flow_update(actor=reg.hq, flow=flow("V24"), amount=Decimal("500"))
    assert flow("V24").amount == Decimal("500.00")


def test_a_locked_year_refuses_an_import_and_writes_nothing(reg, imported, tmp_path):
    locks.year_lock(2023, actor=reg.hq)
    before = MoneyFlow.objects.count()
    _batch, result = run_import(
        tmp_path,
        "second.xlsx",
        {"资金": [FLOW_HEADER, flow_row("ZJHX-2023-001", "NEW", **{"日期*": dt.date(2023, 9, 1)})]},
        reg.hq,
    )
    assert not result.ok
    assert any("2023年度" in p.message and "已锁定" in p.message for p in result.errors)
    assert MoneyFlow.objects.count() == before
    # the same row dated in an open year goes in
    _batch, result = run_import(
        tmp_path,
        "third.xlsx",
        {"资金": [FLOW_HEADER, flow_row("ZJHX-2023-001", "NEW", **{"日期*": dt.date(2024, 9, 1)})]},
        reg.hq,
    )
    assert result.ok, result.text()


def test_a_locked_year_refuses_the_undo_of_its_import(reg, imported):
    locks.year_lock(2023, actor=reg.hq)
    assert not services.batch_undo_or_explain(imported, actor=reg.hq)
    imported.refresh_from_db()
    assert imported.status == ImportBatch.Status.IMPORTED
    assert "已锁定" in imported.undo_message
    assert MoneyFlow.objects.filter(voucher__in=["V23", "V24"]).count() == 2


def test_only_headquarters_locks_and_unlocking_needs_a_reason(reg, imported):
    with pytest.raises(PermissionDenied):
        locks.year_lock(2023, actor=reg.dulan_team)
    locks.year_lock(2023, actor=reg.hq)
    with pytest.raises(PermissionDenied):
        locks.year_unlock(2023, actor=reg.dulan_team, reason="要改")
    with pytest.raises(ValidationError) as exc:
        locks.year_unlock(2023, actor=reg.hq, reason="  ")
    assert "原因" in str(exc.value)
    assert locks.locked_years() == {2023}


def test_unlocked_the_change_goes_through_and_is_listed_since_publishing(reg, imported):
    locks.year_lock(2023, actor=reg.hq)
    published = timezone.now()
    locks.year_unlock(2023, actor=reg.hq, reason="审计调整：凭证金额有误")
    project_services.flow_update(actor=reg.hq, flow=flow("V23"), amount=Decimal("550"))
    changes = locks.changes_since(2023, published)
    assert [c.what for c in changes] == [str(MoneyFlow._meta.verbose_name)]
    assert changes[0].action == "~"
    # the lock's history keeps who unlocked, and why
    lock = YearLock.objects.get(year=2023)
    assert not lock.locked
    reasons = [h.history_change_reason for h in lock.history.order_by("history_id")]
    assert reasons[-1] == "审计调整：凭证金额有误"
    # locked again, the year refuses once more
    locks.year_lock(2023, actor=reg.hq)
    with pytest.raises(ValidationError):
        project_services.flow_update(actor=reg.hq, flow=flow("V23"), amount=Decimal("560"))


def test_without_a_lock_nothing_is_refused(reg, imported):
    assert locks.locked_years() == frozenset()
    assert locks.refused_objects({"projects.moneyflow": {flow("V23").pk}}) == []


def test_a_period_change_is_refused_only_where_it_moves_a_record_across_a_locked_year(reg):
    from duikou.core import services as core_services

    pairing = reg.dulan_pairing
    assert pairing.start_date.year <= 2023 and pairing.end_date is None
    locks.year_lock(2024, actor=reg.hq)
    # ending it in 2025 leaves 2024's pairings as they were
    core_services.pairing_end(actor=reg.hq, pairing=pairing, end_date=dt.date(2025, 6, 30))
    # ending it in 2023 would take it out of 2024
    with pytest.raises(ValidationError) as exc:
        core_services.pairing_end(actor=reg.hq, pairing=pairing, end_date=dt.date(2023, 12, 31))
    assert "2024年度" in str(exc.value)
    # any other change of a record counting in 2024 is a change of 2024
    with pytest.raises(ValidationError):
        core_services.pairing_update(actor=reg.hq, pairing=pairing, agreement_title="新协议")


def test_consumption_sales_and_outlets_of_a_locked_year_stay_as_published(reg):
    from duikou.consumption import services as consumption
    from tests.consumption_kit import Kit

    kit = Kit(reg)
    consumption.channel_update(actor=None, channel=kit.shop, opened_on=dt.date(2022, 5, 1))
    sale = consumption.sale_create(
        actor=None,
        channel=kit.shop,
        product=kit.goji,
        date=dt.date(2023, 6, 17),
        is_month=False,
        sold=Decimal("12000"),
    )
    locks.year_lock(2023, actor=reg.hq)
    with pytest.raises(ValidationError):
        consumption.sale_update(actor=reg.hq, sale=sale, sold=Decimal("13000"))
    with pytest.raises(ValidationError):  # closed in 2023: one outlet fewer at 2023's end
        consumption.channel_update(actor=reg.hq, channel=kit.shop, closed_on=dt.date(2023, 8, 1))
    # closed in 2024: still open at the end of 2023
    consumption.channel_update(actor=reg.hq, channel=kit.shop, closed_on=dt.date(2024, 2, 1))
