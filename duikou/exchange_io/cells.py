"""Cell normalisers: one raw cell value (as python-calamine gives it) → the value to store.

Each parser raises `CellError` with a Chinese message for a bad value. They are pure functions
of the raw value (plus the reference data they were built with), so the reader caches their
results per distinct raw value: a 100,000-row sheet has few distinct dates, types and sources.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from duikou.core.vocab import lookup
from duikou.lib.money import WAN

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel shows at most 15 significant digits; a formula result such as 0.1+0.2 is stored as
# 0.30000000000000004 but means 0.3.
FLOAT_DIGITS = 15
# Amounts beyond this many yuan are typing mistakes (and would overflow a 64-bit 分 count).
MAX_YUAN = Decimal(10) ** 13
SPACES = "\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
STRIP = " \t\r\n" + SPACES
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]


class CellError(ValueError):
    """A bad cell value; the message says what is wrong, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip(STRIP)
    return False


def strip(text: str) -> str:
    return text.strip(STRIP)


def display(raw: Any) -> str:
    """How a raw cell value is quoted back in an error message."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def as_text(raw: Any) -> str:
    """Any cell as text: numbers without a spurious ".0", dates in ISO form, spaces trimmed."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return strip(raw)
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return format(raw, f".{FLOAT_DIGITS}g")
    return display(raw)


def _nfkc(text: str) -> str:
    # Full-width digits, letters and punctuation (１２３, （, ，) → their ASCII forms.
    return unicodedata.normalize("NFKC", text)


# Text -------------------------------------------------------------------------------------


def text_parser(max_length: int | None, *, name: bool = False) -> Callable[[Any], str]:
    """Text trimmed of spaces (full-width too); `name`: inner full-width spaces become plain
    ones, as Organisation.clean does, so that names match."""

    def parse(raw: Any) -> str:
        value = raw.strip(STRIP) if raw.__class__ is str else as_text(raw)
        if name and "\u3000" in value:
            value = value.replace("\u3000", " ")
        if max_length and len(value) > max_length:
            raise CellError(
                _("内容过长：%(n)s 个字符，最多 %(max)s 个。")
                % {"n": len(value), "max": max_length}
            )
        return value

    return parse


def identifier_parser(max_length: int | None, *, upper: bool = False) -> Callable[[Any], str]:
    """Codes and voucher numbers: full-width characters folded, spaces trimmed."""

    def parse(raw: Any) -> str:
        value = strip(_nfkc(as_text(raw)))
        if upper:
            value = value.upper()
        if max_length and len(value) > max_length:
            raise CellError(
                _("内容过长：%(n)s 个字符，最多 %(max)s 个。")
                % {"n": len(value), "max": max_length}
            )
        return value

    return parse


# Numbers ----------------------------------------------------------------------------------


def _decimal(raw: Any, unit: str) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("不是数字。"))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError(_("不是数字。"))
        return Decimal(format(raw, f".{FLOAT_DIGITS}g"))
    if isinstance(raw, str):
        text = _nfkc(raw)
        for ch in " \t\r\n" + SPACES:
            text = text.replace(ch, "")
        text = text.replace(",", "").replace("¥", "").replace("￥", "")
        for suffix in (unit, "万元" if unit == "元" else "元"):
            if suffix and text.endswith(suffix):
                if suffix != unit:
                    raise CellError(
                        _("金额写明了单位“%(s)s”，但本列的单位是“%(u)s”。")
                        % {"s": suffix, "u": unit}
                    )
                text = text[: -len(suffix)]
                break
        if not _NUMBER.fullmatch(text):
            raise CellError(_("不是数字。"))
        try:
            return Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern rules it out
            raise CellError(_("不是数字。")) from exc
    raise CellError(_("不是数字。"))


def money_fen(raw: Any, unit: str) -> int:
    """An amount in the column's unit (万元 or 元) → exact integer 分; never rounded."""
    value = _decimal(raw, unit)
    if value < 0:
        raise CellError(_("金额不能为负数。"))
    yuan = value * WAN if unit == "万元" else value
    if yuan >= MAX_YUAN:
        raise CellError(_("金额过大。"))
    fen = yuan * 100
    if fen != fen.to_integral_value():
        if unit == "万元":
            raise CellError(_("金额精度超过 1 分：以万元为单位时最多 6 位小数。"))
        raise CellError(_("金额精度超过 1 分：以元为单位时最多 2 位小数。"))
    return int(fen)


def money_parser(unit: str) -> Callable[[Any], int]:
    return lambda raw: money_fen(raw, unit)


def year_parser(lo: int = 2000, hi: int = 2100) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise CellError(_("年度应为四位数字，如 2023。"))
        if isinstance(raw, int | float):
            if isinstance(raw, float) and not raw.is_integer():
                raise CellError(_("年度应为四位数字，如 2023。"))
            year = int(raw)
        elif isinstance(raw, str):
            text = strip(_nfkc(raw)).removesuffix("年")
            if not re.fullmatch(r"\d{4}", text):
                raise CellError(_("年度应为四位数字，如 2023。"))
            year = int(text)
        else:
            raise CellError(_("年度应为四位数字，如 2023。"))
        if not lo <= year <= hi:
            raise CellError(_("年度应在 %(lo)s–%(hi)s 之间。") % {"lo": lo, "hi": hi})
        return year

    return parse


