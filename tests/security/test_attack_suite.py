"""The permanent attack suite's role × URL matrix, generated from the URL conf.

Every named URL (all apps) is requested by each of the six roles and anonymously, on a record
of 都兰 and one of 乌兰 where the URL takes one, by GET and by POST; the outcome must be the
one the table below states. A view added without its row in TABLE fails
`test_every_url_has_an_expectation`: a new view cannot ship without its scope test.

Each POST runs inside a savepoint that is rolled back, so requests do not disturb each other;
for every POST that must be refused the row counts of all models are compared before and after
(a partial write fails). The viewer's 200 pages must show no ID number or mobile number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from duikou.lib.checkdigits import is_valid_uscc
from duikou.lib.masking import ID_LIKE, MOBILE_LIKE
from tests.security.urlconf import routes
from tests.security.world import AttackWorld
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

# H headquarters · D 都兰 county team · W 乌兰 county team · L liaison (都兰县人民医院) ·
# A aid staff (the doctor, 李明, posted to 都兰) · V viewer
CODES = {
    "H": "hq",
    "D": "dulan_team",
    "W": "wulan_team",
    "L": "liaison",
    "A": "doctor",
    "V": "viewer",
}
ALL = "HDWLAV"


@dataclass(frozen=True)
class Rule:
    kind: str | None  # which record fills the path argument (see AttackWorld.ids)
    get: str | tuple[str, str]  # roles that may GET: one string, or (on 都兰's, on 乌兰's)
    post: str | tuple[str, str]  # roles that may POST (write); "" for read-only views

    def allowed(self, method: str, side: str) -> str:
        roles = self.get if method == "GET" else self.post
        if isinstance(roles, tuple):
            return roles[0] if side == "dulan" else roles[1]
        return roles


def R(get, kind=None) -> Rule:
    """A page that only reads: nobody writes through it."""
    return Rule(kind, get, "")


def W(roles, kind=None, get=None) -> Rule:
    """A view that writes (a form, or POST only: then GET answers 405 to everybody)."""
    return Rule(kind, roles if get is None else get, roles)


# Public (anonymous may use them): not part of the matrix, named so the table stays complete.
PUBLIC = {
    "accounts:login",
    "accounts:login_token",
    "accounts:logout",
    "set_language",
    "favicon",
    # the health check (duikou/core/ops/views.py): states only, no data; tests/test_deploy.py
    "healthz",
}
# The public portal (reports.views_public, @public_view): tests/test_public_portal.py walks it
# anonymously and holds every other URL behind the sign-in.
PUBLIC |= {"public:home", "public:projects", "public:sales", "public:events", "public:iati"}
# The JSON API's operations (namespace api-v1, duikou/api/v1.py) have their own authentication:
# a bearer token or the session, and 401 in JSON rather than the sign-in redirect this matrix
# expects. tests/test_api.py generates their matrix from the OpenAPI schema instead: every
# endpoint for every role against the page's scoped queryset, the outsider, no token, a revoked
# token, and the writes.
API_NAMESPACE = "api-v1:"

TABLE: dict[str, Rule] = {
    # Accounts: everyone changes their own password; sign-in security is headquarters'
    "accounts:password_change": W(ALL),
    "accounts:two_factor": W("H"),
    "accounts:security": R("H"),
    "accounts:unlock": W("H"),
    # The top bar: search (each kind in the user's scope, tests/test_search.py) and help
    "core:search": R(ALL),
    "core:help": R(ALL),
    "core:help_area": R(ALL, "help_area"),
    # API tokens: everyone manages their own (a token acts with its owner's role and scope); the
    # browsable docs read the schema only
    "api:tokens": W(ALL),
    "api:token_revoke": W("H", "api_token"),
    "api:docs": R(ALL),
    # Registry
    "core:organisation_list": R(ALL),
    "core:organisation_export": R(ALL),
    "core:organisation_detail": R(("HDLV", "HWV"), "org"),
    "core:organisation_create": W("HDW"),
    "core:organisation_edit": W(("HDL", "HW"), "org"),
    "core:department_create": W(("HDL", "HW"), "org"),
    "core:pairing_list": R(ALL),
    "core:pairing_export": R(ALL),
    "core:pairing_overview": R(ALL),
    "core:pairing_departments": R(ALL),
    "core:pairing_detail": R(("HDLV", "HWV"), "pairing"),
    "core:pairing_create": W("HDW"),
    "core:pairing_edit": W(("HD", "HW"), "pairing"),
    # Excel import: a batch is its uploader's (and the headquarters')
    "exchange_io:import": W("HDW"),
    "exchange_io:batch_list": R("HDW"),
    "exchange_io:batch_detail": R(("HD", "HW"), "import_batch"),
    "exchange_io:batch_status": R(("HD", "HW"), "import_batch"),
    "exchange_io:batch_errors": R(("HD", "HW"), "import_batch"),
    "exchange_io:batch_file": R(("HD", "HW"), "import_batch"),
    "exchange_io:batch_changes": R(("HD", "HW"), "import_batch"),
    "exchange_io:batch_changes_xlsx": R(("HD", "HW"), "import_batch"),
    "exchange_io:batch_confirm": W(("D", "W"), "import_batch"),
    "exchange_io:batch_undo": W(("HD", "HW"), "import_batch"),
    "exchange_io:batch_retry": W(("HD", "HW"), "import_batch"),
    "exchange_io:templates": R(ALL),
    # Background exports: a job and its file are its user's alone (headquarters neither)
    "exchange_io:export_list": R(ALL),
    "exchange_io:export_job": R(("D", "W"), "export_job"),
    "exchange_io:export_status": R(("D", "W"), "export_job"),
    "exchange_io:export_download": R(("D", "W"), "export_job"),
    "exchange_io:template_all": R(ALL),
    "exchange_io:template": R(ALL, "sheet"),
    # Investment: the two lists and the events are read by headquarters, county teams and the
    # viewer and written by headquarters; a deal is its county's (a liaison: its enterprise's);
    # a list shows each role its scope (empty for some)
    "investment:enterprise_list": R(ALL),
    "investment:enterprise_export": R(ALL, "fmt"),
    "investment:enterprise_create": W("H"),
    "investment:enterprise_detail": R("HDWV", "enterprise"),
    "investment:enterprise_edit": W("H", "enterprise"),
    "investment:policy_list": R(ALL),
    "investment:policy_export": R(ALL, "fmt"),
    "investment:policy_create": W("H"),
    "investment:policy_detail": R("HDWLV", "policy"),
    "investment:policy_edit": W("H", "policy"),
    "investment:deal_list": R(ALL),
    "investment:deal_board": R(ALL),
    "investment:deal_export": R(ALL, "fmt"),
    "investment:deal_create": W("HDW"),
    "investment:deal_detail": R(("HDV", "HWV"), "deal"),
    "investment:deal_edit": W(("HD", "HW"), "deal"),
    "investment:deal_move": W(("HD", "HW"), "deal"),
    "investment:event_list": R(ALL),
    "investment:event_create": W("H"),
    "investment:event_detail": R("HDWV", "event"),
    "investment:event_edit": W("H", "event"),
    # Consumption aid: the hospital's liaison reads the lists (it operates no channel: empty),
    # aid staff nothing; county teams enter sales of their counties' suppliers
    "consumption:channel_list": R("HDWLV"),
    "consumption:channel_create": W("H"),
    "consumption:channel_detail": R(("HDV", "HWV"), "channel"),
    "consumption:channel_edit": W("H", "channel"),
    "consumption:product_list": R("HDWLV"),
    "consumption:supplier_list": R("HDWLV"),
    "consumption:sale_list": R("HDWLV"),
    "consumption:sale_export": R("HDWLV", "fmt"),
    "consumption:sale_create": W("HDW"),
    "consumption:sale_edit": W(("HD", "HW"), "sale"),
    "consumption:target_list": W("H", get="HDWLV"),
    # Projects
    "projects:project_list": R(ALL),
    "projects:project_export": R(ALL, "fmt"),
    "projects:flow_export": R(ALL, "fmt"),
    "projects:alerts": R(ALL),
    "projects:project_detail": R(("HDLV", "HWV"), "project"),
    "projects:file": R(("HDLV", "HWV"), "evidence"),
    "projects:project_create": W("HDW"),
    "projects:project_edit": W(("HD", "HW"), "project"),
    "projects:project_transition": W(("HD", "HW"), "project"),
    "projects:flow_create": W(("HD", "HW"), "project"),
    "projects:report_create": W(("HDL", "HW"), "project"),
    # People
    "people:person_list": R(ALL),
    "people:person_find": W(ALL),  # a lookup by POST (the number stays out of URLs and logs)
    "people:person_export": W("H", get=ALL),  # GET masked for all; POST unmasked, HQ only
    "people:person_detail": R(("HDLAV", "HWV"), "person"),
    "people:person_photo": R(("HDLA", "HW"), "person"),
    "people:person_create": W("HDW"),
    "people:person_edit": W(("HD", "HW"), "person"),
    "people:person_reveal": W("H", "person"),
    "people:posting_detail": R(("HDLAV", "HWV"), "posting"),
    "people:posting_create": W("HDW"),
    "people:posting_edit": W(("HD", "HW"), "posting"),
    "people:department_options": R(ALL),
    "people:batch_list": R(ALL),
    "people:batch_detail": R(ALL, "people_batch"),
    "people:batch_create": W("H"),
    "people:batch_edit": W("H", "people_batch"),
    "people:coverage": R(ALL),
    "people:training_list": R(ALL),
    "people:training_create": W("HDW"),
    "people:training_edit": W("HD", "training"),  # 马丽 of 都兰县人民医院, both sides
    "people:achievement_list": R(ALL),
    "people:achievement_create": W("HDWLA"),
    "people:achievement_verify": W("H", "achievement"),
    "people:access_log": R("H"),
    "people:me": R(ALL),
    "people:me_achievement": W("A"),
    "people:me_availability": W("A"),
    "people:me_visit_budget": W("A"),
    "people:availability_delete": W("HA", "availability"),  # 李明's own window
    # Orders
    "orders:demand_list": R(ALL),
    "orders:demand_export": R(ALL),
    "orders:demand_experts": R("HDWL"),
    "orders:demand_detail": R(("HDLV", "HWV"), "demand"),
    "orders:demand_create": W("HDWL"),
    "orders:demand_edit": W(("HDL", "HW"), "demand"),
    "orders:demand_withdraw": W(("HDL", "HW"), "demand"),
    "orders:demand_priority": W("H", "demand"),
    "orders:visit_list": R(ALL),
    "orders:visit_export": R(ALL),
    "orders:visit_detail": R(("HDLAV", "HWV"), "visit"),
    "orders:visit_confirm": W(("HDL", "HW"), "visit"),
    "orders:visit_log": W(("HA", "H"), "visit"),
    "orders:visit_cancel": W("H", "visit"),
    "orders:org_panel": R(("HDLV", "HWV"), "org"),
    "orders:my_visits": R("A"),
    "orders:run_list": R("HV"),
    "orders:run_preview": R("HV"),
    "orders:run_detail": R("HV", "run"),
    "orders:run_progress": R("HV", "run"),
    "orders:run_instance_json": R("HV", "run"),
    "orders:run_plan_json": R("HV", "run"),
    "orders:run_create": W("H"),
    "orders:run_edit": W("H", "run"),
    "orders:run_confirm": W("H", "run"),
    "orders:run_stop": W("H", "run"),
    "orders:run_rerun": W("H", "run"),
    # Exchanges: an event is read by headquarters, the viewer (without named participants)
    # and the team of its county, and written by headquarters and that team; a photo is read
    # as its event; classes and indicators are written by headquarters
    "exchanges:event_list": R(ALL),
    "exchanges:event_export": R(ALL),
    "exchanges:calendar": R(ALL),
    "exchanges:event_create": W("HDW"),
    "exchanges:event_detail": R(("HDV", "HWV"), "exch_event"),
    "exchanges:event_edit": W(("HD", "HW"), "exch_event"),
    "exchanges:participant_add": W(("HD", "HW"), "exch_event"),
    "exchanges:photo_upload": W(("HD", "HW"), "exch_event"),
    "exchanges:photo": R(("HDV", "HWV"), "exch_photo"),
    "exchanges:class_list": R(ALL),
    "exchanges:class_create": W("H"),
    "exchanges:class_edit": W("H", "offsite_class"),
    "exchanges:indicator_list": R(ALL),
    "exchanges:indicator_create": W("H"),
    "exchanges:indicator_detail": R(ALL, "indicator"),
    "exchanges:indicator_value": W("H", "indicator"),
    # Figures
    "reports:dashboard": R(ALL),
    "reports:home": R(ALL),
    # Notifications and to-dos: everyone has their own; a notification is its recipient's
    # (都兰's is the liaison's, 乌兰's the 乌兰 county team's)
    "notices:list": R(ALL),
    "notices:todo": R(ALL),
    "notices:topbar": R(ALL),
    "notices:read_all": W(ALL),
    "notices:open": W(("L", "W"), "notice"),
    "notices:read": W(("L", "W"), "notice"),
    "reports:funds": R(ALL),
    "reports:order_stats": R(ALL),
    # The year-end summary and the workbook: programme-wide, read by headquarters and the
    # viewer (the viewer's roster has no personal column), written by headquarters
    "reports:summary": R("HV"),
    "reports:summary_generate": W("H"),
    "reports:summary_progress": R("HV", "summary_year"),
    "reports:summary_edit": W("H", "summary_year"),
    "reports:summary_download": R("HV", "summary_year"),
    "reports:summary_publish": W("H", "summary_year"),
    "reports:summary_unlock": W("H", "summary_year"),
    "reports:workbook_download": R("HV"),
    # The IATI 2.03 file: open data for publication, no personal data: as the workbook
    "reports:iati_download": R("HV"),
    "reports:sales_stats": R("HDWLV"),
    # The leadership screen: the whole programme, for headquarters and the viewer
    "reports:screen": R("HV"),
    "reports:screen_data": R("HV"),
}

DENIED = {403, 404, 405}
# Django admin: a rule for the whole namespace (staff only; the others go to its sign-in).
ADMIN_STAFF = "H"

STATS = {"requests": 0, "url_role_pairs": 0, "errors_500": 0, "partial_writes": 0}


def _models():
    return [m for m in apps.get_models() if not m._meta.proxy]


def _counts() -> tuple[int, ...]:
    """The row count of every table, in one query. History tables are models too, so an update
    made through a service (which writes a history row) shows as well as an insert or delete."""
    tables = sorted({m._meta.db_table for m in _models()})
    sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def _args(route, kind, side, world) -> list:
    if not route.args:
        return []
    value = world.ids[side][kind]
    return ["evidence", value] if route.name == "projects:file" else [value]


def _personal_data(body: str) -> list[str]:
    # An organisation's credit code (GB 32100) is public and may be all digits, like an ID
    # number: one that is a valid credit code is not personal data.
    ids = [m for m in ID_LIKE.findall(body) if not is_valid_uscc(m)]
    return ids + MOBILE_LIKE.findall(body)


def test_every_url_has_an_expectation():
    names = {r.name for r in routes() if not r.name.startswith(("admin:", API_NAMESPACE))}
    missing = sorted(names - set(TABLE) - PUBLIC)
    assert not missing, f"views without a row in the attack suite's TABLE: {missing}"
    stale = sorted(set(TABLE) - names)
    assert not stale, f"rows of TABLE naming no URL: {stale}"
    for name, rule in TABLE.items():
        route = next(r for r in routes() if r.name == name)
        assert bool(route.args) == bool(rule.kind), name


@pytest.mark.sweep
@pytest.mark.parametrize("who", ["anonymous", *CODES])  # a role per test: xdist shares them out
def test_the_role_url_matrix(reg, client, settings, tmp_path, who):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    world = AttackWorld(reg)
    users = {code: getattr(reg, attr) for code, attr in CODES.items() if code == who}
    by_name = {r.name: r for r in routes()}
    failures: list[str] = []

    def request(method: str, url: str, check_writes: bool):
        """The response, inside a savepoint rolled back afterwards; and whether rows changed."""
        response, changed = None, False
        try:
            with transaction.atomic():
                before = _counts() if check_writes else None
                response = client.get(url) if method == "GET" else client.post(url, {})
                if check_writes:
                    changed = _counts() != before
                raise _Rollback
        except _Rollback:
            pass
        STATS["requests"] += 1
        if response.status_code >= 500:
            STATS["errors_500"] += 1
        return response, changed

    sessions: dict[int, str] = {}

    def sign_in(user) -> None:
        """The user's one session, its cookie put back before each URL. Every request is
        rolled back, so the session row outlives whatever a request did to it (signing in
        afresh for each URL cost a fifth of the sweep)."""
        if user.pk not in sessions:
            client.cookies.clear()
            client.force_login(user)
            sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies.clear()
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[user.pk]

    for name, rule in TABLE.items():
        route = by_name[name]
        for side in ("dulan", "wulan") if route.args else ("dulan",):
            url = reverse(name, args=_args(route, rule.kind, side, world))
            client.cookies.clear()  # signed out: no session cookie
            for method in ("GET", "POST") if who == "anonymous" else ():
                r, changed = request(method, url, check_writes=method == "POST")
                STATS["url_role_pairs"] += method == "GET"
                if r.status_code != 302 or "/accounts/login/" not in r["Location"] or changed:
                    failures.append(f"anonymous {method} {name} ({side}): {r.status_code}")
            for code, user in users.items():
                for method in ("GET", "POST"):
                    sign_in(user)
                    may = code in rule.allowed(method, side)
                    r, changed = request(method, url, check_writes=method == "POST" and not may)
                    STATS["url_role_pairs"] += method == "GET"
                    status = r.status_code
                    where = f"{CODES[code]} {method} {name} ({side}): {status}"
                    if status >= 500:
                        failures.append(where + " — server error")
                    elif may and status in (403, 404):
                        failures.append(where + " — refused, the table says allowed")
                    elif not may and status not in DENIED:
                        failures.append(where + " — not refused")
                    if changed:
                        STATS["partial_writes"] += 1
                        failures.append(where + " — rows written by a refused request")
                    if code == "V" and method == "POST" and rule.post and not may:
                        if status not in (403, 404):
                            failures.append(where + " — the viewer must get 403 on writes")
                    if code == "V" and status == 200 and "html" in r.get("Content-Type", ""):
                        found = _personal_data(r.content.decode())
                        if found:
                            failures.append(where + f" — personal data shown: {found[:3]}")
    print(
        "\nattack suite: {url_role_pairs} URL × role pairs (with anonymous), {requests} requests, "
        "{errors_500} server errors, {partial_writes} partial writes".format(**STATS)
    )
    assert not failures, "\n".join(failures)
    assert STATS["errors_500"] == 0 and STATS["partial_writes"] == 0


def test_the_admin_is_for_headquarters_staff_only(reg, client):
    """Every admin page without an argument: staff in, everybody else to the admin sign-in."""
    names = [
        r.name
        for r in routes()
        if r.name.startswith("admin:")
        and not r.args
        and r.name not in ("admin:login", "admin:logout", "admin:jsi18n")
        and "password" not in r.name
    ]
    assert len(names) > 10
    failures = []
    for name in names:
        url = reverse(name)
        client.logout()
        if client.get(url).status_code != 302:
            failures.append(f"anonymous {name}")
        for code, attr in CODES.items():
            client.force_login(getattr(reg, attr))
            status = client.get(url).status_code
            # Staff get the page (or 403 where the admin disables adding); the others are sent
            # to the admin's sign-in.
            expected = {200, 403} if code in ADMIN_STAFF else {302}
            if status not in expected:
                failures.append(f"{attr} {name}: {status}")
    assert not failures, failures


class _Rollback(Exception):
    pass


def test_personal_data_patterns_are_those_of_the_masking_module():
    assert re.fullmatch(ID_LIKE, "63280219800101123X")
    assert MOBILE_LIKE.search("电话13812345678")
