"""The import engine: every bad input gets a clear Chinese message and writes nothing."""

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from duikou.core.models import Department, Organisation, Pairing
from duikou.projects.models import MoneyFlow, Project, StatusTransition
from tests.test_exchange_support import (
    FLOW_HEADER,
    PAIRING_HEADER,
    PROJECT_HEADER,
    assert_refused,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    messages,
    project_row,
    run,
    table_counts,
)

pytestmark = pytest.mark.django_db


def book(tmp_path, name="book.xlsx", **sheets):
    return make_book(tmp_path / name, sheets)


def projects(*rows):
    return [PROJECT_HEADER, *rows]


def flows(*rows):
    return [FLOW_HEADER, *rows]


# A good workbook -------------------------------------------------------------------------


def test_a_good_workbook_imports_projects_flows_and_pairings(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(project_row(), project_row("zjhx-2023-002", 状态="储备", 实际开工=None)),
        资金=flows(
            flow_row(),
            flow_row(voucher="V-002", **{"类型*": "拨付", "金额(万元)*": "500.25"}),
            flow_row(voucher="V-003", **{"类型*": "支出", "金额(万元)*": 100}),
        ),
        结对=[
            PAIRING_HEADER,
            ["医院-科室", "浙大一院", "都兰县人民医院", "神经内科", "2024-01-01", None, "协议"],
        ],
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert result.written
    assert {n: (s.created, s.updated, s.unchanged) for n, s in result.sheets.items()} == {
        "项目": (2, 0, 0),
        "资金": (3, 0, 0),
        "结对": (1, 0, 0),
    }
    p = Project.objects.get(code="ZJHX-2023-001")
    assert p.status == "在建" and p.actual_start == dt.date(2023, 4, 18)
    assert p.county == reg.dulan and p.implementer == reg.dulan_hospital
    assert p.pairing_city == reg.jiaxing
    assert p.aid_amount == Decimal("12000000.00")
    assert p.local_amount == Decimal("3005000.00")
    assert p.social_amount == Decimal("0")
    assert p.created_by == reg.hq
    assert Project.objects.filter(code="ZJHX-2023-002").exists()  # codes are upper-cased
    transition = StatusTransition.objects.get(project=p)
    assert transition.via_import and transition.to_status == "在建"
    assert MoneyFlow.objects.get(voucher="V-002").amount == Decimal("5002500.00")
    flow = MoneyFlow.objects.get(voucher="V-001")
    assert flow.created_by == reg.hq
    record = flow.history.get()
    assert record.history_type == "+" and record.history_user == reg.hq
    assert "导入" in record.history_change_reason
    assert Pairing.objects.filter(zhejiang_org=reg.zju_hospital, haixi_department=reg.dulan_neuro)


def test_sheets_are_processed_projects_first_whatever_their_order(reg, tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in [("资金", flows(flow_row())), ("项目", projects(project_row()))]:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "b.xlsx")
    assert run(tmp_path / "b.xlsx", reg.hq).ok


def test_columns_in_any_order_extra_columns_warn_and_units_may_be_yuan(reg, tmp_path):
    header = ["备注", "凭证号", "金额（元）", "资金来源*", "类型", "日期", "项目编号", "经办人"]
    path = book(
        tmp_path,
        项目=projects(project_row()),
        资金=[
            header,
            ["", "V1", "1,234.56", "援助资金", "下达", "2023-06-01", "ZJHX-2023-001", "张三"],
        ],
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert MoneyFlow.objects.get().amount == Decimal("1234.56")
    assert any("经办人" in w.message for w in result.warnings)


def test_a_title_row_above_the_header_is_passed_over(reg, tmp_path):
    path = book(tmp_path, 项目=[["2023 年援青项目清单"], PROJECT_HEADER, project_row()])
    result = run(path, reg.hq)
    assert result.ok, result.text()


def test_empty_trailing_rows_and_spaces_are_ignored(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(
            project_row(
                " ZJHX-2023-001\u3000", **{"类别*": "\u3000医疗卫生 ", "所在地*": " 都兰 "}
            ),
            [None] * 15,
            ["", "  ", "\u3000"],
        ),
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert result.sheets["项目"].rows == 1
    assert Project.objects.get().code == "ZJHX-2023-001"


def test_full_width_digits_and_thousands_separators_are_normalised(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(
            project_row(
                "ＺＪＨＸ－２０２３－００１",
                **{
                    "年度*": "２０２３",
                    "援助资金(万元)*": "１，２００．５",
                    "所在地*": "６３２８２２",
                },
            )
        ),
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    p = Project.objects.get()
    assert (p.code, p.year, p.aid_amount) == ("ZJHX-2023-001", 2023, Decimal("12005000.00"))


@pytest.mark.parametrize(
    "cell",
    [
        "2023-06-01",
        "2023/6/1",
        "2023年6月1日",
        "20230601",
        20230601,
        dt.date(2023, 6, 1),
        dt.datetime(2023, 6, 1, 0, 0),
        45078,  # the Excel serial of 2023-06-01 in a cell without a date format
        "２０２３－０６－０１",
    ],
)
def test_dates_in_every_accepted_form(reg, tmp_path, cell):
    path = book(tmp_path, 项目=projects(project_row()), 资金=flows(flow_row(**{"日期*": cell})))
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert MoneyFlow.objects.get().date == dt.date(2023, 6, 1)


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("2023-02-30", "日期“2023-02-30”不存在"),
        ("2023/13/1", "不存在"),
        ("明年六月", "无法识别的日期“明年六月”"),
        ("06/01/2023", "无法识别的日期"),
        (True, "不是日期"),
    ],
)
def test_invalid_dates_are_errors(reg, tmp_path, cell, fragment):
    path = book(tmp_path, 项目=projects(project_row()), 资金=flows(flow_row(**{"日期*": cell})))
    before = table_counts()
    result = run(path, reg.hq)
    assert_refused(result, fragment, before=before)
    error = result.errors[0]
    assert (error.sheet, error.row, error.column) == ("资金", 2, "日期*")


# Bad values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "fragments"),
    [
        ("类别*", "水利", ["“水利”不是有效的类别", "保障和改善民生、产业支援"]),
        ("状态*", "进行中", ["“进行中”不是有效的状态", "储备、立项、在建"]),
        ("所在地*", "海西州", ["“海西蒙古族藏族自治州”是地级行政区", "县级"]),
        ("所在地*", "宁波市", ["“宁波市”是地级行政区"]),
        ("所在地*", "杭州", ["“杭州市”是地级行政区"]),
        ("所在地*", "朝阳区", ["“朝阳区”不是可用的县级行政区", "都兰县"]),
        ("所在地*", "110105", ["不是可用的县级行政区"]),
        ("结对城市", "都兰县", ["不是浙江省的地级市"]),
        ("年度*", "二〇二三", ["年度应为四位数字"]),
        ("年度*", 1999, ["年度应在 2000–2100 之间"]),
        ("援助资金(万元)*", -5, ["金额不能为负数"]),
        ("援助资金(万元)*", "一千万", ["不是数字"]),
        ("援助资金(万元)*", None, ["必填"]),
        ("援助资金(万元)*", "  ", ["必填"]),
        ("援助资金(万元)*", "0.0000001", ["精度超过 1 分"]),
        ("援助资金(万元)*", "12万", ["不是数字"]),
        ("项目名称*", "名" * 201, ["内容过长"]),
    ],
)
def test_bad_project_values_are_reported_and_nothing_is_written(
    reg, tmp_path, column, value, fragments
):
    path = book(
        tmp_path,
        项目=projects(project_row("ZJHX-2023-009"), project_row(**{column: value})),
    )
    before = table_counts()
    result = run(path, reg.hq)
    assert_refused(result, *fragments, before=before)
    error = result.errors[0]
    assert (error.sheet, error.row, error.column) == ("项目", 3, column)
    assert "第 3 行" in error.text()


def test_a_status_needs_its_dates(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(
            project_row(**{"状态*": "完工"}),
            project_row("ZJHX-2023-002", **{"状态*": "在建", "实际开工": None}),
        ),
    )
    before = table_counts()
    result = run(path, reg.hq)
    assert_refused(result, "须填写实际完工日期", "须填写实际开工日期", before=before)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(-1, "金额不能为负数"), ("abc", "不是数字"), (None, "必填"), (0, "金额必须大于 0")],
)
def test_negative_text_empty_or_zero_amounts_are_errors(reg, tmp_path, value, fragment):
    path = book(
        tmp_path, 项目=projects(project_row()), 资金=flows(flow_row(**{"金额(万元)*": value}))
    )
    before = table_counts()
    assert_refused(run(path, reg.hq), fragment, before=before)


