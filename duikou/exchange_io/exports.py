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

Exports that never run out: each ledger registers its list exports here by name
(`register(name, build)`, from its AppConfig.ready); `build(user, params)` rebuilds the user's
scoped, filtered list as a `Table` — in the request, and again in a background task for that very
user with the same filters, which is how the engine exports a ledger it does not know.
`respond()` answers an export link: CSV streams in the response (a queryset read in chunks, no
row cap); xlsx of up to DUIKOU_EXPORT_INLINE_ROWS rows (one COUNT) is built in the request in
openpyxl's write-only mode; a larger one becomes an export job (duikou.exchange_io.exportjobs)
built in the background, with progress, into a private file its user downloads when ready.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
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


#: the template columns that hold long names: wider in an exported sheet
_WIDE = ("项目名称", "协议名称", "实施单位", "支援方单位", "受援方单位")


def _spec_width(column) -> int:
    if column.name in _WIDE:
        return 30
    return 12 if column.kind in (specs.DATE, specs.MONEY) else 16


def _begin_sheet(ws, headers: Sequence[str], widths: Sequence[int]) -> None:
    """A write-only sheet's column widths, frozen header row and bold header (before any row)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)


def xlsx_bytes(sheet: str, objects: Iterable) -> bytes:
    spec = specs.get(sheet)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.name)
    dates = {i for i, c in enumerate(spec.columns) if c.kind == specs.DATE}
    _begin_sheet(ws, spec.headers, [_spec_width(column) for column in spec.columns])
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


# Registered list exports ---------------------------------------------------------------------

#: rows up to which an xlsx export is built in the request; above: a background export job
DEFAULT_INLINE_ROWS = 5000
#: rows between two progress writes of a background export
PROGRESS_EVERY = 2000
CHUNK = 2000


def inline_rows() -> int:
    return int(getattr(settings, "DUIKOU_EXPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


@dataclass
class Table:
    """One list to export: its sheet title, headers and rows (read lazily, every time
    `rows()` is called), how to count them (one COUNT query), and the download's name.

    `sheet`: the name of a template sheet (specs) whose exporter makes the rows from `source`
    (the sheet's own column formats, money in 万元), or "" for a list whose `rows` are given.
    """

    title: str
    filename: str
    headers: list[str] = field(default_factory=list)
    rows: Callable[[], Iterable[Sequence[Any]]] = lambda: ()
    count: Callable[[], int] = lambda: 0
    note: str = ""
    sheet: str = ""


def sheet_table(sheet: str, queryset: QuerySet, filename: str) -> Table:
    """A template sheet's export of a queryset (read in chunks)."""
    spec = specs.get(sheet)
    return Table(
        title=spec.name,
        filename=filename,
        headers=list(spec.headers),
        rows=lambda: rows(sheet, queryset),
        count=queryset.count,
        sheet=sheet,
    )


def chunked(queryset: QuerySet) -> Iterator:
    """A queryset's records read in chunks (prefetches too, per chunk), never all at once."""
    return queryset.iterator(chunk_size=CHUNK)


Build = Callable[[Any, QueryDict], Table]


@dataclass(frozen=True)
class Export:
    name: str
    build: Build
    formats: frozenset[str]
    #: its file holds personal data: sealed at rest (duikou.core.crypto) while it waits
    personal: bool = False


_exports: dict[str, Export] = {}


def register(
    name: str, build: Build, *, formats: Iterable[str] = ("xlsx", "csv"), personal: bool = False
) -> Export:
    """Plug a ledger's list export in: `build(user, params)` → the user's `Table` (raising
    Http404 or PermissionDenied for a user who may not have it), `params` the list's filters."""
    export = Export(name, build, frozenset(formats), personal)
    _exports[name] = export
    return export


def get(name: str) -> Export:
    return _exports[name]


def names() -> list[str]:
    return sorted(_exports)


def as_request(user: Any, params: QueryDict) -> HttpRequest:
    """A GET request of this user with these filters: what a list's filter function reads."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = params
    return request


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).replace(
            tzinfo=None
        )
    return value


def table_csv(table: Table) -> Iterator[bytes]:
    """The table as CSV, in pieces of about a thousand rows: to stream, never held whole."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write(BOM)
    writer.writerow(table.headers)
    for i, row in enumerate(table.rows(), start=1):
        writer.writerow([_csv_value(v) for v in row])
        if i % 1000 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _width(value: object) -> int:
    text = str(value) if value is not None else ""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # CJK: about two columns


def write_xlsx(table: Table, out: IO[bytes], progress: Callable[[int], None] | None = None) -> int:
    """Write the table as an .xlsx workbook to `out` in openpyxl's write-only mode (rows go to
    a temporary file as they come: memory stays flat however long the list); the number of rows.

    `progress(n)` is called every PROGRESS_EVERY rows. Formula-like text is written as
    quote-prefixed text (text_cell); dates as dates.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.title[:31])
    spec = specs.get(table.sheet) if table.sheet else None
    source = iter(table.rows())
    # Column widths must be known before the first row: from the header and the first rows.
    head: list[Sequence[Any]] = []
    for row in source:
        head.append(row)
        if len(head) >= 200:
            break
    widths = []
    for i, text in enumerate(table.headers, start=1):
        if spec is not None:
            widths.append(_spec_width(spec.columns[i - 1]))
        else:
            width = max([_width(text), *(_width(_plain(r[i - 1])) for r in head if len(r) >= i)])
            widths.append(min(max(width + 2, 8), 60))
    _begin_sheet(ws, table.headers, widths)
    n = 0
    for row in _chain(head, source):
        out_row = []
        for value in row:
            value = _xlsx_value(_plain(value))
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = (
                    "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
                )
                out_row.append(cell)
            else:
                out_row.append(text_cell(ws, value))
        ws.append(out_row)
        n += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    if table.headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{n + 1}"
    if table.note:
        info = wb.create_sheet("说明")
        info.append([text_cell(info, table.note)])
    wb.save(out)
    return n


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def download_name(table: Table, fmt: str) -> str:
    return f"{table.filename}-{_stamp()}.{fmt}"


def stream_csv(table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download_name(table, "csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_now(table: Table) -> HttpResponse:
    buf = io.BytesIO()
    write_xlsx(table, buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{download_name(table, "xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response


def respond(
    request: HttpRequest, name: str, fmt: str, params: QueryDict | None = None
) -> HttpResponse | StreamingHttpResponse:
    """Answer an export link: CSV streamed; a small xlsx now; a large one as a background
    export job (a redirect to its progress page). Unknown format: 404."""
    from django.http import Http404
    from django.shortcuts import redirect

    export = get(name)
    if fmt not in export.formats:
        raise Http404
    params = request.GET if params is None else params
    table = export.build(request.user, params)
    if fmt == "csv":
        return stream_csv(table)
    total = table.count()
    if total <= inline_rows():
        return xlsx_now(table)
    from duikou.exchange_io import exportjobs

    job = exportjobs.job_start(
        actor=request.user, export=name, fmt=fmt, params=params, rows_total=total, table=table
    )
    return redirect(job.get_absolute_url())
