"""Printing (static/css/print.css): in print media the navigation, buttons and forms are gone,
the print header names the page and the time; the project page, a person's page (masked) and
the dashboard print to A4 PDFs (Chromium's page.pdf), converted to PNG with pdftoppm for a look
(test-artifacts/print-*.png)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest

from duikou.projects import services as projects_services
from tests.test_people_common import LI_ID, PHONE, field_key, person, posting  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]

A4_POINTS = (595, 842)  # 210 × 297 mm
# The content box of an A4 page in CSS pixels (210 mm less print.css's 14 mm margins each side).
A4_CONTENT = {"width": 688, "height": 1000}


def _is_a4(size: tuple[int, int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(size, A4_POINTS, strict=True))


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_pages(path) -> list[tuple[int, int]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    return [(round(float(w)), round(float(h))) for w, h in sizes]


def _to_png(path, artifacts, name) -> list:
    for old in artifacts.glob(name + "-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(artifacts / name)], check=True)
    return sorted(artifacts.glob(name + "-*.png"))


def _print_and_check(page, url, artifacts, name) -> str:
    """Open the page, check the print view in the browser, print it to PDF; the PDF's text."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # On screen: the navigation is there, the print header is not.
    assert page.locator("header.topbar").is_visible()
    assert page.locator("#print-header").is_hidden()
    page.screenshot(path=artifacts / f"screen-{name}.png", full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size(A4_CONTENT)
    assert page.locator("header.topbar").is_hidden()
    assert page.locator("nav .mainnav").is_hidden()
    assert page.locator("#topbar-search").is_hidden()
    assert page.locator("footer.footer").is_hidden()
    for button in page.locator("main button, main [role=button], main form").all():
        assert button.is_hidden()
    header = page.locator("#print-header")
    assert header.is_visible()
    title = page.title()
    assert header.locator("[data-print-title]").inner_text() == title
    stamp = header.locator("[data-print-time]").inner_text()
    assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d", stamp), stamp
    printed_at = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M")
    beijing = dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)
    assert abs(printed_at - beijing.replace(tzinfo=None)) < dt.timedelta(minutes=3)
    # Nothing is wider than the A4 page's content box (210 mm less the margins).
    overflow = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right)) - document.documentElement.clientWidth"
    )
    assert overflow <= 1, page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => "
        "e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"
    )
    pdf = artifacts / f"print-{name}.pdf"
    # The page size is the stylesheet's (@page size: A4), as a browser's print dialog takes it.
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
    sizes = _pdf_pages(pdf)
    assert sizes and all(_is_a4(size) for size in sizes), sizes
    pngs = _to_png(pdf, artifacts, f"print-{name}")
    assert len(pngs) == len(sizes)
    text = _pdf_text(pdf)
    assert "打印时间" in text and title.split(" · ")[0] in text
    for nav in ("结对总览", "退出登录", "修改密码", "使用帮助"):
        assert nav not in text, nav
    return text


def test_the_project_person_and_dashboard_pages_print_cleanly(
    browser_reg, page, sign_in, live_server, artifacts
):
    reg = browser_reg
    project = projects_services.project_create(
        actor=None,
        code="DL-2023-07",
        name="都兰县人民医院远程诊疗中心建设",
        year=2023,
        category="医疗卫生",
        county=reg.dulan,
        aid_amount=Decimal("3200000.00"),
        description="建设远程会诊室两间，配置会诊终端，与浙江大学医学院附属第一医院联网。",
    )
    li = person(reg, specialty="神经内科")
    posting(reg, li, start=dt.date(2023, 3, 1))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "hq")

    text = _print_and_check(
        page, f"{live_server.url}{project.get_absolute_url()}", artifacts, "project"
    )
    assert "DL-2023-07" in text and "编辑" not in text and "填报进度" not in text

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    text = _print_and_check(page, f"{live_server.url}{li.get_absolute_url()}", artifacts, "person")
    assert "李明" in text
    assert LI_ID[:6] + "********" + LI_ID[-4:] in text  # masked as on screen
    assert LI_ID not in text and PHONE not in text
    assert "查看完整" not in text  # the reveal form is not printed

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    text = _print_and_check(page, f"{live_server.url}/", artifacts, "dashboard")
    # The charts are scaled to the page: one column, no wider than the content box.
    width = page.evaluate("() => document.documentElement.clientWidth")
    for chart in page.locator(".chart canvas").all():
        box = chart.bounding_box()
        assert box is not None and box["width"] <= width + 1


def test_the_print_header_is_hidden_on_screen(browser_reg, page, sign_in, live_server, artifacts):
    sign_in(page, "viewer")
    page.goto(f"{live_server.url}/help/")
    assert page.locator("#print-header").is_hidden()
    assert page.locator("#topbar-search").is_visible()
    page.fill("#topbar-search", "都兰")
    with page.expect_navigation():
        page.press("#topbar-search", "Enter")
    assert "/search/?q=" in page.url
    assert page.locator("#search-organisations").is_visible()
    page.screenshot(path=artifacts / "screen-search.png", full_page=True)
    page.click("#help-link")
    assert page.url.endswith("/help/")
    page.goto(f"{live_server.url}/help/import/")
    page.screenshot(path=artifacts / "screen-help-import.png", full_page=True)