def test_unknown_type_or_source_lists_the_allowed_values(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(project_row()),
        资金=flows(flow_row(**{"类型*": "报销", "资金来源*": "自筹"})),
    )
    assert_refused(
        run(path, reg.hq), "下达、拨付、支出", "援助资金、地方配套、社会资金", before=None
    )


def test_a_flow_for_a_project_that_does_not_exist(reg, tmp_path):
    path = book(tmp_path, 资金=flows(flow_row("ZJHX-2099-404")))
    before = table_counts()
    assert_refused(run(path, reg.hq), "项目编号“ZJHX-2099-404”不存在", before=before)


def test_a_flow_may_name_a_project_of_the_database(reg, tmp_path):
    assert run(book(tmp_path, "a.xlsx", 项目=projects(project_row())), reg.hq).ok
    assert run(book(tmp_path, "b.xlsx", 资金=flows(flow_row())), reg.hq).ok
    assert MoneyFlow.objects.count() == 1


def test_duplicate_keys_inside_one_workbook(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(project_row(), project_row(" zjhx-2023-001 ")),
        资金=flows(flow_row(), flow_row(**{"金额(万元)*": 1})),
    )
    before = table_counts()
    result = run(path, reg.hq)
    assert_refused(result, "与第 2 行重复（项目编号 相同）", "项目编号+凭证号", before=before)
    assert {(e.sheet, e.row) for e in result.errors} == {("项目", 3), ("资金", 3)}


