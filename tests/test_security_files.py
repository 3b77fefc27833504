"""Files and downloads (issue 10, rows 2, 8, 11, 12): formula injection in every CSV and xlsx the
platform writes, upload content checks and caps, no-store on private responses, file modes and
photos sealed at rest."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook
from PIL import Image

from duikou.core import uploads
from duikou.lib.cellsafe import FORMULA_STARTS, csv_text, unquote, xlsx_text

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\tX", "\rX"]


# Row 2: formula injection ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [*PAYLOADS, "'=x", "''+1", "'plain", "-", "—", "plain", "", "'", "a=b"]
)
def test_cellsafe_round_trip_is_exact(text):
    assert unquote(csv_text(text)) == text
    assert unquote(xlsx_text(text)) == text
    if text[:1] in FORMULA_STARTS:
        assert csv_text(text) == "'" + text
    assert csv_text("plain") == "plain" and unquote(-1) == -1


def _xlsx_problems(content: bytes) -> tuple[list[str], int]:
    """Cells that hold a formula or formula-like text without the quote prefix; payload cells."""
    wb = load_workbook(io.BytesIO(content))
    bad, seen = [], 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    bad.append(f"{ws.title}!{cell.coordinate} formula {value!r}")
                elif isinstance(value, str) and value[:1] in FORMULA_STARTS:
                    seen += 1
                    if not cell.quotePrefix:
                        bad.append(f"{ws.title}!{cell.coordinate} unquoted {value!r}")
    return bad, seen


def _csv_problems(content: bytes) -> tuple[list[str], int]:
    bad, seen = [], 0
    for r, row in enumerate(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))):
        for c, value in enumerate(row):
            if value[:1] == "'":
                seen += 1
            if value[:1] in FORMULA_STARTS:
                try:
                    float(value)  # a number (money, a count) is no formula
                except ValueError:
                    bad.append(f"row {r + 1} col {c + 1}: {value!r}")
    return bad, seen


# Every URL that answers with a file, and how this test asks for it. The sweep below fails when
# a new download URL is added without being listed here.
DOWNLOAD_WORDS = ("export", "template", "errors", "file", "json", "photo", "download")
NOT_SPREADSHEETS = {
    "orders:run_instance_json": "JSON for the planner, no spreadsheet",
    "orders:run_plan_json": "JSON for the planner, no spreadsheet",
    "exchange_io:batch_file": "the user's own upload, handed back as it came (attachment)",
    "projects:file": "uploaded evidence and photos (row 8 tests)",
    "people:person_photo": "a person's photo (row 12 tests)",
    "exchange_io:templates": "the HTML page that lists the templates",
    "exchanges:photo": "an exchange event's photo (scoped like progress photos, tested there)",
    "exchanges:photo_upload": "the form that uploads an event's photos, not a download",
    "reports:summary_download": "the year-end summary: Markdown, HTML, Word or PDF",
    "reports:iati_download": "IATI XML of the projects (tests/test_iati.py)",
    "api-v1:openapi-json": "the API's OpenAPI schema (JSON, no records)",
    "exchange_io:export_list": "the HTML page of a user's background exports",
    "exchange_io:export_job": "the HTML page of one background export (its download is checked)",
    "exchange_io:export_status": "the polled HTML part of that page",
}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith("admin:")}


@pytest.mark.django_db
def test_an_export_with_formula_text_reimports_unchanged(reg, tmp_path, settings):
    from duikou.exchange_io.exports import sheet_response
    from duikou.projects.models import Project
    from tests.test_exchange_support import PROJECT_HEADER, project_row, run

    settings.MEDIA_ROOT = tmp_path / "media"
    texts = [*PAYLOADS[:4], "'=x", "-"]
    rows = [PROJECT_HEADER] + [
        project_row(f"ZJHX-2023-{i:03}", 项目名称=t) for i, t in enumerate(texts, start=1)
    ]
    assert run(_text_book(tmp_path / "seed.xlsx", rows), reg.hq).ok
    # A name that really begins with an apostrophe (typed on the form, say) survives too.
    Project.objects.filter(name="=x").update(name="'=x")
    names = dict(Project.objects.values_list("code", "name"))
    assert sorted(names.values()) == sorted(texts)
    for fmt in ("xlsx", "csv"):
        response = sheet_response("项目", Project.objects.all(), fmt, "projects")
        content = b"".join(response.streaming_content) if fmt == "csv" else response.content
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(content)
        result = run(path, reg.hq)
        assert result.ok, result.text()
        assert result.sheets["项目"].unchanged == len(texts), (fmt, result.text())
        assert dict(Project.objects.values_list("code", "name")) == names


def _text_book(path: Path, rows: list[list]) -> Path:
    """A 项目 sheet whose "=…" cells are text (as a user types '=…), not formulas."""
    from openpyxl import Workbook

    from duikou.lib.xlsx import workbook_bytes

    wb = Workbook()
    wb.active.title = "项目"
    for row in rows:
        wb.active.append(row)
    path.write_bytes(workbook_bytes(wb))
    return path


def test_the_error_workbook_carries_values_not_the_users_formulas():
    from openpyxl import Workbook

    from duikou.exchange_io.report import Problem, error_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目编号*", "项目名称*"])
    ws.append(["A", '=HYPERLINK("http://x","y")'])  # a live formula in the user's own file
    buf = io.BytesIO()
    wb.save(buf)
    problem = Problem("项目", 2, "项目名称*", 2, "=1+1", "@bad")
    bad, _seen = _xlsx_problems(error_workbook(buf.getvalue(), [problem]))
    assert not bad


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
@pytest.mark.django_db
def test_libreoffice_evaluates_no_exported_formula(reg, tmp_path, settings):
    """Open the exports in a real spreadsheet (LibreOffice, headless): the text stays text."""
    from duikou.exchange_io.exports import sheet_response
    from duikou.projects.models import Project
    from tests.test_exchange_support import PROJECT_HEADER, project_row, run

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [PROJECT_HEADER, project_row(项目名称='=HYPERLINK("http://x","y")')]
    rows.append(project_row("ZJHX-2023-002", 项目名称="=1+1"))
    assert run(_text_book(tmp_path / "seed.xlsx", rows), reg.hq).ok
    xlsx = sheet_response("项目", Project.objects.all(), "xlsx", "p").content
    (tmp_path / "in.xlsx").write_bytes(xlsx)
    csv_bytes = b"".join(
        sheet_response("项目", Project.objects.all(), "csv", "p").streaming_content
    )
    (tmp_path / "in.csv").write_bytes(csv_bytes)
    out = tmp_path / "out"
    env = {**os.environ, "HOME": str(tmp_path)}  # a private LibreOffice profile
    for name, target in (("in.xlsx", "csv"), ("in.csv", "xlsx")):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", target, "--outdir", str(out), name],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
    text = (out / "in.csv").read_text(encoding="utf-8", errors="replace")
    assert '=HYPERLINK(""http://x"",""y"")' in text and "=1+1" in text  # shown, not computed
    assert ",2," not in text
    bad, _seen = _xlsx_problems((out / "in.xlsx").read_bytes())
    assert not [b for b in bad if "formula" in b]
    names = [r[1].value for r in load_workbook(out / "in.xlsx").active.iter_rows(min_row=2)]
    assert names == ['\'=HYPERLINK("http://x","y")', "'=1+1"]  # text, not 2 or a link


# Row 8: uploads ----------------------------------------------------------------------------

HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def test_check_file_by_content():
    assert uploads.check_file(SimpleUploadedFile("a.pdf", PDF_BYTES)) == uploads.PDF
    assert uploads.check_file(SimpleUploadedFile("a.jpg", _jpeg())) == uploads.IMAGE
    for name, data in [("evil.pdf", HTML), ("evil.jpg", HTML), ("x.pdf", _jpeg())]:
        with pytest.raises(ValidationError) as exc:
            uploads.check_file(SimpleUploadedFile(name, data))
        assert name in exc.value.messages[0]
    with pytest.raises(ValidationError):
        uploads.check_file(SimpleUploadedFile("a.pdf", PDF_BYTES), kinds=(uploads.IMAGE,))


def test_caps(settings):
    settings.DUIKOU_UPLOAD_MAX_FILES_PER_RECORD = 3
    settings.DUIKOU_UPLOAD_MAX_BYTES_PER_RECORD = 1000
    uploads.check_caps([100, 100, 100])
    with pytest.raises(ValidationError, match="最多 3 个文件"):
        uploads.check_caps([1, 1], existing_files=2)
    with pytest.raises(ValidationError, match="合计"):
        uploads.check_caps([600], existing_bytes=500)


@pytest.fixture
def project_with_flow(reg, tmp_path, settings):
    from tests.test_exchange_support import (
        FLOW_HEADER,
        PROJECT_HEADER,
        flow_row,
        make_book,
        project_row,
        run,
    )

    settings.MEDIA_ROOT = tmp_path / "media"
    book = make_book(
        tmp_path / "seed.xlsx",
        {"项目": [PROJECT_HEADER, project_row()], "资金": [FLOW_HEADER, flow_row()]},
    )
    assert run(book, reg.hq).ok
    from duikou.projects.models import Project

    return Project.objects.get(code="ZJHX-2023-001")


def _post_flow(client, project, files, voucher="V-9"):
    return client.post(
        f"/projects/{project.pk}/flows/",
        {
            "date": "2023-06-02",
            "type": "下达",
            "source": "援助资金",
            "amount": "1",
            "voucher": voucher,
            "evidence": files,
        },
    )


@pytest.mark.django_db
def test_evil_pdf_is_refused_a_real_pdf_is_served_as_attachment(reg, project_with_flow, client_for):
    from duikou.projects.models import FlowEvidence, MoneyFlow

    project = project_with_flow
    client = client_for(reg.hq)
    response = _post_flow(client, project, [SimpleUploadedFile("evil.pdf", HTML)])
    assert response.status_code == 200 and "evil.pdf" in response.content.decode()
    assert not MoneyFlow.objects.filter(voucher="V-9").exists()
    response = _post_flow(client, project, [SimpleUploadedFile("fake.jpg", HTML)])
    assert "fake.jpg" in response.content.decode() and not FlowEvidence.objects.exists()
    response = _post_flow(client, project, [SimpleUploadedFile("凭证.pdf", PDF_BYTES)])
    assert response.status_code == 302
    evidence = FlowEvidence.objects.get()
    response = client.get(f"/projects/files/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    # A file stored before the checks (HTML named .pdf) is never served inline.
    from django.core.files.base import ContentFile

    evidence.file.save("old.pdf", ContentFile(HTML))
    response = client.get(f"/projects/files/evidence/{evidence.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    # The viewer of another scope: not found.
    assert client_for(reg.wulan_team).get(
        f"/projects/files/evidence/{evidence.pk}/"
    ).status_code in (
        403,
        404,
    )


@pytest.mark.django_db
def test_caps_per_record_on_the_flow_form(reg, project_with_flow, client_for, settings):
    from duikou.projects.models import MoneyFlow

    settings.DUIKOU_UPLOAD_MAX_FILES_PER_RECORD = 2
    client = client_for(reg.hq)
    files = [SimpleUploadedFile(f"{i}.pdf", PDF_BYTES) for i in range(3)]
    response = _post_flow(client, project_with_flow, files)
    assert response.status_code == 200 and "最多 2 个文件" in response.content.decode()
    assert not MoneyFlow.objects.filter(voucher="V-9").exists()
    settings.DUIKOU_UPLOAD_MAX_FILES_PER_RECORD = 20
    settings.DUIKOU_UPLOAD_MAX_BYTES_PER_RECORD = len(PDF_BYTES) * 2
    files = [SimpleUploadedFile(f"{i}.pdf", PDF_BYTES) for i in range(3)]
    response = _post_flow(client, project_with_flow, files)
    assert "合计" in response.content.decode()


@pytest.mark.django_db
def test_a_progress_photo_that_is_html_is_refused(reg, project_with_flow):
    from duikou.projects import services

    with pytest.raises(ValidationError):
        services.progress_report_create(
            actor=reg.hq,
            project=project_with_flow,
            date=project_with_flow.planned_start or __import__("datetime").date(2023, 6, 1),
            progress=10,
            text="x",
            photos=[SimpleUploadedFile("p.jpg", HTML)],
        )


# Row 11 (no-store) and the sweep over every export: tests/test_security_exports.py.


# Row 12: file modes, photos sealed ---------------------------------------------------------


def test_a_fresh_data_dir_is_owner_only(tmp_path):
    data = tmp_path / "fresh" / "data"
    code = (
        "import os; os.umask(0o022); import django; django.setup();"
        "from django.core.files.storage import default_storage;"
        "from django.core.files.base import ContentFile;"
        "print(default_storage.save('people/photos/x.bin', ContentFile(b'x')))"
    )
    env = {
        **os.environ,
        "DUIKOU_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "duikou.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    env.pop("DUIKOU_SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(data) == 0o700
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "duikou.sqlite3") == 0o600
    assert mode(data / "uploads" / "people") == 0o700
    assert mode(data / "uploads" / "people" / "photos") == 0o700
    assert mode(data / "uploads" / "people" / "photos" / "x.bin") == 0o600


@pytest.mark.django_db
def test_a_photo_is_sealed_on_disk_shown_to_hq_never_to_the_viewer(
    reg, client_for, settings, tmp_path
):
    from duikou.people import services
    from tests.test_people_common import person

    settings.MEDIA_ROOT = tmp_path / "media"
    who = person(reg)
    jpeg = _jpeg()
    services.person_update(
        actor=reg.hq, person=who, photo=SimpleUploadedFile("me.jpg", jpeg, "image/jpeg")
    )
    who.refresh_from_db()
    on_disk = Path(who.photo.path).read_bytes()
    assert not on_disk.startswith(b"\xff\xd8") and jpeg not in on_disk
    assert stat.S_IMODE(Path(who.photo.path).stat().st_mode) == 0o600
    response = client_for(reg.hq).get(f"/people/{who.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == jpeg
    assert response["Cache-Control"] == "no-store"
    assert client_for(reg.viewer).get(f"/people/{who.pk}/photo/").status_code in (403, 404)
    page = client_for(reg.hq).get(f"/people/{who.pk}/").content.decode()
    assert f"/people/{who.pk}/photo/" in page
    assert (
        f"/people/{who.pk}/photo/"
        not in client_for(reg.viewer).get(f"/people/{who.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_a_person_photo_that_is_html_is_refused(reg):
    from duikou.people import services
    from tests.test_people_common import person

    who = person(reg)
    with pytest.raises(ValidationError):
        services.person_update(
            actor=reg.hq, person=who, photo=SimpleUploadedFile("me.jpg", HTML, "image/jpeg")
        )
