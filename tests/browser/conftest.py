"""Playwright fixtures: one headless Debian Chromium per session, a fresh context per test.

The browser talks to pytest-django's ``live_server``, which needs ``transactional_db``: the
tables are flushed after every test, so ``browser_reg`` reloads the administrative divisions
(installed by the data migration core.0002) whenever they are gone, then builds the registry.
"""

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from duikou.core.models import Division
from tests.conftest import Registry

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in the main thread, so Django would refuse
    # the ORM calls the tests make there; allow them for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """new_page(viewport=..., **context options) → a page in a fresh zh-CN browser context."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] = DESKTOP, **options) -> Page:
        context = browser.new_context(locale="zh-CN", viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def phone_page(new_page) -> Page:
    return new_page(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def ensure_divisions() -> None:
    if not Division.objects.exists():
        migration = importlib.import_module("duikou.core.migrations.0002_load_divisions")
        migration.load(apps, None)


@pytest.fixture
def browser_reg(transactional_db) -> Registry:
    ensure_divisions()
    return Registry()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sign_in(live_server) -> Callable[[Page, str], Page]:
    """sign_in(page, username) → the page on the dashboard, signed in through the login form."""

    def do(page: Page, username: str, password: str | None = None) -> Page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password or f"pw-{username}")
        with page.expect_navigation():
            page.click("#login-submit")
        return page

    return do
