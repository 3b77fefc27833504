"""Small helpers every app's views share: pagination, htmx detection, service errors, xlsx."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

PAGE_SIZE = 25

# Bounds of every integer taken from a query string: a primary key fits a signed 64-bit column
# (SQLite and PostgreSQL bigint); a year stays where dates are valid and the data can be.
PK_MAX = 2**63 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100


def int_param(
    request: HttpRequest, name: str, lo: int, hi: int, default: int | None = None
) -> int | None:
    """The query parameter `name` as an int in lo..hi, else `default`: junk (empty, signs,
    letters, non-ASCII digits, 5 kB strings, values past the bounds) never reaches the ORM,
    where year 0 or an id past 64 bits would raise a 500."""
    raw = request.GET.get(name, "").strip()
    if not raw or len(raw) > 20 or not (raw.isascii() and raw.isdigit()):
        return default
    value = int(raw)
    return value if lo <= value <= hi else default


def pk_param(request: HttpRequest, name: str) -> int | None:
    """A record id from the query string, or None."""
    return int_param(request, name, 1, PK_MAX)


def year_param(request: HttpRequest, name: str = "year", default: int | None = None) -> int | None:
    return int_param(request, name, YEAR_MIN, YEAR_MAX, default)


class TailPaginator(Paginator):
    """A paginator whose pages past the middle are read from the other end.

    OFFSET makes the database walk and drop every row before the page: the last page of a
    2M-row list walks 2M rows. Past the middle, the same rows are the first ones of the
    reversed ordering, so they are read with the reversed ORDER BY and the smaller offset
    (count - end of page) and put back in order. The rows are the same only when the ordering
    is total, so this is done only for a queryset whose last ordering term is a unique field
    (its pk, a unique code); any other list pages as Django's Paginator does.
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        count = self.count
        if top + self.orphans >= count:
            top = count
        qs = self.object_list
        if bottom * 2 <= count or not _totally_ordered(qs):
            return self._get_page(qs[bottom:top], number, self)
        rows = list(qs.reverse()[count - top : count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)


def _totally_ordered(qs) -> bool:
    """Whether `qs` is a queryset ordered explicitly, its last term a unique field of its model."""
    if not isinstance(qs, QuerySet) or not qs.query.order_by or qs.query.distinct:
        return False
    last = qs.query.order_by[-1]
    if not isinstance(last, str):
        return False
    name = last.lstrip("-")
    if name == "pk":
        return True
    try:
        field = qs.model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.primary_key or field.unique)


def page_of(request: HttpRequest, qs, size: int = PAGE_SIZE, count: int | None = None) -> Page:
    """The page the query string asks for; `count`: the number of rows when the view has
    already counted them (a list's totals), so that the paginator does not count again."""
    paginator = TailPaginator(qs, size)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_service_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """An .xlsx download named with the time of export; never cached (it may hold scoped data)."""
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
