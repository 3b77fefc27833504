"""资金 (money flows) — key: 项目编号 + 凭证号."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BigIntegerField, ExpressionWrapper, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.vocab import FlowType, FundingSource, ProjectStatus
from duikou.exchange_io import bulk, specs
from duikou.exchange_io.engine import Context, chunked
from duikou.exchange_io.reader import ParsedSheet, Row
from duikou.exchange_io.specs import Column
from duikou.lib.money import fen_to_yuan
from duikou.projects import services as project_services
from duikou.projects.models import MoneyFlow, Project


def _max(name: str) -> int:
    return MoneyFlow._meta.get_field(name).max_length


COLUMNS = [
    Column(
        "项目编号",
        "project_code",
        specs.IDENTIFIER,
        required=True,
        max_length=Project._meta.get_field("code").max_length,
        upper=True,
        meaning=gettext_lazy("已有项目的编号（数据库中或本工作簿“项目”表中）"),
        example="ZJHX-2023-015",
    ),
    Column(
        "日期",
        "date",
        specs.DATE,
        required=True,
        meaning=gettext_lazy("资金下达、拨付或支出的日期"),
        example=dt.date(2023, 6, 1),
    ),
    Column(
        "类型",
        "type",
        specs.CHOICE,
        required=True,
        choices=FlowType,
        meaning=gettext_lazy(
            "下达、拨付或支出；同一资金来源累计拨付不得超过累计下达，累计支出不得超过累计拨付"
        ),
        example="下达",
    ),
    Column(
        "资金来源",
        "source",
        specs.CHOICE,
        required=True,
        choices=FundingSource,
        meaning=gettext_lazy("资金来源"),
        example="援助资金",
    ),
    Column(
        "金额",
        "amount",
        specs.MONEY,
        required=True,
        meaning=gettext_lazy("金额，须大于 0"),
        example=Decimal("600"),
    ),
    Column(
        "凭证号",
        "voucher",
        required=True,
        max_length=_max("voucher"),
        meaning=gettext_lazy("凭证号；同一项目内唯一，再次导入同一项目编号和凭证号即更新该笔资金"),
        example="浙援青〔2023〕12号",
    ),
    Column("备注", "note", max_length=_max("note"), meaning=gettext_lazy("备注"), example=""),
]
FIELDS = ("date", "type", "source", "amount", "note")
MODEL_FIELDS = {"project": "project_code"}


class ProjectRef(NamedTuple):
    """What the 资金 sheet needs of a project it only refers to."""

    pk: int
    code: str
    county_id: int
    status: str


FLOW_COLUMNS = ("project", "voucher", "id", "date", "type", "source", "amount", "note")


class FlowsHandler(specs.SheetHandler):
    def __init__(self) -> None:
        self.sheet: ParsedSheet | None = None
        self.touched: set[tuple[int, str]] = set()  # (project id, source) to check
        self.date_key = lambda d: d  # a parsed date in the form the database returns it

    def _projects(self, ctx: Context, codes: set[str]) -> tuple[dict[str, int], dict[str, str]]:
        """Project id by code for the codes this user may record flows on; else why not."""
        missing = [c for c in codes if c not in ctx.projects]
        for chunk in chunked(missing):
            for ref in Project.objects.filter(code__in=chunk).values_list(
                "pk", "code", "county_id", "status"
            ):
                ctx.projects[ref[1]] = ProjectRef(*ref)
        ok: dict[str, int] = {}
        refused: dict[str, str] = {}
        for code in codes:
            project = ctx.projects.get(code)
            if project is None:
                if code not in ctx.book_projects:  # else its 项目 row has errors, reported there
                    refused[code] = _(
                        "项目编号“%(code)s”不存在：数据库和本工作簿的“项目”表中都没有该项目。"
                    ) % {"code": code}
            elif not ctx.scope.may_edit_project(project):
                refused[code] = _("项目 %(code)s 超出您的数据范围，不能录入资金。") % {"code": code}
            elif project.status == ProjectStatus.CANCELLED:
                refused[code] = _("项目 %(code)s 已取消，不能再录入资金。") % {"code": code}
            else:
                ok[code] = project.pk
        return ok, refused

    def _existing(self, project_ids: set[int]) -> dict[tuple[int, str], tuple]:
        """(project id, voucher) → (pk, date, type, source, 分, note), straight from the table.

        On SQLite the date comes back as ISO text (skipping a per-row converter); `date_key`
        turns a parsed date into the same form for comparison.
        """
        connection = bulk.db_for(MoneyFlow)
        qn = connection.ops.quote_name
        meta = MoneyFlow._meta
        column = {f: qn(meta.get_field(f).column) for f in FLOW_COLUMNS}
        if connection.vendor == "sqlite":
            column["date"] = f"CAST({column['date']} AS TEXT)"
            self.date_key = dt.date.isoformat
        select = ", ".join(column[f] for f in FLOW_COLUMNS)
        found = {}
        with connection.cursor() as cursor:
            for chunk in chunked(sorted(project_ids)):
                cursor.execute(
                    f"SELECT {select} FROM {qn(meta.db_table)} "
                    f"WHERE {column['project']} IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                for pid, voucher, *rest in cursor.fetchall():
                    found[(pid, voucher)] = tuple(rest)
        return found

    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        self.sheet = sheet
        summary = sheet.summary
        good = sheet.good_rows()
        ok, refused = self._projects(ctx, {r.values["project_code"] for r in good})
        existing = self._existing(set(ok.values()))
        adapt = bulk.db_for(MoneyFlow).ops.adapt_datefield_value
        db_dates: dict = {}
        date_keys: dict = {}
        date_key = self.date_key
        has_note = sheet.has("note")
        touched = self.touched
        created: list[tuple] = []
        positive = _("金额必须大于 0。")
        for row in good:
            v = row.values
            code = v["project_code"]
            pid = ok.get(code)
            if pid is None:
                if code in refused:
                    sheet.error(row, "project_code", refused[code])
                continue
            amount = v["amount"]
            if amount <= 0:
                sheet.error(row, "amount", positive)
                continue
            date = v["date"]
            db_date = db_dates.get(date)
            if db_date is None:
                db_date = db_dates[date] = adapt(date)
            note = (v["note"] or "") if has_note else None
            old = existing.get((pid, v["voucher"]))
            if old is None:
                created.append(
                    (pid, db_date, v["type"], v["source"], amount, v["voucher"], note or "")
                )
                touched.add((pid, v["source"]))
                continue
            _pk, old_date, old_type, old_source, old_fen, old_note = old
            key = date_keys.get(date)
            if key is None:
                key = date_keys[date] = date_key(date)
            if (
                old_date == key
                and old_type == v["type"]
                and old_source == v["source"]
                and old_fen == amount
                and (note is None or note == old_note)
            ):
                summary.unchanged += 1
                continue
            if self._update(ctx, sheet, row, old, note):
                touched.add((pid, old_source))
                touched.add((pid, v["source"]))
        if created:
            ids = bulk.insert_with_history(
                MoneyFlow,
                ["project_id", "date", "type", "source", "amount", "voucher", "note"],
                created,
                user_id=ctx.actor.pk if ctx.actor else None,
                reason=ctx.reason,
                constants={"created_by_id": ctx.actor.pk if ctx.actor else None},
            )
            ctx.created_many(MoneyFlow, ids)
            summary.created += len(created)

    def _update(self, ctx: Context, sheet: ParsedSheet, row: Row, old: tuple, note) -> bool:
        v = row.values
        pk, date, type_, source, old_fen, old_note = old
        data = {
            "date": v["date"],
            "type": v["type"],
            "source": v["source"],
            "amount": fen_to_yuan(v["amount"]),
        }
        if note is not None:
            data["note"] = note
        before = {
            "date": str(date),
            "type": type_,
            "source": source,
            "amount": str(fen_to_yuan(old_fen)),
            "note": old_note,
        }
        try:
            flow = project_services.flow_update(
                actor=ctx.actor, flow=MoneyFlow(pk=pk), check_balance=False, **data
            )
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, fields=MODEL_FIELDS, default="voucher")
            return False
        ctx.updated(flow, {k: before[k] for k in data})
        sheet.summary.updated += 1
        return True

    def finish(self, ctx: Context) -> None:
        """Check 拨付 ≤ 下达 and 支出 ≤ 拨付 once every row of the workbook is in place."""
        if not self.touched or self.sheet is None:
            return
        sheet = self.sheet
        totals: dict[tuple[int, str], dict[str, int]] = {}
        raw = ExpressionWrapper(F("amount"), output_field=BigIntegerField())
        for chunk in chunked({pid for pid, _source in self.touched}):
            rows = (
                MoneyFlow.objects.filter(project_id__in=chunk)
                .order_by()
                .values_list("project_id", "source", "type")
                .annotate(total=Sum(raw))
            )
            for pid, source, type_, total in rows:
                totals.setdefault((pid, source), {})[type_] = total or 0
        broken: dict[tuple[int, str], str] = {}
        for key in self.touched:
            t = totals.get(key, {})
            committed = t.get(FlowType.COMMITMENT, 0)
            disbursed = t.get(FlowType.DISBURSEMENT, 0)
            if disbursed > committed:
                broken[key] = FlowType.DISBURSEMENT
            elif t.get(FlowType.EXPENDITURE, 0) > disbursed:
                broken[key] = FlowType.EXPENDITURE
        if not broken:
            return
        by_pk = Project.objects.in_bulk({pid for pid, _source in broken})
        code_pk = {p.code: p.pk for p in ctx.projects.values()}
        rows_of: dict[tuple[int, str], list[Row]] = {}
        for r in sheet.good_rows():
            key = (code_pk.get(r.values["project_code"]), r.values["source"])
            if key in broken:
                rows_of.setdefault(key, []).append(r)
        for (pid, source), culprit in broken.items():
            try:
                project_services.check_flow_balance(by_pk[pid], source)
                message = _("资金不平衡。")  # pragma: no cover - the totals said otherwise
            except ValidationError as exc:
                message = " ".join(exc.messages)
            rows = rows_of.get((pid, source), [])
            blamed = [r for r in rows if r.values["type"] == culprit] or rows
            for row in blamed:
                sheet.error(row, "amount", message)


def export_rows(flows: Iterable[MoneyFlow]) -> Iterable[list]:
    for f in flows:
        yield [f.project.code, f.date, f.type, f.source, f.amount, f.voucher, f.note]


SPEC = specs.register(
    specs.SheetSpec(
        name="资金",
        order=20,
        columns=COLUMNS,
        key=("project_code", "voucher"),
        handler=FlowsHandler,
        exporter=export_rows,
        export_related=("project",),
        description=gettext_lazy("资金流水：每行一笔下达、拨付或支出，以项目编号加凭证号识别。"),
    )
)
