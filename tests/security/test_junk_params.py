"""The junk-parameter test: every query parameter a view reads gets empty, zero, negative,
huge, non-numeric, NUL, SQL-ish, non-ASCII-digit and 5 kB values, for every role; no request
may answer 500 (year=0 and ids past 64 bits used to: trainings, achievements, visits).

The parameters are those of the views' filter forms plus the ones views read directly (the
list below); the URLs are every GET view of the matrix's TABLE (path arguments filled with
都兰's records), so a new view is junked as soon as it has its row there.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from duikou.core.forms import OrganisationFilterForm, PairingFilterForm
from duikou.orders.forms import DemandFilterForm, VisitFilterForm
from duikou.orders.forms_runs import RunForm
from duikou.people.forms import PeopleFilterForm
from duikou.projects.forms import ProjectFilterForm
from tests.security.test_attack_suite import CODES, TABLE
from tests.security.urlconf import routes
from tests.security.world import AttackWorld
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

JUNK = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "abc",
    "\x00",
    "' OR 1=1 --",
    "²",  # a digit to str.isdigit(), not to int()
    "9" * 5000,  # past Python's int-from-string digit limit as well
]

# Parameters every list reads besides its form's.
COMMON = ["page", "q", "year", "org", "run", "county", "kind", "field", "status"]


def _form(form_class) -> list[str]:
    return list(form_class.base_fields)


PARAMS: dict[str, list[str]] = {
    "core:search": ["q"],
    "core:organisation_list": _form(OrganisationFilterForm),
    "core:organisation_export": _form(OrganisationFilterForm),
    "core:pairing_list": _form(PairingFilterForm),
    "core:pairing_export": _form(PairingFilterForm),
    "core:pairing_overview": ["all"],
    "core:pairing_departments": ["haixi_org"],
    "core:pairing_create": ["kind"],
    "projects:project_list": _form(ProjectFilterForm),
    "projects:project_export": _form(ProjectFilterForm),
    "projects:flow_export": _form(ProjectFilterForm),
    "projects:alerts": ["county", "kind", "year"],
    "projects:file": ["size"],
    "projects:project_transition": ["to"],
    "people:person_list": _form(PeopleFilterForm),
    "people:person_export": _form(PeopleFilterForm),
    "people:training_list": ["year", "field"],
    "people:training_create": ["person"],
    "people:achievement_list": ["year", "kind", "verified"],
    "people:achievement_create": ["posting"],
    "people:posting_create": ["person"],
    "people:department_options": ["host_org"],
    "people:coverage": ["org"],
    "orders:demand_list": _form(DemandFilterForm),
    "orders:demand_export": _form(DemandFilterForm),
    "orders:demand_experts": ["skill", "preferred_experts"],
    "orders:visit_list": _form(VisitFilterForm),
    "orders:visit_export": _form(VisitFilterForm),
    "orders:run_preview": _form(RunForm),
    "orders:run_plan_json": ["which"],
    "notices:list": ["show"],
    "reports:dashboard": ["year"],
    "reports:funds": ["year"],
    "reports:order_stats": ["year"],
    "reports:iati_download": ["year"],
    "reports:screen": ["year"],
    "reports:screen_data": ["year"],
    "exchange_io:batch_changes": ["sheet", "action", "risky", "q"],
    "exchange_io:batch_changes_xlsx": ["sheet", "action", "risky", "q"],
}

STATS = {"requests": 0, "errors_500": 0}


def _get_urls(world) -> list[tuple[str, str]]:
    """(name, url) of every view of the table that answers GET."""
    by_name = {r.name: r for r in routes()}
    urls = []
    for name, rule in TABLE.items():
        route = by_name[name]
        args = []
        if route.args:
            value = world.ids["dulan"][rule.kind]
            args = ["evidence", value] if name == "projects:file" else [value]
        urls.append((name, reverse(name, args=args)))
    return urls


def test_the_five_found_500s_are_gone(reg, client_for):
    c = client_for(reg.hq)
    for url in (
        "/people/trainings/?year=0",
        "/people/trainings/?year=99999999999999999999",
        "/people/achievements/?year=0",
        "/people/achievements/?year=99999999999999999999",
        "/orders/visits/?run=99999999999999999999",
        "/orders/visits/?org=99999999999999999999",
    ):
        assert c.get(url).status_code == 200, url


@pytest.mark.sweep
@pytest.mark.parametrize("code", list(CODES))  # a role per test: xdist shares them out
def test_every_parameter_of_every_view_survives_junk(reg, client, settings, tmp_path, code):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    world = AttackWorld(reg)
    urls = _get_urls(world)
    assert set(PARAMS) <= set(TABLE), set(PARAMS) - set(TABLE)
    failures = []

    def get(url, params, who):
        r = client.get(url, params)
        STATS["requests"] += 1
        if r.status_code >= 500:
            STATS["errors_500"] += 1
            failures.append(f"{who} {url} {sorted(params)}={next(iter(params.values()))[:20]!r}")

    if code == "H":
        # Anonymous: sent to sign-in whatever the parameters.
        client.logout()
        for name, url in urls:
            r = client.get(url, dict.fromkeys(PARAMS.get(name, COMMON), "' OR 1=1 --"))
            STATS["requests"] += 1
            assert r.status_code == 302 and "/accounts/login/" in r["Location"], name
    client.raise_request_exception = False  # count the 500s, do not stop at the first
    for attr in [CODES[code]]:
        client.force_login(getattr(reg, attr))
        for name, url in urls:
            if name not in PARAMS:
                # A view that reads no parameter: the common names once, mixed junk.
                get(url, dict(zip(COMMON, JUNK[1:], strict=False)), attr)
                continue
            names = sorted({*PARAMS[name], "page"})
            for value in JUNK:
                # The widest scope takes each parameter alone as well (exports parse with their
                # list's form: junked alone through the list, all at once here).
                if code == "H" and not name.endswith("_export"):
                    for param in names:
                        get(url, {param: value}, attr)
                get(url, dict.fromkeys(names, value), attr)  # all at once
    print(f"\njunk parameters: {STATS['requests']} requests, {STATS['errors_500']} server errors")
    assert not failures, "\n".join(failures[:50])
