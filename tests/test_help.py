"""使用帮助: a page per area, for every signed-in user, linked from each page's top bar to the
help of that page's area; every link in the help leads somewhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from duikou.core import help as help_areas

pytestmark = pytest.mark.django_db

SLUGS = [
    "projects",
    "people",
    "orders",
    "investment",
    "consumption",
    "exchanges",
    "import",
    "reports",
]


def test_there_is_a_page_per_area():
    assert [a.slug for a in help_areas.AREAS] == SLUGS
    assert [str(a.title) for a in help_areas.AREAS] == [
        "项目与资金", "干部人才", "点单与排班", "招商", "消费帮扶", "交流", "数据导入", "报告",
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["hq", "dulan_team", "liaison", "doctor", "viewer"])
def test_every_user_reads_every_help_page(reg, client_for, who):
    c = client_for(getattr(reg, who))
    index = c.get(reverse("core:help")).content.decode()
    assert "遇到问题找谁" in index
    for slug in SLUGS:
        assert f'href="/help/{slug}/"' in index
        response = c.get(reverse("core:help_area", args=[slug]))
        assert response.status_code == 200, slug
        assert "找谁" in response.content.decode(), slug


def test_signed_out_users_are_sent_to_sign_in_and_unknown_areas_are_404(reg, client_for):
    assert Client().get("/help/").status_code == 302
    assert Client().get("/help/projects/").status_code == 302
    assert client_for(reg.hq).get("/help/nowhere/").status_code == 404


def test_the_import_help_explains_the_excel_exchange(reg, client_for):
    body = client_for(reg.liaison).get("/help/import/").content.decode()
    for step in ("下载模板", "试导入", "错误标注工作簿", "撤销本次导入"):
        assert step in body, step


@pytest.mark.parametrize(
    ("page", "help_page"),
    [
        ("/projects/", "/help/projects/"),
        ("/projects/alerts/", "/help/projects/"),
        ("/projects/funds/", "/help/projects/"),
        ("/people/", "/help/people/"),
        ("/orders/", "/help/orders/"),
        ("/orders/stats/", "/help/orders/"),
        ("/investment/deals/", "/help/investment/"),
        ("/consumption/sales/", "/help/consumption/"),
        ("/consumption/stats/", "/help/consumption/"),
        ("/exchanges/", "/help/exchanges/"),
        ("/io/", "/help/import/"),
        ("/", "/help/reports/"),
        ("/reports/summary/", "/help/reports/"),
        ("/orgs/", "/help/"),
        ("/help/people/", "/help/people/"),
        ("/help/", "/help/"),
    ],
)
def test_each_page_links_to_the_help_of_its_area(reg, client_for, page, help_page):
    body = client_for(reg.hq).get(page).content.decode()
    link = re.search(r'<a href="([^"]+)" id="help-link"', body)
    assert link and link.group(1) == help_page


def test_every_link_in_the_help_leads_somewhere(reg, client_for):
    c = client_for(reg.hq)
    pages = ["/help/"] + [f"/help/{slug}/" for slug in SLUGS]
    links = set()
    for page in pages:
        body = c.get(page).content.decode()
        article = body[body.index('<article class="help-text">') :]
        links |= set(re.findall(r'href="(/[^"#]*)"', article))
    assert len(links) > 20
    for url in sorted(links):
        assert c.get(url).status_code == 200, url


def test_the_help_is_in_english_too(reg, client_for):
    c = client_for(reg.liaison)
    c.cookies["django_language"] = "en"
    for page in ["/help/"] + [f"/help/{slug}/" for slug in SLUGS]:
        body = c.get(page).content.decode()
        article = body[body.index('<article class="help-text">') : body.index("</article>")]
        text = re.sub(r"<[^>]+>", " ", article)
        # Chinese left only in names of things (a sample 都兰, 海西 …), never a whole sentence.
        assert not re.search(r"[\u4e00-\u9fff]{12,}", text), (page, text[:300])
        assert "Help" in body
