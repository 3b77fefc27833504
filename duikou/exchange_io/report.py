"""What an import found: per-sheet counts, warnings and errors — as JSON, text and a workbook."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from duikou.exchange_io.changes import Changes
from duikou.lib.xlsx import workbook_bytes

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_SHEET = "导入错误"
MAX_STORED = 500  # errors/warnings kept on the batch for the page; the workbook has all


@dataclass
class Problem:
    """An error or a warning, located as precisely as we can: sheet, Excel row, column."""

    sheet: str
    row: int | None
    column: str  # the header as written in the workbook ("" for row- or sheet-level)
    col: int | None  # 1-based column index, for highlighting
    value: str
    message: str

    def where(self) -> str:
        """Sheet, row and column, e.g. 项目 第 3 行 “类别*”列."""
        parts = [self.sheet] if self.sheet else []
        if self.row:
            parts.append(_("第 %(n)s 行") % {"n": self.row})
        if self.column:
            parts.append(_("“%(c)s”列") % {"c": self.column})
        return " ".join(parts)

    def text(self) -> str:
        where = self.where()
        if self.value:
            if where:
                return _("%(where)s：值“%(value)s”：%(message)s") % {
                    "where": where,
                    "value": self.value,
                    "message": self.message,
                }
            return _("值“%(value)s”：%(message)s") % {"value": self.value, "message": self.message}
        if where:
            return _("%(where)s：%(message)s") % {"where": where, "message": self.message}
        return self.message


@dataclass
class SheetSummary:
    name: str
    title: str = ""  # the sheet's name in the workbook
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # rows with at least one error


@dataclass
class ImportResult:
    filename: str = ""
    dry_run: bool = False
    fatal: str = ""  # the workbook could not be read at all
    sheets: dict[str, SheetSummary] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False  # committed to the database
    changes: Changes = field(default_factory=Changes)  # what the rows create and update

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    @property
    def total_rows(self) -> int:
        return sum(s.rows for s in self.sheets.values())

    def warn(self, sheet: str, message: str, *, row: int | None = None, column: str = "") -> None:
        self.warnings.append(Problem(sheet, row, column, None, "", message))

    def summary_json(self) -> list[dict]:
        return [asdict(s) for s in self.sheets.values()]

    def problems_json(self, problems: list[Problem], limit: int = MAX_STORED) -> list[dict]:
        return [asdict(p) for p in problems[:limit]]

    def text(self, *, limit: int | None = 200) -> str:
        """The report the command line prints, in Chinese."""
        lines = []
        if self.fatal:
            lines.append(_("无法导入：%(m)s") % {"m": self.fatal})
        for s in self.sheets.values():
            lines.append(
                _("%(sheet)s：共 %(rows)s 行，新建 %(c)s，更新 %(u)s，未变 %(n)s，有错误 %(e)s 行")
                % {
                    "sheet": s.name,
                    "rows": s.rows,
                    "c": s.created,
                    "u": s.updated,
                    "n": s.unchanged,
                    "e": s.errors,
                }
            )
        if self.warnings:
            lines.append(_("提示（%(n)s 条）：") % {"n": len(self.warnings)})
            lines += ["  " + w.text() for w in self.warnings[:limit]]
        if self.errors:
            lines.append(_("错误（%(n)s 条）：") % {"n": len(self.errors)})
            lines += ["  " + e.text() for e in self.errors[:limit]]
            if limit is not None and len(self.errors) > limit:
                lines.append(_("  ……另有 %(n)s 条错误未列出。") % {"n": len(self.errors) - limit})
        if not self.ok:
            lines.append(_("结果：工作簿有错误，未写入任何数据。"))
        elif self.dry_run:
            lines.append(_("结果：检查通过（试运行，未写入数据）。"))
        else:
            lines.append(_("结果：已导入。"))
        return "\n".join(lines)


def error_workbook(data: bytes | None, errors: list[Problem]) -> bytes:
    """A copy of the workbook with each bad cell filled red and commented, plus a list sheet.

    The copy holds the values the import read, not the user's formulas: the reader takes each
    formula's stored result, and so does this copy (data_only), so nothing the platform sends
    back carries a live formula — a workbook uploaded by one user may be downloaded by
    headquarters. Text that looks like a formula is written as quote-prefixed text.
    """
    wb = None
    if data:
        try:
            wb = load_workbook(io.BytesIO(data), data_only=True)
        except Exception:  # not readable by openpyxl: the list sheet alone still helps
            wb = None
    if wb is None:
        wb = Workbook()
        wb.remove(wb.active)
    notes: dict[tuple[str, int, int], list[str]] = {}
    for e in errors:
        if not e.row or e.sheet not in wb.sheetnames:
            continue
        notes.setdefault((e.sheet, e.row, e.col or 1), []).append(
            f"{e.column}：{e.message}" if e.column else e.message
        )
    for (sheet, row, col), messages in notes.items():
        ws = wb[sheet]
        cell = _writable_cell(ws, row, col)
        cell.fill = ERROR_FILL
        text = "\n".join(dict.fromkeys(messages))
        comment = Comment(text[:30000], "Duikou")
        comment.width = 320
        comment.height = 40 + 20 * min(text.count("\n") + 1, 20)
        cell.comment = comment
    if ERROR_SHEET in wb.sheetnames:
        wb.remove(wb[ERROR_SHEET])
    ws = wb.create_sheet(ERROR_SHEET, 0)
    ws.append([_("工作表"), _("行"), _("列"), _("值"), _("问题")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in errors:
        ws.append([e.sheet, e.row, e.column, e.value, e.message])
    for i, width in enumerate([10, 8, 16, 24, 80], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    wb.active = 0
    return workbook_bytes(wb)


def _writable_cell(ws, row: int, col: int) -> Any:
    cell = ws.cell(row=row, column=col)
    if type(cell).__name__ == "MergedCell":
        for rng in ws.merged_cells.ranges:
            if cell.coordinate in rng:
                return ws.cell(row=rng.min_row, column=rng.min_col)
    return cell
