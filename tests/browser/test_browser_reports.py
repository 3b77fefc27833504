"""The year-end summary journey of issue 13 in a real browser: headquarters starts the build,
watches it queued until the worker has run, reads the summary with its sources, edits a
section, downloads the Word file; the viewer downloads the summary but is offered no edit."""

import pytest

from duikou.reports import render, tasks
from duikou.reports.models import SummaryReport
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]


def test_headquarters_builds_edits_and_downloads_the_summary(
    browser_reg, page, new_page, sign_in, live_server, artifacts, monkeypatch
):
    # LibreOffice is tested elsewhere; the worker here is the test itself (task.call).
    monkeypatch.setattr(render, "docx_to_pdf", lambda docx, timeout=180: b"%PDF-1.4 stand-in")
    sign_in(page, "hq")
    page.click("text=报告")
    page.select_option("select[name=year]", "2023")
    page.wait_for_url("**/reports/summary/?year=2023")
    assert "本年度的综述尚未生成" in page.locator("#summary").inner_text()
    with page.expect_navigation():
        page.click("#generate")
    assert "排队中" in page.locator("#summary-progress").inner_text()
    report = SummaryReport.objects.get(year=2023)
    tasks.build_summary.call(report.pk, True)
    # The progress panel polls and reloads the page once the build has finished.
    page.locator("#summary-downloads").wait_for()
    assert "3家" in page.locator("#summary-preview").inner_text()
    assert "附录：数据来源" in page.locator("#summary-preview").inner_text()
    page.screenshot(path=artifacts / "reports-summary.png", full_page=True)
    with page.expect_navigation():
        page.click("#summary-edit-link")
    page.fill("#section-overview", "全年各项工作扎实推进。")
    with page.expect_navigation():
        page.click("#summary-save")
    tasks.build_summary.call(report.pk, False)
    page.reload()
    assert "正文经" in page.locator("#summary-edited").inner_text()
    assert "全年各项工作扎实推进。" in page.locator("#summary-preview").inner_text()
    with page.expect_download() as download:
        page.click("#download-docx")
    assert download.value.suggested_filename == "2023年工作综述.docx"

    viewer = new_page()
    sign_in(viewer, "viewer")
    viewer.goto(f"{live_server.url}/reports/summary/?year=2023")
    assert viewer.locator("#summary-edit-link").count() == 0
    assert viewer.locator("#summary-generate").count() == 0
    with viewer.expect_download() as download:
        viewer.click("#download-md")
    assert "全年各项工作扎实推进。" in download.value.path().read_text(encoding="utf-8")
