"""The list paginator reads pages past the middle from the other end (core.viewutils.page_of):
the same rows as Django's Paginator, in the same order, without an OFFSET past half the list."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from duikou.accounts.models import Role, User
from duikou.core.viewutils import TailPaginator, page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    # Names that tie on full_name, so only the unique username makes the order total.
    User.objects.bulk_create(
        User(username=f"u{i:03d}", full_name=f"name {i % 4}", role=Role.VIEWER) for i in range(61)
    )
    return User.objects.filter(username__startswith="u")


def _offsets(queries) -> list[int]:
    return [int(m) for q in queries for m in re.findall(r"OFFSET (\d+)", q["sql"])]


@pytest.mark.parametrize("per_page,orphans", [(25, 0), (10, 0), (7, 3), (61, 0), (100, 0)])
def test_every_page_is_the_same_as_djangos(users, per_page, orphans):
    qs = users.order_by("-full_name", "username")
    plain = Paginator(qs, per_page, orphans=orphans)
    tail = TailPaginator(qs, per_page, orphans=orphans)
    assert tail.num_pages == plain.num_pages
    for n in plain.page_range:
        a, b = plain.page(n), tail.page(n)
        assert [u.username for u in b] == [u.username for u in a], n
        assert (b.start_index(), b.end_index(), b.has_next()) == (
            a.start_index(),
            a.end_index(),
            a.has_next(),
        )


def test_the_last_page_reads_from_the_other_end(users):
    qs = users.order_by("full_name", "pk")
    with CaptureQueriesContext(connection) as ctx:
        page = TailPaginator(qs, 25).page(3)
        rows = [u.username for u in page]
    assert len(rows) == 11
    assert rows == [u.username for u in qs[50:61]]
    # The rows came from the first 11 of the reversed order, not from after 50 skipped ones.
    assert all(offset < 50 for offset in _offsets(ctx.captured_queries))
    assert any("DESC" in q["sql"] for q in ctx.captured_queries)


def test_an_order_that_is_not_total_pages_as_django_does(users):
    qs = users.order_by("full_name")  # ties: the reversed order would not mirror it
    with CaptureQueriesContext(connection) as ctx:
        page = TailPaginator(qs, 25).page(3)
        list(page)
    assert 50 in _offsets(ctx.captured_queries)


def test_page_of_takes_the_page_from_the_query_string(users):
    request = RequestFactory().get("/", {"page": "99"})  # past the end: the last page
    page = page_of(request, users.order_by("username"))
    assert page.number == 3
    assert [u.username for u in page] == [f"u{i:03d}" for i in range(50, 61)]
    junk = page_of(RequestFactory().get("/", {"page": "x"}), users.order_by("username"))
    assert junk.number == 1


def test_a_count_already_known_is_not_asked_again(users):
    qs = users.order_by("username")
    with CaptureQueriesContext(connection) as ctx:
        page = page_of(RequestFactory().get("/", {"page": "3"}), qs, count=61)
        rows = [u.username for u in page]
    assert rows == [f"u{i:03d}" for i in range(50, 61)]
    assert len(ctx.captured_queries) == 1
    assert "COUNT(" not in ctx.captured_queries[0]["sql"].upper()
