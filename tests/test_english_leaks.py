"""English that reached users: the reference vocabulary's editor's notes ("高原病科 (非名录,
local)"), django-tasks' results in the admin, and /favicon.ico."""

from __future__ import annotations

import pytest
from django.test import Client

from duikou.core import reference
from duikou.orders import skills


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("高原病科 (非名录, local)", "高原病科"),
        ("县级市 (since 2018)", "县级市"),
        ("重症医学科 (ICU)", "重症医学科 (ICU)"),  # an acronym gloss stays
        ("英语 (外语)", "英语 (外语)"),
        ("医学影像科 (放射/超声)", "医学影像科 (放射/超声)"),
        ("神经内科", "神经内科"),
    ],
)
def test_reference_names_lose_the_editors_notes(name, shown):
    assert reference.display_name(name) == shown


def test_no_department_or_skill_shows_an_english_note():
    names = [d["name"] for d in reference.hospital_departments()]
    names += [s["name"] for s in reference.school_subjects()] + skills.skills()
    assert "高原病科" in names
    assert not [n for n in names if "非名录" in n or "local" in n]
    assert skills.field_of("高原病科") == "医疗"
    # The contract copy itself is untouched.
    raw = [d["name"] for d in reference.facts()["hospital_departments"]]
    assert "高原病科 (非名录, local)" in raw


def test_the_department_vocabulary_on_an_organisation_page_is_chinese(reg, client_for):
    body = client_for(reg.hq).get(reg.dulan_hospital.get_absolute_url()).content.decode()
    assert '<option value="高原病科">' in body and "local" not in body


def test_a_demand_saved_under_the_old_spelling_is_renamed(reg):
    import importlib

    from django.apps import apps

    from duikou.orders.models import Demand

    demand = Demand.objects.create(
        organisation=reg.prefecture_hospital,
        skill="高原病科 (非名录, local)",
        service_kind="讲座",
        days=2,
        earliest_start="2026-01-05",
        latest_end="2026-02-05",
    )
    migration = importlib.import_module("duikou.orders.migrations.0004_skill_without_editors_note")
    migration.forwards(apps, None)
    demand.refresh_from_db()
    assert demand.skill == "高原病科"


def test_the_task_results_in_the_admin_are_chinese(reg, client_for):
    from django_tasks_db.models import DBTaskResult, get_date_max

    result = DBTaskResult.objects.create(
        task_path="duikou.reports.tasks.build_summary",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    c = client_for(reg.hq)
    index = c.get("/admin/").content.decode()
    assert "后台任务" in index and "任务结果" in index
    assert "Tasks Database Backend" not in index and "Task Results" not in index
    listing = c.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    for column in ("任务", "状态", "排队时间", "开始时间", "完成时间", "优先级", "队列"):
        assert column in listing, column
    assert "等待运行" in listing  # the status
    assert "Enqueued at" not in listing and "Queue name" not in listing and "Ready" not in listing
    detail = c.get(f"/admin/django_tasks_database/dbtaskresult/{result.pk}/change/").content
    assert "错误追踪" in detail.decode() and "最早运行时间" in detail.decode()


def test_favicon_ico_leads_to_the_icon_for_anyone(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response.url.endswith("/favicon.svg")
    assert Client().get(response.url).status_code in (200, 404)  # static files: whitenoise
