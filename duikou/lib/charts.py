"""Whether a chart has anything to draw: the server's half of the charts' empty state.

A chart whose data is all zeros (or has no items) says 暂无数据 instead of drawing an empty
ring or bare axes. The same rule runs in the browser (static/js/charts.js, hasData) for data
a page narrows after loading; here it decides the markup (templates/includes/chart.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

#: keys of a chart's data that carry values; names, labels, months and links do not
VALUE_KEYS = ("value", "values", "data", "series", "posted", "served", "items")


def _nonzero(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float | Decimal):
        return value != 0
    if isinstance(value, str):
        try:
            return Decimal(value) != 0
        except InvalidOperation:
            return False
    return has_data(value)


def has_data(data: object) -> bool:
    """True when `data` (a chart's json_script payload, or a part of it) holds a value that
    is not zero: a number, a numeric string, a list of them, a {name, value} list, a
    {names, values} or {series: [{name, data}]} mapping."""
    if isinstance(data, Mapping):
        return any(_nonzero(data[k]) for k in VALUE_KEYS if k in data)
    if isinstance(data, list | tuple):
        return any(_nonzero(v) for v in data)
    return _nonzero(data)
