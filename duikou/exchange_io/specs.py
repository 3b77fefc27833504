"""The sheet registry: what each template sheet holds (templates.md) and who handles it.

A sheet is a `SheetSpec` — its name, columns, natural key and processing order — plus a handler
that resolves and writes its rows and an exporter that writes records back in the same columns.
The engine knows no ledger: each ledger declares its sheets in its own `sheets` module and
registers them from its `AppConfig.ready()` by calling `register()`; the reader, the engine, the
templates, the exports and the error report all work from the registry.

Undo is the ledger's too: with `register_undo()` a ledger names the models its sheets create
(in the order they are deleted), how an updated record is put back, what may have come to
depend on the records an import created, and the checks once an undo is done (`UndoHooks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from duikou.accounts.models import User
    from duikou.exchange_io.engine import Context
    from duikou.exchange_io.reader import ParsedSheet

# Column kinds: how a cell is read (cells.py) and described in the template.
TEXT = "text"
IDENTIFIER = "identifier"
YEAR = "year"
MONEY = "money"
DATE = "date"
CHOICE = "choice"
PLACE = "place"  # a county-level division
CITY = "city"  # a Zhejiang prefecture-level city
ORG = "org"  # an organisation by name (created when new; `side=None`: existing ones only)
INTEGER = "integer"  # a whole number within min_value–max_value
TERM = "term"  # a term of a vocabulary that is no TextChoices (terms, canonical)

MONEY_UNITS = ("万元", "元")
DEFAULT_UNIT = "万元"


@dataclass(frozen=True)
class Column:
    name: str  # the header without "*" and unit, e.g. 援助资金
    field: str  # the key of the parsed value
    kind: str = TEXT
    required: bool = False
    meaning: str = ""
    example: Any = None
    max_length: int | None = None
    choices: type[models.TextChoices] | None = None
    upper: bool = False  # identifiers stored in upper case (project codes)
    side: str | None = None  # organisation columns: the side a new organisation is created on
    min_value: int | None = None  # INTEGER columns: the allowed range
    max_value: int | None = None
    unit_word: str = ""  # INTEGER: a unit the value may carry (所需天数: "5天")
    terms: Callable[[], list[str]] | None = None  # TERM columns: the vocabulary, in order
    canonical: Callable[[str], str | None] | None = None  # TERM: a written form → the term
    # CHOICE columns that are a status: its values in their forward order (储备 → 立项 → 在建 …);
    # the preview flags an update that moves a record back along it.
    forward: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The header as the template writes it: 援助资金(万元)*."""
        text = self.name
        if self.kind == MONEY:
            text += f"({DEFAULT_UNIT})"
        if self.required:
            text += "*"
        return text


class SheetHandler:
    """Resolves the parsed rows of one sheet against the database and writes them."""

    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        raise NotImplementedError

    def finish(self, ctx: Context) -> None:
        """Checks that need every row of the workbook applied first (e.g. flow balances)."""


@dataclass
class SheetSpec:
    name: str
    order: int  # processing order: 项目 (10) before 资金 (20) before 结对 (30) …
    columns: list[Column]
    key: tuple[str, ...]  # fields of the natural key
    handler: Callable[[], SheetHandler]
    exporter: Callable[[Iterable], Iterable[list]] | None = None
    export_related: tuple[str, ...] = ()  # select_related for a queryset being exported
    description: str = ""
    # Where a record lies, for the preview's risk flags: the attribute (a dotted path from the
    # record, its first part a column's field where the sheet has one) naming its county or
    # organisation, e.g. "county" or "project.county".
    place: str = ""
    by_field: dict[str, Column] = field(init=False)

    def __post_init__(self) -> None:
        self.by_field = {c.field: c for c in self.columns}

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def key_columns(self) -> list[Column]:
        return [self.by_field[f] for f in self.key]


# Template example rows. The blank templates write their example row with this marker column
# (an extension of the contract's columns) and reserved codes beginning with EXAMPLE_PREFIX
# (示例-0001), which no real record can have: the reader refuses such a row ("删除示例行").
EXAMPLE_COLUMN = "示例"
EXAMPLE_PREFIX = "示例"

SHEETS: dict[str, SheetSpec] = {}
# Sheets a template carries besides the data sheets; the importer passes over them silently.
AUXILIARY_SHEETS = {"说明", "填写说明", "导入错误"}


def register(spec: SheetSpec) -> SheetSpec:
    """Add a sheet (called from the owning app's ready(); registering a name again replaces it)."""
    SHEETS[spec.name] = spec
    return spec


def ordered() -> list[SheetSpec]:
    return sorted(SHEETS.values(), key=lambda s: s.order)


def get(name: str) -> SheetSpec:
    return SHEETS[name]


# Undo ------------------------------------------------------------------------------------


class UndoRefused(Exception):
    """The batch cannot be undone; the message says why, in Chinese."""


class UndoHooks:
    """How the records one ledger's sheets wrote are undone; one instance per undo.

    `order` places the ledger among the others: their dependants are asked in ascending order,
    their records deleted in descending order, so that what refers to a record goes before it
    (the organisations every sheet may create come first, order 0, and go last).
    """

    order: int = 0
    # The models the ledger's sheets write (labels), in the order they are deleted: what
    # refers to a record before it.
    delete_order: tuple[str, ...] = ()

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        """Why the records an import created (by label, of every ledger) cannot go: records
        written since that refer to them, in the ledger's words (a few are enough)."""
        return []

    def prepare(self, created: dict[str, set[int]], updated: dict[str, list]) -> None:
        """Note what `after_undo` needs, before anything is put back (`updated`: label → the
        ImportChanges of updated records)."""

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        """Put back the fields `before` (model values) of an updated record, through the
        ledger's services."""
        raise ValueError(label)  # pragma: no cover - a ledger restores what it updates

    def deletable(self, label: str, pks: set[int]) -> set[int]:
        """Those of the created records of `label` to delete (all, unless the ledger keeps some)."""
        return pks

    def after_undo(self) -> None:
        """Checks once everything is put back and deleted; raise UndoRefused to roll back."""


UNDO: list[type[UndoHooks]] = []


def register_undo(hooks: type[UndoHooks]) -> type[UndoHooks]:
    """Add a ledger's undo hooks (from its ready(); registering a class again is a no-op)."""
    if hooks not in UNDO:
        UNDO.append(hooks)
    return hooks


def undo_hooks() -> list[UndoHooks]:
    """Fresh hooks of every ledger, in ascending order."""
    return [cls() for cls in sorted(UNDO, key=lambda h: h.order)]
