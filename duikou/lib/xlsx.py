"""Write a list as an .xlsx workbook: a bold, frozen header row and sensible column widths."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


def _width(value: object) -> int:
    text = str(value) if value is not None else ""
    # CJK characters take about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def list_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], *, note: str = ""
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    widths = [_width(h) for h in headers]
    for row in rows:
        values = []
        for i, value in enumerate(row):
            if isinstance(value, dt.datetime):
                value = value.replace(tzinfo=None)
            values.append(value)
            widths[i] = max(widths[i], _width(value))
        ws.append(values)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F5C99")
        cell.alignment = Alignment(vertical="center")
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
        for cell in ws[get_column_letter(i)][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    if note:
        info = wb.create_sheet("说明")
        info.append([note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
