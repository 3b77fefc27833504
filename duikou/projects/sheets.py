"""The projects ledger's sheets: 项目 (projects, key 项目编号) and 资金 (money flows, key 项目编号 +
凭证号), and how the import engine undoes what they wrote.

Registered from ProjectsConfig.ready(). The 项目 sheet shares its projects with the 资金 sheet
through the run's `ctx.shared` ("projects": code → project, "book_projects": code → its row);
the data scope of the acting user is computed once per run (`scope`). New records are created
through the projects services in bulk (`project_build`, `project_create_many`,
`flow_create_many`), changed ones through `project_update` and `flow_update`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BigIntegerField, ExpressionWrapper, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.accounts.models import Role, User
from duikou.core import bulk
from duikou.core.models import Organisation
from duikou.core.vocab import FlowType, FundingSource, ProjectCategory, ProjectStatus, Side
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, elsewhere, to_json
from duikou.exchange_io.reader import ParsedSheet, Row
from duikou.exchange_io.specs import Column
from duikou.lib.money import fen_to_yuan, yuan_to_wan
from duikou.projects import scopes as projects_scopes
from duikou.projects import services as project_services
from duikou.projects.models import (
    AnnualPlan,
    FlowEvidence,
    MoneyFlow,
    ProgressReport,
    Project,
    StatusTransition,
)

# Scope -----------------------------------------------------------------------------------


class Scope:
    """Where the acting user may place and edit projects, computed once per run (mirrors
    projects.scopes)."""

    def __init__(self, actor: User | None):
        self.actor = actor
        self.everything = actor is None or (actor.is_active and actor.role == Role.HEADQUARTERS)
        self.county_ids: set[int] = set()
        if actor is not None and not self.everything:
            self.county_ids = set(
                projects_scopes.project_counties(actor).values_list("pk", flat=True)
            )
        self.may_create_projects = actor is None or projects_scopes.can_create_project(actor)

    def may_place_project(self, county_id: int) -> bool:
        return self.everything or county_id in self.county_ids

    def may_edit_project(self, project) -> bool:
        return self.everything or (
            self.actor is not None
            and self.actor.is_active
            and self.actor.role == Role.COUNTY_TEAM
            and project.county_id in self.county_ids
        )


def scope(ctx: Context) -> Scope:
    if "projects.scope" not in ctx.shared:
        ctx.shared["projects.scope"] = Scope(ctx.actor)
    return ctx.shared["projects.scope"]


def shared_projects(ctx: Context) -> dict[str, Any]:
    """Projects by code: those the 项目 sheet wrote plus those other sheets looked up."""
    return ctx.shared.setdefault("projects", {})


def book_projects(ctx: Context) -> dict[str, Row]:
    """Codes the 项目 sheet holds (with their row), whether or not the row had errors."""
    return ctx.shared.setdefault("book_projects", {})


# 项目 ------------------------------------------------------------------------------------

MONEY_FIELDS = ("aid_amount", "local_amount", "social_amount")


def _max(name: str) -> int:
    return Project._meta.get_field(name).max_length


def _flow_max(name: str) -> int:
    return MoneyFlow._meta.get_field(name).max_length


PROJECT_COLUMNS = [
    Column(
        "项目编号",
        "code",
        specs.IDENTIFIER,
        required=True,
        max_length=_max("code"),
        upper=True,
        meaning=gettext_lazy(
            "项目的唯一编号，如 ZJHX-2023-015；再次导入同一编号即更新该项目。"
            "以“示例”开头的编号留给模板示例行，不能导入"
        ),
        example="示例-0001",
    ),
    Column(
        "项目名称",
        "name",
        required=True,
        max_length=_max("name"),
        meaning=gettext_lazy("项目名称"),
        example="都兰县人民医院急诊综合楼改扩建",
    ),
    Column(
        "年度", "year", specs.YEAR, required=True, meaning=gettext_lazy("计划年度"), example=2023
    ),
    Column(
        "类别",
        "category",
        specs.CHOICE,
        required=True,
        choices=ProjectCategory,
        meaning=gettext_lazy("项目类别"),
        example="医疗卫生",
    ),
    Column(
        "所在地",
        "county",
        specs.PLACE,
        required=True,
        meaning=gettext_lazy("项目所在的县级行政区"),
        example="都兰县",
    ),
    Column(
        "实施单位",
        "implementer",
        specs.ORG,
        max_length=Organisation._meta.get_field("name").max_length,
        side=Side.AIDED,
        meaning=gettext_lazy("实施单位名称或简称；不存在的单位将作为受援方单位新建（在所在地）"),
        example="都兰县人民医院",
    ),
    Column(
        "结对城市",
        "pairing_city",
        specs.CITY,
        meaning=gettext_lazy("浙江结对城市"),
        example="嘉兴市",
    ),
    Column(
        "援助资金",
        "aid_amount",
        specs.MONEY,
        required=True,
        meaning=gettext_lazy("计划安排的援助资金"),
        example=Decimal("1200"),
    ),
    Column(
        "地方配套",
        "local_amount",
        specs.MONEY,
        meaning=gettext_lazy("地方配套资金；空白按 0"),
        example=Decimal("300.5"),
    ),
    Column(
        "社会资金",
        "social_amount",
        specs.MONEY,
        meaning=gettext_lazy("社会资金；空白按 0"),
        example=Decimal("0"),
    ),
    Column(
        "状态",
        "status",
        specs.CHOICE,
        required=True,
        choices=ProjectStatus,
        meaning=gettext_lazy("项目所处阶段：在建须填实际开工，完工、验收须填实际开工和实际完工"),
        example="在建",
        forward=(
            ProjectStatus.RESERVE,
            ProjectStatus.APPROVED,
            ProjectStatus.BUILDING,
            ProjectStatus.COMPLETED,
            ProjectStatus.ACCEPTED,
        ),
    ),
    Column(
        "计划开工",
        "planned_start",
        specs.DATE,
        meaning=gettext_lazy("计划开工日期"),
        example=dt.date(2023, 4, 1),
    ),
    Column(
        "计划完工",
        "planned_finish",
        specs.DATE,
        meaning=gettext_lazy("计划完工日期"),
        example=dt.date(2023, 12, 31),
    ),
    Column(
        "实际开工",
        "actual_start",
        specs.DATE,
        meaning=gettext_lazy("实际开工日期"),
        example=dt.date(2023, 4, 18),
    ),
    Column(
        "实际完工", "actual_finish", specs.DATE, meaning=gettext_lazy("实际完工日期"), example=None
    ),
]
PROJECT_FIELDS = [c.field for c in PROJECT_COLUMNS if c.field != "code"]


class ProjectsHandler(specs.SheetHandler):
    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        for row in sheet.rows:
            code = row.values.get("code")
            if code:
                book_projects(ctx).setdefault(code, row)
        good = sheet.good_rows()
        existing: dict[str, Project] = {}
        codes = [r.values["code"] for r in good]
        for chunk in chunked(codes):
            for p in Project.objects.filter(code__in=chunk).select_related(
                "county", "implementer", "pairing_city"
            ):
                existing[p.code] = p
        plans = {p.year: p for p in AnnualPlan.objects.all()}
        present = [f for f in PROJECT_FIELDS if sheet.has(f)]
        to_create: list[Project] = []
        for row in good:
            v = row.values
            code = v["code"]
            county = v["county"]
            if not scope(ctx).may_place_project(county.pk):
                sheet.error(
                    row, "county", _("所在地“%(c)s”超出您的数据范围。") % {"c": county.name}
                )
            implementer = None
            if sheet.has("implementer"):
                implementer = ctx.orgs.resolve(
                    sheet, row, "implementer", side=Side.AIDED, county=county
                )
            if row.bad:
                continue
            data = {}
            for f in present:
                value = v[f]
                if f in MONEY_FIELDS:
                    value = fen_to_yuan(value or 0)
                elif f == "implementer":
                    value = implementer
                data[f] = value
            project = existing.get(code)
            if project is not None:
                self._update(ctx, sheet, row, project, data)
                continue
            if not scope(ctx).may_create_projects:
                sheet.error(row, "code", _("您没有新建项目的权限。"))
                continue
            try:
                project = project_services.project_build(
                    actor=ctx.actor, plans=plans, code=code, **data
                )
            except ValidationError as exc:
                ctx.fail(sheet, row, exc, default="status")
                continue
            to_create.append(project)
            shared_projects(ctx)[code] = project
            ctx.creates(sheet, row, data.get("name") or "")
            summary.created += 1
        if to_create:
            project_services.project_create_many(
                actor=ctx.actor, projects=to_create, reason=ctx.reason
            )
            ctx.created_many(Project, (p.pk for p in to_create))

    def _update(self, ctx: Context, sheet: ParsedSheet, row, project: Project, data) -> None:
        diff = {f: value for f, value in data.items() if getattr(project, f) != value}
        if not diff:
            shared_projects(ctx)[project.code] = project
            sheet.summary.unchanged += 1
            return
        if not scope(ctx).may_edit_project(project):
            sheet.error(
                row,
                "code",
                _("项目 %(code)s 超出您的数据范围，不能修改。") % {"code": project.code},
            )
            return
        before = {f: to_json(getattr(project, f)) for f in diff}
        try:
            saved = project_services.project_update(
                actor=ctx.actor, project=project, via_import=True, **diff
            )
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, default="code")
            return
        shared_projects(ctx)[project.code] = saved
        ctx.updated(saved, before, sheet=sheet, row=row)
        sheet.summary.updated += 1


def export_projects(projects: Iterable[Project]) -> Iterable[list]:
    for p in projects:
        yield [
            p.code,
            p.name,
            p.year,
            p.category,
            p.county.name if p.county_id else "",
            p.implementer.name if p.implementer_id else "",
            p.pairing_city.name if p.pairing_city_id else "",
            p.aid_amount,
            p.local_amount,
            p.social_amount,
            p.status,
            p.planned_start,
            p.planned_finish,
            p.actual_start,
            p.actual_finish,
        ]


PROJECTS = specs.SheetSpec(
    name="项目",
    order=10,
    columns=PROJECT_COLUMNS,
    key=("code",),
    handler=ProjectsHandler,
    exporter=export_projects,
    export_related=("county", "implementer", "pairing_city"),
    description=gettext_lazy("援建项目：每行一个项目，以项目编号识别。"),
    place="county",
)


# 资金 ------------------------------------------------------------------------------------

FLOW_COLUMNS = [
    Column(
        "项目编号",
        "project_code",
        specs.IDENTIFIER,
        required=True,
        max_length=Project._meta.get_field("code").max_length,
        upper=True,
        meaning=gettext_lazy("已有项目的编号（数据库中或本工作簿“项目”表中）"),
        example="示例-0001",
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
        max_length=_flow_max("voucher"),
        meaning=gettext_lazy("凭证号；同一项目内唯一，再次导入同一项目编号和凭证号即更新该笔资金"),
        example="浙援青〔2023〕12号",
    ),
    Column("备注", "note", max_length=_flow_max("note"), meaning=gettext_lazy("备注"), example=""),
]
MODEL_FIELDS = {"project": "project_code"}


class ProjectRef(NamedTuple):
    """What the 资金 sheet needs of a project it only refers to."""

    pk: int
    code: str
    county_id: int
    status: str


FLOW_DB_COLUMNS = ("project", "voucher", "id", "date", "type", "source", "amount", "note")


def flow_label(type_: str, source: str, fen: int, labels: dict[str, str] | None = None) -> str:
    """A flow as the preview names it: 下达 · 援助资金 · 600 万元 (`labels`: the choices'
    labels, translated once per run rather than once per row)."""
    labels = labels or flow_labels()
    return f"{labels[type_]} · {labels[source]} · {fen_to_wan_text(fen)}"


def flow_labels() -> dict[str, str]:
    return {v: str(label) for v, label in [*FlowType.choices, *FundingSource.choices]}


def fen_to_wan_text(fen: int) -> str:
    return f"{yuan_to_wan(fen_to_yuan(fen))} 万元"


class FlowsHandler(specs.SheetHandler):
    def __init__(self) -> None:
        self.sheet: ParsedSheet | None = None
        self.touched: set[tuple[int, str]] = set()  # (project id, source) to check
        self.date_key = lambda d: d  # a parsed date in the form the database returns it

    def _projects(self, ctx: Context, codes: set[str]) -> tuple[dict[str, int], dict[str, str]]:
        """Project id by code for the codes this user may record flows on; else why not."""
        missing = [c for c in codes if c not in shared_projects(ctx)]
        for chunk in chunked(missing):
            for ref in Project.objects.filter(code__in=chunk).values_list(
                "pk", "code", "county_id", "status"
            ):
                shared_projects(ctx)[ref[1]] = ProjectRef(*ref)
        ok: dict[str, int] = {}
        refused: dict[str, str] = {}
        for code in codes:
            project = shared_projects(ctx).get(code)
            if project is None:
                if code not in book_projects(ctx):  # else its 项目 row has errors, reported there
                    refused[code] = _(
                        "项目编号“%(code)s”不存在：数据库和本工作簿的“项目”表中都没有该项目。"
                    ) % {"code": code}
            elif not scope(ctx).may_edit_project(project):
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
        column = {f: qn(meta.get_field(f).column) for f in FLOW_DB_COLUMNS}
        if connection.vendor == "sqlite":
            column["date"] = f"CAST({column['date']} AS TEXT)"
            self.date_key = dt.date.isoformat
        select = ", ".join(column[f] for f in FLOW_DB_COLUMNS)
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
        labels = flow_labels()
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
                ctx.creates(sheet, row, flow_label(v["type"], v["source"], amount, labels))
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
            ids = project_services.flow_create_many(
                actor=ctx.actor, rows=created, reason=ctx.reason
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
        ctx.updated(flow, {k: before[k] for k in data}, sheet=sheet, row=row)
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
        code_pk = {p.code: p.pk for p in shared_projects(ctx).values()}
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


def export_flows(flows: Iterable[MoneyFlow]) -> Iterable[list]:
    for f in flows:
        yield [f.project.code, f.date, f.type, f.source, f.amount, f.voucher, f.note]


FLOWS = specs.SheetSpec(
    name="资金",
    order=20,
    columns=FLOW_COLUMNS,
    key=("project_code", "voucher"),
    handler=FlowsHandler,
    exporter=export_flows,
    export_related=("project",),
    description=gettext_lazy("资金流水：每行一笔下达、拨付或支出，以项目编号加凭证号识别。"),
    place="project.county",
)


# Undo ------------------------------------------------------------------------------------


class ProjectsUndo(specs.UndoHooks):
    """Projects and flows an import wrote: what came to depend on them, how they are put back,
    and the flow balances once the undo is done."""

    order = 10
    delete_order = ("projects.moneyflow", "projects.project")

    def __init__(self) -> None:
        self.balances: set[tuple[int, str]] = set()  # (project id, source) to check afterwards

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        problems = []
        projects = created.get("projects.project", set())
        flows = created.get("projects.moneyflow", set())
        for chunk in chunked(projects):
            for flow in elsewhere(
                MoneyFlow.objects.filter(project_id__in=chunk).select_related("project"), flows
            ):
                problems.append(
                    _("导入新建的项目 %(code)s 之后又录入了资金（凭证号 %(v)s）。")
                    % {"code": flow.project.code, "v": flow.voucher}
                )
            for report in ProgressReport.objects.filter(project_id__in=chunk).select_related(
                "project"
            )[:5]:
                problems.append(
                    _("导入新建的项目 %(code)s 之后又填报了进度（%(d)s）。")
                    % {"code": report.project.code, "d": report.date}
                )
            for t in StatusTransition.objects.filter(
                project_id__in=chunk, via_import=False
            ).select_related("project")[:5]:
                problems.append(
                    _("导入新建的项目 %(code)s 之后状态又有变更（%(a)s → %(b)s）。")
                    % {"code": t.project.code, "a": t.from_status, "b": t.to_status}
                )
        for chunk in chunked(flows):
            for ev in FlowEvidence.objects.filter(flow_id__in=chunk).select_related(
                "flow__project"
            )[:5]:
                problems.append(
                    _("导入的资金（项目 %(code)s，凭证号 %(v)s）之后上传了凭证文件。")
                    % {"code": ev.flow.project.code, "v": ev.flow.voucher}
                )
        for chunk in chunked(created.get("core.organisation", set())):
            for p in elsewhere(Project.objects.filter(implementer_id__in=chunk), projects):
                problems.append(_("导入新建的单位已是其他项目的实施单位：%(p)s。") % {"p": p})
        return problems

    def prepare(self, created: dict[str, set[int]], updated: dict[str, list]) -> None:
        for chunk in chunked(created.get("projects.moneyflow", set())):
            self.balances.update(
                MoneyFlow.objects.filter(pk__in=chunk).values_list("project_id", "source")
            )
        for change in updated.get("projects.moneyflow", []):
            flow = MoneyFlow.objects.get(pk=change.object_id)
            self.balances.add((flow.project_id, flow.source))
            if "source" in change.before:
                self.balances.add((flow.project_id, change.before["source"]))

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        if label == "projects.project":
            project_services.project_update(actor=actor, project=obj, via_import=True, **before)
        elif label == "projects.moneyflow":
            project_services.flow_update(actor=actor, flow=obj, check_balance=False, **before)
        else:  # pragma: no cover - the sheets update nothing else
            raise ValueError(label)

    def after_undo(self) -> None:
        remaining = Project.objects.in_bulk({pid for pid, _s in self.balances})
        for pid, source in self.balances:
            project = remaining.get(pid)
            if project is None:
                continue
            try:
                project_services.check_flow_balance(project, source)
            except ValidationError as exc:
                raise specs.UndoRefused(
                    _("不能撤销：撤销后资金将不平衡（%(e)s）。") % {"e": "；".join(exc.messages)}
                ) from exc


def register() -> None:
    """Called from ProjectsConfig.ready()."""
    specs.register(PROJECTS)
    specs.register(FLOWS)
    specs.register_undo(ProjectsUndo)
