"""Row 3: no ID number or phone in a query string or a log line.

A GET carrying one is refused (sent back without it, pointed to the POST lookup); every
configured log handler masks them in the message, its arguments and exception text.
"""

from __future__ import annotations

import io
import logging
import sys

import pytest

from duikou.lib.logfilters import RedactPersonalData
from tests.test_people_common import LI_ID, PHONE, field_key  # noqa: F401 - fixture
from tests.test_people_views import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


def _configured_handlers() -> dict[str, logging.Handler]:
    handlers = {}
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture
            if type(handler) is logging.NullHandler:
                continue  # a library's "no output" default (urllib3's, once requests is imported)
            handlers[f"{logger.name}:{type(handler).__name__}:{id(handler)}"] = handler
    return handlers


def _record(name: str) -> logging.LogRecord:
    try:
        raise ValueError(f"号码 {LI_ID} 电话 {PHONE}")
    except ValueError:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        name,
        logging.ERROR,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /people/?q={LI_ID}&tel={PHONE} HTTP/1.1", 302, 0),
        exc_info,
    )


def test_every_configured_handler_masks_id_numbers_and_phones():
    handlers = _configured_handlers()
    names = {key.split(":")[0] for key in handlers}
    assert {"root", "django.server"} <= names, names  # the console and runserver's access log
    for key, handler in handlers.items():
        assert any(isinstance(f, RedactPersonalData) for f in handler.filters), key
        record = _record(key.split(":")[0])
        record.server_time = "now"
        record.status_code = 302
        assert handler.filter(record), key
        text = handler.format(record)
        assert LI_ID not in text and PHONE not in text, (key, text)
        assert "632802********1239" in text and "138****5678" in text, (key, text)


def test_the_django_loggers_reach_a_masking_handler():
    """django.request (errors with their URL) and django.server (the access log) included."""
    for name in ("django.request", "django.server", "django.security.csrf", "duikou"):
        logger, reached = logging.getLogger(name), []
        while logger:
            reached += logger.handlers
            logger = logger.parent if logger.propagate else None
        reached = [h for h in reached if not type(h).__module__.startswith("_pytest")]
        assert reached and all(
            any(isinstance(f, RedactPersonalData) for f in h.filters) for h in reached
        ), name


def test_the_filter_masks_a_line_written_to_a_stream():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger = logging.getLogger("duikou.test_redaction")
    logger.addHandler(handler)
    try:
        logger.error("人员 %s 手机 %s", "63280219850615123X", "15912345678")
        logger.error("15 位旧号码 632802850615123 与编号 12632802438800125D")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "63280219850615123X" not in out and "15912345678" not in out
    assert "632802********123X" in out and "159****5678" in out
    assert "632802*****5123" in out  # the old 15-digit number
    assert "12632802438800125D" in out  # an organisation's credit code is not a person's


@pytest.mark.parametrize(
    "url", ["/people/", "/people/export.xlsx", "/projects/", "/orders/", "/orgs/"]
)
def test_a_query_string_with_an_id_number_or_phone_is_refused_and_not_logged(
    reg, client_for, caplog, url
):
    caplog.set_level(logging.DEBUG)
    client = client_for(reg.hq)
    for value in (LI_ID, "632802-1985-0615-1239", PHONE, f"王 {PHONE}"):
        response = client.get(url, {"q": value, "page": "2"})
        assert response.status_code == 302, value
        assert response["Location"] == url + "?page=2"
        follow = client.get(response["Location"])
        assert follow.status_code in (200, 404) or follow.status_code == 302
    assert LI_ID not in caplog.text and PHONE not in caplog.text


def test_the_refusal_never_redirects_off_site(reg, client_for):
    response = client_for(reg.hq).get("//evil.example/", {"q": LI_ID})
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")


def test_the_id_lookup_is_by_post_for_headquarters_and_scoped_for_others(reg, client_for):
    world = World(reg)
    found = client_for(reg.hq).post("/people/find/", {"id_number": LI_ID})
    assert found["Location"] == f"/people/{world.li.pk}/"
    for outsider in (reg.wulan_team, reg.viewer):
        response = client_for(outsider).post("/people/find/", {"id_number": LI_ID})
        assert response["Location"] == "/people/"
    assert client_for(reg.hq).get("/people/find/", {"id_number": LI_ID}).status_code == 302
