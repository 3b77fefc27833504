"""Exports in the template's own columns, so that an exported sheet can be edited and re-imported.

    sheet_response("项目", projects_qs, "xlsx", "projects")
    sheet_response("资金", flows_qs, "csv", "flows")

Text that a spreadsheet could take for a formula (`=`, `+`, `-`, `@`, tab, CR first) is made
inert: an apostrophe in CSV, a quote-prefixed text cell in xlsx (`duikou.lib.cellsafe`); the
reader drops that apostrophe again, so an export still re-imports unchanged.

Money is written in 万元 exactly (up to 6 decimals), dates in ISO form; CSV starts with a UTF-8
byte-order mark so that Excel and WPS open it without garbling the Chinese.

The sheets of personal data (人员, 培训) are always exported with ID numbers and phones masked
(their exporters); the one unmasked export is the people pages' headquarters export, asked for
with a reason and logged, and that is the one that re-imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from duikou.exchange_io import specs
from duikou.lib.cellsafe import csv_text
from duikou.lib.money import yuan_to_wan
from duikou.lib.xlsx import text_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def wan(yuan: Decimal | None) -> Decimal | None:
    """Yuan → 万元, exactly (a yuan amount has 2 decimals, so 万元 has at most 6)."""
    return None if yuan is None else yuan_to_wan(yuan)


def rows(sheet: str, objects: Iterable) -> Iterator[list]:
    """The sheet's rows for these records, money in 万元, in the template's column order."""
    spec = specs.get(sheet)
    if spec.exporter is None:
        raise ValueError(f"sheet {sheet} has no exporter")
    if isinstance(objects, QuerySet):
        if spec.export_related:
            objects = objects.select_related(*spec.export_related)
        objects = objects.iterator(chunk_size=2000)
    money = [i for i, c in enumerate(spec.columns) if c.kind == specs.MONEY]
    for row in spec.exporter(objects):
        for i in money:
            row[i] = wan(row[i])
        yield row


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).date().isoformat()
            if timezone.is_aware(value)
            else value.date().isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def _xlsx_value(value):
    if isinstance(value, Decimal):
        # A double holds 15 significant digits exactly; beyond that keep the text.
        if len(value.as_tuple().digits) <= 15:
            return int(value) if value == value.to_integral_value() else float(value)
        return format(value, "f")
    return value


def csv_bytes(sheet: str, objects: Iterable) -> Iterator[bytes]:
    spec = specs.get(sheet)
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write(BOM)
    writer.writerow(spec.headers)
    for i, row in enumerate(rows(sheet, objects), start=1):
        writer.writerow([_csv_value(v) for v in row])
        if i % 1000 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def xlsx_bytes(sheet: str, objects: Iterable) -> bytes:
    spec = specs.get(sheet)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.name)
    dates = {i for i, c in enumerate(spec.columns) if c.kind == specs.DATE}
    for i, column in enumerate(spec.columns, start=1):
        width = 12 if column.kind in (specs.DATE, specs.MONEY) else 16
        if column.name in ("项目名称", "协议名称", "实施单位", "支援方单位", "受援方单位"):
            width = 30
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in spec.headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows(sheet, objects):
        out = []
        for i, value in enumerate(row):
            value = _xlsx_value(value)
            if i in dates and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(text_cell(ws, value))
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_response(
    sheet: str, rows_or_queryset: Iterable, fmt: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """Download a list as the sheet of the templates (`fmt` is "xlsx" or "csv")."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            csv_bytes(sheet, rows_or_queryset), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(sheet, rows_or_queryset), content_type=XLSX)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return response
