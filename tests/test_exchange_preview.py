"""The import preview: every record a workbook creates or updates, old → new, with the risky
updates flagged (and ticked before confirming); template example rows refused; .xls and .ods
read like .xlsx."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from duikou.exchange_io import blanks, changes, engine, reader
from duikou.exchange_io.models import ImportBatch
from duikou.projects.models import MoneyFlow, Project
from tests.test_exchange_support import (
    FLOW_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    messages,
    project_row,
    run,
    table_counts,
)
from tests.test_people_common import field_key  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def book(tmp_path, name="book.xlsx", **sheets):
    return make_book(tmp_path / name, sheets)


def seed(reg, tmp_path, *rows, flows=()):
    """Projects (and flows) already in the database, imported by headquarters."""
    sheets = {"项目": [PROJECT_HEADER, *(rows or [project_row()])]}
    if flows:
        sheets["资金"] = [FLOW_HEADER, *flows]
    result = run(make_book(tmp_path / "seed.xlsx", sheets), reg.hq)
    assert result.ok and result.written, result.text()


def dry(path, actor):
    result = run(path, actor, dry_run=True)
    assert result.ok, result.text()
    return result


def fields(change) -> dict[str, tuple[str, str]]:
    return {name: (old, new) for name, old, new in change.fields}


# The change list -----------------------------------------------------------------------------


def test_an_update_names_the_record_and_each_changed_field_old_to_new(reg, tmp_path):
    seed(reg, tmp_path)
    path = book(
        tmp_path,
        项目=[PROJECT_HEADER, project_row(项目名称="都兰县人民医院急诊综合楼", 援助资金=1300)],
    )
    result = dry(path, reg.hq)
    (change,) = result.changes.items
    assert change.action == changes.UPDATE and change.sheet == "项目" and change.row == 2
    assert change.key == "ZJHX-2023-001"
    assert change.label == "都兰县人民医院急诊综合楼"  # the record, without its key
    assert fields(change) == {
        "项目名称": ("都兰县人民医院急诊楼", "都兰县人民医院急诊综合楼"),
        "援助资金": ("1200 万元", "1300 万元"),
    }
    assert not change.risks  # +8%: an ordinary correction
    assert Project.objects.get().name == "都兰县人民医院急诊楼"  # a dry run writes nothing


def test_created_records_are_listed_with_their_rows(reg, tmp_path):
    path = book(
        tmp_path,
        项目=[PROJECT_HEADER, project_row(), project_row("ZJHX-2023-002")],
        资金=[FLOW_HEADER, flow_row(), flow_row(voucher="V-002", 类型="拨付", 金额=200)],
    )
    result = dry(path, reg.hq)
    listed = [(c.sheet, c.row, c.action, c.key, c.label) for c in result.changes.items]
    assert listed == [
        ("项目", 2, "create", "ZJHX-2023-001", "都兰县人民医院急诊楼"),
        ("项目", 3, "create", "ZJHX-2023-002", "都兰县人民医院急诊楼"),
        ("资金", 2, "create", "ZJHX-2023-001 / V-001", "下达 · 援助资金 · 600 万元"),
        ("资金", 3, "create", "ZJHX-2023-001 / V-002", "拨付 · 援助资金 · 200 万元"),
    ]
    stored = result.changes.as_json()
    assert stored["sheets"] == {
        "项目": {"created": 2, "updated": 0, "risky": 0},
        "资金": {"created": 2, "updated": 0, "risky": 0},
    }
    assert stored["risky"] == 0


def test_an_unchanged_row_is_not_listed(reg, tmp_path):
    seed(reg, tmp_path)
    result = dry(book(tmp_path, 项目=[PROJECT_HEADER, project_row()]), reg.hq)
    assert len(result.changes) == 0
    assert "没有要新建或更新的记录" in result.changes.text()


# Risky updates ---------------------------------------------------------------------------------


def test_an_amount_changing_by_more_than_half_is_flagged(reg, tmp_path):
    seed(reg, tmp_path, flows=[flow_row()])
    path = book(
        tmp_path,
        项目=[PROJECT_HEADER, project_row(援助资金=500)],  # 1200 → 500
        资金=[FLOW_HEADER, flow_row(金额=6000)],  # 600 → 6000
    )
    result = dry(path, reg.hq)
    project, flow = result.changes.items
    assert project.risks == ["amount"] and "援助资金从 1200 万元 变为 500 万元" in project.notes[0]
    assert flow.risks == ["amount"] and fields(flow)["金额"] == ("600 万元", "6000 万元")
    assert result.changes.as_json()["risky"] == 2


def test_an_amount_changing_by_half_or_less_is_not_flagged(reg, tmp_path):
    seed(reg, tmp_path)
    result = dry(book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=600)]), reg.hq)
    assert fields(result.changes.items[0])["援助资金"] == ("1200 万元", "600 万元")
    assert not result.changes.items[0].risks  # exactly half: not more than half


def test_a_status_going_backwards_is_flagged(reg, tmp_path):
    seed(reg, tmp_path)
    result = dry(
        book(tmp_path, 项目=[PROJECT_HEADER, project_row(状态="立项", 实际开工=None)]), reg.hq
    )
    (change,) = result.changes.items
    assert change.risks == ["status"]
    assert fields(change)["状态"] == ("在建", "立项")
    assert "状态由“在建”退回“立项”" in change.notes


def test_a_status_going_forwards_is_not_flagged(reg, tmp_path):
    seed(reg, tmp_path, project_row(状态="立项", 实际开工=None))
    result = dry(book(tmp_path, 项目=[PROJECT_HEADER, project_row()]), reg.hq)
    assert not result.changes.items[0].risks


def test_moving_a_record_to_another_county_is_flagged(reg, tmp_path):
    seed(reg, tmp_path)
    path = book(tmp_path, 项目=[PROJECT_HEADER, project_row(所在地="乌兰县", 实施单位=None)])
    (change,) = dry(path, reg.hq).changes.items
    assert "place" in change.risks
    assert fields(change)["所在地"] == ("都兰县", "乌兰县")


def test_a_record_outside_the_workbooks_usual_county_is_flagged_for_headquarters(reg, tmp_path):
    """The template-example incident: a workbook of new 乌兰县 projects whose one stray row
    matched a 都兰县 project."""
    seed(reg, tmp_path)
    wulan = [
        project_row(f"ZJHX-2024-10{i}", 所在地="乌兰县", 实施单位="乌兰县人民医院")
        for i in range(3)
    ]
    path = book(tmp_path, 项目=[PROJECT_HEADER, *wulan, project_row(援助资金=1250)])
    result = dry(path, reg.hq)
    (update,) = result.changes.updated
    assert update.key == "ZJHX-2023-001" and update.risks == ["place"]
    assert "该记录属于“都兰县”，不是本次上传通常涉及的“乌兰县”" in update.notes[0]
    assert not any(c.risks for c in result.changes.created)


def test_a_county_teams_usual_place_is_its_own_counties(reg, tmp_path):
    seed(reg, tmp_path)
    path = book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=1250)])
    assert not dry(path, reg.dulan_team).changes.items[0].risks
    # Headquarters' one-row workbook has no usual place: nothing to compare with.
    assert not dry(path, reg.hq).changes.items[0].risks


def test_an_update_the_preview_cannot_describe_is_still_listed_and_flagged(
    reg, tmp_path, monkeypatch
):
    seed(reg, tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(changes.Changes, "update", broken)
    result = dry(book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=1300)]), reg.hq)
    (change,) = result.changes.items
    assert change.key == "ZJHX-2023-001" and change.risks == ["unknown"]


def test_the_command_line_prints_the_change_list_capped_with_a_count(reg, tmp_path, capsys):
    seed(reg, tmp_path)
    rows = [project_row(援助资金=300), *(project_row(f"ZJHX-2024-00{i}") for i in range(4))]
    path = book(tmp_path, 项目=[PROJECT_HEADER, *rows])
    call_command("import", str(path), "--dry-run", "--changes", "2")
    out = capsys.readouterr().out
    assert "变化（共 5 条：新建 4，更新 1，其中需注意 1）" in out
    # The risky update comes first, named, old → new, with why it is risky.
    assert "项目 第 2 行：更新 ZJHX-2023-001" in out
    assert "援助资金：1200 万元 → 300 万元" in out and "注意：援助资金从" in out
    assert "……另有 3 条变化未列出。" in out
    assert Project.objects.get().aid_amount == Decimal("12000000.00")
    call_command("import", str(path), "--dry-run")
    assert "变化（" not in capsys.readouterr().out  # only when asked


# The page: preview, tick, confirm --------------------------------------------------------------


def upload(client, path, content_type=XLSX):
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type=content_type)
    response = client.post(reverse("exchange_io:import"), {"file": data})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.order_by("-pk").first()


def test_the_batch_page_names_the_updated_record_old_to_new(client_for, reg, tmp_path):
    seed(reg, tmp_path)
    client = client_for(reg.hq)
    batch = upload(client, book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=1300)]))
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.preview["updated"][0]["fields"] == [["援助资金", "1200 万元", "1300 万元"]]
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'id="change-list"' in page and "ZJHX-2023-001" in page
    assert "<del>1200 万元</del>" in page and "<ins>1300 万元</ins>" in page
    assert 'id="accept-risks"' not in page  # nothing risky: no tick
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Project.objects.get().aid_amount == Decimal("13000000.00")
    # After the import the page lists what was changed.
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "本次导入的变化" in page and "<ins>1300 万元</ins>" in page


def test_confirming_risky_updates_needs_the_tick(client_for, reg, tmp_path):
    seed(reg, tmp_path)
    client = client_for(reg.hq)
    batch = upload(client, book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=100)]))
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'id="risky-note"' in page and 'id="accept-risks"' in page and "金额变化超过一半" in page
    confirm = reverse("exchange_io:batch_confirm", args=[batch.pk])
    response = client.post(confirm, follow=True)
    assert "勾选“我已核对”" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert Project.objects.get().aid_amount == Decimal("12000000.00")
    client.post(confirm, {"accept_risks": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    assert batch.accepted_risks == [["项目", "ZJHX-2023-001", ["amount"]]]
    assert Project.objects.get().aid_amount == Decimal("1000000.00")


def test_a_risk_that_appeared_after_the_preview_refuses_the_import(client_for, reg, tmp_path):
    """The import runs again from the stored file: a risky update the uploader never saw
    (the record changed after the dry run) is not written."""
    seed(reg, tmp_path)
    client = client_for(reg.hq)
    batch = upload(client, book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=1300)]))
    assert batch.preview["risky"] == 0
    from duikou.projects import services as project_services

    project = Project.objects.get()
    project_services.project_update(actor=reg.hq, project=project, aid_amount=Decimal("100000"))
    before = table_counts()
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "数据在预览之后发生了变化" in batch.errors[0]["message"]
    assert Project.objects.get().aid_amount == Decimal("100000.00")
    assert {k: v for k, v in table_counts().items() if "exchange_io" not in k} == {
        k: v for k, v in before.items() if "exchange_io" not in k
    }


def test_the_change_list_page_pages_filters_and_downloads(client_for, reg, tmp_path):
    seed(reg, tmp_path)
    client = client_for(reg.hq)
    rows = [project_row(援助资金=100), *(project_row(f"ZJHX-2024-{i:03d}") for i in range(60))]
    batch = upload(client, book(tmp_path, 项目=[PROJECT_HEADER, *rows]))
    url = reverse("exchange_io:batch_changes", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "共 61 条" in page and "其中 1 条需注意" in page
    assert "第 1 / 2 页" in page
    assert page.index("ZJHX-2023-001") < page.index("ZJHX-2024-000")  # risky first
    page = client.get(url, {"action": "update"}).content.decode()
    assert "ZJHX-2023-001" in page and "ZJHX-2024-000" not in page
    page = client.get(url, {"q": "ZJHX-2024-059"}).content.decode()
    assert "ZJHX-2024-059" in page and "ZJHX-2024-058" not in page
    page = client.get(url, {"risky": "1"}).content.decode()
    assert "ZJHX-2023-001" in page and "ZJHX-2024-001" not in page
    page = client.get(url, {"sheet": "资金"}).content.decode()
    assert 'id="no-changes"' in page
    assert client.get(url, {"page": "2"}, HTTP_HX_REQUEST="true").status_code == 200
    response = client.get(reverse("exchange_io:batch_changes_xlsx", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    ws = load_workbook(io.BytesIO(response.content)).active
    table = [[c.value for c in row] for row in ws.iter_rows()]
    assert table[0] == ["工作表", "行", "操作", "记录", "名称", "字段", "原值", "新值", "需注意"]
    assert table[1][:8] == [
        "项目",
        2,
        "更新",
        "ZJHX-2023-001",
        table[1][4],
        "援助资金",
        "1200 万元",
        "100 万元",
    ]
    assert "变化超过一半" in table[1][8]
    assert len(table) == 1 + 61
    filtered = client.get(reverse("exchange_io:batch_changes_xlsx", args=[batch.pk]), {"q": "2024"})
    assert len(list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows())) == 1 + 60


def test_the_change_list_keeps_to_the_batch_scope(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    batch = upload(client, book(tmp_path, 项目=[PROJECT_HEADER, project_row()]))
    for name in ("exchange_io:batch_changes", "exchange_io:batch_changes_xlsx"):
        url = reverse(name, args=[batch.pk])
        assert client.get(url).status_code == 200
        assert client_for(reg.wulan_team).get(url).status_code == 404  # another's batch
        assert client_for(reg.viewer).get(url).status_code == 403
        assert client_for(reg.hq).get(url).status_code == 200


@pytest.mark.usefixtures("field_key")
def test_personal_data_stays_masked_in_the_change_list(reg, tmp_path):
    from tests.test_exchange_people import PEOPLE_HEADER, person_row
    from tests.test_people_common import LI_ID, PHONE, PHONE_2

    first = make_book(tmp_path / "p1.xlsx", {"人员": [PEOPLE_HEADER, person_row()]})
    assert run(first, reg.hq).ok
    second = make_book(
        tmp_path / "p2.xlsx", {"人员": [PEOPLE_HEADER, person_row(联系电话=PHONE_2)]}
    )
    result = dry(second, reg.hq)
    text = result.changes.text() + repr(result.changes.as_json())
    assert LI_ID not in text and PHONE not in text and PHONE_2 not in text
    (change,) = result.changes.updated
    assert change.key.startswith(LI_ID[:4]) and "*" in change.key
    assert ("联系电话", "（保密）", "已修改") in change.fields


# Template example rows -----------------------------------------------------------------------


def test_the_downloaded_template_is_refused_on_every_sheet_with_delete_the_example_row(
    reg, tmp_path
):
    path = tmp_path / "t.xlsx"
    path.write_bytes(blanks.template_workbook())
    before = table_counts()
    result = run(path, reg.hq)
    assert not result.ok and table_counts() == before
    refused = {e.sheet for e in result.errors if "删除示例行" in e.message}
    assert refused == {s.name for s in blanks.specs.ordered()}
    assert all(e.row == 2 for e in result.errors if "删除示例行" in e.message)


def test_the_template_examples_use_codes_no_record_can_have(reg):
    ws = load_workbook(io.BytesIO(blanks.template_workbook(["项目", "资金"])))
    assert ws["项目"]["A2"].value == "示例-0001" and ws["资金"]["A2"].value == "示例-0001"
    assert ws["项目"].cell(row=1, column=len(PROJECT_HEADER) + 1).value == "示例"


def test_an_example_code_is_refused_even_without_the_marker_column(reg, tmp_path):
    seed(reg, tmp_path)
    path = book(tmp_path, 项目=[PROJECT_HEADER, project_row("示例-0001"), project_row()])
    result = run(path, reg.hq)
    assert "删除示例行" in messages(result) and not result.written
    assert result.errors[0].row == 2 and result.errors[0].column == "项目编号*"


def test_a_marked_row_is_refused_and_the_marker_column_raises_no_warning(reg, tmp_path):
    path = book(
        tmp_path,
        项目=[
            [*PROJECT_HEADER, "示例"],
            [*project_row(), "示例行，导入前请删除"],
            [*project_row("ZJHX-2023-002"), None],
        ],
    )
    result = run(path, reg.hq)
    assert [(e.row, "删除示例行" in e.message) for e in result.errors] == [(2, True)]
    assert not any("示例" in w.message for w in result.warnings)
    # Deleting the example row is all it takes.
    path = book(tmp_path, 项目=[[*PROJECT_HEADER, "示例"], [*project_row("ZJHX-2023-002"), None]])
    assert run(path, reg.hq).ok


# .xls and .ods ----------------------------------------------------------------------------------


def convert(path, fmt: str):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot write an .xls/.ods to read")
    out = path.parent / fmt
    out.mkdir(exist_ok=True)
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", fmt, "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(path.parent), "PATH": "/usr/bin:/bin"},
    )
    converted = out / (path.stem + "." + fmt)
    assert converted.is_file()
    return converted


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_workbooks_import_like_xlsx(reg, tmp_path, fmt):
    source = book(
        tmp_path,
        name="legacy.xlsx",
        项目=[PROJECT_HEADER, project_row(), project_row("ZJHX-2023-002", 援助资金="88.5")],
        资金=[FLOW_HEADER, flow_row()],
    )
    path = convert(source, fmt)
    assert reader.check_file(path) == fmt
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert {n: s.created for n, s in result.sheets.items()} == {"项目": 2, "资金": 1}
    p = Project.objects.get(code="ZJHX-2023-001")
    assert p.aid_amount == Decimal("12000000.00") and p.county == reg.dulan
    assert p.planned_start.isoformat() == "2023-04-01"
    assert Project.objects.get(code="ZJHX-2023-002").aid_amount == Decimal("885000.00")
    assert MoneyFlow.objects.get().amount == Decimal("6000000.00")


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_an_xls_or_ods_upload_with_errors_gets_an_xlsx_error_workbook(
    client_for, reg, tmp_path, fmt
):
    source = book(tmp_path, name="bad.xlsx", 项目=[PROJECT_HEADER, project_row(年度="明年")])
    path = convert(source, fmt)
    client = client_for(reg.hq)
    batch = upload(client, path, content_type="application/octet-stream")
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.filename == f"bad.{fmt}"
    response = client.get(reverse("exchange_io:batch_errors", args=[batch.pk]))
    content = b"".join(response.streaming_content)
    assert content.startswith(b"PK") and response["Content-Disposition"].endswith(".xlsx")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "导入错误" and "项目" in wb.sheetnames
    assert wb["项目"]["C2"].fill.fgColor.rgb.endswith("FFC7CE")


@pytest.mark.usefixtures("field_key")
def test_a_personal_ods_upload_is_stored_sealed(reg, tmp_path):
    from duikou.exchange_io import services
    from tests.test_exchange_people import PEOPLE_HEADER, person_row

    source = make_book(tmp_path / "people.xlsx", {"人员": [PEOPLE_HEADER, person_row()]})
    data = convert(source, "ods").read_bytes()
    assert services.holds_personal_data(data)
    batch = services.batch_create(user=reg.hq, file=data, filename="people.ods")
    assert services.is_sealed(batch.file)


def test_the_engine_reports_an_unseen_risk_without_writing(reg, tmp_path):
    seed(reg, tmp_path)
    path = book(tmp_path, 项目=[PROJECT_HEADER, project_row(援助资金=100)])
    result = engine.run(path, actor=reg.hq, dry_run=False, accepted=set())
    assert not result.written and "数据在预览之后发生了变化" in messages(result)
    assert Project.objects.get().aid_amount == Decimal("12000000.00")
    accepted = {("项目", "ZJHX-2023-001", ("amount",))}
    assert engine.run(path, actor=reg.hq, dry_run=False, accepted=accepted).written
