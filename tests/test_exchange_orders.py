"""The 点单 sheet: a quarter's orders imported all or nothing, through the orders services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from duikou.exchange_io import blanks, services
from duikou.exchange_io.models import ImportBatch, ImportChange
from duikou.orders import services as order_services
from duikou.orders.models import Demand, DemandStatus, Visit
from duikou.people.identity import make_id_number
from tests.test_exchange_support import (
    assert_refused,
    exchange_settings,  # noqa: F401
    make_book,
    messages,
    run,
    template_as_filled,
)
from tests.test_people_common import PHONE, ZHAO_ID, field_key, person, posting  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

DEMAND_HEADER = [
    "需求单位*",
    "所需专业*",
    "服务方式*",
    "所需天数*",
    "最早开始*",
    "最晚结束*",
    "优先级",
    "需求摘要",
    "说明",
    "希望的专家",
]


def ID(n: int) -> str:
    return make_id_number("330402", dt.date(1980, 1, n), f"{n:03d}")


def later(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def demand_row(**over) -> list:
    row = {
        "需求单位": "都兰县人民医院",
        "所需专业": "神经内科",
        "服务方式": "坐诊",
        "所需天数": 5,
        "最早开始": later(30),
        "最晚结束": later(60),
        "优先级": None,
        "需求摘要": "卒中中心带教",
        "说明": None,
        "希望的专家": None,
    }
    for key, value in over.items():
        if key not in row:
            raise KeyError(key)
        row[key] = value
    return [row[h.rstrip("*")] for h in DEMAND_HEADER]


def book(tmp_path, *rows, header=DEMAND_HEADER, name="orders.xlsx"):
    return make_book(tmp_path / name, {"点单": [header, *rows]})


def counts() -> dict[str, int]:
    """Rows of every table an import of 点单 may write (and their history)."""
    out = {}
    for label in ("orders", "people", "core", "exchange_io"):
        for model in apps.get_app_config(label).get_models():
            out[model._meta.label] = model._default_manager.count()
    for through in (Demand.preferred_experts.through,):
        out["m2m"] = through.objects.count()
    return out


def expert(reg, name, *, id_number, employer=None, field="医疗"):
    p = person(reg, id_number=id_number, name=name, phone=PHONE, employer=employer)
    posting(reg, p, field=field, start=later(-200), end_date=later(300))
    return p


@pytest.fixture
def li(reg):
    return expert(reg, "李明", id_number=ID(1))


def cell_problem(result, column: str):
    found = [e for e in result.errors if e.column.rstrip("*") == column]
    assert found, messages(result)
    return found[0]


# Importing -------------------------------------------------------------------------------------


def test_headquarters_imports_a_quarter_of_orders(reg, li, tmp_path):
    path = book(
        tmp_path,
        demand_row(需求单位="都兰县医院", 优先级=8, 希望的专家="李明"),
        demand_row(
            需求单位="海西州人民医院",
            所需专业="重症医学科",
            服务方式="带教",
            所需天数="１０天",
            最早开始=later(20).strftime("%Y年%m月%d日"),
            最晚结束=later(80).strftime("%Y/%m/%d"),
            需求摘要=None,
            说明="  急需  ",
        ),
    )
    result = run(path, reg.hq)
    assert result.ok and result.written, result.text()
    assert result.sheets["点单"].created == 2
    first = Demand.objects.get(organisation=reg.dulan_hospital)
    assert (first.skill, first.service_kind, first.days, first.priority) == (
        "神经内科",
        "坐诊",
        5,
        8,
    )
    assert (first.status, first.posted_by, first.title) == (
        DemandStatus.OPEN,
        reg.hq,
        "卒中中心带教",
    )
    assert list(first.preferred_experts.all()) == [li]
    second = Demand.objects.get(organisation=reg.prefecture_hospital)
    assert second.skill == "重症医学科 (ICU)"  # the short form is stored in the catalogue spelling
    assert (second.days, second.earliest_start, second.latest_end) == (10, later(20), later(80))
    assert (second.priority, second.note, second.skill_field) == (5, "急需", "医疗")
    newest = first.history.order_by("-history_id").first()
    assert newest.history_type == "+" and "导入" in newest.history_change_reason
    assert newest.history_user == reg.hq


def test_a_county_team_imports_its_own_county_with_the_default_priority(reg, tmp_path):
    path = book(tmp_path, demand_row(优先级=5), demand_row(所需专业="数学", 需求单位="都兰县医院"))
    result = run(path, reg.dulan_team)
    assert result.ok, result.text()
    assert set(Demand.objects.values_list("priority", "posted_by")) == {(5, reg.dulan_team.pk)}


def test_the_same_workbook_twice_changes_nothing(reg, li, tmp_path):
    path = book(tmp_path, demand_row(希望的专家="李明", 优先级=7), demand_row(所需专业="骨科"))
    assert run(path, reg.hq).ok
    before = counts()
    again = run(path, reg.hq)
    assert again.ok, again.text()
    summary = again.sheets["点单"]
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert counts() == before


def test_a_row_of_an_open_demand_updates_it_in_history(reg, li, tmp_path):
    run(book(tmp_path, demand_row(), name="a.xlsx"), reg.dulan_team)
    demand = Demand.objects.get()
    path = book(
        tmp_path,
        demand_row(所需天数=7, 需求摘要="改为 7 天", 希望的专家="李明"),
        name="b.xlsx",
    )
    result = run(path, reg.dulan_team)
    assert result.ok, result.text()
    assert result.sheets["点单"].updated == 1
    demand.refresh_from_db()
    assert (demand.days, demand.title, demand.version) == (7, "改为 7 天", 2)
    assert list(demand.preferred_experts.all()) == [li]
    newest = demand.history.order_by("-history_id").first()
    assert newest.history_type == "~" and newest.history_user == reg.dulan_team
    assert "导入" in newest.history_change_reason


def test_a_blank_priority_keeps_the_one_headquarters_set(reg, tmp_path):
    run(book(tmp_path, demand_row(), name="a.xlsx"), reg.dulan_team)
    demand = Demand.objects.get()
    order_services.demand_set_priority(actor=reg.hq, demand=demand, priority=9)
    # the county team's sheet again, priority blank, or the priority as it now is
    for i, prio in enumerate([None, 9]):
        result = run(book(tmp_path, demand_row(优先级=prio), name=f"b{i}.xlsx"), reg.dulan_team)
        assert result.ok and result.sheets["点单"].unchanged == 1, result.text()
    assert Demand.objects.get().priority == 9


# Bad cells: each names the cell and writes nothing --------------------------------------------


BAD_CELLS = [
    ({"所需专业": "心内科"}, "所需专业", "不在所需专业目录中"),
    ({"所需专业": "神经内"}, "所需专业", "是否是：神经内科"),
    ({"需求单位": "都兰县第九医院"}, "需求单位", "系统中没有名为“都兰县第九医院”的单位"),
    ({"需求单位": "嘉兴市第一医院"}, "需求单位", "不是海西（受援方）的医院或学校"),
    ({"服务方式": "义诊"}, "服务方式", "坐诊、手术、讲座、带教、培训"),
    ({"所需天数": 0}, "所需天数", "应为 1 到 90 之间的整数"),
    ({"所需天数": 91}, "所需天数", "应为 1 到 90 之间的整数"),
    ({"所需天数": "五天"}, "所需天数", "应为 1 到 90 之间的整数"),
    ({"所需天数": 2.5}, "所需天数", "应为 1 到 90 之间的整数"),
    ({"所需天数": None}, "所需天数", "必填"),
    ({"最早开始": "下个月"}, "最早开始", "无法识别的日期"),
    ({"所需天数": 10, "最晚结束": later(33)}, "最晚结束", "只有 4 天，少于所需天数 10 天"),
    ({"最晚结束": later(10)}, "最晚结束", "早于最早开始"),
    ({"最早开始": later(-60), "最晚结束": later(-30)}, "最晚结束", "已经过去"),
    ({"优先级": 11}, "优先级", "应为 1 到 10 之间的整数"),
    ({"希望的专家": "王五"}, "希望的专家", "没有名为“王五”的医疗或教育援派人员"),
]


@pytest.mark.parametrize(("over", "column", "fragment"), BAD_CELLS)
def test_a_bad_cell_is_named_and_nothing_is_written(reg, tmp_path, over, column, fragment):
    path = book(tmp_path, demand_row(所需专业="骨科"), demand_row(**over))
    before = counts()
    result = run(path, reg.hq)
    assert_refused(result, fragment)
    problem = cell_problem(result, column)
    assert fragment in problem.message and problem.row == 3
    assert counts() == before


def test_a_county_team_may_not_import_another_countys_hospital(reg, tmp_path):
    path = book(tmp_path, demand_row(需求单位="乌兰县人民医院"), demand_row())
    before = counts()
    result = run(path, reg.wulan_team)
    assert_refused(result, "“都兰县人民医院”超出您的数据范围")
    assert cell_problem(result, "需求单位").row == 3
    assert len(result.errors) == 1 and counts() == before


def test_a_county_teams_priority_is_refused_on_its_cell(reg, tmp_path):
    before = counts()
    result = run(book(tmp_path, demand_row(优先级=8)), reg.dulan_team)
    assert_refused(result, "优先级由指挥部统一调整")
    assert "“说明”" in cell_problem(result, "优先级").message
    assert counts() == before


def test_an_expert_name_two_people_bear_is_ambiguous(reg, tmp_path):
    expert(reg, "张伟", id_number=ID(1))
    other = expert(reg, "张伟", id_number=ID(2), employer=reg.huzhou_hospital, field="教育")
    expert(reg, "李明", id_number=ID(3))
    person(reg, id_number=ZHAO_ID, name="赵敏")  # no posting: not an expert
    before = counts()
    result = run(book(tmp_path, demand_row(希望的专家="李明、张伟")), reg.hq)
    assert_refused(
        result, "名为“张伟”的医疗或教育援派人员有 2 位", "嘉兴市第一医院、湖州市中心医院"
    )
    assert counts() == before
    result = run(book(tmp_path, demand_row(希望的专家="赵敏")), reg.hq)
    assert_refused(result, "没有名为“赵敏”的医疗或教育援派人员")
    # told apart by the employer, and separated by a comma
    result = run(book(tmp_path, demand_row(希望的专家="李明, 张伟（湖州市中心医院）")), reg.hq)
    assert result.ok, result.text()
    assert {p.name for p in Demand.objects.get().preferred_experts.all()} == {"李明"} | {"张伟"}
    assert other in Demand.objects.get().preferred_experts.all()


def test_a_demand_no_longer_open_is_not_changed(reg, li, tmp_path):
    run(book(tmp_path, demand_row(), name="a.xlsx"), reg.hq)
    demand = Demand.objects.get()
    Visit.objects.create(demand=demand, expert=li, start_date=later(30), end_date=later(34))
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.SCHEDULED)
    before = counts()
    result = run(book(tmp_path, demand_row(所需天数=6), name="b.xlsx"), reg.hq)
    assert_refused(result, f"该需求（#{demand.pk}）已“已安排”，不能再通过导入修改", "所需天数")
    assert counts() == before
    # the row as it is (an exported list imported again) is unchanged, not an error
    same = run(book(tmp_path, demand_row(), name="c.xlsx"), reg.hq)
    assert same.ok and same.sheets["点单"].unchanged == 1, same.text()


def test_a_withdrawn_demand_is_named_when_its_row_comes_again(reg, tmp_path):
    run(book(tmp_path, demand_row(), name="a.xlsx"), reg.hq)
    demand = order_services.demand_withdraw(
        actor=reg.hq, demand=Demand.objects.get(), reason="医院已自行解决"
    )
    result = run(book(tmp_path, demand_row(), name="b.xlsx"), reg.hq)
    assert result.ok
    assert any("已撤回" in w.message for w in result.warnings)
    result = run(book(tmp_path, demand_row(所需天数=3), name="c.xlsx"), reg.hq)
    assert_refused(result, f"该需求（#{demand.pk}）已“已撤回”")


def test_the_same_demand_twice_in_a_workbook_is_refused(reg, tmp_path):
    before = counts()
    result = run(book(tmp_path, demand_row(), demand_row(需求单位="都兰县医院")), reg.hq)
    assert_refused(result, "与第 2 行是同一需求")
    assert counts() == before


def test_a_sheet_without_the_required_columns_is_refused(reg, tmp_path):
    header = [h for h in DEMAND_HEADER if h != "最晚结束*"]
    row = demand_row()
    del row[DEMAND_HEADER.index("最晚结束*")]
    result = run(book(tmp_path, row, header=header), reg.hq)
    assert_refused(result, "缺少必填列：最晚结束*")
    assert not Demand.objects.exists()


# Batches: the web flow, the error workbook, undo, the command line ----------------------------


def _batch(reg, path, user=None) -> ImportBatch:
    batch = services.batch_create(user=user or reg.hq, file=path, filename=path.name)
    services.batch_run(batch, dry_run=True)
    services.batch_run(batch, dry_run=False)
    batch.refresh_from_db()
    return batch


def test_the_dry_run_writes_nothing_and_the_error_workbook_marks_the_cell(reg, tmp_path):
    path = book(tmp_path, demand_row(所需专业="心内科"))
    batch = services.batch_create(user=reg.hq, file=path, filename=path.name)
    result = services.batch_run(batch, dry_run=True)
    assert not result.ok and not Demand.objects.exists()
    batch.refresh_from_db()
    wb = load_workbook(io.BytesIO(batch.error_file.read()))
    cell = wb["点单"]["B2"]
    assert cell.comment is not None and "心内科" in cell.comment.text


def test_undo_deletes_what_the_import_created_and_restores_what_it_changed(reg, li, tmp_path):
    _batch(reg, book(tmp_path, demand_row(), name="a.xlsx"))
    demand = Demand.objects.get()
    path = book(
        tmp_path,
        demand_row(所需天数=8, 希望的专家="李明", 优先级=6),
        demand_row(所需专业="眼科", 服务方式="手术"),
        name="b.xlsx",
    )
    batch = _batch(reg, path)
    assert batch.status == ImportBatch.Status.IMPORTED
    assert set(batch.changes.values_list("model", "action")) == {
        ("orders.demand", ImportChange.Action.CREATE),
        ("orders.demand", ImportChange.Action.UPDATE),
    }
    assert Demand.objects.count() == 2
    services.batch_undo(batch, actor=reg.hq)
    assert list(Demand.objects.all()) == [demand]
    demand.refresh_from_db()
    assert (demand.days, demand.priority) == (5, 5)
    assert not demand.preferred_experts.exists()
    assert "撤销导入" in demand.history.order_by("-history_id").first().history_change_reason


def test_undo_is_refused_once_a_demand_was_changed_after_the_import(reg, tmp_path):
    batch = _batch(reg, book(tmp_path, demand_row()))
    order_services.demand_update(actor=reg.hq, demand=Demand.objects.get(), days=4)
    with pytest.raises(services.UndoRefused) as exc:
        services.batch_undo(batch, actor=reg.hq)
    assert "之后又被修改过" in str(exc.value)
    assert Demand.objects.get().days == 4


def test_undo_is_refused_once_a_visit_was_booked_for_an_imported_demand(reg, li, tmp_path):
    batch = _batch(reg, book(tmp_path, demand_row()))
    Visit.objects.create(
        demand=Demand.objects.get(), expert=li, start_date=later(30), end_date=later(34)
    )
    with pytest.raises(services.UndoRefused) as exc:
        services.batch_undo(batch, actor=reg.hq)
    assert "已安排了专家服务" in str(exc.value) and "李明" in str(exc.value)


def test_the_web_upload_imports_the_sheet(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    with book(tmp_path, demand_row()).open("rb") as fh:
        response = client.post(reverse("exchange_io:import"), {"file": fh})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.CHECKED
    assert "点单" in client.get(batch.get_absolute_url()).content.decode()
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    assert Demand.objects.get().posted_by == reg.dulan_team


def test_the_command_line_imports_the_sheet(reg, tmp_path, capsys):
    call_command("import", str(book(tmp_path, demand_row(所需专业="数学", 需求单位="都兰县医院"))))
    assert Demand.objects.get().skill_field == "教育"
    assert "点单" in capsys.readouterr().out


# Template and export ---------------------------------------------------------------------------


def test_the_template_has_the_sheet_with_drop_downs_and_the_guide(reg, tmp_path):
    content = blanks.template_workbook(["点单"])
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["点单", "说明", "_下拉列表"]
    assert wb["_下拉列表"].sheet_state == "hidden"
    ws = wb["点单"]
    assert [c.value for c in ws[1]] == [*DEMAND_HEADER, "示例"]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert "坐诊" in rules["C2"].formula1 and "培训" in rules["C2"].formula1
    assert rules["B2"].formula1.startswith("'_下拉列表'!$A$1:$A$")
    catalogue = [c.value for c in wb["_下拉列表"]["A"]]
    assert "重症医学科 (ICU)" in catalogue and "数学" in catalogue
    assert (rules["D2"].type, rules["D2"].formula1, rules["D2"].formula2) == ("whole", "1", "90")
    assert (rules["G2"].formula1, rules["G2"].formula2) == ("1", "10")
    guide = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    documented = {r[1]: r for r in guide if r and r[0] == "点单"}
    assert set(documented) == set(DEMAND_HEADER)
    assert "不会自动新建" in documented["需求单位*"][4]
    assert "只有指挥部" in documented["优先级"][3]
    # the example row (dates in the coming quarter) imports, once its 示例 marker is cleared
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_as_filled(["点单"]))
    result = run(path, reg.hq, dry_run=True)
    assert result.ok and result.sheets["点单"].created == 1, result.text()


def test_the_template_page_offers_the_sheet(client_for, reg):
    client = client_for(reg.dulan_team)
    response = client.get(reverse("exchange_io:template", args=["点单"]))
    assert response.status_code == 200
    assert "点单" in load_workbook(io.BytesIO(response.content)).sheetnames
    assert "点单" in client.get(reverse("exchange_io:import")).content.decode()


def test_the_demand_list_export_imports_again(client_for, reg, li, tmp_path):
    run(book(tmp_path, demand_row(希望的专家="李明", 说明="三月前到"), name="a.xlsx"), reg.hq)
    order_services.demand_create(
        actor=None,
        organisation=reg.wulan_hospital,
        skill="眼科",
        service_kind="手术",
        days=3,
        earliest_start=later(10),
        latest_end=later(20),
    )
    response = client_for(reg.dulan_team).get(reverse("orders:demand_export"))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["点单"]
    header = [c.value for c in ws[1]]
    assert header[: len(DEMAND_HEADER)] == DEMAND_HEADER
    assert {"编号", "状态", "安排专家"} <= set(header[len(DEMAND_HEADER) :])
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0][0] == "都兰县人民医院"  # scoped: no 乌兰 row
    assert rows[0][DEMAND_HEADER.index("希望的专家")] == "李明"
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    result = run(path, reg.dulan_team)
    assert result.ok, result.text()
    assert result.sheets["点单"].unchanged == 1
    assert any("忽略未知列“编号”" in w.message for w in result.warnings)


def test_every_bad_cell_of_a_row_is_reported_at_once(reg, tmp_path):
    row = demand_row(优先级=8, 希望的专家="张三", 所需天数=10, 最晚结束=later(33))
    result = run(book(tmp_path, row), reg.dulan_team)
    assert_refused(result)
    assert {e.column.rstrip("*") for e in result.errors} == {"优先级", "希望的专家", "最晚结束"}
    assert result.sheets["点单"].errors == 1
