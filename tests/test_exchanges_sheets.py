# ruff: noqa: E501 - the workbook rows read best one a line
"""The 活动 sheet: events imported through the ledger's services; bad cells named and nothing
written; re-import changes nothing; an export re-imports unchanged; a county team imports only
its counties' events; undo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duikou.exchange_io import exports
from duikou.exchange_io import services as io_services
from duikou.exchange_io.models import ImportBatch
from duikou.exchanges.models import Event
from tests.test_exchange_support import exchange_settings, make_book, messages, run  # noqa: F401

pytestmark = pytest.mark.django_db

HEAD = [
    "活动类型*",
    "活动名称*",
    "开始日期*",
    "结束日期*",
    "地点",
    "主办单位",
    "海西参与人数",
    "浙江参与人数",
    "备注",
]
ROWS = [
    ["夏令营", "都兰夏令营", dt.date(2023, 8, 1), dt.date(2023, 8, 7), "都兰县", "都兰县人民医院", 30, "20人", ""],
    ["航线开通", "德令哈—杭州往返航线开通", "2023-06-16", "2023-06-16", "德令哈市、杭州", "某航空公司", 120, 150, "首航"],
    ["疗休养", "乌兰疗休养", "2023-07-03", "2023-07-09", "乌兰县", "", 5, 40, ""],
]  # fmt: skip


def _book(tmp_path, rows, name="events.xlsx"):
    return make_book(tmp_path / name, {"活动": [HEAD, *rows]})


def test_events_import_idempotently_and_an_export_reimports_unchanged(reg, tmp_path):
    result = run(_book(tmp_path, ROWS), actor=reg.hq)
    assert result.ok, messages(result)
    flight = Event.objects.get(title="德令哈—杭州往返航线开通")
    assert {p.code for p in flight.places.all()} == {"632802", "330100"}
    assert flight.organiser_text == "某航空公司" and flight.haixi_count == 120
    assert "某航空公司" in "\n".join(w.text() for w in result.warnings)
    camp = Event.objects.get(title="都兰夏令营")
    assert list(camp.organisers.all()) == [reg.dulan_hospital] and camp.zhejiang_count == 20
    again = run(_book(tmp_path, ROWS, "again.xlsx"), actor=reg.hq)
    assert again.ok and not any(s.created or s.updated for s in again.sheets.values())
    spec = exports.specs.get("活动")
    rows = [list(r) for r in exports.rows("活动", Event.objects.all())]
    exported = run(make_book(tmp_path / "export.xlsx", {"活动": [spec.headers, *rows]}))
    assert exported.ok, messages(exported)
    assert not any(s.created or s.updated for s in exported.sheets.values()), exported.text()


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        (3, "2023-07-01", "结束日期"),
        (0, "聚餐", "活动类型"),
        (6, -3, "海西参与人数"),
        (4, "北京市", "地点"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_written(reg, tmp_path, column, value, fragment):
    rows = [list(r) for r in ROWS]
    rows[0][column] = value
    result = run(_book(tmp_path, rows), actor=reg.hq)
    assert not result.ok and not result.written
    assert fragment in messages(result), messages(result)
    assert not Event.objects.exists()


def test_a_county_team_imports_only_its_counties_events(reg, tmp_path):
    result = run(_book(tmp_path, ROWS), actor=reg.dulan_team)
    assert not result.ok and "负责的县市" in messages(result)
    assert not Event.objects.exists()
    result = run(_book(tmp_path, ROWS[:1], "mine.xlsx"), actor=reg.dulan_team)
    assert result.ok, messages(result)


def test_an_import_of_events_can_be_undone(reg, tmp_path):
    path = _book(tmp_path, ROWS)
    batch = io_services.batch_create(
        user=reg.hq, file=SimpleUploadedFile(path.name, path.read_bytes()), filename=path.name
    )
    io_services.batch_run(batch, dry_run=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and Event.objects.count() == 3
    io_services.batch_undo(batch, actor=reg.hq)
    assert not Event.objects.exists()
