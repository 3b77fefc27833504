"""Read a workbook with python-calamine: find the template sheets, map headers, parse every cell.

Reading touches no table but the reference data (divisions), so it runs before the import's
transaction opens and can report progress as it goes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel
from duikou.exchange_io import cells, specs
from duikou.exchange_io.report import ImportResult, Problem, SheetSummary
from duikou.lib.cellsafe import unquote

HEADER_SEARCH_ROWS = 10
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and other Office 97 files)
_UNIT = re.compile(r"^(.*?)\(([^()]*)\)$")

Source = str | os.PathLike | bytes | BinaryIO


class WorkbookError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


class Row:
    __slots__ = ("bad", "cells", "number", "values")

    def __init__(self, number: int, cells_: list, values: dict[str, Any]):
        self.number = number  # the Excel row number
        self.cells = cells_
        self.values = values
        self.bad = False


@dataclass
class ColumnPos:
    column: specs.Column
    index: int  # 0-based
    header: str  # as written
    unit: str = ""


@dataclass
class ParsedSheet:
    spec: specs.SheetSpec
    title: str
    result: ImportResult
    header_row: int = 1
    columns: dict[str, ColumnPos] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    broken: bool = False  # a sheet-level error: no row is processed
    example_col: int | None = None  # the template's 示例 marker column (0-based), if present

    @property
    def summary(self) -> SheetSummary:
        return self.result.sheets[self.spec.name]

    def has(self, name: str) -> bool:
        return name in self.columns

    def error(self, row: Row | None, name: str | None, message: str, value: Any = None) -> None:
        """Record an error on a row (and column); the row is then not written."""
        pos = self.columns.get(name) if name else None
        if value is None and row is not None and pos is not None and pos.index < len(row.cells):
            value = row.cells[pos.index]
        self.result.errors.append(
            Problem(
                sheet=self.title,
                row=row.number if row is not None else self.header_row,
                column=pos.header if pos else "",
                col=pos.index + 1 if pos else None,
                value=cells.display(value) if value is not None else "",
                message=message,
            )
        )
        if row is not None and not row.bad:
            row.bad = True
            self.summary.errors += 1
        if row is None:
            self.broken = True

    def warn(self, row: Row | None, name: str | None, message: str) -> None:
        pos = self.columns.get(name) if name else None
        self.result.warnings.append(
            Problem(
                sheet=self.title,
                row=row.number if row is not None else None,
                column=pos.header if pos else "",
                col=pos.index + 1 if pos else None,
                value="",
                message=message,
            )
        )

    def good_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.bad]


# Opening ---------------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "DUIKOU_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


HEAD = 96  # bytes read to tell the format (sniff)


def _size_and_head(source: Source) -> tuple[int, bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return len(source), bytes(source[:HEAD])
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        with path.open("rb") as fh:
            return path.stat().st_size, fh.read(HEAD)
    pos = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell() - pos
    source.seek(pos)
    head = source.read(HEAD)
    source.seek(pos)
    return size, head


def check_file(source: Source) -> str:
    """Refuse a file that is too large or empty, before parsing anything.

    Returns the format: "xlsx", "ods" (both zip archives), "xls" (the old binary workbook,
    still what many WPS installations save by default), or "csv" for anything else (an
    exported CSV sheet; a file that is none of these is refused when read as CSV).
    """
    size, head = _size_and_head(source)
    limit = max_bytes()
    if size > limit:
        raise WorkbookError(
            _("文件过大：%(size)s，导入上限为 %(limit)s。请按年度或工作表拆分后分批导入。")
            % {"size": human_size(size), "limit": human_size(limit)}
        )
    if size == 0:
        raise WorkbookError(_("文件是空的。"))
    return sniff(head)


def sniff(head: bytes) -> str:
    """A file's format from its first bytes (at least 80 for an .ods)."""
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith(ZIP_MAGIC):
        # An OpenDocument package stores its uncompressed "mimetype" entry first.
        return "ods" if head[30:38] == b"mimetype" and b"opendocument" in head else "xlsx"
    return "csv"


