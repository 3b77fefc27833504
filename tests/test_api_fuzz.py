"""Schema-driven fuzzing of the JSON API: Hypothesis draws every GET operation's query parameters
from the OpenAPI schema (valid ones, out-of-range ones and junk strings) and posts junk bodies
to the writes; no answer may be a server error."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duikou.api import services as api_services
from tests.security.world import AttackWorld
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.sweep,
    pytest.mark.usefixtures("field_key"),
]

BASE = "/api/v1"
JUNK = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "99999999999999999999999",
        "1e9",
        "null",
        "'; DROP",
        "%00",
        "都兰",
        "\u2028",
    ]
)


def _value(param_schema: dict) -> st.SearchStrategy:
    """A value for a parameter: mostly of its declared type (in and out of range), some junk."""
    types = {s.get("type") for s in param_schema.get("anyOf", [param_schema])}
    typed: list[st.SearchStrategy] = [JUNK, st.text(max_size=30)]
    if "integer" in types:
        typed.append(st.integers(min_value=-(2**64), max_value=2**64))
        lo, hi = param_schema.get("minimum"), param_schema.get("maximum")
        for s in param_schema.get("anyOf", []):
            lo, hi = s.get("minimum", lo), s.get("maximum", hi)
        if lo is not None and hi is not None:
            typed.append(st.integers(min_value=lo, max_value=hi))
    if "boolean" in types:
        typed.append(st.sampled_from(["true", "false", "1", "0", "yes"]))
    return st.one_of(*typed)


def _operations() -> list[tuple[str, list[dict]]]:
    doc = json.loads(Client().get(BASE + "/openapi.json").content)
    return [
        (path, ops["get"].get("parameters", []))
        for path, ops in doc["paths"].items()
        if "get" in ops and path != BASE + "/openapi.json"
    ]


@pytest.fixture
def hq_client(reg, settings_, tmp_path):
    settings_.MEDIA_ROOT = tmp_path / "uploads"
    settings_.DUIKOU_API_RATE = "1000000/h"
    world = AttackWorld(reg)
    secret = api_services.token_create(actor=reg.hq, name="fuzz")[1]
    return Client(headers={"Authorization": "Bearer " + secret}), world


@pytest.fixture
def settings_(settings):
    return settings


def test_no_get_parameter_makes_a_server_error(hq_client):
    client, world = hq_client
    cache.clear()
    failures: list[str] = []
    for path, parameters in _operations():
        query = [p for p in parameters if p["in"] == "query"]
        params = st.fixed_dictionaries(
            {}, optional={p["name"]: _value(p.get("schema", {})) for p in query}
        )
        pk = st.one_of(
            st.sampled_from([world.ids["dulan"]["project"], world.ids["dulan"]["org"]]),
            st.integers(min_value=0, max_value=2**63 - 1),
        )

        _probe_get(client, path, params, pk, failures)()
    assert not failures, failures


def _probe_get(client, path, params, pk, failures):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=params, pk=pk)
    def probe(params, pk):
        url = path.replace("{pk}", str(pk))
        r = client.get(url, params)
        if r.status_code >= 500:
            failures.append(f"GET {url} {params}: {r.status_code}")
        assert r.status_code in (200, 302, 400, 404, 422), (url, params, r.status_code)

    return probe


BODY = st.dictionaries(
    st.sampled_from(
        [
            "date",
            "type",
            "source",
            "amount",
            "voucher",
            "note",
            "progress",
            "text",
            "channel",
            "product",
            "supplier",
            "is_month",
            "sold",
            "ordered",
        ]
    ),
    st.one_of(
        JUNK,
        st.integers(min_value=-(2**70), max_value=2**70),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(str),
        st.booleans(),
        st.none(),
        st.text(max_size=400),
    ),
)


def test_no_body_makes_a_server_error_on_the_writes(hq_client):
    client, world = hq_client
    cache.clear()
    pk = world.ids["dulan"]["project"]
    paths = [f"{BASE}/projects/{pk}/flows/", f"{BASE}/projects/{pk}/reports/", f"{BASE}/sales/"]

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=st.sampled_from(paths), body=BODY)
    def probe(path, body):
        r = client.post(path, json.dumps(body), content_type="application/json")
        assert r.status_code in (200, 201, 400, 403, 404, 422), (path, body, r.status_code)

    probe()
