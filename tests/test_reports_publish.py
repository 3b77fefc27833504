"""Publishing a year locks it: the form, an import and undo are refused naming the lock; after an
unlock with a reason the change goes in and the reports page lists the difference from the
published figures, and the records that changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duikou.exchange_io import services as import_services
from duikou.projects import services as project_services
from duikou.projects.models import MoneyFlow, Project
from duikou.reports import render
from duikou.reports.models import SummaryReport
from tests.test_exchange_support import (
    FLOW_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    project_row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(render, "docx_to_pdf", lambda docx, timeout=180: b"%PDF-1.4 stand-in")


def run_import(tmp_path, name, sheets, user):
    path = make_book(tmp_path / name, sheets)
    batch = import_services.batch_create(user=user, file=path, filename=name)
    return batch, import_services.batch_run(batch, dry_run=False)


@pytest.fixture
def published(reg, client_for, tmp_path, immediate, django_capture_on_commit_callbacks):
    """2023 with a project and a flow (imported), its summary built and published."""
    batch, result = run_import(
        tmp_path,
        "2023.xlsx",
        {
            "项目": [PROJECT_HEADER, project_row("ZJHX-2023-001")],
            "资金": [FLOW_HEADER, flow_row("ZJHX-2023-001", "V23")],
        },
        reg.hq,
    )
    assert result.ok, result.text()
    client = client_for(reg.hq)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/summary/generate/", {"year": 2023, "edits": "replace"})
    response = client.post("/reports/summary/2023/publish/", follow=True)
    assert "该年度的记录已锁定" in response.content.decode()
    batch.refresh_from_db()
    return client, batch


def test_publishing_keeps_the_figures_and_locks_the_year(reg, published):
    client, _batch = published
    report = SummaryReport.objects.get(year=2023)
    assert report.published_by == reg.hq
    assert report.published_figures["flows"]["下达"] == "6000000.00"
    assert report.published_document["sections"]
    page = client.get("/reports/summary/?year=2023").content.decode()
    assert 'id="lock-state"' in page and "年度已锁定" in page
    assert 'id="published-same"' in page
    got = client.get("/reports/summary/2023/download/?format=md&version=published")
    assert got.status_code == 200
    assert "%E5%8F%91%E5%B8%83%E7%89%88" in got["Content-Disposition"]  # 发布版


def test_the_form_an_import_and_undo_are_refused_naming_the_lock(reg, published, tmp_path):
    client, batch = published
    project = Project.objects.get(code="ZJHX-2023-001")
    # the form
    response = client.post(
        f"/projects/{project.pk}/flows/",
        {
            "date": "2023-08-01",
            "type": "拨付",
            "source": "援助资金",
            "amount": "100",
            "voucher": "FORM-1",
            "evidence": SimpleUploadedFile("v.pdf", b"%PDF-1.4\n%t\n", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "2023年度" in response.content.decode() and "已锁定" in response.content.decode()
    # an import
    _b, result = run_import(
        tmp_path,
        "late.xlsx",
        {
            "资金": [
                FLOW_HEADER,
                flow_row("ZJHX-2023-001", "LATE", **{"日期*": dt.date(2023, 9, 1)}),
            ]
        },
        reg.hq,
    )
    assert not result.ok and any("已锁定" in p.message for p in result.errors)
    # undo of the import that brought the year's records
    assert not import_services.batch_undo_or_explain(batch, actor=reg.hq)
    batch.refresh_from_db()
    assert "已锁定" in batch.undo_message
    assert set(MoneyFlow.objects.values_list("voucher", flat=True)) == {"V23"}


def test_unlocked_with_a_reason_the_change_shows_against_the_published_figures(reg, published):
    client, _batch = published
    # only headquarters unlocks, and never without a reason
    assert client_for_role(reg, "viewer").post("/reports/summary/2023/unlock/").status_code == 403
    response = client.post("/reports/summary/2023/unlock/", {"reason": ""}, follow=True)
    assert "解锁必须说明原因" in response.content.decode()
    response = client.post(
        "/reports/summary/2023/unlock/", {"reason": "审计调整：下达金额更正"}, follow=True
    )
    assert "已解锁 2023 年度" in response.content.decode()
    flow = MoneyFlow.objects.get(voucher="V23")
    project_services.flow_update(actor=reg.hq, flow=flow, amount=Decimal("650") * 10000)
    page = client.get("/reports/summary/?year=2023").content.decode()
    assert 'id="published-diffs"' in page
    assert "flows.下达" in page and "6000000.00" in page and "6500000.00" in page
    assert "flows_by_month.下达[6]" in page  # June, month by month
    assert 'id="published-changes"' in page and "V23" in page
    assert "审计调整：下达金额更正" in page  # the lock's history


def client_for_role(reg, role):
    from django.test import Client

    client = Client()
    client.force_login(getattr(reg, role))
    return client
