"""Exports that never run out (issue 16): CSV streams every row; an xlsx above the threshold is
built by a background export job for its user, with the same scope and filters, downloaded by
that user alone until the sweep deletes it."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import load_workbook

from duikou.core import heartbeat
from duikou.exchange_io import exportjobs, exports
from duikou.exchange_io.models import ExportJob
from duikou.projects.models import MoneyFlow
from tests.test_people_common import field_key  # noqa: F401 - fixture (usefixtures)
from tests.test_projects_views import make

pytestmark = pytest.mark.django_db

N = 130  # flows of 都兰's project: above the test threshold, so the xlsx goes to the background


@pytest.fixture
def flows(reg, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DUIKOU_EXPORT_INLINE_ROWS = 50
    dulan = make(reg, "DL-01")
    wulan = make(reg, "WL-01", county=reg.wulan)
    day = dt.date(2023, 1, 1)
    MoneyFlow.objects.bulk_create(
        [
            MoneyFlow(
                project=dulan,
                date=day + dt.timedelta(days=i % 300),
                type="拨付",
                source="援助资金",
                amount=Decimal(i + 1),
                voucher=f"V{i:05d}",
                note="=1+1" if i == 0 else "",
            )
            for i in range(N)
        ]
        + [
            MoneyFlow(
                project=wulan,
                date=day,
                type="下达",
                source="援助资金",
                amount=Decimal(5),
                voucher="W1",
            )
        ]
    )
    return dulan, wulan


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_streams_every_row_with_no_cap(client_for, reg, flows, settings):
    settings.DUIKOU_EXPORT_INLINE_ROWS = 1  # no bearing on CSV: it always streams
    response = client_for(reg.dulan_team).get("/projects/flows/export.csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Cache-Control"] == "no-store"
    lines = _body(response).decode("utf-8-sig").splitlines()
    assert len(lines) == N + 1  # the header and every flow
    assert sum("DL-01" in line for line in lines) == N
    assert not any("WL-01" in line for line in lines)
    assert "'=1+1" in lines[1] + "".join(lines)  # formula-like text stays text
    assert not ExportJob.objects.exists()


def test_a_small_xlsx_is_built_in_the_request(client_for, reg, flows, settings):
    settings.DUIKOU_EXPORT_INLINE_ROWS = N
    response = client_for(reg.dulan_team).get("/projects/flows/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == N + 1
    assert not ExportJob.objects.exists()


def test_a_large_xlsx_is_built_in_the_background_for_its_user(client_for, reg, flows):
    client = client_for(reg.dulan_team)
    response = client.get("/projects/flows/export.xlsx", {"year": "2023"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.user == reg.dulan_team and job.export == "projects.flows"
    assert job.params == "year=2023"
    assert job.status == ExportJob.Status.DONE and job.rows_done == N and job.rows_total == N
    assert job.expires_at > timezone.now() + dt.timedelta(hours=23)
    # who exported what, step by step, in the job's history
    steps = list(job.history.order_by("history_id").values_list("status", "history_user"))
    assert steps == [
        ("queued", reg.dulan_team.pk),
        ("running", reg.dulan_team.pk),
        ("done", reg.dulan_team.pk),
    ]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "export-ready" in page and f"/io/exports/{job.pk}/download/" in page
    status = client.get(f"/io/exports/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in status  # done: no more polling
    assert str(job.pk) in client.get("/io/exports/").content.decode()
    download = client.get(f"/io/exports/{job.pk}/download/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(_body(download))).active
    values = list(ws.iter_rows(values_only=True))
    assert len(values) == N + 1
    assert {row[0] for row in values[1:]} == {"DL-01"}  # the user's scope, nothing else
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    job.refresh_from_db()
    assert job.downloads == 1


def test_the_task_rebuilds_the_users_scope_and_filters(client_for, reg, flows):
    client_for(reg.hq).get("/projects/flows/export.xlsx")
    job = ExportJob.objects.get()
    assert job.rows_done == N + 1  # headquarters sees 乌兰's flow too
    client_for(reg.hq).get("/projects/flows/export.xlsx", {"county": reg.wulan.code})
    assert not ExportJob.objects.filter(rows_total=1).exists()  # one row: built in the request


def test_only_its_user_downloads_a_job(client, client_for, reg, flows):
    client_for(reg.dulan_team).get("/projects/flows/export.xlsx")
    job = ExportJob.objects.get()
    urls = [job.get_absolute_url(), f"/io/exports/{job.pk}/status/"]
    urls.append(f"/io/exports/{job.pk}/download/")
    for other in (reg.wulan_team, reg.hq, reg.viewer):  # out of scope, and in scope but not its
        client.force_login(other)
        for url in urls:
            assert client.get(url).status_code == 404, (other, url)
        assert f"/io/exports/{job.pk}/" not in client.get("/io/exports/").content.decode()
    client.logout()
    assert client.get(urls[2]).status_code == 302  # to the sign-in


def test_the_sweep_deletes_expired_files_and_fails_dead_jobs(client_for, reg, flows):
    client = client_for(reg.dulan_team)
    client.get("/projects/flows/export.xlsx")
    job = ExportJob.objects.get()
    name = job.file.name
    assert default_storage.exists(name)
    assert heartbeat.sweep_all()["export_jobs"] == 0  # nothing due yet
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert heartbeat.sweep_all()["export_jobs"] == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not default_storage.exists(name)
    assert client.get(f"/io/exports/{job.pk}/download/").status_code == 404
    assert "export-expired" in client.get(job.get_absolute_url()).content.decode()
    # a job whose worker died: failed by the sweep, expired later
    old = timezone.now() - dt.timedelta(hours=1)
    dead = ExportJob.objects.create(
        user=reg.dulan_team, export="projects.flows", title="资金", filename="f.xlsx"
    )
    ExportJob.objects.filter(pk=dead.pk).update(
        status=ExportJob.Status.RUNNING, created_at=old, heartbeat_at=old
    )
    exportjobs.sweep()
    dead.refresh_from_db()
    assert dead.status == ExportJob.Status.FAILED and dead.expires_at


def test_a_failing_build_fails_the_job_with_a_message(client_for, reg, flows, monkeypatch):
    def broken(table, out, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    response = client_for(reg.dulan_team).get("/projects/flows/export.xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ExportJob.Status.FAILED and "RuntimeError" in job.message
    assert not job.file


def test_every_list_export_is_registered():
    assert set(exports.names()) >= {
        "projects.projects",
        "projects.flows",
        "consumption.sales",
        "investment.enterprises",
        "investment.policies",
        "investment.deals",
        "exchanges.events",
        "people.postings",
        "people.postings_unmasked",
        "orders.demands",
        "orders.visits",
    }
    assert exports.get("people.postings").personal
    assert exports.get("people.postings_unmasked").formats == {"xlsx"}


@pytest.mark.parametrize(
    "url",
    [
        "/projects/export.xlsx",
        "/investment/enterprises/export.xlsx",
        "/investment/policies/export.xlsx",
        "/investment/deals/export.xlsx",
        "/exchanges/export.xlsx",
        "/people/export.xlsx",
        "/orders/export.xlsx",
        "/orders/visits/export.xlsx",
        "/consumption/sales/export.xlsx",
    ],
)
def test_every_xlsx_export_goes_to_the_background_above_the_threshold(
    client_for, reg, flows, settings, url
):
    """An empty list with a threshold below zero: each goes through the job and its file opens."""
    settings.DUIKOU_EXPORT_INLINE_ROWS = -1
    client = client_for(reg.hq)
    response = client.get(url)
    assert response.status_code == 302, url
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE, job.message
    ws = load_workbook(io.BytesIO(_body(client.get(f"/io/exports/{job.pk}/download/")))).active
    assert ws.max_row >= 1


@pytest.mark.usefixtures("field_key")
def test_a_personal_export_is_sealed_at_rest(client_for, reg, flows, settings):
    settings.DUIKOU_EXPORT_INLINE_ROWS = -1
    client = client_for(reg.hq)
    assert client.get("/people/export.xlsx").status_code == 302
    job = ExportJob.objects.get()
    assert job.sealed and job.file.name.endswith(".sealed")
    with job.file.open("rb") as f:
        assert f.read(16).startswith(b"DUIKOU-SEALED")
    body = _body(client.get(f"/io/exports/{job.pk}/download/"))
    assert body[:2] == b"PK"


@pytest.mark.usefixtures("field_key")
def test_the_unmasked_export_is_logged_then_built_in_the_background(
    client_for, reg, flows, settings
):
    from duikou.people.models import AccessLog

    settings.DUIKOU_EXPORT_INLINE_ROWS = -1  # nobody is posted: an empty list, still a job
    client = client_for(reg.hq)
    reason = "年度核对人员信息，报送组织部"
    response = client.post("/people/export.xlsx", {"reason": reason, "query": "year=2023"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.export == "people.postings_unmasked"
    assert job.rows_total == 0
    assert job.sealed and job.params == "year=2023" and job.status == ExportJob.Status.DONE
    assert AccessLog.objects.filter(user=reg.hq, reason=reason).count() == 1
    # without a reason: nothing logged, no job
    client.post("/people/export.xlsx", {"reason": "", "query": ""})
    assert ExportJob.objects.count() == 1


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_background_export_opens_in_libreoffice(client_for, reg, flows, tmp_path):
    client = client_for(reg.dulan_team)
    client.get("/projects/flows/export.xlsx")
    job = ExportJob.objects.get()
    (tmp_path / "in.xlsx").write_bytes(_body(client.get(f"/io/exports/{job.pk}/download/")))
    env = {**os.environ, "HOME": str(tmp_path)}  # a private LibreOffice profile
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv", "--outdir", "out", "in.xlsx"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    lines = (tmp_path / "out" / "in.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == N + 1
    assert any("=1+1" in line for line in lines) and not any(",2," in line for line in lines)
