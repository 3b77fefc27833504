"""项目 (projects) — key: 项目编号."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from duikou.core.models import Organisation
from duikou.core.vocab import ProjectCategory, ProjectStatus, Side
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, to_json
from duikou.exchange_io.reader import ParsedSheet
from duikou.exchange_io.specs import Column
from duikou.lib.money import fen_to_yuan
from duikou.projects import services as project_services
from duikou.projects.models import AnnualPlan, Project, StatusTransition

MONEY_FIELDS = ("aid_amount", "local_amount", "social_amount")


def _max(name: str) -> int:
    return Project._meta.get_field(name).max_length


# Resolved from preloaded objects, so full_clean need not query them one by one.
FK_FIELDS = ["county", "implementer", "pairing_city", "annual_plan", "created_by"]

COLUMNS = [
    Column(
        "项目编号",
        "code",
        specs.IDENTIFIER,
        required=True,
        max_length=_max("code"),
        upper=True,
        meaning=gettext_lazy("项目的唯一编号；再次导入同一编号即更新该项目"),
        example="ZJHX-2023-015",
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
FIELDS = [c.field for c in COLUMNS if c.field != "code"]


class ProjectsHandler(specs.SheetHandler):
    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        for row in sheet.rows:
            code = row.values.get("code")
            if code:
                ctx.book_projects.setdefault(code, row)
        good = sheet.good_rows()
        existing: dict[str, Project] = {}
        codes = [r.values["code"] for r in good]
        for chunk in chunked(codes):
            for p in Project.objects.filter(code__in=chunk).select_related(
                "county", "implementer", "pairing_city"
            ):
                existing[p.code] = p
        plans = {p.year: p for p in AnnualPlan.objects.all()}
        present = [f for f in FIELDS if sheet.has(f)]
        to_create: list[Project] = []
        for row in good:
            v = row.values
            code = v["code"]
            county = v["county"]
            if not ctx.scope.may_place_project(county.pk):
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
            if not ctx.scope.may_create_projects:
                sheet.error(row, "code", _("您没有新建项目的权限。"))
                continue
            project = Project(code=code, created_by=ctx.actor, **data)
            project.annual_plan = plans.get(project.year)
            try:
                project.full_clean(
                    exclude=FK_FIELDS, validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                ctx.fail(sheet, row, exc, default="status")
                continue
            to_create.append(project)
            ctx.projects[code] = project
            summary.created += 1
        if to_create:
            bulk_create_with_history(
                to_create, Project, default_user=ctx.actor, default_change_reason=ctx.reason
            )
            ctx.created_many(Project, (p.pk for p in to_create))
            StatusTransition.objects.bulk_create(
                [
                    StatusTransition(
                        project=p,
                        from_status=ProjectStatus.RESERVE,
                        to_status=p.status,
                        by=ctx.actor,
                        comment=_("导入时设置"),
                        via_import=True,
                    )
                    for p in to_create
                    if p.status != ProjectStatus.RESERVE
                ]
            )

    def _update(self, ctx: Context, sheet: ParsedSheet, row, project: Project, data) -> None:
        diff = {f: value for f, value in data.items() if getattr(project, f) != value}
        if not diff:
            ctx.projects[project.code] = project
            sheet.summary.unchanged += 1
            return
        if not ctx.scope.may_edit_project(project):
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
        ctx.projects[project.code] = saved
        ctx.updated(saved, before)
        sheet.summary.updated += 1


def export_rows(projects: Iterable[Project]) -> Iterable[list]:
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


SPEC = specs.register(
    specs.SheetSpec(
        name="项目",
        order=10,
        columns=COLUMNS,
        key=("code",),
        handler=ProjectsHandler,
        exporter=export_rows,
        export_related=("county", "implementer", "pairing_city"),
        description=gettext_lazy("援建项目：每行一个项目，以项目编号识别。"),
    )
)
