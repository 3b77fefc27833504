"""Import pages: upload → preview → confirm, access, history, error workbook, templates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from duikou.exchange_io.models import ImportBatch
from duikou.projects.models import MoneyFlow, Project
from tests.test_exchange_support import (
    FLOW_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    project_row,
    table_counts,
    template_as_filled,
)
from tests.test_people_common import field_key  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path):
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
    return client.post(reverse("exchange_io:import"), {"file": data})


def good_book(tmp_path, **over):
    return make_book(
        tmp_path / "good.xlsx",
        {"项目": [PROJECT_HEADER, project_row(**over)], "资金": [FLOW_HEADER, flow_row()]},
    )


def test_upload_preview_and_confirm(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    assert client.get(reverse("exchange_io:import")).status_code == 200
    before = table_counts()
    response = upload(client, good_book(tmp_path))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    # The dry run ran as a task (inline here) and wrote nothing but the batch.
    assert batch.status == ImportBatch.Status.CHECKED
    assert {k: v for k, v in table_counts().items() if "exchange_io" not in k} == {
        k: v for k, v in before.items() if "exchange_io" not in k
    }
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "检查通过" in page and 'id="confirm"' in page
    assert "确认导入（新建 2 条，更新 0 条）" in page
    assert "hx-trigger" not in page  # finished: no more polling
    response = client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Project.objects.get().created_by == reg.dulan_team
    assert MoneyFlow.objects.count() == 1
    assert batch.changes.count() == 2
    # Confirming twice imports once.
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    assert MoneyFlow.objects.count() == 1
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "已于" in page and 'id="undo"' in page


def test_confirm_reruns_from_the_stored_file(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    upload(client, good_book(tmp_path))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.CHECKED
    # Meanwhile headquarters files the same project code under 乌兰: the confirmed import
    # checks everything again and finds a project out of the county team's scope.
    make_book(
        tmp_path / "other.xlsx",
        {"项目": [PROJECT_HEADER, project_row(**{"所在地": "乌兰县", "实施单位": None})]},
    )
    from duikou.exchange_io import engine

    assert engine.run(tmp_path / "other.xlsx", actor=reg.hq, dry_run=False).ok
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert MoneyFlow.objects.count() == 0
    assert "超出您的数据范围" in client.get(batch.get_absolute_url()).content.decode()


def test_a_workbook_with_errors_shows_them_and_offers_the_marked_copy(client_for, reg, tmp_path):
    client = client_for(reg.hq)
    path = make_book(
        tmp_path / "bad.xlsx",
        {"项目": [PROJECT_HEADER, project_row(**{"类别*": "水利", "所在地*": "海西州"})]},
    )
    upload(client, path)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "检查未通过" in page and "“水利”不是有效的类别" in page and 'id="confirm"' not in page
    response = client.get(reverse("exchange_io:batch_errors", args=[batch.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["项目"]
    assert ws["D2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "不是有效的类别" in ws["D2"].comment.text
    assert "地级行政区" in ws["E2"].comment.text
    assert wb["导入错误"].max_row == 3
    assert client.post(reverse("exchange_io:batch_confirm", args=[batch.pk])).status_code == 302
    assert Project.objects.count() == 0


def test_a_file_that_is_not_a_workbook_gets_a_clear_message(client_for, reg, tmp_path):
    client = client_for(reg.hq)
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    upload(client, path)
    page = client.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "不是 Excel 工作簿" in page


def test_an_oversized_upload_is_refused_by_the_form(client_for, reg, tmp_path, settings):
    settings.DUIKOU_IMPORT_MAX_BYTES = 100
    response = upload(client_for(reg.hq), good_book(tmp_path))
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_running_batch_is_polled(client_for, reg, tmp_path):
    client = client_for(reg.hq)
    upload(client, good_book(tmp_path))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKING, phase="check", rows_done=1, rows_total=2
    )
    url = reverse("exchange_io:batch_status", args=[batch.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and f'hx-get="{url}"' in fragment
    assert "正在检查数据：1 / 2 行" in fragment
    assert "<html" not in fragment


def test_the_viewer_and_the_liaison_may_not_import(client_for, reg, tmp_path):
    for user in (reg.viewer, reg.liaison, reg.doctor):
        client = client_for(user)
        assert client.get(reverse("exchange_io:import")).status_code == 403
        assert upload(client, good_book(tmp_path)).status_code == 403
        assert client.get(reverse("exchange_io:batch_list")).status_code == 403
    assert not ImportBatch.objects.exists()


def test_another_users_batch_answers_404(client_for, reg, tmp_path):
    upload(client_for(reg.dulan_team), good_book(tmp_path))
    batch = ImportBatch.objects.get()
    client = client_for(reg.wulan_team)
    for name in ("batch_detail", "batch_status", "batch_errors", "batch_file"):
        assert client.get(reverse(f"exchange_io:{name}", args=[batch.pk])).status_code == 404
    for name in ("batch_confirm", "batch_undo"):
        assert client.post(reverse(f"exchange_io:{name}", args=[batch.pk])).status_code == 404
    assert "good.xlsx" not in client.get(reverse("exchange_io:batch_list")).content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_headquarters_sees_every_batch_but_confirms_only_its_own(client_for, reg, tmp_path):
    upload(client_for(reg.dulan_team), good_book(tmp_path))
    batch = ImportBatch.objects.get()
    client = client_for(reg.hq)
    listing = client.get(reverse("exchange_io:batch_list")).content.decode()
    assert "good.xlsx" in listing and "dulan" in listing
    assert client.get(batch.get_absolute_url()).status_code == 200
    assert client.post(reverse("exchange_io:batch_confirm", args=[batch.pk])).status_code == 403


def test_history_lists_file_counts_and_status(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    upload(client, good_book(tmp_path))
    batch = ImportBatch.objects.get()
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    page = client.get(reverse("exchange_io:batch_list")).content.decode()
    assert f"#{batch.pk}" in page and "good.xlsx" in page and "已导入" in page
    original = client.get(reverse("exchange_io:batch_file", args=[batch.pk]))
    assert b"".join(original.streaming_content) == (tmp_path / "good.xlsx").read_bytes()


def test_undo_from_the_page(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    upload(client, good_book(tmp_path))
    batch = ImportBatch.objects.get()
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    assert client.post(reverse("exchange_io:batch_undo", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE and batch.undone_by == reg.dulan_team
    assert not Project.objects.exists() and not MoneyFlow.objects.exists()
    assert "撤销" in client.get(batch.get_absolute_url()).content.decode()


# Templates ---------------------------------------------------------------------------------


def test_templates_have_drop_downs_an_example_and_the_guide(client_for, reg):
    client = client_for(reg.viewer)  # templates hold no data: anyone signed in
    assert client.get(reverse("exchange_io:templates")).status_code == 200
    response = client.get(reverse("exchange_io:template_all"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        *["项目", "资金", "结对", "人员", "培训", "点单", "企业", "政策", "招商", "销售", "活动"],
        *["说明", "_下拉列表"],
    ]
    ws = wb["项目"]
    assert [c.value for c in ws[1]] == [*PROJECT_HEADER, "示例"]  # the example-row marker
    assert ws["A1"].font.b and ws["A2"].value == "示例-0001"  # a code no project can have
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "保障和改善民生" in lists["D2"]  # 类别
    assert "都兰县" in lists["E2"]  # 所在地
    assert "宁波市" in lists["G2"]  # 结对城市
    assert "在建" in lists["K2"]  # 状态
    flows = wb["资金"]
    flow_lists = [dv.formula1 for dv in flows.data_validations.dataValidation]
    assert any("下达" in f for f in flow_lists) and any("援助资金" in f for f in flow_lists)
    pairing_lists = [dv.formula1 for dv in wb["结对"].data_validations.dataValidation]
    assert any("医院-科室" in f for f in pairing_lists)
    guide = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    explained = {(r[0], r[1]) for r in guide if r and r[0] in ("项目", "资金", "结对")}
    assert ("项目", "援助资金(万元)*") in explained and ("资金", "凭证号*") in explained
    assert len(explained) == 15 + 7 + 7
    assert any(r[1] == "所在地*" and "632822" in (r[5] or "") for r in guide)


def test_one_sheet_template_and_unknown_sheet(client_for, reg):
    client = client_for(reg.hq)
    wb = load_workbook(
        io.BytesIO(client.get(reverse("exchange_io:template", args=["资金"])).content)
    )
    assert wb.sheetnames == ["资金", "说明"]
    assert client.get(reverse("exchange_io:template", args=["不存在"])).status_code == 404


@pytest.mark.usefixtures("field_key")
def test_the_template_example_row_imports(reg, tmp_path):
    """The example values are valid data: with the 示例 marker cleared and the reserved codes
    replaced, every sheet's example row imports (tests/test_exchange_preview.py: as downloaded,
    it is refused)."""
    from duikou.exchange_io import engine

    path = tmp_path / "t.xlsx"
    path.write_bytes(template_as_filled())
    result = engine.run(path, actor=reg.hq, dry_run=True)
    assert result.ok, result.text()


def test_the_history_page_needs_few_queries(
    client_for, reg, tmp_path, django_assert_max_num_queries
):
    client = client_for(reg.hq)
    for _ in range(3):
        upload(client, good_book(tmp_path))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("exchange_io:batch_list"))
    assert response.content.decode().count("good.xlsx") == 3
