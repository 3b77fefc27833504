"""The planning pages in plain words (issue 14): the run form's dates, the run page that leads
with 满足率 and names people and places (never the planner's ids), the assignment list once,
the manual edits' expert lists with the demand's skill first, and the demand form's searchable
preferred-experts checkboxes."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import re

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

import duikou
from duikou.orders import planning_data, runs
from duikou.orders.forms_runs import RunForm, next_quarter
from duikou.orders.models import Demand, PlanEdit, RunStatus
from tests import test_orders_runs as base
from tests.test_orders_demands import MA_ID, form_data
from tests.test_orders_demands import expert as person_expert
from tests.test_orders_runs_common import PS
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("field_key")

# the planning fixtures of test_orders_runs: its records, a finished run, a run to edit
EDIT_INSTANCE, EDIT_PLAN = base.EDIT_INSTANCE, base.EDIT_PLAN
immediate_tasks, records = base.immediate_tasks, base.records
done_run, edit_run = base.done_run, base.edit_run

#: a planner id as the instance writes them: D12 (demand), E7 (expert), O3 (site)
LONG_TOKEN = re.compile(r"[A-Za-z0-9]{32,}")
PLANNER_ID = re.compile(r"(?<![A-Za-z0-9_])[DEO]\d+(?![0-9])")


def page(client, run) -> str:
    response = client.get(reverse("orders:run_detail", args=[run.pk]))
    assert response.status_code == 200
    # The CSRF token (64 random letters and digits) can begin "D1…"; it is no planner id.
    return LONG_TOKEN.sub("", response.content.decode())


# Dates -----------------------------------------------------------------------------------------


def test_the_run_form_renders_its_dates_as_iso_for_the_browser(reg, client_for):
    start, end = next_quarter(timezone.localdate())
    html = client_for(reg.hq).get(reverse("orders:run_list")).content.decode()
    # a type=date input takes only yyyy-mm-dd: “2027/01/01” (zh-hans's input format) reads blank
    assert f'type="date" name="period_start" value="{start.isoformat()}"' in html
    assert f'type="date" name="period_end" value="{end.isoformat()}"' in html
    assert "/" not in re.search(r'name="period_start" value="([^"]*)"', html).group(1)


def test_a_refused_run_form_keeps_the_dates_typed(reg, records, client_for):
    r = client_for(reg.hq).post(
        reverse("orders:run_create"),
        {"period_start": "2026-06-30", "period_end": "2026-04-01", "time_limit": 10, "max_days": 5},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert 'value="2026-06-30"' in html and 'value="2026-04-01"' in html
    assert "不能早于" in html


def _form_classes():
    for info in pkgutil.walk_packages(duikou.__path__, "duikou."):
        if ".migrations" in info.name or not info.name.rsplit(".", 1)[-1].startswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_input_of_the_project_speaks_iso():
    """The one date widget (core.forms.DateInput) everywhere: a `type=date` input whose value
    is in the locale's format is blank in the browser."""
    checked = 0
    day, month = dt.date(2027, 1, 1), dt.date(2027, 1, 1)
    with translation.override("zh-hans"):
        for cls in _form_classes():
            for name, field in cls.base_fields.items():
                widget = field.widget
                kind = getattr(widget, "input_type", None) or widget.attrs.get("type")
                if kind == "date":
                    checked += 1
                    assert widget.format_value(day) == "2027-01-01", (cls, name)
                elif kind == "month":
                    assert widget.format_value(month) == "2027-01", (cls, name)
    assert checked >= 20  # projects, people, orders, runs, investment, consumption, exchanges…
    assert RunForm.base_fields["period_start"].widget.input_type == "date"


# The run page ------------------------------------------------------------------------------------


def test_the_run_page_leads_with_the_share_served(reg, done_run, client_for):
    html = page(client_for(reg.hq), done_run)
    lead = html.index('id="plan-lead"')
    assert lead < html.index('id="plan-calendar"') < html.index('id="plan-assigned"')
    assert html.index('id="plan-assigned"') < html.index('id="plan-unserved"')
    served, total = done_run.progress_served, len(done_run.instance["demands"])
    rate = round(served / total * 100)
    assert html.index("满足率", lead) < html.index('id="plan-calendar"')
    assert f'id="lead-rate">{rate}%<' in html
    assert f"{total} 项需求中已安排 {served} 项" in html
    assert "无此专业的专家 1 项" in html  # the 眼科 demand, counted by reason in the lead
    # the score, bound and gap are details, folded away after everything a coordinator reads
    details = html.index('id="plan-details"')
    for detail in ("得分上界", 'id="plan-summary"', "路程天数", 'id="dl-instance"'):
        assert html.index(detail) > details, detail
    assert html.index('id="plan-unserved"') < details


