"""The public portal (/public/) as an anonymous visitor: every page it links to is walked and
must show no ID number, no phone, no name of a posted person or a named participant, no
unpublished project, no alert, note or evidence file; every other URL of the platform sends
the visitor to sign in; only the portal's views are open (`public_view`), and only under
/public/."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from duikou.core.vocab import ProjectCategory
from duikou.lib.checkdigits import is_valid_uscc
from duikou.lib.masking import ID_LIKE, MOBILE_LIKE
from duikou.projects import services as project_services
from duikou.projects.alerts import compute_alerts
from duikou.projects.models import Project
from duikou.reports import figures, views_public
from tests.security.test_attack_suite import API_NAMESPACE, PUBLIC
from tests.security.urlconf import routes
from tests.test_people_common import (
    field_key,  # noqa: F401 - fixture
    person,
    posting,
)
from tests.test_projects_views import World as ProjectsWorld
from tests.test_projects_views import make

PREFIX = "/public/"
PUBLIC_NAMES = {"public:home", "public:projects", "public:sales", "public:events", "public:iati"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def walk(client, years) -> dict[str, str]:
    """Every /public/ page reachable from the portal's pages of each year (links followed,
    each filter value of the project list added): {url: body}."""
    start = [f"{PREFIX}?{urlencode({'year': y})}" for y in years]
    for y in years:
        start += [
            f"{reverse('public:projects')}?{urlencode({'year': y, 'category': c})}"
            for c in ProjectCategory.values
        ]
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < 600:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        seen[url] = body
        parser = _Links()
        parser.feed(body)
        for href in parser.links:
            full = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(full)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith(PREFIX) and not parts.path.endswith(".xml"):
                queue.append(path)
    return seen


def _personal_numbers(body: str) -> list[str]:
    ids = [m for m in ID_LIKE.findall(body) if not is_valid_uscc(m)]
    return ids + MOBILE_LIKE.findall(body)


def check_pages(pages: dict[str, str], *, names, hidden_projects, alerts, notes) -> None:
    failures = []
    for url, body in pages.items():
        text = re.sub(r"<[^>]+>", " ", body)
        if found := _personal_numbers(body):
            failures.append(f"{url}: personal numbers {found[:3]}")
        failures += [f"{url}: person {n}" for n in names if n in text]
        failures += [f"{url}: unpublished project {p}" for p in hidden_projects if p in text]
        failures += [f"{url}: alert “{a}”" for a in alerts if a in text]
        failures += [f"{url}: note “{n}”" for n in notes if n and n in text]
        for marker in ("/projects/file/", "/exchanges/photo", "evidence", "/people/"):
            if marker in body:
                failures.append(f"{url}: link into the platform {marker}")
        for staff in ('class="mainnav"', "退出登录", "csrfmiddlewaretoken"):
            if staff in body:
                failures.append(f"{url}: staff page element {staff}")
    assert not failures, "\n".join(failures[:30])


# A small world: published and unpublished projects, a person, an event with a participant ----


@pytest.fixture
def world(reg, db, field_key):  # noqa: F811 - the fixture imported above
    from duikou.exchanges import services as exchanges_services

    projects = ProjectsWorld(reg)
    hidden = make(reg, "DL-HIDE", name="都兰县内部储备试点项目", aid_amount=Decimal("3000000"))
    secret = make(reg, "WL-SECRET", county=reg.wulan, name="乌兰县未公开在建项目", status="立项")
    project_services.project_update(actor=reg.hq, project=secret, is_public=False)
    late = make(reg, "DL-LATE", status="立项", planned_start=dt.date(2023, 1, 1))
    project_services.flow_record(
        actor=None,
        project=projects.dulan,
        date=dt.date(2023, 4, 1),
        type="支出",
        source="援助资金",
        amount=Decimal("1000.00"),
        voucher="ZC-1",
        note="内部备注：凭证待补",
    )
    li = person(reg, name="李明")
    posting(reg, li)
    event = exchanges_services.event_create(
        actor=None,
        kind="夏令营",
        title="浙青少年夏令营",
        start_date=dt.date(2023, 7, 10),
        end_date=dt.date(2023, 7, 15),
        places=[reg.dulan],
        organisers=[reg.dulan_hospital],
        haixi_count=30,
        zhejiang_count=20,
        note="内部：住宿费用待结算",
    )
    exchanges_services.participant_add(
        actor=None, event=event, name="赵晓梅", side="海西", phone="13987654321"
    )
    return {
        "reg": reg,
        "hidden": [hidden.name, secret.name],
        "published": [projects.dulan.name, projects.wulan.name, late.name],
        "names": ["李明", "赵晓梅"],
        "notes": ["内部备注：凭证待补", "内部：住宿费用待结算"],
    }


@pytest.mark.django_db
def test_the_portal_shows_published_projects_and_nothing_private(world, client):
    pages = walk(client, views_public._years())
    assert len(pages) > 20
    alerts = [a.message for a in compute_alerts(Project.objects.all())]
    assert alerts
    check_pages(
        pages,
        names=world["names"],
        hidden_projects=world["hidden"],
        alerts=alerts,
        notes=world["notes"],
    )
    listing = pages[f"{reverse('public:projects')}?{urlencode({'year': 2023, 'category': '教育'})}"]
    for name in world["published"]:
        assert name in listing
    assert "浙青少年夏令营" in pages[f"{reverse('public:events')}?year=2023"]


@pytest.mark.django_db
def test_public_figures_count_published_projects_only(world, client):
    public = figures.compute(2023, public=True)
    everything = figures.compute(2023)
    assert everything["projects"]["count"] == public["projects"]["count"] + 2
    assert public["projects"]["count"] == 3
    home = client.get(reverse("public:home"), {"year": 2023}).content.decode()
    assert f'id="pub-projects">{public["projects"]["count"]}<' in home
    # Unpublished money stays out of the public sums (the hidden project has 300 万元).
    assert Decimal(everything["projects"]["aid"]) - Decimal(public["projects"]["aid"]) == Decimal(
        "3000000"
    ) + Decimal("1000000")
    with pytest.raises(ValueError):
        figures.compute(2023, user=world["reg"].hq, public=True)


@pytest.mark.django_db
def test_a_project_is_public_once_out_of_reserve_and_headquarters_decides(reg, client_for):
    from django.core.exceptions import PermissionDenied

    reserve = make(reg, "DL-R1")
    assert reserve.is_public is False
    assert make(reg, "DL-B1", status="立项").is_public is True
    approved = project_services.project_transition(actor=reg.hq, project=reserve, to_status="立项")
    assert approved.is_public is True
    with pytest.raises(PermissionDenied):
        project_services.project_update(actor=reg.dulan_team, project=approved, is_public=False)
    hidden = project_services.project_update(actor=reg.hq, project=approved, is_public=False)
    assert hidden.is_public is False
    assert hidden.history.first().is_public is False
    # The form offers the flag to headquarters only.
    edit = reverse("projects:project_edit", args=[reserve.pk])
    assert 'name="is_public"' in client_for(reg.hq).get(edit).content.decode()
    assert 'name="is_public"' not in client_for(reg.dulan_team).get(edit).content.decode()


@pytest.mark.django_db
def test_headquarters_publishes_through_the_project_form(reg, client_for):
    project = make(reg, "DL-F1")
    client = client_for(reg.hq)
    form = client.get(reverse("projects:project_edit", args=[project.pk])).context["form"]
    data = {
        k: ("" if v is None else getattr(v, "pk", v))
        for k, v in form.initial.items()
        if k in form.fields
    }
    data.update(is_public="on", county=reg.dulan.pk)
    response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.is_public is True


# Everything else is behind the sign-in -------------------------------------------------------


def _fill(route) -> list:
    values = {"kind": "evidence", "year": "2023", "app_label": "auth"}
    return [values.get(a, "1") for a in route.args]


# The sign-in pages of the admin are its own door (the platform's are in PUBLIC).
ADMIN_DOORS = {"admin:login", "admin:logout"}


@pytest.mark.django_db
def test_every_other_url_sends_an_anonymous_visitor_to_sign_in(reg, client):
    checked = api_refusals = 0
    failures = []
    for route in routes():
        if route.name in PUBLIC or route.name in PUBLIC_NAMES or route.name in ADMIN_DOORS:
            continue
        try:
            url = reverse(route.name, args=_fill(route))
        except Exception:
            url = None
        if url is None:
            failures.append(f"{route.name}: no URL to try")
            continue
        response = client.get(url)
        checked += 1
        if route.name.startswith(API_NAMESPACE):
            # The JSON API answers in JSON, not with the sign-in page: 401 for its data, 405 for a
            # write asked by GET; only its schema (no records) is open (tests/test_api.py).
            allowed = {200} if route.name == "api-v1:openapi-json" else {401, 404, 405}
            if response.status_code not in allowed:
                failures.append(f"{route.name} {url}: {response.status_code}")
            api_refusals += response.status_code == 401
            continue
        login = "/admin/login/" if route.name.startswith("admin:") else reverse("accounts:login")
        if response.status_code != 302 or not response["Location"].startswith(login):
            failures.append(f"{route.name} {url}: {response.status_code}")
    assert checked > 150 and api_refusals > 10
    assert not failures, failures


def test_only_the_portals_views_are_open_and_only_under_public():
    open_views = []

    def visit(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                visit(p.url_patterns, prefix + str(p.pattern))
            else:
                if getattr(p.callback, "public", False):
                    open_views.append((prefix + str(p.pattern), p.name))

    visit(get_resolver().url_patterns)
    assert {name for _path, name in open_views} == {n.split(":")[1] for n in PUBLIC_NAMES}
    assert all(path.startswith("public/") for path, _name in open_views)
    names = {r.name for r in routes() if r.name.startswith("public:")}
    assert names == PUBLIC_NAMES
    assert PUBLIC_NAMES <= PUBLIC


@pytest.mark.django_db
def test_the_portal_refuses_writes_and_junk(reg, client):
    for name in sorted(PUBLIC_NAMES - {"public:iati"}):
        assert client.post(reverse(name)).status_code == 405
        for junk in ("", "abc", "-1", "9" * 5000, "\x00", "' OR 1=1 --"):
            params = {"year": junk, "category": junk, "county": junk, "page": junk}
            assert client.get(reverse(name), params).status_code == 200, (name, junk)


@pytest.mark.django_db
def test_the_iati_file_holds_the_published_projects_only(
    reg, client, django_capture_on_commit_callbacks
):
    """The portal's IATI file: the year's published projects; unpublished ones never; a year
    with none published offers no file (the link is left out, the URL answers 404)."""
    make(reg, "DL-OPEN", status="立项")
    secret = make(reg, "WL-SECRET", county=reg.wulan, name="乌兰县未公开在建项目", status="立项")
    project_services.project_update(actor=reg.hq, project=secret, is_public=False)
    make(reg, "DL-RESERVE")  # 储备: unpublished by default
    response = client.get(reverse("public:iati", args=[2023]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    body = response.content.decode()
    assert "DL-OPEN" in body
    assert "WL-SECRET" not in body and "乌兰县未公开在建项目" not in body
    assert "DL-RESERVE" not in body
    assert 'id="iati-link"' in client.get(reverse("public:home"), {"year": 2023}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # withdrawn: the portal's cache too
        project_services.project_update(
            actor=reg.hq, project=Project.objects.get(code="DL-OPEN"), is_public=False
        )
    assert client.get(reverse("public:iati", args=[2023])).status_code == 404
    page = client.get(reverse("public:home"), {"year": 2023}).content.decode()
    assert 'id="iati-link"' not in page
    assert client.get(reverse("public:iati", args=[1999])).status_code == 404


def test_the_checker_catches_what_it_looks_for():
    """The walk's assertions can fail: each kind of leak in a page is reported."""
    cases = {
        "电话 13812345678": "personal numbers",
        "身份证 632802198506151239": "personal numbers",
        "负责人 李明": "person",
        "乌兰县未公开在建项目": "unpublished project",
        "计划 2023-01-01 开工，已过": "alert",
        "内部备注": "note",
        '<a href="/projects/file/evidence/1/">': "link into the platform",
        '<ul class="mainnav">': "staff page element",
    }
    for body, what in cases.items():
        with pytest.raises(AssertionError, match=what):
            check_pages(
                {"/public/": body},
                names=["李明"],
                hidden_projects=["乌兰县未公开在建项目"],
                alerts=["计划 2023-01-01 开工，已过"],
                notes=["内部备注"],
            )
    check_pages(
        {"/public/": "<p>都兰县 3 个项目</p>"},
        names=["李明"],
        hidden_projects=[],
        alerts=[],
        notes=[],
    )


@pytest.mark.django_db
def test_the_portal_caches_its_aggregates_until_a_project_is_withdrawn(
    reg, client, settings, django_capture_on_commit_callbacks
):
    settings.DUIKOU_PUBLIC_CACHE_SECONDS = 300
    make(reg, "DL-OPEN", status="立项")
    url = reverse("public:projects") + "?year=2023"
    assert "DL-OPEN" in client.get(url).content.decode()
    assert "数据每 5 分钟更新一次" in client.get(reverse("public:home")).content.decode()
    with CaptureQueriesContext(connection) as queries:  # the aggregates come from the cache
        client.get(url)
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "projects_" in q["sql"]]
    make(reg, "DL-LATER", status="立项")  # a new figure may wait for the cache's minutes …
    assert "DL-LATER" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # … a withdrawn project never does
        project_services.project_update(
            actor=reg.hq, project=Project.objects.get(code="DL-OPEN"), is_public=False
        )
    page = client.get(url).content.decode()
    assert "DL-OPEN" not in page and "DL-LATER" in page
    settings.DUIKOU_PUBLIC_CACHE_SECONDS = 0
    assert "数据每" not in client.get(reverse("public:home")).content.decode()