def int_parser(lo: int, hi: int, *, unit: str = "") -> Callable[[Any], int]:
    """A whole number within lo–hi: 5, 5.0, "５", "5 天" (the column's unit may follow)."""

    def bad() -> CellError:
        return CellError(_("应为 %(lo)s 到 %(hi)s 之间的整数。") % {"lo": lo, "hi": hi})

    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise bad()
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if raw != raw or not raw.is_integer():
                raise bad()
            value = int(raw)
        elif isinstance(raw, str):
            text = strip(_nfkc(raw)).replace(" ", "")
            if unit:
                text = text.removesuffix(unit)
            if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
                raise bad()
            value = int(text.split(".")[0])
        else:
            raise bad()
        if not lo <= value <= hi:
            raise bad()
        return value

    return parse


def term_parser(
    terms: list[str], canonical: Callable[[str], str | None] | None, what: str
) -> Callable[[Any], str]:
    """A term of a vocabulary (given in its own spelling or a short form `canonical` knows),
    stored in the vocabulary's spelling; an unknown value is refused with the nearest terms."""
    known = set(terms)

    def parse(raw: Any) -> str:
        text = as_text(raw)
        for candidate in (text, _nfkc(text).strip()):
            if candidate in known:
                return candidate
            found = canonical(candidate) if canonical else None
            if found is not None:
                return found
        near = difflib.get_close_matches(text, terms, n=3, cutoff=0.5)
        message = _("“%(v)s”不在%(what)s目录中。") % {"v": text, "what": what}
        if near:
            message += _("是否是：%(near)s？") % {"near": "、".join(near)}
        message += _("可填的值见模板的下拉列表和“说明”工作表。")
        raise CellError(message)

    return parse


# Dates ------------------------------------------------------------------------------------


def _make_date(y: int, m: int, d: int, raw: Any) -> dt.date:
    try:
        value = dt.date(y, m, d)
    except ValueError as exc:
        raise CellError(_("日期“%(v)s”不存在。") % {"v": display(raw)}) from exc
    if not 1900 <= value.year <= 2100:
        raise CellError(_("日期应在 1900–2100 年之间。"))
    return value


def parse_date(raw: Any) -> dt.date:
    """2023-06-01, 2023/6/1, 2023年6月1日, 20230601, or a real Excel date cell (or its serial)."""
    if isinstance(raw, dt.datetime):
        return _make_date(raw.year, raw.month, raw.day, raw)
    if isinstance(raw, dt.date):
        return _make_date(raw.year, raw.month, raw.day, raw)
    if isinstance(raw, bool):
        raise CellError(_("不是日期。"))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and raw != raw:
            raise CellError(_("不是日期。"))
        if 19000101 <= raw <= 21001231 and float(raw).is_integer():
            n = int(raw)
            return _make_date(n // 10000, n // 100 % 100, n % 100, raw)
        if 1 <= raw < 73051:  # an Excel serial number between 1900 and 2100
            return _make_date(*_serial(raw), raw)
        raise CellError(_("无法识别的日期“%(v)s”，请写成 2023-06-01。") % {"v": display(raw)})
    if isinstance(raw, str):
        text = strip(_nfkc(raw))
        for pattern in _DATE_PATTERNS:
            m = pattern.fullmatch(text)
            if m:
                return _make_date(int(m[1]), int(m[2]), int(m[3]), raw)
        raise CellError(_("无法识别的日期“%(v)s”，请写成 2023-06-01。") % {"v": strip(raw)})
    raise CellError(_("不是日期。"))


def _serial(value: float) -> tuple[int, int, int]:
    day = EXCEL_EPOCH + dt.timedelta(days=int(value))
    return day.year, day.month, day.day


# Coded values -----------------------------------------------------------------------------


def choice_parser(vocabulary: type[models.TextChoices], what: str) -> Callable[[Any], str]:
    allowed = "、".join(vocabulary.values)

    def parse(raw: Any) -> str:
        value = lookup(vocabulary, as_text(raw))
        if value is None:
            value = lookup(vocabulary, _nfkc(as_text(raw)))
        if value is None:
            raise CellError(
                _("“%(v)s”不是有效的%(what)s，可填：%(allowed)s。")
                % {"v": as_text(raw), "what": what, "allowed": allowed}
            )
        return value

    return parse


def division_parser(
    candidates: Iterable, *, what: str, refuse: Callable[[Any], str | None]
) -> Callable[[Any], Any]:
    """A division by its name, short name, name without suffix, or code (incl. alternate code).

    `candidates` are the divisions this column accepts; `refuse(division)` explains why another
    known division is not accepted (or returns None when it is unknown to this column).
    """
    from duikou.core.models import Division

    accepted = list(candidates)
    names: dict[str, Any] = {}
    for division in accepted:
        for key in _division_keys(division):
            names.setdefault(key, division)
    others: dict[str, Any] = {}
    for division in Division.objects.select_related("parent"):
        for key in _division_keys(division):
            others.setdefault(key, division)
    allowed = "、".join(d.name for d in accepted)

    def parse(raw: Any) -> Any:
        text = strip(_nfkc(as_text(raw))).replace(" ", "")
        found = names.get(text)
        if found is not None:
            return found
        other = others.get(text)
        if other is not None:
            reason = refuse(other)
            if reason:
                raise CellError(reason)
        raise CellError(
            _("“%(v)s”不是可用的%(what)s，可填：%(allowed)s（或其区划代码）。")
            % {"v": as_text(raw), "what": what, "allowed": allowed}
        )

    return parse


def _division_keys(division) -> set[str]:
    keys = {division.code, division.name}
    if division.short_name:
        keys.add(division.short_name)
    if division.alt_code:
        keys.add(division.alt_code)
    for suffix in ("行政委员会", "行委", "自治州", "县", "市", "区", "州"):
        if division.name.endswith(suffix) and len(division.name) > len(suffix) + 1:
            keys.add(division.name.removesuffix(suffix))
            break
    return keys
