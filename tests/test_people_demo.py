"""The demo people: the article's figures exactly, idempotent, fast, valid identities, and the
gap alert and Dr. Li's self-service as the journeys describe them."""

import datetime as dt
import time

import pytest

from duikou.accounts.models import User
from duikou.demo.loader import load_demo
from duikou.lib.checkdigits import check_resident_id
from duikou.people import rotation, scopes
from duikou.people.demo import load_people_demo
from duikou.people.identity import add_months, phone_problem
from duikou.people.models import (
    Achievement,
    AvailabilityWindow,
    Batch,
    Person,
    Posting,
    TrainingPlacement,
)
from duikou.reports import figures
from tests.test_people_common import field_key  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("field_key"),
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow,
]

DEMO_TODAY = dt.date(2026, 11, 29)


def _counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "postings": Posting.objects.count(),
        "trainings": TrainingPlacement.objects.count(),
        "achievements": Achievement.objects.count(),
        "windows": AvailabilityWindow.objects.count(),
        "batches": Batch.objects.count(),
        "history": Person.history.count() + Posting.history.count(),
    }


@pytest.fixture(scope="module")
def demo_loaded(shared_demo):
    # The people demo on its own: the orders demo (loaded after it) adds availability windows
    # and visits that tests/test_orders_demo.py checks. Loaded once per session for the demo
    # modules (tests/conftest.py); each test runs in a savepoint.
    shared_demo.base(load_demo)


@pytest.fixture
def demo(demo_loaded, db):
    started = time.monotonic()
    load_people_demo()
    return time.monotonic() - started


def test_the_2023_figures_are_the_articles_and_a_second_load_changes_nothing(demo):
    postings = figures.postings(2023)["by_kind"]
    assert postings["专业技术人才"] == {"医疗": 11}  # F03
    assert postings["短期支援"] == {"医疗": 25}  # F04
    assert postings["柔性帮扶"] == {"医疗": 51, "教育": 14}  # F05, F06
    assert set(postings) <= {"党政干部", "专业技术人才", "短期支援", "柔性帮扶"}
    assert figures.trainings(2023)["count"] == 28  # F09 + F12
    assert figures.trainings(2023)["by_field"] == {"医疗": 11, "教育": 17}
    assert figures.achievements(2023)["by_kind"]["新技术"] == 9  # F10
    assert demo < 10
    before = _counts()
    assert before["people"] > 150 and before["batches"] == 6
    stats = load_people_demo()
    assert _counts() == before
    assert set(stats["人员"]) == {"未变"} and set(stats["派驻"]) == {"未变"}


def test_every_identity_is_valid_and_unique_and_short_terms_last_three_months(demo):
    people = list(Person.objects.all())
    ids = [p.clear_id_number() for p in people]
    assert len(set(ids)) == len(ids)
    assert all(check_resident_id(i, today=DEMO_TODAY).ok for i in ids)
    assert all(i[:2] in {"33", "63"} for i in ids)
    assert all(
        p.gender == ("男" if int(i[16]) % 2 else "女") for p, i in zip(people, ids, strict=True)
    )
    assert all(phone_problem(p.clear_phone()) is None for p in people)
    for p in Posting.objects.filter(kind="短期支援"):
        assert p.end_date is not None and add_months(p.start_date, 3) <= p.end_date


def test_dr_li_the_gap_alert_and_the_demo_scopes(demo):
    doctor = User.objects.get(username="doctor")
    li = Person.objects.get(user=doctor)
    assert (li.name, li.specialty, li.employer.short_name) == ("李静", "神经内科", "浙大一院")
    postings = list(li.postings.order_by("start_date"))
    assert [p.start_date.year for p in postings] == [2023, 2026]
    assert all(p.host_department.name == "神经内科" for p in postings)
    assert postings[1].is_current(DEMO_TODAY)
    assert li.availability.count() == 2
    assert li.achievements.filter(kind="新技术", title__contains="静脉溶栓").exists()

    # The gap alert as of 2026-11-29: 精神科 has no successor, 儿科 has one.
    hq = User.objects.get(username="hq")
    gaps = rotation.coverage_gaps(hq, DEMO_TODAY)
    assert [g.posting.host_department.name for g in gaps] == ["精神科"]
    rotations = rotation.upcoming_rotations(hq, DEMO_TODAY)
    handed_over = {r.posting.host_label: r.successor is not None for r in rotations}
    assert handed_over["州医院·儿科"] is True and handed_over["州医院·精神科"] is False

    dulan = User.objects.get(username="dulan")
    liaison = User.objects.get(username="liaison")
    dulan_people = scopes.people_for_user(dulan)
    assert dulan_people.exists()
    assert not dulan_people.filter(postings__host_org__name="乌兰县人民医院").exists()
    assert set(scopes.postings_for_user(liaison).values_list("host_org__name", flat=True)) == {
        "都兰县人民医院"
    }
    assert list(scopes.people_for_user(doctor).values_list("name", flat=True)) == ["李静"]
