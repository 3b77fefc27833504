"""Write a list as an .xlsx workbook: a bold, frozen header row and sensible column widths.

Every workbook the platform writes is saved through `workbook_bytes` (or, write-only, builds
its text cells with `text_cell`), which makes formula-like text inert (`duikou.lib.cellsafe`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from duikou.lib.cellsafe import FORMULA_STARTS, is_risky, xlsx_text

# First characters worth a closer look: a formula's, or the apostrophe of a neutralised text.
RISKY = FORMULA_STARTS | {"'"}


def protect(cell: Cell) -> None:
    """Make a cell holding formula-like text a plain text cell that Excel keeps as text."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or is_risky(value)):
        cell.data_type = "s"
        cell.quotePrefix = True


def text_cell(ws: Worksheet, value: object) -> object:
    """A value for a write-only sheet's row: formula-like text as a protected string cell."""
    if isinstance(value, str) and value[:1] in RISKY:
        value = xlsx_text(value)
        if is_risky(value):
            cell = WriteOnlyCell(ws, value=value)
            protect(cell)
            return cell
    return value


def neutralise(wb: Workbook) -> None:
    """Protect every formula-like text cell of a (not write-only) workbook. The platform writes
    no formula into a cell (drop-down lists are data validations, not cells), so any cell
    openpyxl took for a formula is text that began with "="."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value.__class__ is str and (cell.data_type == "f" or value[:1] in RISKY):
                    protect(cell)


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook saved to bytes, its formula-like text made inert first."""
    neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
            if isinstance(value, str):
                value = xlsx_text(value)
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
    return workbook_bytes(wb)
