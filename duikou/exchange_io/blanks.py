"""Blank templates to download: header, drop-down lists, an example row and a 说明 sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel
from duikou.exchange_io import specs
from duikou.lib.xlsx import workbook_bytes

GUIDE = "说明"
# Lists too long for an inline drop-down (Excel allows 255 characters) or holding a comma are
# written to this hidden sheet and referenced from there; the importer passes over sheets whose
# name begins with "_".
LISTS = "_下拉列表"
DATA_ROWS = 5000  # rows the drop-down lists and date formats cover
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
EXAMPLE_FONT = Font(italic=True, color="808080")


def _places() -> list[Division]:
    return list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))


def _cities() -> list[Division]:
    return list(
        Division.objects.filter(level=DivisionLevel.PREFECTURE, parent__code="330000").order_by(
            "code"
        )
    )


def allowed_values(column: specs.Column) -> list[str]:
    if column.kind == specs.CHOICE and column.choices is not None:
        return list(column.choices.values)
    if column.kind == specs.PLACE:
        return [d.name for d in _places()]
    if column.kind == specs.CITY:
        return [d.name for d in _cities()]
    if column.kind == specs.TERM and column.terms is not None:
        return list(column.terms())
    return []


def describe_format(column: specs.Column) -> str:
    kind = column.kind
    if kind == specs.MONEY:
        return _(
            "金额，单位万元，最多 6 位小数（精确到分）；可带千分位逗号；不能为负数。"
            "列名也可写作“%(name)s(元)”，按元填写（最多 2 位小数）。"
        ) % {"name": column.name}
    if kind == specs.DATE:
        return _("日期：2023-06-01、2023/6/1、2023年6月1日、20230601 或 Excel 日期单元格。")
    if kind == specs.YEAR:
        return _("四位年份，如 2023。")
    if kind == specs.CHOICE:
        return _("从下拉列表中选择（填写其他值会报错）。")
    if kind == specs.PLACE:
        return _("县级行政区名称（如 都兰县，也可写 都兰）或其区划代码（如 632822）。")
    if kind == specs.CITY:
        return _("浙江省地级市名称（如 宁波市）或其区划代码（如 330200）。")
    if kind == specs.ORG and column.side is None:
        return _("单位全称或简称，须为系统中已登记的单位（不会自动新建）。")
    if kind == specs.INTEGER:
        return _("整数，%(lo)s 到 %(hi)s。") % {"lo": column.min_value, "hi": column.max_value}
    if kind == specs.TERM:
        return _(
            "从下拉列表中选择；也可只写括号或斜杠前的名称（如“重症医学科 (ICU)”写作 重症医学科），"
            "导入时按目录中的名称保存。"
        )
    if kind == specs.ORG:
        return _("单位全称或简称（最多 %(n)s 字）；系统中没有的单位将自动新建并在预览中提示。") % {
            "n": column.max_length
        }
    if kind == specs.IDENTIFIER:
        return _("编号，最多 %(n)s 个字符；全角字母数字按半角处理，字母按大写处理。") % {
            "n": column.max_length
        }
    if column.max_length:
        return _("文字，最多 %(n)s 字。") % {"n": column.max_length}
    return _("文字。")


def _allowed_text(column: specs.Column) -> str:
    values = allowed_values(column)
    if column.kind == specs.PLACE:
        return "、".join(f"{d.name}（{d.code}）" for d in _places())
    if column.kind == specs.CITY:
        return "、".join(f"{d.name}（{d.code}）" for d in _cities())
    return "、".join(values)


def _example(value):
    if callable(value):  # an example that depends on today (dates of the coming quarter)
        value = value()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


EXAMPLE_NOTE = gettext_noop("示例行，导入前请删除")


def _add_sheet(wb: Workbook, spec: specs.SheetSpec) -> None:
    ws = wb.create_sheet(spec.name)
    # The contract's columns, then the 示例 marker column (an extension): the importer refuses
    # a row marked there, so a forgotten example row can never write its values.
    ws.append([*spec.headers, specs.EXAMPLE_COLUMN])
    marker = ws.cell(row=1, column=len(spec.columns) + 1)
    marker.font = Font(bold=True, color="808080")
    marker.comment = Comment(
        _("标记模板的示例行：导入时，本列有内容的行会被拒绝（请删除示例行）。本列可以保留或删除。"),
        "Duikou",
    )
    ws.column_dimensions[get_column_letter(len(spec.columns) + 1)].width = 22
    for cell, column in zip(ws[1], spec.columns, strict=False):
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.meaning:
            cell.comment = Comment(str(column.meaning), "Duikou")
    ws.append([*(_example(c.example) for c in spec.columns), _(EXAMPLE_NOTE)])
    for cell in ws[2]:
        cell.font = EXAMPLE_FONT
    ws["A2"].comment = Comment(
        _("示例行：导入前请删除整行（在本行改填真实数据时，须同时清空“示例”列）。"), "Duikou"
    )
    ws.freeze_panes = "A2"
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        width = max(len(column.header) * 2 + 2, 12)
        if column.kind in (specs.ORG,) or column.name in ("项目名称", "协议名称"):
            width = 30
        ws.column_dimensions[letter].width = width
        area = f"{letter}2:{letter}{DATA_ROWS}"
        if column.kind == specs.DATE:
            ws.cell(row=2, column=i).number_format = "yyyy-mm-dd"
        if column.kind == specs.INTEGER:
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1=str(column.min_value),
                formula2=str(column.max_value),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.name,
                error=describe_format(column),
            )
            dv.add(area)
            ws.add_data_validation(dv)
            continue
        values = allowed_values(column)
        if not values:
            continue
        formula = '"' + ",".join(values) + '"'
        if len(formula) > 255 or any("," in v for v in values):  # Excel's inline-list limits
            formula = _list_range(wb, values)
        # A short form (重症医学科) is accepted too: a TERM outside the list only warns.
        strict = column.kind == specs.CHOICE
        error = _("请从下拉列表中选择：%(v)s") % {"v": "、".join(values)}
        if len(error) > 255:  # Excel's limit for the message
            error = _("请从下拉列表中选择。")
        dv = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the in-cell arrow
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=column.name,
            error=error,
            promptTitle=column.name,
            prompt=str(column.meaning)[:255] if column.meaning else None,
            showInputMessage=bool(column.meaning),
        )
        dv.add(area)
        ws.add_data_validation(dv)


def _list_range(wb: Workbook, values: list[str]) -> str:
    """Write the values into a column of the hidden lists sheet; the range that holds them."""
    if LISTS in wb.sheetnames:
        ws = wb[LISTS]
        col = ws.max_column + 1
    else:
        ws = wb.create_sheet(LISTS)
        ws.sheet_state = "hidden"
        col = 1
    for i, value in enumerate(values, start=1):
        ws.cell(row=i, column=col, value=value)
    letter = get_column_letter(col)
    return f"'{LISTS}'!${letter}$1:${letter}${len(values)}"


def _add_guide(wb: Workbook, sheets: list[specs.SheetSpec]) -> None:
    ws = wb.create_sheet(GUIDE)
    ws.append([_("填写说明")])
    ws["A1"].font = Font(bold=True, size=14)
    rules = [
        _("工作表按名称识别（%(names)s），列的顺序可以调整；多余的列将被忽略并提示。")
        % {"names": "、".join(s.name for s in sheets)},
        _("列名后带 * 的为必填列；金额列的列名须注明单位（万元）或（元）。"),
        _(
            "一个工作簿要么全部导入，要么（有任何错误时）一条也不导入；错误会逐行列出并在工作簿中标红批注。"
        ),
        _("同一工作簿重复导入不会产生重复记录：编号已存在的行将更新该记录，未改动的行保持不变。"),
        _("单元格前后的空格（含全角空格）、全角数字和千分位逗号会自动处理；末尾的空行会被忽略。"),
        _(
            "每个工作表第 2 行为示例行（最后的“示例”列已标记），导入前请删除；"
            "标记了的示例行和以“示例”开头的编号不会被导入。"
        ),
    ]
    for rule in rules:
        ws.append([rule])
    ws.append([])
    head = [_("工作表"), _("列名"), _("必填"), _("含义"), _("格式"), _("可填的值"), _("示例")]
    ws.append(head)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for spec in sheets:
        for column in spec.columns:
            example = column.example
            if callable(example):
                example = example()
            if isinstance(example, dt.date):
                example = example.isoformat()
            elif isinstance(example, Decimal):
                example = format(example, "f")
            ws.append(
                [
                    spec.name,
                    column.header,
                    _("是") if column.required else _("否"),
                    str(column.meaning),
                    describe_format(column),
                    _allowed_text(column),
                    example if example is not None else "",
                ]
            )
    for i, width in enumerate([8, 18, 6, 48, 60, 60, 24], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def template_workbook(names: list[str] | None = None) -> bytes:
    """The template with the named sheets (all of them when `names` is None) and 说明."""
    chosen = [s for s in specs.ordered() if names is None or s.name in names]
    wb = Workbook()
    wb.remove(wb.active)
    for spec in chosen:
        _add_sheet(wb, spec)
    _add_guide(wb, chosen)
    if LISTS in wb.sheetnames:  # after 说明, out of the way
        wb.move_sheet(LISTS, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS))
    wb.active = 0
    return workbook_bytes(wb)