def test_the_run_page_names_people_and_places_never_planner_ids(reg, done_run, client_for):
    html = page(client_for(reg.hq), done_run)
    assert PLANNER_ID.findall(html) == []
    assert "甲医生" in html and "都兰县人民医院 · 神经内科" in html
    # the downloads keep the contract's ids
    c = client_for(reg.viewer)
    inst = json.loads(c.get(reverse("orders:run_instance_json", args=[done_run.pk])).content)
    assert all(PLANNER_ID.fullmatch(d["id"]) for d in inst["demands"])
    plan = json.loads(c.get(reverse("orders:run_plan_json", args=[done_run.pk])).content)
    assert all(PLANNER_ID.fullmatch(a["demand"]) for a in plan["assignments"])


def test_the_edit_log_and_the_messages_name_demands(reg, edit_run, client_for):
    c = client_for(reg.hq)
    url = reverse("orders:run_edit", args=[edit_run.pk])
    r = c.post(url, {"action": "move", "demand": "1", "start": "2026-04-06"}, follow=True)
    html = LONG_TOKEN.sub("", r.content.decode())
    assert "已调整" in html
    edit = PlanEdit.objects.get()
    # D1 and D4 are both 都兰县人民医院 · 神经内科: the window tells them apart
    assert edit.detail.startswith("调整 都兰县人民医院 · 神经内科（窗口 4月1日–20日）")
    assert "甲医生" in edit.detail
    assert PLANNER_ID.findall(html) == []


def test_the_migration_takes_the_ids_out_of_old_edit_details(reg, edit_run):
    edit = PlanEdit.objects.create(
        run=edit_run,
        action="unassign",
        detail="取消指派 D12（都兰县人民医院 · 神经内科）（原为 甲医生 2026-04-04–2026-04-08）",
        score_before=1,
        score_after=0,
    )
    migration = importlib.import_module("duikou.orders.migrations.0003_plan_edit_details_by_name")
    migration.forwards(apps, None)
    edit.refresh_from_db()
    assert edit.detail == "取消指派 都兰县人民医院 · 神经内科（原为 甲医生 2026-04-04–2026-04-08）"


def test_the_assignment_list_shows_once(reg, done_run, client_for):
    c = client_for(reg.hq)
    html = page(c, done_run)
    assert html.count('id="assigned-table"') == 1
    assert html.count("甲医生</td>") + html.count("甲医生 <span") == 2  # 甲: two of three demands
    runs.run_confirm(actor=reg.hq, run=done_run)
    html = page(c, done_run)
    assert html.count('id="assigned-table"') == 1 and "已安排</td>" in html  # the visits, once
    assert html.count("甲医生</td>") + html.count("甲医生 <span") == 2
    assert 'id="lead-confirmed"' in html and 'id="run-visits"' not in html


def test_the_calendar_scrolls_in_its_box_with_week_ticks(reg, done_run, client_for):
    html = page(client_for(reg.hq), done_run)
    assert html.count('class="timeline-box"') == 2 and 'data-days="91"' in html
    assert '<span class="tick major"' in html and '<span class="tick"' in html  # months, weeks
    cal = planning_data.calendar(done_run, done_run.plan)
    titles = [b["title"] for row in cal["experts"] for lane in row["lanes"] for b in lane]
    assert titles and not [t for t in titles if PLANNER_ID.search(t)]
    assert all(row["lanes"] for row in cal["sites"])


def test_simultaneous_visits_at_one_site_get_their_own_lanes():
    bars = [{"left": 0, "width": 10}, {"left": 5, "width": 10}, {"left": 10, "width": 5}]
    lanes = planning_data.layout._lanes(bars)
    assert [[b["left"] for b in lane] for lane in lanes] == [[0, 10], [5]]


def test_short_dates():
    with translation.override("zh-hans"):
        assert planning_data.short_days(dt.date(2026, 10, 7), dt.date(2026, 10, 8)) == "10月7日–8日"
        assert (
            planning_data.short_days(dt.date(2026, 10, 30), dt.date(2026, 11, 2))
            == "10月30日–11月2日"
        )
        assert planning_data.short_days(dt.date(2026, 10, 7), dt.date(2026, 10, 7)) == "10月7日"


# Manual edits: the demand's skill first ------------------------------------------------------


def test_expert_choices_put_the_demand_skill_first():
    rows = planning_data.expert_choices(EDIT_INSTANCE, "心血管内科")
    assert [(r["name"], r["match"]) for r in rows] == [
        ("丙医生", True),
        ("乙医生", False),
        ("甲医生", False),
    ]
    assert all(isinstance(r["pk"], int) for r in rows)
    assert [r["name"] for r in planning_data.expert_choices(EDIT_INSTANCE, "神经内科")][2] == (
        "丙医生"
    )


def _form(html: str, form_id: str) -> str:
    start = html.index(f'id="{form_id}"')
    return html[start : html.index("</form>", start)]


