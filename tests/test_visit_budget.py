"""An expert's own service-day budget per planning period: declared on /me/, used by the planner."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.accounts.models import Role
from duikou.people import services
from duikou.people.models import Person
from tests.conftest import make_user
from tests.test_orders_planning_data import build
from tests.test_orders_runs_common import PE, PS, day, demand, expert
from tests.test_people_common import MA_ID, field_key, person  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


def test_the_expert_sets_their_own_budget_in_history(reg):
    me = person(reg, user=reg.doctor)
    services.visit_budget_set(actor=reg.doctor, person=me, days=12)
    me.refresh_from_db()
    assert me.visit_days_budget == 12
    last = me.history.order_by("-history_date").first()
    assert last.history_user == reg.doctor and last.visit_days_budget == 12
    services.visit_budget_set(actor=reg.hq, person=me, days=None)  # headquarters may correct
    assert Person.objects.get(pk=me.pk).visit_days_budget is None


def test_others_may_not_and_the_range_is_checked(reg):
    me = person(reg, user=reg.doctor)
    other = make_user("doctor2", Role.AID_STAFF, organisation=reg.prefecture_hospital)
    for actor in (other, reg.dulan_team, reg.liaison, reg.viewer):
        with pytest.raises(PermissionDenied):
            services.visit_budget_set(actor=actor, person=me, days=5)
    for bad in (0, 91):
        with pytest.raises(ValidationError) as exc:
            services.visit_budget_set(actor=reg.doctor, person=me, days=bad)
        assert "1 到 90" in str(exc.value.message_dict["visit_days_budget"])
    assert Person.objects.get(pk=me.pk).visit_days_budget is None


def test_the_me_page_saves_it_and_refuses_bad_input(reg, client_for):
    me = person(reg, user=reg.doctor)
    client = client_for(reg.doctor)
    assert 'id="visit-budget"' in client.get("/me/").content.decode()
    response = client.post("/me/visit-budget/", {"visit_days_budget": "15"})
    assert response.status_code == 302
    assert Person.objects.get(pk=me.pk).visit_days_budget == 15
    response = client.post("/me/visit-budget/", {"visit_days_budget": "100"})
    assert response.status_code == 400
    assert "每期最多出诊天数" in response.content.decode()
    assert Person.objects.get(pk=me.pk).visit_days_budget == 15
    # Someone without a person record has no /me/ budget to set.
    assert (
        client_for(reg.liaison).post("/me/visit-budget/", {"visit_days_budget": "5"}).status_code
        == 404
    )


def test_the_planner_uses_the_experts_own_budget(reg):
    a = expert(reg, "甲医生", "神经内科", [(day(0), day(40))])
    b = expert(reg, "乙医生", "神经内科", [(day(0), day(40))])
    services.visit_budget_set(actor=None, person=a, days=6)
    demand(reg.dulan_hospital, "神经内科", 3, PS, PE)
    experts = {e["id"]: e for e in build(max_days=20)["experts"]}
    assert experts[f"E{a.pk}"]["max_days"] == 6
    assert experts[f"E{b.pk}"]["max_days"] == 20
