"""The JSON API (/api/v1/): the schema, every endpoint for every role against its page's scoped
queryset (the endpoint list generated from the schema), the outsider, tokens, writes through the
services, errors naming the field, the rate limit."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate

from duikou.accounts.models import User
from duikou.api import services as api_services
from duikou.api.models import ApiToken
from duikou.consumption import scopes as consumption_scopes
from duikou.core import scopes as core_scopes
from duikou.exchanges import scopes as exchanges_scopes
from duikou.investment import scopes as investment_scopes
from duikou.orders import scopes as orders_scopes
from duikou.people import scopes as people_scopes
from duikou.projects import scopes as projects_scopes
from duikou.projects.models import MoneyFlow, ProgressReport
from tests.security.world import AttackWorld
from tests.test_people_common import LI_ID, field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

ROLES = ("hq", "dulan_team", "wulan_team", "liaison", "doctor", "viewer")
BASE = "/api/v1"

#: each list endpoint → the scoped queryset of the page that lists the same records
LIST_SCOPES = {
    "/organisations/": core_scopes.organisations_for_user,
    "/pairings/": core_scopes.pairings_for_user,
    "/projects/": projects_scopes.projects_for_user,
    "/flows/": projects_scopes.flows_for_user,
    "/postings/": people_scopes.postings_for_user,
    "/demands/": orders_scopes.demands_for_user,
    "/visits/": orders_scopes.visits_for_user,
    "/deals/": investment_scopes.deals_for_user,
    "/promotion-events/": investment_scopes.events_for_user,
    "/sales/": consumption_scopes.sales_for_user,
    "/events/": exchanges_scopes.events_for_user,
}
#: each detail endpoint → (its scope, the AttackWorld kind of record to try on each side)
DETAIL_SCOPES = {
    "/organisations/{pk}/": (core_scopes.organisations_for_user, "org"),
    "/projects/{pk}/": (projects_scopes.projects_for_user, "project"),
}
#: endpoints that are not lists of records
OTHER = {"/figures/"}


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(reg, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return AttackWorld(reg)


def schema() -> dict:
    return json.loads(Client().get(BASE + "/openapi.json").content)


def operations(method: str) -> list[str]:
    """The paths (after /api/v1) that answer `method`, from the schema."""
    return [p.removeprefix(BASE) for p, ops in schema()["paths"].items() if method in ops]


def token_for(user: User) -> str:
    return api_services.token_create(actor=user, name="test")[1]


def api(token: str | None = None, **headers) -> Client:
    if token:
        headers["Authorization"] = "Bearer " + token
    return Client(headers=headers)


def all_ids(client: Client, path: str, **params) -> list[int]:
    """Every row of a list endpoint, page by page."""
    ids, offset = [], 0
    while True:
        r = client.get(BASE + path, {"limit": 2, "offset": offset, **params})
        assert r.status_code == 200, (path, r.status_code, r.content[:300])
        body = r.json()
        ids += [item["id"] for item in body["items"]]
        offset += 2
        if offset >= body["count"]:
            assert len(ids) == body["count"]
            return ids


# The schema ---------------------------------------------------------------------------------


def test_the_schema_is_a_valid_openapi_3_document(db):
    r = Client().get(BASE + "/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    validate(doc)
    assert doc["openapi"].startswith("3.")
    assert doc["components"]["securitySchemes"]


def test_every_endpoint_of_the_schema_is_covered_by_these_tests(db):
    gets = set(operations("get"))
    assert gets == set(LIST_SCOPES) | set(DETAIL_SCOPES) | OTHER
    assert set(operations("post")) == {
        "/projects/{pk}/flows/",
        "/projects/{pk}/reports/",
        "/sales/",
    }


# Scopes: each role gets exactly its page's rows --------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_each_list_returns_exactly_the_scoped_rows_of_its_page(world, reg, who):
    user = getattr(reg, who)
    client = api(token_for(user))
    lists = [p for p in operations("get") if "{" not in p and p not in OTHER]
    for path in lists:
        expected = set(LIST_SCOPES[path](user).values_list("pk", flat=True))
        got = all_ids(client, path)
        assert len(got) == len(set(got)), f"{path}: a row repeated"
        assert set(got) == expected, f"{who} {path}"


def test_the_scopes_differ_between_roles_so_the_comparison_means_something(world, reg):
    hq = {p: len(LIST_SCOPES[p](reg.hq)) for p in LIST_SCOPES}
    assert LIST_SCOPES["/promotion-events/"](reg.liaison).count() == 0
    dulan = {p: len(LIST_SCOPES[p](reg.dulan_team)) for p in LIST_SCOPES}
    assert all(hq.values()), hq
    narrower = [p for p in LIST_SCOPES if dulan[p] < hq[p]]
    assert len(narrower) >= 6, narrower


@pytest.mark.parametrize("who", ROLES)
def test_each_detail_answers_404_outside_the_scope(world, reg, who):
    user = getattr(reg, who)
    client = api(token_for(user))
    for path in [p for p in operations("get") if "{pk}" in p]:
        scope, kind = DETAIL_SCOPES[path]
        for side in ("dulan", "wulan"):
            pk = world.ids[side][kind]
            r = client.get(BASE + path.replace("{pk}", str(pk)))
            visible = scope(user).filter(pk=pk).exists()
            assert r.status_code == (200 if visible else 404), (who, path, side)
            if visible:
                assert r.json()["id"] == pk


def test_lists_take_a_fixed_number_of_queries_whatever_the_page_size(world, reg):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(token_for(reg.hq))
    client.get(BASE + "/pairings/")  # the token's first use writes last_used_at
    several = 0
    for path in LIST_SCOPES:
        counts = []
        for limit in (1, 500):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(BASE + path, {"limit": limit})
            assert r.status_code == 200
            counts.append(len(ctx.captured_queries))
        several += r.json()["count"] > 1
        assert counts[0] == counts[1], (path, counts)
    assert several >= len(LIST_SCOPES) - 1


def test_responses_are_json_and_never_cached(world, reg):
    r = api(token_for(reg.hq)).get(BASE + "/projects/")
    assert r["Content-Type"].startswith("application/json")
    assert r["Cache-Control"] == "no-store"


def test_a_county_team_gets_nothing_of_the_other_county(world, reg):
    client = api(token_for(reg.wulan_team))
    projects = client.get(BASE + "/projects/").json()["items"]
    assert [p["code"] for p in projects] == ["WL-01"]
    assert client.get(BASE + f"/projects/{world.ids['dulan']['project']}/").status_code == 404
    flows = client.get(BASE + "/flows/").json()["items"]
    assert {f["project"] for f in flows} == {world.ids["wulan"]["project"]}


def test_the_filters_select_what_the_list_pages_select(world, reg, client_for):
    """The API's filters against the pages' own lists, same user, same parameters."""
    cases = [
        ("/projects/", "projects:project_list", {"county": "632822"}),
        ("/projects/", "projects:project_list", {"q": "骆驼"}),
        ("/projects/", "projects:project_list", {"status": "在建", "year": "2023"}),
        ("/organisations/", "core:organisation_list", {"side": "受援方"}),
        ("/organisations/", "core:organisation_list", {"q": "都兰", "division": "632822"}),
        ("/pairings/", "core:pairing_list", {"county": "632821"}),
        ("/pairings/", "core:pairing_list", {"year": "2023", "q": "嘉兴"}),
        ("/deals/", "investment:deal_list", {"county": "632822"}),
        ("/demands/", "orders:demand_list", {"county": "632822"}),
        ("/demands/", "orders:demand_list", {"q": "心血管"}),
        ("/visits/", "orders:visit_list", {"county": "632821"}),
        ("/events/", "exchanges:event_list", {}),
        ("/sales/", "consumption:sale_list", {}),
    ]
    for user in (reg.hq, reg.dulan_team, reg.liaison):
        client = api(token_for(user))
        page_client = client_for(user)
        for path, page, params in cases:
            from_api = set(all_ids(client, path, **params))
            r = page_client.get(reverse(page), params)
            form = r.context.get("form")
            if form is not None and params and not form.is_valid():
                # The page ignores a filter outside its choices (a county not the user's) and
                # shows everything; the API answers the question asked: no rows.
                assert user != reg.hq and from_api == set(), (user.username, path, params)
                continue
            shown = {obj.pk for obj in r.context["page"].object_list}
            assert r.context["page"].paginator.count == len(shown)  # one page: all of them
            assert from_api == shown, (user.username, path, params)


def test_filters_narrow_the_rows(world, reg):
    client = api(token_for(reg.hq))
    everything = client.get(BASE + "/postings/").json()["count"]
    dulan = client.get(BASE + "/postings/", {"county": "632822"}).json()
    assert 0 < dulan["count"] < everything
    assert {p["county"]["code"] for p in dulan["items"]} == {"632822"}
    assert client.get(BASE + "/sales/", {"year": 1999}).status_code == 422
    assert client.get(BASE + "/events/", {"year": 2001}).json()["count"] == 0


# Personal data ------------------------------------------------------------------------------


def test_postings_carry_masked_numbers_and_none_for_the_viewer(world, reg):
    hq = api(token_for(reg.hq)).get(BASE + "/postings/", {"limit": 500})
    li = next(p for p in hq.json()["items"] if p["person"]["name"] == "李明")
    assert li["person"]["id_number_masked"] == LI_ID[:6] + "********" + LI_ID[-4:]
    assert "*" in li["person"]["phone_masked"]
    viewer = api(token_for(reg.viewer)).get(BASE + "/postings/", {"limit": 500})
    for posting in viewer.json()["items"]:
        assert posting["person"]["id_number_masked"] is None
        assert posting["person"]["phone_masked"] is None
    for r in (hq, viewer):
        assert LI_ID not in r.content.decode()
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", r.content.decode())


# The outsider: no token, a bad or revoked token, a deactivated user ---------------------------


def _every_operation() -> list[tuple[str, str]]:
    doc = schema()
    return [
        (method, path.replace("{pk}", "1"))
        for path, ops in doc["paths"].items()
        for method in ops
        if path != BASE + "/openapi.json"
    ]


def test_without_a_token_every_endpoint_answers_401(world, reg):
    revoked_secret = token_for(reg.hq)
    token = ApiToken.objects.get(key_hash=api_services.hash_token(revoked_secret))
    api_services.token_revoke(actor=reg.hq, token=token)
    gone = User.objects.create_user("gone", password="x" * 12, role="headquarters")
    gone_secret = token_for(gone)
    gone.is_active = False
    gone.save()
    counts = (MoneyFlow.objects.count(), ProgressReport.objects.count())
    for secret in (None, "dk_not-a-token", revoked_secret, gone_secret, "Basic abc"):
        client = api(secret)
        for method, path in _every_operation():
            if method == "get":
                r = client.get(path)
            else:
                r = client.post(path, data="{}", content_type="application/json")
            assert r.status_code == 401, (secret, method, path, r.status_code)
            assert r["Content-Type"].startswith("application/json")
            assert r.json()["detail"]
            assert r["WWW-Authenticate"].startswith("Bearer")
    assert (MoneyFlow.objects.count(), ProgressReport.objects.count()) == counts


def test_the_session_reads_but_writes_only_with_the_csrf_token(world, reg, client_for):
    client = client_for(reg.dulan_team)
    assert client.get(BASE + "/projects/").status_code == 200
    pk = world.ids["dulan"]["project"]
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reg.dulan_team)
    r = csrf_client.post(
        BASE + f"/projects/{pk}/flows/", data=json.dumps(_flow()), content_type="application/json"
    )
    assert r.status_code == 403
    assert "CSRF" in r.json()["detail"]


def test_a_token_acts_with_its_owners_role_whatever_the_session(world, reg):
    client = api(token_for(reg.wulan_team))
    client.force_login(reg.hq)  # the token is read first
    assert [p["code"] for p in client.get(BASE + "/projects/").json()["items"]] == ["WL-01"]


# Writes -------------------------------------------------------------------------------------


def _flow(**extra) -> dict:
    return {
        "date": "2023-07-01",
        "type": "支出",
        "source": "援助资金",
        "amount": "12345.67",
        "voucher": "ZC-API-1",
        **extra,
    }


def test_a_flow_is_recorded_through_the_service_with_history(world, reg):
    pk = world.ids["dulan"]["project"]
    client = api(token_for(reg.dulan_team))
    r = client.post(BASE + f"/projects/{pk}/flows/", _flow(), content_type="application/json")
    assert r.status_code == 201, r.content
    flow = MoneyFlow.objects.get(pk=r.json()["id"])
    assert str(flow.amount) == "12345.67" and flow.created_by == reg.dulan_team
    assert flow.history.get().history_user == reg.dulan_team
    assert r.json()["amount"] == "12345.67"


def test_flows_outside_the_scope_or_role_are_refused_and_nothing_is_written(world, reg):
    before = MoneyFlow.objects.count()
    dulan, wulan = world.ids["dulan"]["project"], world.ids["wulan"]["project"]
    wulan_team = api(token_for(reg.wulan_team))
    r = wulan_team.post(
        BASE + f"/projects/{dulan}/flows/", _flow(), content_type="application/json"
    )
    assert r.status_code == 404
    viewer = api(token_for(reg.viewer))
    r = viewer.post(BASE + f"/projects/{wulan}/flows/", _flow(), content_type="application/json")
    assert r.status_code == 403
    assert r.json()["detail"]
    assert MoneyFlow.objects.count() == before


def test_bad_input_names_the_field_in_chinese_or_english(world, reg):
    pk = world.ids["dulan"]["project"]
    client = api(token_for(reg.hq))
    url = BASE + f"/projects/{pk}/flows/"
    r = client.post(url, _flow(amount="-5"), content_type="application/json")
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "amount" and error["label"] == "金额（元）"
    r = client.post(url, _flow(date="not a date"), content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "date", "label": "日期", "message": "日期格式应为 YYYY-MM-DD。"}
    ]
    english = api(token_for(reg.hq), **{"Accept-Language": "en"})
    r = english.post(url, _flow(date="not a date"), content_type="application/json")
    assert r.json()["errors"][0]["label"] == "Date"
    r = client.post(url, "not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"]
    r = client.post(url, _flow(type="赠送"), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "type"


def test_a_liaison_reports_progress_and_a_future_date_is_refused(world, reg):
    pk = world.ids["dulan"]["project"]
    client = api(token_for(reg.liaison))
    url = BASE + f"/projects/{pk}/reports/"
    body = {"date": "2023-08-01", "progress": 55, "text": "主体封顶"}
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 201, r.content
    report = ProgressReport.objects.get(pk=r.json()["id"])
    assert report.created_by == reg.liaison and report.history.get().history_user == reg.liaison
    tomorrow = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = client.post(url, {**body, "date": tomorrow}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"


def test_a_sales_row_is_created_then_updated_by_its_key(world, reg):
    from duikou.consumption.models import Sale

    sale = Sale.objects.get(pk=world.ids["dulan"]["sale"])
    client = api(token_for(reg.hq))
    row = {
        "date": "2024-03-01",
        "is_month": True,
        "channel": sale.channel_id,
        "product": sale.product_id,
        "sold": "880.50",
    }
    r = client.post(BASE + "/sales/", row, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["created"] is True and r.json()["sale"]["sold"] == "880.50"
    r = client.post(BASE + "/sales/", {**row, "sold": "990"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["created"] is False
    assert str(Sale.objects.get(pk=r.json()["sale"]["id"]).sold) == "990.00"
    r = client.post(BASE + "/sales/", {**row, "channel": 10**9}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "channel"


def test_a_liaison_without_a_shop_cannot_enter_sales(world, reg):
    from duikou.consumption.models import Sale

    sale = Sale.objects.get(pk=world.ids["dulan"]["sale"])
    before = Sale.objects.count()
    row = {"date": "2024-03-01", "channel": sale.channel_id, "product": sale.product_id, "sold": 1}
    r = api(token_for(reg.liaison)).post(BASE + "/sales/", row, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "channel"
    assert Sale.objects.count() == before


# Figures ------------------------------------------------------------------------------------


def test_figures_are_computed_over_the_callers_scope(world, reg):
    hq = api(token_for(reg.hq)).get(BASE + "/figures/", {"year": 2023}).json()
    wulan = api(token_for(reg.wulan_team)).get(BASE + "/figures/", {"year": 2023}).json()
    assert hq["year"] == 2023
    assert hq["figures"]["projects"]["count"] > wulan["figures"]["projects"]["count"]


# Rate limit ---------------------------------------------------------------------------------


def test_past_the_rate_the_api_answers_429_with_retry_after(world, reg, settings):
    settings.DUIKOU_API_RATE = "3/m"
    secret = token_for(reg.hq)
    client = api(secret)
    assert [client.get(BASE + "/pairings/").status_code for _ in range(3)] == [200] * 3
    r = client.get(BASE + "/pairings/")
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= 60
    assert r.json()["detail"]
    # Counted per token: another token of another user is not held back.
    assert api(token_for(reg.viewer)).get(BASE + "/pairings/").status_code == 200


# Tokens -------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_only_its_hash_is_kept(reg, client_for):
    client = client_for(reg.liaison)
    r = client.post(reverse("api:tokens"), {"name": "医院 HIS"})
    assert r.status_code == 200
    secret = r.context["secret"]
    assert secret.startswith("dk_") and secret in r.content.decode()
    token = ApiToken.objects.get(user=reg.liaison)
    assert token.key_hash == api_services.hash_token(secret) and secret not in token.key_hash
    assert token.history.get().history_user == reg.liaison
    again = client.get(reverse("api:tokens"))
    assert secret not in again.content.decode() and token.prefix in again.content.decode()
    assert api(secret).get(BASE + "/projects/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_needs_a_name_and_the_number_is_capped(reg, client_for):
    client = client_for(reg.viewer)
    r = client.post(reverse("api:tokens"), {"name": "  "})
    assert r.status_code == 200 and r.context["secret"] is None
    assert not ApiToken.objects.exists()
    for i in range(api_services.MAX_ACTIVE_TOKENS):
        api_services.token_create(actor=reg.viewer, name=f"t{i}")
    r = client.post(reverse("api:tokens"), {"name": "one too many"})
    assert r.context["secret"] is None and "最多" in r.content.decode()


def test_only_the_owner_revokes_on_the_page_and_revoked_tokens_stop_working(reg, client_for):
    secret = token_for(reg.dulan_team)
    token = ApiToken.objects.get(user=reg.dulan_team)
    url = reverse("api:token_revoke", args=[token.pk])
    assert client_for(reg.wulan_team).post(url).status_code == 404
    assert client_for(reg.hq).post(url).status_code == 404  # headquarters revoke in the admin
    assert api(secret).get(BASE + "/pairings/").status_code == 200
    r = client_for(reg.dulan_team).post(url)
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == reg.dulan_team
    assert token.history.count() == 2
    assert api(secret).get(BASE + "/pairings/").status_code == 401


def test_headquarters_revoke_any_token_in_the_admin(reg, client_for):
    secret = token_for(reg.liaison)
    token = ApiToken.objects.get(user=reg.liaison)
    client = client_for(reg.hq)
    r = client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == reg.hq
    assert api(secret).get(BASE + "/pairings/").status_code == 401
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash not in page


def test_the_docs_page_serves_vendored_swagger_without_inline_script(reg, client_for):
    r = client_for(reg.viewer).get(reverse("api:docs"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "vendor/swagger-ui-5.31.0/swagger-ui-bundle.min.js" in html
    assert "cdn" not in html.lower()
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "script-src 'self'" in r["Content-Security-Policy"]
    assert Client().get(reverse("api:docs")).status_code == 302


def test_paging_past_any_table_is_refused_not_a_server_error(world, reg):
    """The fuzz run's case: an offset of 10^23 overflowed the database's integer (a 500); now
    both bounds are in the schema and a request past them is a 422 naming the field."""
    client = api(token_for(reg.hq))
    r = client.get(BASE + "/deals/", {"offset": "99999999999999999999999"})
    assert r.status_code == 422 and "offset" in r.content.decode()
    r = client.get(BASE + "/deals/", {"limit": 501})
    assert r.status_code == 422 and "limit" in r.content.decode()
    assert client.get(BASE + "/deals/", {"offset": 10**9}).status_code == 200


@pytest.mark.parametrize("path", ["/organisations/", "/projects/", "/deals/", "/demands/"])
def test_a_nul_byte_in_a_text_parameter_is_refused_not_a_server_error(world, reg, path):
    """PostgreSQL refuses a NUL in a query (the fuzz run's q='\\x00'): a 422 naming the field."""
    r = api(token_for(reg.hq)).get(BASE + path, {"q": "都兰\x00"})
    assert r.status_code == 422 and '"q"' in r.content.decode()
    assert api(token_for(reg.hq)).get(BASE + path, {"q": "都兰"}).status_code == 200


def test_a_password_reset_by_headquarters_stops_the_users_tokens_until_changed(world, reg):
    token = token_for(reg.liaison)
    assert api(token).get(BASE + "/demands/").status_code == 200
    User.objects.filter(pk=reg.liaison.pk).update(must_change_password=True)
    assert api(token).get(BASE + "/demands/").status_code == 401
    User.objects.filter(pk=reg.liaison.pk).update(must_change_password=False)
    assert api(token).get(BASE + "/demands/").status_code == 200
