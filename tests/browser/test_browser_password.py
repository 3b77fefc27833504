"""The forced password change in a real browser: a user headquarters created signs in, lands on
the change page whatever they open, changes the password and reaches the platform."""

import pytest

from duikou.accounts import services
from duikou.accounts.models import Role

pytestmark = pytest.mark.browser


def test_a_new_user_changes_the_password_at_first_sign_in(
    browser_reg, page, sign_in, live_server, artifacts
):
    services.user_create(
        actor=browser_reg.hq, username="ma.dulan", password="Dulan-Hospital-01", role=Role.VIEWER
    )
    sign_in(page, "ma.dulan", "Dulan-Hospital-01")
    assert page.url.endswith("/accounts/password/")
    page.goto(f"{live_server.url}/projects/")
    assert page.url.endswith("/accounts/password/")
    assert page.locator("#password-forced").is_visible()
    page.fill("input[name=old_password]", "wrong-password")
    page.fill("input[name=new_password1]", "Qaidam-Salt-Lake-2026")
    page.fill("input[name=new_password2]", "Qaidam-Salt-Lake-2026")
    with page.expect_navigation():
        page.click("#password-submit")
    assert "当前密码不正确，请重新输入。" in page.locator("main").inner_text()
    page.screenshot(path=artifacts / "screen-password-forced.png", full_page=True)
    page.fill("input[name=old_password]", "Dulan-Hospital-01")
    page.fill("input[name=new_password1]", "Qaidam-Salt-Lake-2026")
    page.fill("input[name=new_password2]", "Qaidam-Salt-Lake-2026")
    with page.expect_navigation():
        page.click("#password-submit")
    assert "密码已修改。" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/projects/")
    assert page.url.endswith("/projects/")