def not_a_workbook() -> WorkbookError:
    return WorkbookError(
        _(
            "文件不是 Excel 工作簿（.xlsx、.xls）或 OpenDocument 表格（.ods），"
            "也不是按模板列名导出的 CSV 文件。请上传按模板填写的工作簿。"
        )
    )


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    pos = source.tell()
    data = source.read()
    source.seek(pos)
    return data


def csv_table(data: bytes) -> tuple[specs.SheetSpec, list[list]]:
    """A CSV file (as exported here, or saved from Excel/WPS) → its sheet spec and rows."""
    if b"\x00" in data[:65536]:
        raise not_a_workbook()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise not_a_workbook()
    try:
        table: list[list] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise not_a_workbook() from exc
    best, best_hits = None, 1
    for spec in specs.ordered():
        index = _find_header(spec, table)
        if index is None:
            continue
        names = {c.name for c in spec.columns}
        hits = len({header_key(c)[0] for c in table[index]} & names)
        if hits > best_hits:
            best, best_hits = spec, hits
    if best is None:
        raise not_a_workbook()
    return best, table


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


PATH_SUFFIXES = {"xlsx": {".xlsx", ".xlsm"}, "xls": {".xls"}, "ods": {".ods"}}


def open_workbook(source: Source) -> CalamineWorkbook:
    """An .xlsx, .xls or .ods workbook, opened with calamine (which reads all three)."""
    try:
        if isinstance(source, bytes | bytearray | memoryview):
            return CalamineWorkbook.from_filelike(io.BytesIO(bytes(source)))
        if isinstance(source, str | os.PathLike):
            kind = sniff(_size_and_head(source)[1])
            if Path(source).suffix.lower() in PATH_SUFFIXES.get(kind, set()):
                return CalamineWorkbook.from_path(str(source))
            # A stored upload's name may not say its format: calamine then reads the content.
            return CalamineWorkbook.from_filelike(io.BytesIO(Path(source).read_bytes()))
        return CalamineWorkbook.from_filelike(source)
    except Exception as exc:  # calamine raises its own zoo (ZipError, XmlError, …)
        raise WorkbookError(
            _("无法读取该文件：它不是有效的工作簿（.xlsx、.xls 或 .ods）（%(detail)s）。")
            % {"detail": exc}
        ) from exc


def sheet_titles(source: Source) -> list[str]:
    """The names of a workbook's sheets (any format calamine reads)."""
    book = open_workbook(source)
    try:
        return list(book.sheet_names)
    finally:
        book.close()


def as_xlsx(data: bytes) -> bytes:
    """An .xls or .ods workbook's values as an .xlsx (the error workbook is always one); an
    .xlsx is returned as it is."""
    if sniff(data[:HEAD]) == "xlsx":
        return data
    from openpyxl import Workbook

    from duikou.lib.xlsx import workbook_bytes

    book = open_workbook(data)
    wb = Workbook()
    wb.remove(wb.active)
    try:
        for title in book.sheet_names:
            ws = wb.create_sheet(title[:31])
            for row in book.get_sheet_by_name(title).to_python(skip_empty_area=False):
                ws.append(list(row))
    finally:
        book.close()
    return workbook_bytes(wb)


# Headers ---------------------------------------------------------------------------------


def header_key(raw: Any) -> tuple[str, str]:
    """A header cell → (name, unit): `＊援助资金（万元）` → ("援助资金", "万元")."""
    text = unicodedata.normalize("NFKC", cells.as_text(raw))
    text = re.sub(r"\s+", "", text).replace("*", "")
    text = text.replace("[", "(").replace("]", ")")
    m = _UNIT.match(text)
    if m:
        return m[1], m[2]
    return text, ""


def _find_header(spec: specs.SheetSpec, rows: list[list]) -> int | None:
    names = {c.name for c in spec.columns}
    need = min(2, len(names))
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {header_key(c)[0] for c in row if not cells.is_empty(c)} & names
        if len(found) >= need:
            return i
    return None


