"""The API's pages in a real browser: a token created and shown once, the browsable docs rendered
from the vendored Swagger UI under the strict CSP, a call made with the session."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_tokens_page_and_the_docs_under_the_csp(live_server, browser_reg, page, sign_in, artifacts):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, "liaison")
    page.goto(f"{live_server.url}/accounts/tokens/")
    page.fill("input[name=name]", "医院 HIS")
    with page.expect_navigation():
        page.click("#token-form button[type=submit]")
    secret = page.inner_text("#token-secret").strip()
    assert secret.startswith("dk_")
    page.screenshot(path=str(artifacts / "api-tokens.png"), full_page=True)
    page.reload()
    assert secret not in page.content()

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Duikou API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("#operations-tag-projects_项目与资金")
    page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
    status = page.evaluate("fetch('/api/v1/projects/').then(r => r.status)")
    assert status == 200
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not csp, csp
