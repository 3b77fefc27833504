"""批次 on the 人员 sheet: a batch the platform does not know yet is registered (its number only)
and listed as a warning, once per batch, like organisations; undo deletes it again.

A fresh database: the migrations only (divisions), no demo, no registry fixture.
"""

import datetime as dt

import pytest

from duikou.accounts.models import Role, User
from duikou.core import services as core_services
from duikou.core.models import Division
from duikou.exchange_io import services
from duikou.people import services as people_services
from duikou.people.identity import make_id_number
from duikou.people.models import Batch, Person, Posting
from tests.test_exchange_people import PEOPLE_HEADER, people_book, person_row
from tests.test_exchange_support import exchange_settings, run  # noqa: F401
from tests.test_people_common import LI_ID, MA_ID, ZHAO_ID, field_key  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key", "exchange_settings")]
assert PEOPLE_HEADER[10] == "批次"


@pytest.fixture
def hq(db):
    return User.objects.create_user(username="hq", password="x", role=Role.HEADQUARTERS)


def book(tmp_path):
    """Three people, two of them in 第三批 (written two ways), one in the fourth batch."""
    return people_book(
        tmp_path,
        person_row(LI_ID, 批次="第三批"),
        person_row(MA_ID, 姓名="马丽", 批次="3"),
        person_row(ZHAO_ID, 姓名="赵强", 批次="第4批", 开始日期=dt.date(2024, 3, 1)),
    )


def batch_warnings(result) -> list[tuple[int, str, str]]:
    return [(w.row, w.column, w.message) for w in result.warnings if "批次" in w.message]


def test_a_fresh_platform_registers_the_batches_a_people_sheet_names(hq, tmp_path):
    assert not Batch.objects.exists()
    result = run(book(tmp_path), hq)
    assert result.ok and result.written, result.text()
    assert [(b.number, b.start_date, b.end_date) for b in Batch.objects.all()] == [
        (3, None, None),
        (4, None, None),
    ]
    assert sorted(Posting.objects.values_list("batch__number", flat=True)) == [3, 3, 4]
    assert batch_warnings(result) == [
        (2, "批次", "新建批次“第三批”（系统中没有该批次）。"),
        (4, "批次", "新建批次“第四批”（系统中没有该批次）。"),
    ]


def test_the_dry_run_lists_the_new_batches_and_writes_nothing(hq, tmp_path):
    result = run(book(tmp_path), hq, dry_run=True)
    assert result.ok and not result.written, result.text()
    assert [m for _r, _c, m in batch_warnings(result)] == [
        "新建批次“第三批”（系统中没有该批次）。",
        "新建批次“第四批”（系统中没有该批次）。",
    ]
    assert not Batch.objects.exists() and not Person.objects.exists()


def test_a_registered_batch_is_used_without_a_warning(hq, tmp_path):
    people_services.batch_create(actor=None, number=3, start_date=dt.date(2022, 7, 1))
    result = run(book(tmp_path), hq)
    assert result.ok, result.text()
    assert [m for _r, _c, m in batch_warnings(result)] == ["新建批次“第四批”（系统中没有该批次）。"]
    assert Batch.objects.get(number=3).start_date == dt.date(2022, 7, 1)


def test_undo_removes_the_batches_the_import_created(hq, tmp_path):
    people_services.batch_create(actor=None, number=3)
    path = book(tmp_path)
    batch = services.batch_create(user=hq, file=path, filename=path.name)
    assert services.batch_run(batch, dry_run=False).ok
    assert sorted(Batch.objects.values_list("number", flat=True)) == [3, 4]
    services.batch_undo(batch, actor=hq)
    assert list(Batch.objects.values_list("number", flat=True)) == [3]  # registered before
    assert not Person.objects.exists() and not Posting.objects.exists()


def test_undo_keeps_a_created_batch_used_since(hq, tmp_path):
    path = book(tmp_path)
    batch = services.batch_create(user=hq, file=path, filename=path.name)
    assert services.batch_run(batch, dry_run=False).ok
    # Organisations of its own: the import's may not be used elsewhere either.
    sender = core_services.organisation_create(
        actor=None,
        name="湖州市中心医院",
        kind="医院",
        side="支援方",
        division=Division.objects.get(name="湖州市"),
    )
    host = core_services.organisation_create(
        actor=None,
        name="乌兰县人民医院",
        kind="医院",
        side="受援方",
        division=Division.objects.get(name="乌兰县"),
    )
    sun = people_services.person_create(
        actor=None,
        id_number=make_id_number("330502", dt.date(1980, 5, 4), "031"),
        name="孙伟",
        employer=sender,
    )
    people_services.posting_create(
        actor=None,
        person=sun,
        kind="柔性帮扶",
        field="医疗",
        sending_org=sender,
        host_org=host,
        batch=Batch.objects.get(number=4),
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
    )
    services.batch_undo(batch, actor=hq)
    assert list(Batch.objects.values_list("number", flat=True)) == [4]


def test_only_the_headquarters_may_register_a_batch(hq, tmp_path):
    team = User.objects.create_user(username="team", password="x", role=Role.COUNTY_TEAM)
    result = run(people_book(tmp_path, person_row(批次="第三批")), team)
    assert not result.ok and not Batch.objects.exists()
    assert any(
        e.column == "批次" and e.message.startswith("无法新建批次“第三批”：") for e in result.errors
    ), result.text()