def test_the_same_pairing_twice_by_short_and_full_name(reg, tmp_path):
    row = ["医院-科室", "浙大一院", "都兰县人民医院", "儿科", "2024-01-01", None, ""]
    path = book(
        tmp_path,
        结对=[PAIRING_HEADER, row, [row[0], "浙江大学医学院附属第一医院", "都兰县医院", *row[3:]]],
    )
    before = table_counts()
    assert_refused(run(path, reg.hq), "与第 2 行是同一结对", before=before)


def test_flow_balance_is_checked_after_every_row(reg, tmp_path):
    # 拨付 before 下达 in row order is fine: the balance holds once the workbook is applied.
    good = book(
        tmp_path,
        "good.xlsx",
        项目=projects(project_row()),
        资金=flows(
            flow_row(voucher="B", **{"类型*": "拨付", "金额(万元)*": 100}),
            flow_row(voucher="A", **{"类型*": "下达", "金额(万元)*": 100}),
        ),
    )
    assert run(good, reg.hq).ok
    bad = book(
        tmp_path,
        "bad.xlsx",
        资金=flows(flow_row(voucher="C", **{"类型*": "支出", "金额(万元)*": 100.01})),
    )
    before = table_counts()
    result = run(bad, reg.hq)
    assert_refused(
        result, "援助资金累计支出将达 100.01 万元，超过累计拨付 100.00 万元", before=before
    )
    assert (result.errors[0].row, result.errors[0].column) == (2, "金额(万元)*")


def test_a_cancelled_project_takes_no_flows(reg, tmp_path):
    path = book(tmp_path, 项目=projects(project_row(**{"状态*": "取消"})), 资金=flows(flow_row()))
    assert_refused(run(path, reg.hq), "已取消", before=None)