def _formula_cells(source: Source, title: str, row: int) -> list[str]:
    """Header cells that hold a formula without a stored result (calamine then reads nothing)."""
    from openpyxl import load_workbook

    try:
        if isinstance(source, bytes | bytearray | memoryview):
            handle: Any = io.BytesIO(bytes(source))
        elif isinstance(source, str | os.PathLike):
            handle = str(source)
        else:
            source.seek(0)
            handle = source
        wb = load_workbook(handle, read_only=True, data_only=False)
        try:
            ws = wb[title]
            found = []
            for cells_ in ws.iter_rows(min_row=row, max_row=row):
                for cell in cells_:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        found.append(f"{cell.coordinate}（{cell.value}）")
            return found
        finally:
            wb.close()
    except Exception:
        return []


def _map_header(sheet: ParsedSheet, header: list, source: Source) -> None:
    spec = sheet.spec
    by_name = {c.name: c for c in spec.columns}
    for j, raw in enumerate(header):
        if cells.is_empty(raw):
            continue
        name, unit = header_key(raw)
        column = by_name.get(name)
        written = cells.as_text(raw)
        if column is None and name == specs.EXAMPLE_COLUMN:
            sheet.example_col = j  # the template's marker: example rows are refused
            continue
        if column is None:
            sheet.result.warn(
                sheet.title,
                _("忽略未知列“%(c)s”（第 %(n)s 列）。") % {"c": written, "n": j + 1},
                row=sheet.header_row,
                column=written,
            )
            continue
        if column.field in sheet.columns:
            sheet.columns[column.field + "#dup"] = ColumnPos(column, j, written)
            sheet.error(
                None,
                column.field + "#dup",
                _("列“%(c)s”出现了两次。") % {"c": column.name},
                value=raw,
            )
            continue
        if column.kind == specs.MONEY:
            if unit not in specs.MONEY_UNITS:
                sheet.columns[column.field] = ColumnPos(column, j, written)
                sheet.error(
                    None,
                    column.field,
                    _("金额列须在列名中注明单位：“%(c)s(万元)”或“%(c)s(元)”。")
                    % {"c": column.name},
                    value=raw,
                )
                continue
        sheet.columns[column.field] = ColumnPos(column, j, written, unit)
    missing = [c.header for c in spec.columns if c.required and c.field not in sheet.columns]
    if missing:
        message = _("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)}
        formulas = _formula_cells(source, sheet.title, sheet.header_row)
        if formulas:
            message += _(
                "表头中的公式单元格 %(cells)s 在文件中没有计算结果，请把表头改为文字。"
            ) % {"cells": "、".join(formulas)}
        sheet.error(None, None, message)


# Cells -----------------------------------------------------------------------------------


class Lookups:
    """Reference data the cell parsers need, loaded once per import."""

    def __init__(self) -> None:
        divisions = list(Division.objects.select_related("parent"))
        self.counties = [d for d in divisions if d.level == DivisionLevel.COUNTY]
        self.zhejiang_cities = [
            d
            for d in divisions
            if d.level == DivisionLevel.PREFECTURE and d.parent and d.parent.code == "330000"
        ]
        self.by_code = {d.code: d for d in divisions}


def _refuse_place(division) -> str | None:
    level = {
        DivisionLevel.PROVINCE: _("省级"),
        DivisionLevel.PREFECTURE: _("地级"),
    }.get(division.level)
    if level:
        return _("“%(name)s”是%(level)s行政区；所在地须填县级行政区（如 都兰县 或 632822）。") % {
            "name": division.name,
            "level": level,
        }
    return None


def _refuse_city(division) -> str | None:
    return _("“%(name)s”不是浙江省的地级市；结对城市须填如 宁波市 或 330200。") % {
        "name": division.name
    }


def make_parser(column: specs.Column, unit: str, lookups: Lookups) -> Callable[[Any], Any]:
    kind = column.kind
    if kind == specs.TEXT:
        return cells.text_parser(column.max_length)
    if kind == specs.ORG:
        return cells.text_parser(column.max_length, name=True)
    if kind == specs.IDENTIFIER:
        return cells.identifier_parser(column.max_length, upper=column.upper)
    if kind == specs.YEAR:
        return cells.year_parser()
    if kind == specs.MONEY:
        return cells.money_parser(unit or specs.DEFAULT_UNIT)
    if kind == specs.DATE:
        return cells.parse_date
    if kind == specs.CHOICE:
        return cells.choice_parser(column.choices, column.name)
    if kind == specs.PLACE:
        return cells.division_parser(lookups.counties, what=_("县级行政区"), refuse=_refuse_place)
    if kind == specs.INTEGER:
        return cells.int_parser(column.min_value, column.max_value, unit=column.unit_word)
    if kind == specs.TERM:
        return cells.term_parser(column.terms(), column.canonical, column.name)
    if kind == specs.CITY:
        return cells.division_parser(
            lookups.zhejiang_cities, what=_("浙江结对城市"), refuse=_refuse_city
        )
    raise ValueError(f"unknown column kind {kind}")


class _Bad:
    """A cell value that failed to parse (cached like a good one)."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


_EMPTY = object()  # a blank cell, as cached
BLOCK = 5000  # rows parsed between two progress reports


class _ColumnParser:
    """One column's parser with its cache: each distinct raw value is parsed once.

    The cache maps a raw value to the parsed value, `_EMPTY` or a `_Bad`; lookups go through
    C-level map() so that a 100,000-row column of repeated values costs little more than a
    list copy.
    """

    __slots__ = ("cache", "has_bad", "parse", "plain_text", "required")

    def __init__(self, parse: Callable[[Any], Any], required: bool, plain_text: int | None = None):
        self.cache: dict = {}
        self.parse = parse
        self.required = required
        self.has_bad = False
        # For a text column (max length given): all-text cells are only trimmed, so a column
        # of distinct values (voucher numbers) need not go through the cache one by one.
        self.plain_text = plain_text

    def _trimmed(self, raws: list) -> list | None:
        """The column trimmed in one pass, when that is all its parser would do."""
        if set(map(type, raws)) != {str}:
            return None
        values = [r.strip(cells.STRIP) for r in raws]
        if "" in values or max(map(len, values)) > self.plain_text:
            return None
        return values

    def _compute(self, raw: Any) -> Any:
        if raw is None or (raw.__class__ is str and cells.is_empty(raw)):
            return _EMPTY
        try:
            return self.parse(raw)
        except cells.CellError as exc:
            self.has_bad = True
            return _Bad(exc.message)

    def run(self, raws: list, problems: list, name: str, message_required: str) -> list:
        if any(r.__class__ is str and r[:1] == "'" for r in raws):
            # Text our exports neutralised against formula injection ('=…): the apostrophe
            # goes, so that an export re-imports unchanged.
            raws = [unquote(r) for r in raws]
        if self.plain_text and raws:
            values = self._trimmed(raws)
            if values is not None:
                return values
        cache = self.cache
        keys = raws
        if bool in set(map(type, raws)):
            # True == 1 == 1.0 as dict keys; keep booleans apart.
            keys = [(bool, c) if c.__class__ is bool else c for c in raws]
        hits = list(map(cache.get, keys))
        if None in hits:
            for j in [j for j, h in enumerate(hits) if h is None]:
                key = keys[j]
                hit = cache.get(key)
                if hit is None:
                    hit = cache[key] = self._compute(raws[j])
                hits[j] = hit
        if self.has_bad or self.required:
            if self.has_bad or _EMPTY in hits:
                for j, h in enumerate(hits):
                    if h is _EMPTY:
                        hits[j] = None
                        if self.required:
                            problems.append((j, name, message_required, ""))
                    elif h.__class__ is _Bad:
                        hits[j] = None
                        problems.append((j, name, h.message, raws[j]))
        elif _EMPTY in hits:
            hits = [None if h is _EMPTY else h for h in hits]
        return hits


def _data_rows(sheet: ParsedSheet, data: list[list]) -> tuple[list[int], list[list]]:
    """The non-empty rows below the header (Excel row numbers, cells), padded to one width."""
    numbers, rows = [], []
    for i in range(sheet.header_row, len(data)):
        r = data[i]
        first = r[0] if r else ""
        # Fast path: a visible first cell (the key column, usually) makes the row non-empty.
        if first.__class__ is not str or first.strip():
            pass
        elif r.count("") == len(r) or all(cells.is_empty(c) for c in r):
            continue
        numbers.append(i + 1)
        rows.append(r)
    width = max((pos.index + 1 for pos in sheet.columns.values()), default=0)
    if rows and min(map(len, rows)) < width:
        rows = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    return numbers, rows


def _parse_rows(
    sheet: ParsedSheet,
    data: list[list],
    lookups: Lookups,
    progress: Callable[[int], None],
) -> None:
    """Parse column by column (each distinct raw value once), then assemble the rows.

    Duplicate natural keys are found on the way, from the parsed key columns.
    """
    required = _("必填，不能为空。")
    plan = [
        (
            name,
            pos.index,
            _ColumnParser(
                make_parser(pos.column, pos.unit, lookups),
                pos.column.required,
                pos.column.max_length if pos.column.kind == specs.TEXT else None,
            ),
        )
        for name, pos in sheet.columns.items()
        if not name.endswith("#dup")
    ]
    names = [p[0] for p in plan]
    spec = sheet.spec
    key_at = [names.index(f) for f in spec.key if f in names]
    all_required = all(spec.by_field[names[i]].required for i in key_at)
    needed = [k for k, i in enumerate(key_at) if spec.by_field[names[i]].required]
    duplicate = _("与第 %(n)s 行重复（%(key)s 相同）；同一工作簿中每条记录只能出现一次。")
    label = "+".join(spec.by_field[f].name for f in spec.key)
    seen: dict[tuple, int] = {}  # key → the row that first had it
    numbers, rows = _data_rows(sheet, data)
    summary = sheet.summary
    for lo in range(0, len(rows), BLOCK):
        block = rows[lo : lo + BLOCK]
        block_numbers = numbers[lo : lo + BLOCK]
        problems: list[tuple] = []
        columns = [
            parser.run([r[index] for r in block], problems, name, required)
            for name, index, parser in plan
        ]
        values = [dict(zip(names, v, strict=False)) for v in zip(*columns, strict=False)]
        made = [Row(n, r, v) for n, r, v in zip(block_numbers, block, values, strict=False)]
        for j, name, message, raw in problems:
            sheet.error(made[j], name, message, value=raw)
        if key_at:
            keys = list(zip(*(columns[i] for i in key_at), strict=False))
            distinct = set(keys)
            if (
                len(distinct) == len(keys)
                and seen.keys().isdisjoint(distinct)
                and not any(None in columns[i] for i in key_at)
            ):
                seen.update(zip(keys, block_numbers, strict=True))
            else:  # a blank key cell or a duplicate: look row by row
                for j, k in enumerate(keys):
                    if None in k and (all_required or any(k[i] is None for i in needed)):
                        continue
                    prior = seen.setdefault(k, block_numbers[j])
                    if prior != block_numbers[j]:
                        sheet.error(made[j], spec.key[0], duplicate % {"n": prior, "key": label})
        _refuse_examples(sheet, made, block)
        sheet.rows.extend(made)
        summary.rows += len(made)
        progress(len(made))


def _refuse_examples(sheet: ParsedSheet, rows: list[Row], raws: list[list]) -> None:
    """The template's example row: marked in its 示例 column, or holding a reserved example
    code (示例-0001) in a key column. Never imported: it would write the example's values."""
    marker = sheet.example_col
    keys = [
        f
        for f in sheet.spec.key
        if f in sheet.columns and sheet.spec.by_field[f].kind in (specs.TEXT, specs.IDENTIFIER)
    ]
    message = _("这是模板的示例行，不能导入：请删除示例行后再导入。")
    for row, raw in zip(rows, raws, strict=True):
        if marker is not None and marker < len(raw) and not cells.is_empty(raw[marker]):
            sheet.error(row, None, message, value=raw[marker])
            continue
        for f in keys:
            value = row.values.get(f)
            if isinstance(value, str) and value.startswith(specs.EXAMPLE_PREFIX):
                sheet.error(row, f, message)
                break


# The whole workbook ------------------------------------------------------------------------


def read(
    source: Source,
    result: ImportResult,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[ParsedSheet]:
    """Parse every known sheet; sheet- and cell-level problems go into `result`."""
    if check_file(source) == "csv":
        spec, table = csv_table(_read_bytes(source))
        result.sheets[spec.name] = SheetSummary(name=spec.name, title=spec.name)
        return _parse_all([(spec, spec.name, table, [])], source, result, progress)
    book = open_workbook(source)
    try:
        known = {spec.name: spec for spec in specs.ordered()}
        found: list[tuple[specs.SheetSpec, str]] = []
        for title in book.sheet_names:
            name = cells.strip(title)
            if name in known and any(spec.name == name for spec, _t in found):
                result.warn(title, _("忽略工作表“%(s)s”：与另一张工作表同名。") % {"s": title})
            elif name in known:
                found.append((known[name], title))
            elif name not in specs.AUXILIARY_SHEETS and not name.startswith("_"):
                result.warn(title, _("忽略工作表“%(s)s”：不是模板中的工作表。") % {"s": title})
        if not found:
            raise WorkbookError(
                _("工作簿中没有可导入的工作表（现有：%(have)s）。工作表名须为：%(known)s。")
                % {"have": "、".join(book.sheet_names) or "—", "known": "、".join(known)}
            )
        raw: list[tuple[specs.SheetSpec, str, list[list], list]] = []
        for spec, title in sorted(found, key=lambda x: x[0].order):
            try:
                sheet = book.get_sheet_by_name(title)
                data = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception as exc:  # a damaged sheet part inside a readable zip
                raise WorkbookError(
                    _("无法读取工作表“%(s)s”（%(detail)s）。请在 Excel 中打开并另存后再导入。")
                    % {"s": title, "detail": exc}
                ) from exc
            raw.append((spec, title, data, merged))
            result.sheets[spec.name] = SheetSummary(name=spec.name, title=title)
    finally:
        book.close()
    return _parse_all(raw, source, result, progress)


def _parse_all(
    raw: list[tuple[specs.SheetSpec, str, list[list], list]],
    source: Source,
    result: ImportResult,
    progress: Callable[[int, int], None] | None,
) -> list[ParsedSheet]:
    total = sum(max(len(item[2]) - 1, 0) for item in raw)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    lookups = Lookups()
    parsed = []
    for spec, title, data, merged in raw:
        sheet = ParsedSheet(spec=spec, title=title, result=result)
        parsed.append(sheet)
        index = _find_header(spec, data)
        if index is None:
            sheet.error(
                None,
                None,
                _("找不到表头：前 %(n)s 行中没有“%(cols)s”等列名。")
                % {"n": HEADER_SEARCH_ROWS, "cols": "、".join(spec.headers[:4])},
            )
            continue
        sheet.header_row = index + 1
        spans = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged if r0 <= index <= r1]
        if spans:
            ranges = "、".join(sorted({_range_name(*s) for s in spans}))
            sheet.error(
                None,
                None,
                _("表头有合并单元格（%(r)s）；请取消合并，每列只写一个列名，表头只占一行。")
                % {"r": ranges},
            )
            continue
        _map_header(sheet, data[index], source)
        if sheet.broken:
            continue
        _parse_rows(sheet, data, lookups, step)
    return parsed


def _range_name(r0: int, c0: int, r1: int, c1: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
