"""`duikou synth`: the large synthetic data set (issue 16), here at a tiny scale.

The counts asked for, valid records (every model's clean() and the flow balances), the same
records from the same seed, figures and pages that work on the result, and the personal data
stored encrypted and readable back."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.models import Role, User
from duikou.consumption.models import Channel, Sale
from duikou.core.models import Division
from duikou.core.vocab import FlowType, ProjectCategory, ProjectStatus
from duikou.demo.synth import DEFAULTS, allocate, scaled
from duikou.lib.checkdigits import check_resident_id
from duikou.people.identity import MOBILE, id_gender
from duikou.people.models import Person, Posting, TrainingPlacement
from duikou.projects.models import MoneyFlow, Project

pytestmark = pytest.mark.django_db

SCALE = "0.0005"  # 25 projects, 500 flows, 50 people, 1,000 sales
ASKED = {"projects": 25, "flows": 500, "people": 50, "sales": 1000}


def synth(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", "--scale", SCALE, "--password", "pw-synth-test", *args, stdout=out)
    return out.getvalue()


def totals() -> dict:
    flows = {
        r["type"]: (r["n"], r["s"])
        for r in MoneyFlow.objects.values("type").annotate(n=Count("pk"), s=Sum("amount"))
    }
    return {
        "projects": Project.objects.count(),
        "aid": Project.objects.aggregate(s=Sum("aid_amount"))["s"],
        "statuses": sorted(Project.objects.values_list("code", "status", "actual_finish")),
        "flows": flows,
        "people": sorted(Person.objects.values_list("name", "gender", "id_hash")),
        "postings": sorted(Posting.objects.values_list("kind", "start_date", "end_date")),
        "trainings": TrainingPlacement.objects.count(),
        "sales": Sale.objects.aggregate(n=Count("pk"), s=Sum("sold"), o=Sum("ordered")),
        "channels": sorted(Channel.objects.values_list("name", "opened_on")),
    }


def test_allocate_is_exact_and_respects_caps():
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(allocate(1000, [0.3, 5, 2.2, 0])) == 1000
    parts = allocate(100, [1, 50, 1], caps=[60, 10, 60])
    assert parts[1] == 10 and sum(parts) == 100
    with pytest.raises(ValueError):
        allocate(100, [1, 1], caps=[10, 10])
    assert scaled({}, 0.001) == {"projects": 50, "flows": 1000, "people": 100, "sales": 2000}
    assert scaled({"flows": 7}, 1) == {**DEFAULTS, "flows": 7}


def test_counts_valid_records_and_figures():
    output = synth("--seed", "3")
    assert "行/秒" in output and "数据库大小" in output and "synth-hq" in output
    assert Project.objects.count() == ASKED["projects"]
    assert MoneyFlow.objects.count() == ASKED["flows"]
    assert Person.objects.count() == ASKED["people"]
    assert Sale.objects.count() == ASKED["sales"]
    today = timezone.localdate()
    years = set(Project.objects.values_list("year", flat=True))
    assert min(years) >= today.year - 9 and max(years) == today.year

    # Every record passes its model's checks (dates in order and not in the future, statuses
    # with the dates they need, short-term postings of three months, sales on the 1st …).
    # (A sample of the big tables: each check reads its foreign keys.)
    for model, step in ((Project, 1), (MoneyFlow, 7), (Posting, 1), (TrainingPlacement, 1),
                        (Sale, 23), (Channel, 1)):  # fmt: skip
        for record in model.objects.order_by("pk")[::step]:
            record.full_clean(validate_unique=False)
    # For each project and funding source: 拨付 ≤ 下达, 支出 ≤ 拨付; nothing on a cancelled one.
    sums = MoneyFlow.objects.values("project_id", "source").annotate(
        c=Sum("amount", filter=Q(type=FlowType.COMMITMENT)),
        d=Sum("amount", filter=Q(type=FlowType.DISBURSEMENT)),
        e=Sum("amount", filter=Q(type=FlowType.EXPENDITURE)),
    )
    for row in sums:
        assert (row["d"] or 0) <= (row["c"] or 0) and (row["e"] or 0) <= (row["d"] or 0), row
    assert not MoneyFlow.objects.filter(project__status=ProjectStatus.CANCELLED).exists()
    assert not MoneyFlow.objects.filter(date__gt=today).exists()
    # A person's postings never overlap.
    for person in Person.objects.annotate(n=Count("postings")).filter(n__gt=1):
        a, b = person.postings.order_by("start_date")[:2]
        assert a.end_date < b.start_date

    out = io.StringIO()
    year = today.year - 1
    call_command("figures", "--year", str(year), stdout=out)
    data = json.loads(out.getvalue())
    assert data["projects"]["count"] > 0
    assert float(data["projects"]["aid"]) > 0
    assert set(data["projects"]["by_category"]) <= set(ProjectCategory.values)
    assert all(float(data["flows"][t]) > 0 for t in FlowType.values)
    assert float(data["flows"]["拨付"]) <= float(data["flows"]["下达"]) * 3  # plausible
    assert data["postings"]["count"] > 0
    assert float(data["sales"]["sold"]) > 0 and data["sales"]["rows"] > 0
    assert float(data["sales"]["target"]) > 0
    assert sum(data["outlets"].values()) > 0


def test_same_seed_same_records_other_seed_others():
    runs = []
    for seed in ("7", "7", "8"):
        with transaction.atomic():
            synth("--seed", seed)
            runs.append(totals())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]["projects"] == runs[2]["projects"]  # the counts asked for
    assert runs[0]["aid"] != runs[2]["aid"]


def test_personal_data_is_encrypted_and_reads_back():
    synth()
    people = list(Person.objects.all())
    assert len(people) == ASKED["people"]
    for person in people:
        assert person.id_cipher and person.phone_cipher
        number = person.clear_id_number()
        assert number not in person.id_cipher
        assert not check_resident_id(number, today=timezone.localdate()).errors
        assert id_gender(number) == person.gender
        assert MOBILE.match(person.clear_phone())
    first = people[0]
    assert list(Person.objects.with_id_number(first.clear_id_number())) == [first]


def test_refusals_and_the_users(client):
    synth()
    with pytest.raises(CommandError, match="已有合成数据"):
        synth("--append")
    hq = User.objects.get(username="synth-hq")
    assert hq.role == Role.HEADQUARTERS and hq.check_password("pw-synth-test")
    county = User.objects.get(username="synth-county")
    assert list(county.counties.values_list("code", flat=True)) == ["632822"]

    # The project list renders for headquarters (all) and the county team (都兰 only).
    client.force_login(hq)
    page = client.get(reverse("projects:project_list"))
    assert page.status_code == 200
    assert "SYN-" in page.content.decode()
    client.force_login(county)
    page = client.get(reverse("projects:project_list"))
    assert page.status_code == 200
    others = Project.objects.exclude(county__code="632822").values_list("code", flat=True)
    assert not any(code in page.content.decode() for code in others)


def test_refuses_a_database_with_projects_unless_appending():
    Project.objects.create(
        code="P-1",
        name="已有项目",
        year=2023,
        category=ProjectCategory.EDUCATION,
        county=Division.objects.get(code="632822"),
        status=ProjectStatus.APPROVED,
        planned_start=dt.date(2023, 4, 1),
    )
    with pytest.raises(CommandError, match="已有 1 个项目"):
        synth()
    synth("--append", "--projects", "4000")
    assert Project.objects.count() == 1 + 2
    assert Project.objects.filter(code="P-1").exists()