# Organisations -----------------------------------------------------------------------------


def test_unknown_organisations_are_created_on_the_side_their_column_implies(reg, tmp_path):
    path = book(
        tmp_path,
        项目=projects(project_row(实施单位="都兰县香日德镇中心小学")),
        结对=[
            PAIRING_HEADER,
            ["医院-科室", "宁波市第二医院", "都兰县人民医院", "眼科", "2024-01-01", None, ""],
            ["村-村", "安吉县余村", "乌兰县茶卡村", None, "2024-01-01", None, ""],
        ],
    )
    result = run(path, reg.hq, dry_run=True)
    assert result.ok, result.text()
    warnings = "\n".join(w.message for w in result.warnings)
    assert (
        "新建单位“都兰县香日德镇中心小学”（系统中没有该单位）：受援方（海西），学校，所在地 都兰县"
        in warnings
    )
    assert "为“都兰县人民医院”新增科室“眼科”" in warnings
    assert not Organisation.objects.filter(name="宁波市第二医院").exists()  # dry run
    assert run(path, reg.hq).ok
    school = Organisation.objects.get(name="都兰县香日德镇中心小学")
    assert (school.side, school.kind, school.division) == ("受援方", "学校", reg.dulan)
    hospital = Organisation.objects.get(name="宁波市第二医院")
    assert (hospital.side, hospital.kind, hospital.division.code) == ("支援方", "医院", "330000")
    village = Organisation.objects.get(name="乌兰县茶卡村")
    assert (village.side, village.kind, village.division.code) == ("受援方", "村", "632800")
    assert Department.objects.filter(organisation=reg.dulan_hospital, name="眼科").exists()


def test_organisations_are_matched_by_short_name(reg, tmp_path):
    path = book(tmp_path, 项目=projects(project_row(实施单位="都兰县医院")))
    assert run(path, reg.hq).ok
    assert Project.objects.get().implementer == reg.dulan_hospital
    assert Organisation.objects.count() == 6


# Whole-file problems -----------------------------------------------------------------------


def test_a_workbook_with_no_known_sheet(reg, tmp_path):
    path = book(tmp_path, Sheet1=[["a", "b"]], 汇总=[["x"]])
    before = table_counts()
    result = run(path, reg.hq)
    assert_refused(
        result, "没有可导入的工作表（现有：Sheet1、汇总）", "项目、资金、结对", before=before
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"%PDF-1.4 not a workbook at all", "不是 Excel 工作簿"),
        # An Office 97 file is read as an .xls (tests/test_exchange_preview.py); a damaged one:
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "无法读取该文件"),
        (b"", "文件是空的"),
    ],
)
def test_a_file_that_is_not_an_xlsx(reg, tmp_path, content, fragment):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    assert_refused(run(path, reg.hq), fragment, before=None)