def test_the_edit_forms_offer_the_matching_experts_first_and_mark_the_others(
    reg, edit_run, client_for
):
    c = client_for(reg.hq)
    html = page(c, edit_run)
    assign = _form(html, "edit-assign")
    # the form opens on the first unserved demand: D3, 心血管内科
    assert 'data-skill="心血管内科"' in assign and 'data-skill="神经内科"' in assign
    assert (
        assign.index('<optgroup label="具备所需专业">')
        < assign.index("丙医生（心血管内科）</option>")
        < assign.index('<optgroup label="其他专家（专业不符）">')
        < assign.index("甲医生（神经内科）（专业不符）</option>")
    )
    assert "丙医生（心血管内科）（专业不符）" not in assign
    assert 'data-mark="（专业不符）"' in assign and 'data-skills="神经内科"' in assign
    move = _form(html, "edit-move")
    # the move form opens on D1, 神经内科: 甲 and 乙 first, 丙 marked
    assert move.index("乙医生（神经内科）</option>") < move.index(
        "丙医生（心血管内科）（专业不符）"
    )
    assert '<option value="">（不变）</option>' in move
    # a refused assignment of D4 (神经内科) reopens the form on D4, its experts first
    r = c.post(
        reverse("orders:run_edit", args=[edit_run.pk]),
        {"action": "assign", "demand": "4", "expert": "3", "start": "2026-04-03"},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "规则1" in html and "丙医生 的专业为 心血管内科" in html
    assign = _form(html, "edit-assign")
    assert re.search(r'<option value="4" data-skill="神经内科" selected>', assign)
    assert assign.index("甲医生（神经内科）</option>") < assign.index(
        "丙医生（心血管内科）（专业不符）"
    )
    assert re.search(r'<option value="3"[^>]*selected>丙医生', assign)


def test_edit_form_refuses_junk_and_unknown_records(reg, edit_run, client_for):
    c = client_for(reg.hq)
    url = reverse("orders:run_edit", args=[edit_run.pk])
    for data in (
        {"action": "move", "demand": "D1", "start": "2026-04-06"},  # the planner's id
        {"action": "move", "demand": "99", "start": "2026-04-06"},  # not in this run
        {"action": "assign", "demand": "3", "expert": "99", "start": "2026-04-03"},
        {"action": "swap", "demand": "1", "other_demand": "x"},
    ):
        r = c.post(url, data)
        assert r.status_code == 400, data
        assert 'id="edit-errors"' in r.content.decode()
    edit_run.refresh_from_db()
    assert edit_run.plan == EDIT_PLAN and not PlanEdit.objects.exists()
    assert (
        client_for(reg.viewer).post(url, {"action": "unassign", "demand": "1"}).status_code == 403
    )


# The demand form's preferred experts --------------------------------------------------------------


def test_the_demand_form_offers_a_searchable_checkbox_list(reg, client_for):
    li = person_expert(reg)
    ma = person_expert(reg, name="马丽", id_number=MA_ID, specialty="心血管内科")
    c = client_for(reg.liaison)
    html = c.get(reverse("orders:demand_create")).content.decode()
    assert 'id="expert-picker"' in html and 'class="picker-search"' in html
    assert 'type="checkbox" name="preferred_experts"' in html
    assert "<select" not in html.split('id="expert-picker"')[1].split("</fieldset>")[0]
    assert "Ctrl" not in html and "orders-demand.js" in html
    assert 'hx-target="#expert-picker"' in html
    # posted with two experts checked, the demand keeps both
    r = c.post(reverse("orders:demand_create"), form_data(reg, preferred_experts=[li.pk, ma.pk]))
    assert r.status_code == 302
    demand = Demand.objects.get()
    assert set(demand.preferred_experts.all()) == {li, ma}
    # the edit form shows them checked and named
    html = c.get(reverse("orders:demand_edit", args=[demand.pk])).content.decode()
    assert html.count(" checked>") == 2 and "已选：李明、马丽" in html
    # the skill's specialists first: 神经内科 → 李明 before 马丽
    picker = html.split('id="expert-picker-list"')[1]
    assert picker.index("专业相符：神经内科") < picker.index("李明") < picker.index("马丽")


def test_the_picker_keeps_checked_experts_when_the_skill_changes(reg, client_for):
    li = person_expert(reg)
    person_expert(reg, name="马丽", id_number=MA_ID, specialty="心血管内科")
    body = (
        client_for(reg.liaison)
        .get(
            reverse("orders:demand_experts"),
            {"skill": "心血管内科", "preferred_experts": [str(li.pk)]},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert f'value="{li.pk}" checked' in body and "已选：李明" in body
    body = body.split('id="expert-picker-list"')[1]
    assert body.index("专业相符：心血管内科") < body.index("马丽") < body.index("李明")


def test_the_run_page_without_a_plan_still_reads(reg, records, client_for):
    run = runs.run_create(
        actor=reg.hq, period_start=PS, period_end=PS + dt.timedelta(days=60), enqueue=False
    )
    assert run.status == RunStatus.QUEUED
    html = page(client_for(reg.hq), run)
    assert 'id="plan-lead"' not in html and 'id="run-progress"' in html
    assert PLANNER_ID.findall(html) == []
