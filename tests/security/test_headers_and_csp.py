"""Row 4: HTTPS settings, security headers and a strict Content-Security-Policy.

`check --deploy` runs in a subprocess with the production environment (the HTTPS settings are
computed when settings.py is imported, which override_settings cannot redo). Pages carry no
inline script, no on*= handler and no style attribute, in the templates and in rendered pages.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.world import AttackWorld
from tests.test_people_common import field_key  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

# A script element without src, other than a JSON data block (json_script: never executed).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE
)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DUIKOU_", "DJANGO_"))}
    environment.update(
        PYTHONPATH=str(ROOT),
        DUIKOU_DATA_DIR=str(tmp_path),
        DUIKOU_SECRET_KEY=secrets.token_urlsafe(60),
        DUIKOU_ALLOWED_HOSTS="duikou.example.org",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "duikou.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_check_deploy_is_clean_with_duikou_https(tmp_path):
    result = _check_deploy(tmp_path, DUIKOU_HTTPS="1")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not re.search(r"\bW\d{3}\b", output), output


def test_without_duikou_https_check_deploy_names_what_is_missing(tmp_path):
    result = _check_deploy(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for code in ("W004", "W008", "W012", "W016"):
        assert code in output


def test_the_templates_hold_no_inline_script_handler_or_style():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_ELEMENT):
            for match in pattern.finditer(text):
                problems.append(f"{path.relative_to(ROOT)}: {match[0][:80]}")
    assert not problems, "\n".join(problems)


def test_the_scripts_write_no_style_attribute_into_html():
    for path in (ROOT / "static" / "js").glob("*.js"):
        assert not re.search(r"""style\s*=\s*['"\\]""", path.read_text()), path.name


def test_htmx_injects_no_inline_style():
    base = (TEMPLATES / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and "js/forms.js" in base


@pytest.mark.django_db
@pytest.mark.usefixtures("field_key")
def test_pages_carry_the_headers_and_no_inline_script(reg, client_for, settings_tmp_media):
    world = AttackWorld(reg)
    ids = world.ids["dulan"]
    pages = [
        "/",
        "/projects/",
        "/projects/funds/",
        f"/projects/{ids['project']}/",
        "/projects/alerts/",
        "/people/",
        "/people/coverage/",
        "/people/trainings/",
        "/people/achievements/",
        f"/people/{ids['person']}/",
        "/orgs/",
        "/pairings/overview/",
        "/orders/",
        "/orders/visits/",
        "/orders/stats/",
        "/orders/runs/",
        f"/orders/runs/{ids['run']}/",
        f"/io/batches/{ids['import_batch']}/",
        "/io/",
    ]
    client = client_for(reg.hq)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_ELEMENT):
            assert not pattern.search(body), (url, pattern.search(body)[0])
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
        for directive in (
            "default-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "img-src 'self' data:",
        ):
            assert directive in csp, (url, directive)
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_the_sign_in_page_has_the_headers_too(client):
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_the_csrf_cookie_is_http_only_and_htmx_reads_the_token_from_the_page():
    assert settings.CSRF_COOKIE_HTTPONLY
    assert 'hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\'' in (
        (TEMPLATES / "base.html").read_text()
    )


@pytest.fixture
def settings_tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
