"""Formula injection: text cells that a spreadsheet would take for a formula, made inert.

Excel, WPS and LibreOffice read a cell that begins with `=`, `+`, `-` or `@` (and, after a
tab or carriage return, sometimes the same) as a formula: a project named
`=HYPERLINK("http://x","y")` would come out of an export as a live link, and a DDE formula
could run a program. Every CSV and xlsx the platform writes therefore neutralises such text:

- CSV (OWASP): the text is written with a leading apostrophe, `'=HYPERLINK(…)`.
- xlsx: the text is written as a string cell with Excel's "quote prefix" style, so the
  spreadsheet shows it as text (and keeps it text when edited); the value itself is unchanged.

Only text is touched: numbers, dates and money stay typed (a negative amount is a number, not
text). Every text beginning with one of the characters is neutralised, even a lone "-": one
rule, no judgement about what could be a formula. Text beginning with an apostrophe followed by
one of them gets one more apostrophe, so that the importer's inverse (`unquote`: drop one
apostrophe before such a character) restores every text exactly and an export re-imports
unchanged.

Pure: no Django, no openpyxl (the xlsx side is in `duikou.lib.xlsx`).
"""

from __future__ import annotations

# The first characters that make a cell a formula (OWASP's list: = + - @, tab, carriage return).
FORMULA_STARTS = frozenset("=+-@\t\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula, or when it already carries the
    apostrophe of a neutralised one (so that the round trip stays exact)."""
    return text.lstrip("'")[:1] in FORMULA_STARTS


def csv_text(text: str) -> str:
    """The text as written to a CSV cell: an apostrophe before anything formula-like."""
    return "'" + text if is_risky(text) else text


def xlsx_text(text: str) -> str:
    """The value written to a quote-prefixed xlsx cell: unchanged, except that a text which
    already begins with an apostrophe before a formula character gets one more (see above)."""
    return "'" + text if text[:1] == "'" and is_risky(text) else text


def unquote(value: object) -> object:
    """The importer's inverse of `csv_text`/`xlsx_text`: one apostrophe dropped before a
    formula character; any other value as it is."""
    if isinstance(value, str) and value[:1] == "'" and is_risky(value):
        return value[1:]
    return value
