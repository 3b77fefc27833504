"""Undo of an import: restore what it updated, delete what it created — unless it is in use."""

import datetime as dt
from decimal import Decimal

import pytest

from duikou.core.models import Department, Organisation, Pairing
from duikou.exchange_io import services
from duikou.exchange_io.models import ImportBatch
from duikou.projects import services as project_services
from duikou.projects.models import MoneyFlow, Project, StatusTransition
from tests.test_exchange_support import (
    FLOW_HEADER,
    PAIRING_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    project_row,
    table_counts,
)

pytestmark = pytest.mark.django_db


def imported(tmp_path, name, sheets, user):
    path = make_book(tmp_path / name, sheets)
    batch = services.batch_create(user=user, file=path, filename=name)
    result = services.batch_run(batch, dry_run=False)
    assert result.ok, result.text()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    return batch


@pytest.fixture
def existing(reg, tmp_path):
    """A project, with a commitment, imported before the batch under test."""
    imported(
        tmp_path,
        "first.xlsx",
        {
            "项目": [PROJECT_HEADER, project_row("ZJHX-2022-001")],
            "资金": [FLOW_HEADER, flow_row("ZJHX-2022-001", "OLD")],
        },
        reg.hq,
    )
    return Project.objects.get(code="ZJHX-2022-001")


@pytest.fixture
def batch(reg, tmp_path, existing):
    return imported(
        tmp_path,
        "second.xlsx",
        {
            "项目": [
                PROJECT_HEADER,
                project_row(
                    "ZJHX-2022-001", **{"援助资金": 2000, "状态": "完工", "实际完工": "2023-10-01"}
                ),
                project_row("ZJHX-2023-100", 实施单位="都兰县新建职业学校"),
            ],
            "资金": [
                FLOW_HEADER,
                flow_row("ZJHX-2023-100", "N1"),
                flow_row("ZJHX-2022-001", "OLD", **{"金额": 700}),
            ],
            "结对": [
                PAIRING_HEADER,
                ["医院-科室", "绍兴市人民医院", "都兰县人民医院", "眼科", "2024-01-01", None, ""],
            ],
        },
        reg.hq,
    )


def test_undo_restores_updated_records_and_deletes_created_ones(reg, existing, batch):
    before_counts = table_counts()
    services.batch_undo(batch, actor=reg.dulan_team)
    existing.refresh_from_db()
    assert existing.aid_amount == Decimal("12000000.00")
    assert existing.status == "在建" and existing.actual_finish is None
    assert MoneyFlow.objects.get(voucher="OLD").amount == Decimal("6000000.00")
    assert not Project.objects.filter(code="ZJHX-2023-100").exists()
    assert not MoneyFlow.objects.filter(voucher="N1").exists()
    assert not Organisation.objects.filter(name__in=["都兰县新建职业学校", "绍兴市人民医院"])
    assert not Department.objects.filter(name="眼科").exists()
    assert not Pairing.objects.filter(haixi_department__name="眼科").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE and batch.undone_by == reg.dulan_team
    # Through the services and into history, naming who undid it and why.
    record = existing.history.order_by("-history_id").first()
    assert record.history_user == reg.dulan_team
    assert record.history_change_reason == f"撤销导入（批次 #{batch.pk}）"
    deleted = MoneyFlow.history.filter(voucher="N1", history_type="-").get()
    assert deleted.history_user == reg.dulan_team and "撤销导入" in deleted.history_change_reason
    assert table_counts()["projects.Project"] == before_counts["projects.Project"] - 1
    assert StatusTransition.objects.filter(project=existing).count() == 3  # 在建, 完工, 在建


def test_undo_is_refused_after_a_later_edit(reg, batch):
    project = Project.objects.get(code="ZJHX-2023-100")
    project_services.project_update(actor=reg.dulan_team, project=project, name="改了名字")
    before = table_counts()
    with pytest.raises(services.UndoRefused, match="在本次导入之后又被修改过"):
        services.batch_undo(batch, actor=reg.hq)
    assert table_counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED


def test_undo_is_refused_when_a_created_project_got_a_flow_from_elsewhere(reg, batch):
    project = Project.objects.get(code="ZJHX-2023-100")
    project_services.flow_record(
        actor=reg.dulan_team,
        project=project,
        date=dt.date(2023, 7, 1),
        type="拨付",
        source="援助资金",
        amount=Decimal("100"),
        voucher="LATER",
    )
    assert not services.batch_undo_or_explain(batch, actor=reg.hq)
    batch.refresh_from_db()
    assert "之后又录入了资金（凭证号 LATER）" in batch.undo_message
    assert Project.objects.filter(code="ZJHX-2023-100").exists()


def test_undo_is_refused_when_it_would_unbalance_the_flows(reg, tmp_path, existing):
    batch = imported(
        tmp_path,
        "more.xlsx",
        {"资金": [FLOW_HEADER, flow_row("ZJHX-2022-001", "MORE", **{"金额": 400})]},
        reg.hq,
    )
    project_services.flow_record(
        actor=reg.hq,
        project=existing,
        date=dt.date(2023, 8, 1),
        type="拨付",
        source="援助资金",
        amount=Decimal("9000000"),  # 900 万元: needs the 400 万元 the batch committed
        voucher="PAY",
    )
    before = table_counts()
    with pytest.raises(services.UndoRefused, match="撤销后资金将不平衡"):
        services.batch_undo(batch, actor=reg.hq)
    assert table_counts() == before


def test_a_later_import_of_the_same_records_blocks_undo_of_the_earlier_one(reg, tmp_path, existing):
    first = ImportBatch.objects.get(filename="first.xlsx")
    imported(
        tmp_path,
        "third.xlsx",
        {"项目": [PROJECT_HEADER, project_row("ZJHX-2022-001", 项目名称="新名称")]},
        reg.hq,
    )
    with pytest.raises(services.UndoRefused):
        services.batch_undo(first, actor=reg.hq)


def test_an_unchanged_reimport_does_not_block_undo(reg, tmp_path, existing):
    first = ImportBatch.objects.get(filename="first.xlsx")
    again = imported(
        tmp_path,
        "again.xlsx",
        {
            "项目": [PROJECT_HEADER, project_row("ZJHX-2022-001")],
            "资金": [FLOW_HEADER, flow_row("ZJHX-2022-001", "OLD")],
        },
        reg.hq,
    )
    assert not again.changes.exists()
    services.batch_undo(first, actor=reg.hq)
    assert not Project.objects.exists() and not MoneyFlow.objects.exists()


def test_only_an_imported_batch_can_be_undone(reg, batch):
    services.batch_undo(batch, actor=reg.hq)
    with pytest.raises(services.UndoRefused, match="只能撤销已导入的批次"):
        services.batch_undo(batch, actor=reg.hq)
