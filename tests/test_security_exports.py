"""The attack suite's export sweep and no-store sweep over the demo (issue 10, rows 2 and 11):
every download in xlsx and CSV with every free text turned into a formula, and every private
page. The demo is loaded once for this module (its own module: a module-scoped fixture)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client, override_settings

from duikou.accounts.models import User
from tests.test_security_files import (
    DOWNLOAD_WORDS,
    NOT_SPREADSHEETS,
    PAYLOADS,
    _csv_problems,
    _url_names,
    _xlsx_problems,
)


def _mangle() -> int:
    """Give every free text field of the ledgers and the registry a formula-like value."""

    skip_fields = {"password", "username", "email", "id_hash", "task_id", "code"}
    changed = 0
    for label in ("core", "projects", "people", "orders", "investment", "consumption", "exchanges"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") or model._meta.proxy:
                continue
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
                and not f.choices
                and not f.primary_key
                and f.name not in skip_fields
                and not f.name.endswith(("_cipher", "_hash", "_key"))
            ]
            if not fields:
                continue
            for i, pk in enumerate(model._default_manager.values_list("pk", flat=True)):
                payload = PAYLOADS[i % len(PAYLOADS)]
                # The record's id after the first character: unique, and still formula-like.
                text = f"{payload[0]}{pk}{payload[1:]}"
                values = {f.name: text[: f.max_length or None] for f in fields}
                model._default_manager.filter(pk=pk).update(**values)
                changed += 1
    return changed


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (orders too: demands, visits), its free text turned into formulas."""
    from duikou.demo.loader import load_demo

    media = tmp_path_factory.mktemp("media")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        load_demo()
        assert _mangle() > 100
        yield
        transaction.set_rollback(True)


def _hq() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="hq"))
    return client


def _error_batch(client: Client) -> int:
    """An import with errors whose error workbook carries the payloads (a CSV and an xlsx)."""
    from duikou.exchange_io.models import ImportBatch

    header = "项目编号*,项目名称*,年度*,类别*\n"
    body = "".join(f'X-{i},"{p}",2023,不存在的类别\n' for i, p in enumerate(PAYLOADS))
    data = (header + body).encode("utf-8")
    response = client.post("/io/", {"file": SimpleUploadedFile("bad.csv", data, "text/csv")})
    assert response.status_code == 302, response.content[:500]
    batch = ImportBatch.objects.latest("pk")
    assert batch.error_file, batch.message
    return batch.pk


@pytest.mark.sweep
@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_every_export_neutralises_formula_text(tmp_path):
    client = _hq()
    batch = _error_batch(client)
    from duikou.exchange_io import specs
    from duikou.orders.models import PlanningRun

    run = PlanningRun.objects.order_by("pk").last()
    xlsx = {
        "core:organisation_export": ["/orgs/export.xlsx"],
        "core:pairing_export": ["/pairings/export.xlsx"],
        "projects:project_export": ["/projects/export.xlsx"],
        "projects:flow_export": ["/projects/flows/export.xlsx"],
        "people:person_export": ["/people/export.xlsx"],
        "orders:demand_export": ["/orders/export.xlsx"],
        "orders:visit_export": ["/orders/visits/export.xlsx"]
        + ([f"/orders/visits/export.xlsx?run={run.pk}"] if run else []),
        "exchange_io:template_all": ["/io/templates/all.xlsx"],
        "exchange_io:template": [f"/io/templates/{s.name}.xlsx" for s in specs.ordered()],
        "exchange_io:batch_errors": [f"/io/batches/{batch}/errors.xlsx"],
        "investment:enterprise_export": ["/investment/enterprises/export.xlsx"],
        "investment:policy_export": ["/investment/policies/export.xlsx"],
        "investment:deal_export": ["/investment/deals/export.xlsx"],
        "exchanges:event_export": ["/exchanges/export.xlsx", "/exchanges/export.xlsx?year=2023"],
        "reports:workbook_download": [
            "/reports/workbook.xlsx?year=2023",
            "/reports/workbook.xlsx?year=2027&quarter=1",  # the orders demo's demands
        ],
        "consumption:sale_export": ["/consumption/sales/export.xlsx?year=2023"],
    }
    csvs = {
        "investment:enterprise_export": ["/investment/enterprises/export.csv"],
        "investment:deal_export": ["/investment/deals/export.csv"],
        "consumption:sale_export": ["/consumption/sales/export.csv?year=2023"],
        "projects:project_export": ["/projects/export.csv"],
        "projects:flow_export": ["/projects/flows/export.csv"],
    }
    # A large export, built in the background (every list export goes that way above the
    # threshold): its file is checked like the others.
    from django.test import override_settings

    from duikou.exchange_io.models import ExportJob

    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(DUIKOU_EXPORT_INLINE_ROWS=-1, TASKS=immediate):
        job_urls = []
        for url in ("/projects/flows/export.xlsx", "/people/export.xlsx", "/orders/export.xlsx"):
            before = set(ExportJob.objects.values_list("pk", flat=True))
            assert client.get(url).status_code == 302, url
            (job,) = ExportJob.objects.exclude(pk__in=before)
            assert job.status == ExportJob.Status.DONE, job.message
            job_urls.append(f"/io/exports/{job.pk}/download/")
    xlsx["exchange_io:export_download"] = job_urls
    downloads = {n for n in _url_names() if any(w in n for w in DOWNLOAD_WORDS)}
    assert downloads == set(xlsx) | set(NOT_SPREADSHEETS), "list the new download here"
    checked, payload_cells = 0, 0
    for name, urls in xlsx.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            content = b"".join(response) if response.streaming else response.content
            bad, seen = _xlsx_problems(content)
            assert not bad, (url, bad[:5])
            if name not in ("exchange_io:template",):
                assert seen, f"{url}: no formula-like text exported: is the test data there?"
            payload_cells += seen
            checked += 1
    # The unmasked people export (headquarters, with a reason) too.
    response = client.post("/people/export.xlsx", {"reason": "核对名单", "query": ""})
    assert response.status_code == 200
    bad, seen = _xlsx_problems(response.content)
    assert not bad and seen
    checked += 1
    for urls in csvs.values():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200
            bad, seen = _csv_problems(b"".join(response.streaming_content))
            assert not bad, (url, bad[:5])
            assert seen, url
            checked += 1
    print(f"exports checked: {checked}, formula-like cells neutralised: {payload_cells}")
    assert checked >= 17


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_people_pages_and_exports_are_never_stored():
    from duikou.people.models import Achievement, Person, Posting

    client = _hq()
    person = Person.objects.order_by("pk").first()
    posting = Posting.objects.order_by("pk").first()
    urls = [
        "/people/",
        "/people/coverage/",
        f"/people/{person.pk}/",
        f"/people/postings/{posting.pk}/",
        "/people/trainings/",
        "/people/achievements/",
        "/people/access-log/",
        "/people/batches/",
        "/people/export.xlsx",
        "/me/",
        "/projects/export.csv",
        "/projects/flows/export.xlsx",
        "/orgs/export.xlsx",
        "/pairings/export.xlsx",
        "/orders/export.xlsx",
        "/orders/visits/export.xlsx",
        "/io/templates/all.xlsx",
        "/exchanges/export.xlsx",
        "/",
        "/projects/",
    ]
    assert Achievement.objects.exists()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