def test_a_zip_that_is_not_a_workbook(reg, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    path = tmp_path / "book.xlsx"
    path.write_bytes(buf.getvalue())
    assert_refused(run(path, reg.hq), "不是有效的工作簿（.xlsx、.xls 或 .ods）", before=None)


def test_a_file_over_the_size_limit_is_refused_before_parsing(reg, tmp_path, settings):
    path = book(tmp_path, 项目=projects(project_row()))
    settings.DUIKOU_IMPORT_MAX_BYTES = 1024
    assert_refused(run(path, reg.hq), "文件过大", "导入上限为 1 KB", before=None)


def test_a_50_mb_upload_is_refused_quickly(reg):
    data = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    started = time.perf_counter()
    result = run(data, reg.hq)
    assert time.perf_counter() - started < 1
    assert_refused(result, "文件过大：50.0 MB，导入上限为 20.0 MB")


def test_a_merged_header_is_a_clear_error(reg, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(PROJECT_HEADER)
    ws.append(project_row())
    ws.merge_cells("A1:B1")
    wb.save(tmp_path / "b.xlsx")
    before = table_counts()
    result = run(tmp_path / "b.xlsx", reg.hq)
    assert_refused(result, "表头有合并单元格（A1:B1）", "取消合并", before=before)


def test_a_two_row_merged_header_is_a_clear_error(reg, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "资金"
    ws.append(FLOW_HEADER)
    ws.append([None] * 7)
    ws.merge_cells("A1:A2")
    wb.save(tmp_path / "b.xlsx")
    assert_refused(run(tmp_path / "b.xlsx", reg.hq), "表头有合并单元格（A1:A2）")


def _with_cached_values(path, values: dict[str, str]):
    """openpyxl writes formulas without results; add them as Excel would have."""
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for ref, value in values.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start)
                    cell = text[start:end].replace("<v></v>", "").replace("<v />", "")
                    text = text[:start] + cell + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            dst.writestr(item, data)
    path.write_bytes(out.getvalue())


def test_formulas_are_read_as_their_values(reg, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(PROJECT_HEADER)
    ws.append(project_row())
    ws["H2"] = "=1000+200"
    wb.save(tmp_path / "b.xlsx")
    _with_cached_values(tmp_path / "b.xlsx", {"H2": "1200"})
    result = run(tmp_path / "b.xlsx", reg.hq)
    assert result.ok, result.text()
    assert Project.objects.get().aid_amount == Decimal("12000000.00")


def test_a_formula_header_without_a_result_is_explained(reg, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(PROJECT_HEADER)
    ws["A1"] = '="项目"&"编号"'
    ws.append(project_row())
    wb.save(tmp_path / "b.xlsx")
    result = run(tmp_path / "b.xlsx", reg.hq)
    assert_refused(result, "缺少必填列：项目编号*", "A1", "公式")


def test_a_formula_header_with_its_result_is_fine(reg, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(PROJECT_HEADER)
    ws["A1"] = '="项目编号"'
    ws.append(project_row())
    wb.save(tmp_path / "b.xlsx")
    _with_cached_values(tmp_path / "b.xlsx", {"A1": "项目编号"})
    # A cached string result is stored as an inline string type "str".
    assert run(tmp_path / "b.xlsx", reg.hq).ok


def test_a_money_header_must_say_its_unit(reg, tmp_path):
    header = [h if h != "金额(万元)*" else "金额*" for h in FLOW_HEADER]
    path = book(tmp_path, 项目=projects(project_row()), 资金=[header, flow_row()])
    assert_refused(run(path, reg.hq), "金额列须在列名中注明单位")


def test_a_missing_required_column(reg, tmp_path):
    header = [h for h in FLOW_HEADER if h != "凭证号*"]
    path = book(tmp_path, 资金=[header, [*flow_row()[:-2], ""]])
    assert_refused(run(path, reg.hq), "缺少必填列：凭证号*")


# Idempotency and updates -------------------------------------------------------------------


def _full_book(tmp_path, name="book.xlsx", **over):
    return book(
        tmp_path,
        name,
        项目=projects(
            project_row(**over), project_row("ZJHX-2023-002", 状态="储备", 实际开工=None)
        ),
        资金=flows(flow_row(), flow_row("ZJHX-2023-002", "W-1")),
        结对=[
            PAIRING_HEADER,
            ["医院-科室", "浙大一院", "都兰县人民医院", "儿科", "2024-01-01", None, "协议"],
        ],
    )


def _history_rows() -> dict[str, int]:
    return {k: v for k, v in table_counts().items() if "Historical" in k}


def test_importing_the_same_workbook_twice_changes_nothing(reg, tmp_path):
    path = _full_book(tmp_path)
    assert run(path, reg.hq).ok
    before = table_counts()
    result = run(path, reg.hq)
    assert result.ok
    assert {n: (s.created, s.updated, s.unchanged) for n, s in result.sheets.items()} == {
        "项目": (0, 0, 2),
        "资金": (0, 0, 2),
        "结对": (0, 0, 1),
    }
    assert table_counts() == before


def test_a_changed_row_updates_the_record_and_its_history_shows_it(reg, tmp_path):
    assert run(_full_book(tmp_path), reg.hq).ok
    project = Project.objects.get(code="ZJHX-2023-001")
    changed = _full_book(
        tmp_path,
        "changed.xlsx",
        **{"援助资金(万元)*": 1500, "状态*": "完工", "实际完工": "2023-11-30"},
    )
    result = run(changed, reg.dulan_team)
    assert result.ok, result.text()
    assert result.sheets["项目"].updated == 1 and result.sheets["项目"].unchanged == 1
    project.refresh_from_db()
    assert project.aid_amount == Decimal("15000000.00") and project.status == "完工"
    assert project.version == 2
    latest = project.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == reg.dulan_team
    assert "导入" in latest.history_change_reason
    assert StatusTransition.objects.filter(project=project, to_status="完工", via_import=True)


def test_a_changed_flow_is_updated_through_the_service(reg, tmp_path):
    assert run(_full_book(tmp_path), reg.hq).ok
    path = book(tmp_path, "f.xlsx", 资金=flows(flow_row(**{"金额(万元)*": 650, "备注": "调整"})))
    result = run(path, reg.hq)
    assert result.ok and result.sheets["资金"].updated == 1
    flow = MoneyFlow.objects.get(voucher="V-001")
    assert (flow.amount, flow.note) == (Decimal("6500000.00"), "调整")
    assert flow.history.count() == 2


# Scope -------------------------------------------------------------------------------------


def test_a_county_team_cannot_import_another_countys_project(reg, tmp_path):
    path = book(tmp_path, 项目=projects(project_row(**{"所在地*": "乌兰县", "实施单位": None})))
    before = table_counts()
    assert_refused(run(path, reg.dulan_team), "所在地“乌兰县”超出您的数据范围", before=before)


def test_a_county_team_cannot_add_flows_to_another_countys_project(reg, tmp_path):
    wulan = project_row("ZJHX-2023-077", **{"所在地*": "乌兰县", "实施单位": None})
    assert run(book(tmp_path, "a.xlsx", 项目=projects(wulan)), reg.hq).ok
    path = book(tmp_path, "b.xlsx", 资金=flows(flow_row("ZJHX-2023-077")))
    before = table_counts()
    assert_refused(run(path, reg.dulan_team), "超出您的数据范围，不能录入资金", before=before)


def test_the_dulan_team_imports_its_own_county(reg, tmp_path):
    result = run(_full_book(tmp_path), reg.dulan_team)
    assert result.ok, result.text()


# CSV ---------------------------------------------------------------------------------------


def test_an_exported_csv_sheet_imports(reg, tmp_path):
    assert run(book(tmp_path, 项目=projects(project_row())), reg.hq).ok
    path = tmp_path / "flows.csv"
    path.write_bytes(
        "\ufeff项目编号*,日期*,类型*,资金来源*,金额(万元)*,凭证号*,备注\r\n"
        "ZJHX-2023-001,2023-06-01,下达,援助资金,12.345678,V9,\r\n".encode()
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert MoneyFlow.objects.get().amount == Decimal("123456.78")


def test_a_text_file_that_matches_no_sheet_is_not_a_workbook(reg, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    assert_refused(run(path, reg.hq), "不是 Excel 工作簿")


def test_errors_name_sheet_row_column_value_and_problem_in_chinese(reg, tmp_path):
    path = book(tmp_path, 项目=projects(project_row(**{"类别*": "水利"})))
    text = messages(run(path, reg.hq))
    assert "项目 第 2 行 “类别*”列：值“水利”：“水利”不是有效的类别" in text


def test_a_duplicate_far_down_a_long_sheet_is_found(reg, tmp_path):
    rows = [flow_row(voucher=f"V{i}", **{"金额": 1}) for i in range(6000)]
    rows.append(flow_row(voucher="V17"))
    path = book(tmp_path, 项目=projects(project_row()), 资金=flows(*rows))
    result = run(path, reg.hq, dry_run=True)
    assert [(e.row, e.message[:9]) for e in result.errors] == [(6002, "与第 19 行重复")]
