"""The exchanges journey in a real browser: 都兰's county team records a three-day event in its
county, uploads a photo, and finds the event on each of its days in the month calendar; the
viewer opens the same event and sees no named participant."""

import io

import pytest
from PIL import Image

from duikou.exchanges import services
from duikou.exchanges.models import Event
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]


def test_a_county_team_records_an_event_and_finds_it_in_the_calendar(
    browser_reg, page, sign_in, live_server, artifacts, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    errors: list[str] = []
    # CSP: no inline script or style on these pages (a refused one is a console error)
    page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)
    sign_in(page, "dulan")
    with page.expect_navigation():
        page.click("text=交流")
    with page.expect_navigation():
        page.click("#event-create")
    page.select_option("select[name=kind]", "夏令营")
    page.fill("input[name=title]", "都兰浙青少年手拉手夏令营")
    page.fill("input[name=start_date]", "2023-08-14")
    page.fill("input[name=end_date]", "2023-08-16")
    page.select_option("select[name=places]", label="都兰县")
    page.fill("input[name=haixi_count]", "50")
    page.fill("input[name=zhejiang_count]", "40")
    with page.expect_navigation():
        page.click("#save")
    event = Event.objects.get(title="都兰浙青少年手拉手夏令营")
    assert event.created_by == browser_reg.dulan_team
    assert "海西 50 人，浙江 40 人" in page.locator("#event-counts").inner_text()
    services.participant_add(
        actor=None, event=event, name="马晓梅", side="海西", phone="13912345678"
    )
    with page.expect_navigation():
        page.click("#photo-upload")
    picture = tmp_path / "camp.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 60)).save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())
    page.set_input_files("input[name=photos]", str(picture))
    with page.expect_navigation():
        page.click("#save")
    assert page.locator("img.exch-photo").count() == 1
    # The photo loads lazily: wait until the browser has it, then check it is the picture.
    page.locator("img.exch-photo").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('img.exch-photo');"
        " return i.complete && i.naturalWidth > 0 }"
    )
    assert page.locator("img.exch-photo").evaluate("img => img.naturalWidth") == 64
    assert "139****5678" in page.locator("#participants").inner_text()
    page.screenshot(path=artifacts / "exchanges-event.png", full_page=True)
    page.goto(f"{live_server.url}/exchanges/calendar/?month=2023-08")
    assert page.locator("#calendar a.exch-ev", has_text="都兰浙青少年手拉手夏令营").count() == 3
    page.screenshot(path=artifacts / "exchanges-calendar.png", full_page=True)
    with page.expect_navigation():
        page.click("#month-next")
    assert "2023 年 9 月" in page.locator("h2").inner_text()
    assert not errors, errors

    viewer = page.context.browser.new_context(locale="zh-CN").new_page()
    sign_in(viewer, "viewer")
    viewer.goto(f"{live_server.url}{event.get_absolute_url()}")
    assert "都兰浙青少年手拉手夏令营" in viewer.content()
    assert "马晓梅" not in viewer.content() and viewer.locator("#participants").count() == 0
    viewer.context.close()
