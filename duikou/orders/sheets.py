"""The orders ledger's sheet 点单 (demands) — key: 需求单位 + 所需专业 + 服务方式 + 最早开始 — and
how the import engine undoes it. Registered from OrdersConfig.ready().

A county team or the headquarters collects a quarter's orders from the hospitals and schools in
one sheet. Every row is written through duikou.orders.services (`demand_create`,
`demand_update`), so the services' rules and history apply; the sheet adds what a workbook
needs on top:

- 需求单位 must be an existing Haixi hospital, school or college (full or short name) within
  the importing user's `demand_orgs_for_user`: this sheet never creates an organisation;
- 所需专业 is a skill of duikou.orders.skills, in its own spelling or a short form
  `skills.canonical` knows (重症医学科 → 重症医学科 (ICU)); the vocabulary's spelling is stored;
- 优先级: only the headquarters imports a priority other than 5 (blank: 5 for a new demand,
  unchanged for an existing one);
- 希望的专家: names separated by 、 or , — each must be exactly one person with a medical or
  education posting; a name shared by several is written 姓名（工作单位） to tell them apart;
- a row whose key matches an open demand (待安排) updates it or is unchanged; a row that would
  change a demand that is no longer open is an error (a row identical to it is unchanged, so
  that an exported list can be re-imported as a whole).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.accounts.models import User
from duikou.core.models import Organisation
from duikou.core.vocab import Side
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, to_json
from duikou.exchange_io.reader import ParsedSheet, Row
from duikou.exchange_io.specs import Column
from duikou.orders import scopes, skills
from duikou.orders import services as order_services
from duikou.orders.models import Demand, DemandStatus, ServiceKind, Visit
from duikou.people.models import Person

SHEET = "点单"
DEFAULT_PRIORITY = order_services.DEFAULT_PRIORITY
NOTE_MAX = 2000
EXPERTS_MAX = 300
_SEPARATORS = re.compile(r"[、,，;；\n]+")
_WITH_ORG = re.compile(r"^(.+?)[(（](.+)[)）]$")


def _max(name: str) -> int:
    return Demand._meta.get_field(name).max_length


def _next_quarter() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    q = (today.month - 1) // 3 + 1
    year, q = (today.year + 1, 1) if q == 4 else (today.year, q + 1)
    first = dt.date(year, 3 * q - 2, 1)
    last = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return first, last


COLUMNS = [
    Column(
        "需求单位",
        "organisation",
        specs.ORG,
        required=True,
        max_length=Organisation._meta.get_field("name").max_length,
        side=None,  # existing organisations only
        meaning=gettext_lazy(
            "提出需求的海西医院、学校或院校的全称或简称，须为系统中已登记的单位；"
            "县工作组只能导入本县（市）单位的需求"
        ),
        example="都兰县人民医院",
    ),
    Column(
        "所需专业",
        "skill",
        specs.TERM,
        required=True,
        terms=skills.skills,
        canonical=skills.canonical,
        meaning=gettext_lazy("医院科室（诊疗科目）或学校学科，按目录填写"),
        example="神经内科",
    ),
    Column(
        "服务方式",
        "service_kind",
        specs.CHOICE,
        required=True,
        choices=ServiceKind,
        meaning=gettext_lazy("坐诊、手术、讲座、带教或培训"),
        example="坐诊",
    ),
    Column(
        "所需天数",
        "days",
        specs.INTEGER,
        required=True,
        min_value=1,
        max_value=order_services.MAX_DAYS,
        unit_word="天",
        meaning=gettext_lazy("专家在现场服务的天数"),
        example=5,
    ),
    Column(
        "最早开始",
        "earliest_start",
        specs.DATE,
        required=True,
        meaning=gettext_lazy(
            "服务最早可以开始的日期；同一单位、专业、服务方式加最早开始识别一条需求，"
            "再次导入即更新该需求"
        ),
        example=lambda: _next_quarter()[0],
    ),
    Column(
        "最晚结束",
        "latest_end",
        specs.DATE,
        required=True,
        meaning=gettext_lazy("服务最后一天不晚于此日；从最早开始到最晚结束的天数不能少于所需天数"),
        example=lambda: _next_quarter()[1],
    ),
    Column(
        "优先级",
        "priority",
        specs.INTEGER,
        min_value=1,
        max_value=10,
        meaning=gettext_lazy(
            "1–10，越大越优先；空白为 5（已有需求则保持不变）。只有指挥部可以填 5 以外的值，"
            "县工作组如需求紧急请写在“说明”中"
        ),
        example=None,
    ),
    Column(
        "需求摘要",
        "title",
        max_length=_max("title"),
        meaning=gettext_lazy("一句话说明需求，如 卒中中心建设带教"),
        example="卒中中心建设带教",
    ),
    Column(
        "说明",
        "note",
        max_length=NOTE_MAX,
        meaning=gettext_lazy("需求的详细说明、紧急程度等"),
        example=None,
    ),
    Column(
        "希望的专家",
        "preferred_experts",
        max_length=EXPERTS_MAX,
        meaning=gettext_lazy(
            "希望再来的专家姓名，多人用 、 或 , 分隔；须为已登记的医疗或教育援派人员。"
            "同名时写成 姓名（工作单位）"
        ),
        example=None,
    ),
]
TEXT_FIELDS = ("title", "note")
KEY = ("organisation", "skill", "service_kind", "earliest_start")


def expert_pool():
    """The people a demand may name as preferred experts (as the orders services check them)."""
    return Person.objects.filter(postings__field__in=order_services.EXPERT_FIELDS).distinct()


class Experts:
    """Preferred experts by name, loaded once per import."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        for p in expert_pool().select_related("employer").order_by("pk"):
            self.by_name[p.name].append(p)

    def resolve(self, sheet: ParsedSheet, row: Row) -> list[Person] | None:
        text = row.values.get("preferred_experts") or ""
        people: list[Person] = []
        ok = True
        for token in (t.strip() for t in _SEPARATORS.split(text)):
            if not token:
                continue
            person, message = self._one(token)
            if person is None:
                sheet.error(row, "preferred_experts", message)
                ok = False
            elif person not in people:
                people.append(person)
        return people if ok else None

    def _one(self, token: str) -> tuple[Person | None, str]:
        """One name, or 姓名（工作单位） for a name that several people bear."""
        name, org = token, None
        if token not in self.by_name:
            m = _WITH_ORG.match(token)
            if m:
                name, org = m[1].strip(), m[2].strip()
        found = self.by_name.get(name, [])
        if org is not None:
            found = [p for p in found if org in (p.employer.name, p.employer.short_name)]
            if not found:
                return None, _("没有工作单位为“%(org)s”、名为“%(name)s”的医疗或教育援派人员。") % {
                    "org": org,
                    "name": name,
                }
        if not found:
            return None, _(
                "没有名为“%(name)s”的医疗或教育援派人员；希望的专家须为已登记派驻记录的人员，"
                "请核对姓名。"
            ) % {"name": name}
        if len(found) > 1:
            return None, _(
                "名为“%(name)s”的医疗或教育援派人员有 %(n)s 位（%(orgs)s），无法确定是哪一位；"
                "请写成 %(name)s（工作单位）。"
            ) % {
                "name": name,
                "n": len(found),
                "orgs": "、".join(p.employer.name for p in found),
            }
        return found[0], ""


class DemandsHandler(specs.SheetHandler):
    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        actor = ctx.actor
        self.allowed: set[int] | None = None
        if actor is not None:
            self.allowed = set(scopes.demand_orgs_for_user(actor).values_list("pk", flat=True))
        self.hq = actor is None or scopes.can_set_priority(actor)
        good = sheet.good_rows()
        experts = Experts() if sheet.has("preferred_experts") else None
        existing = self._existing(good)
        seen: dict[tuple, int] = {}
        for row in good:
            v = row.values
            org = self._organisation(ctx, sheet, row)
            people = experts.resolve(sheet, row) if experts is not None else None
            self._window(sheet, row)
            key = matches = None
            if org is not None:
                key = (org.pk, v["skill"], v["service_kind"], v["earliest_start"])
                matches = existing.get(key, [])
                open_ = [d for d in matches if d.status == DemandStatus.OPEN]
                # checked with the others, so that a row's every bad cell is reported at once
                target = open_ or matches
                self._priority(sheet, row, target[-1].priority if target else DEFAULT_PRIORITY)
            if row.bad or key is None:
                continue
            if key in seen:
                sheet.error(
                    row,
                    "organisation",
                    _(
                        "与第 %(n)s 行是同一需求（需求单位、所需专业、服务方式、最早开始相同；"
                        "单位简称与全称视为同一单位）。"
                    )
                    % {"n": seen[key]},
                )
                continue
            seen[key] = row.number
            if len(open_) > 1:
                sheet.error(
                    row,
                    "organisation",
                    _(
                        "系统中有 %(n)s 条待安排的需求与本行相同（编号 %(ids)s），"
                        "无法确定更新哪一条；请在网页上修改。"
                    )
                    % {"n": len(open_), "ids": "、".join(f"#{d.pk}" for d in open_)},
                )
            elif open_:
                self._update(ctx, sheet, row, org, people, open_[0])
            elif matches:
                self._closed(sheet, row, org, people, matches[-1])
            else:
                self._create(ctx, sheet, row, org, people)

    # Lookups -------------------------------------------------------------------------------

    def _existing(self, rows: list[Row]) -> dict[tuple, list[Demand]]:
        dates = sorted({r.values["earliest_start"] for r in rows})
        found: dict[tuple, list[Demand]] = defaultdict(list)
        for chunk in chunked(dates):
            qs = (
                Demand.objects.filter(earliest_start__in=chunk)
                .prefetch_related("preferred_experts")
                .order_by("pk")
            )
            for d in qs:
                found[(d.organisation_id, d.skill, d.service_kind, d.earliest_start)].append(d)
        return found

    def _organisation(self, ctx: Context, sheet: ParsedSheet, row: Row) -> Organisation | None:
        """An existing Haixi hospital or school in the user's scope (never created here)."""
        name = row.values["organisation"]
        org = ctx.orgs.by_name.get(name)
        if org is None:
            shorts = ctx.orgs.by_short.get(name, [])
            eligible = [o for o in shorts if self._eligible(o)]
            if len(eligible) == 1 or len(shorts) == 1:
                org = (eligible or shorts)[0]
            elif shorts:
                sheet.error(
                    row,
                    "organisation",
                    _("简称“%(n)s”对应多个单位（%(all)s），请填写单位全称。")
                    % {"n": name, "all": "、".join(o.name for o in shorts)},
                )
                return None
        if org is None:
            sheet.error(
                row,
                "organisation",
                _(
                    "系统中没有名为“%(n)s”的单位。点单只能为已登记的海西医院、学校提出，"
                    "请核对单位全称或简称（本表不会新建单位）。"
                )
                % {"n": name},
            )
            return None
        if not self._eligible(org):
            sheet.error(
                row,
                "organisation",
                _("“%(n)s”不是海西（受援方）的医院或学校，不能提出点单。") % {"n": org.name},
            )
            return None
        if self.allowed is not None and org.pk not in self.allowed:
            sheet.error(
                row,
                "organisation",
                _("“%(n)s”超出您的数据范围：您只能导入本县（市）单位的需求。") % {"n": org.name},
            )
            return None
        return org

    @staticmethod
    def _eligible(org: Organisation) -> bool:
        return org.side == Side.AIDED and org.kind in scopes.DEMAND_ORG_KINDS

    def _window(self, sheet: ParsedSheet, row: Row) -> None:
        v = row.values
        start, end, days = v.get("earliest_start"), v.get("latest_end"), v.get("days")
        if start is None or end is None:
            return
        if end < start:
            sheet.error(
                row,
                "latest_end",
                _("最晚结束（%(end)s）早于最早开始（%(start)s）。")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        elif days is not None and (end - start).days + 1 < days:
            sheet.error(
                row,
                "latest_end",
                _(
                    "服务窗口 %(start)s 至 %(end)s 只有 %(window)s 天，少于所需天数 %(days)s 天。"
                    "请放宽日期或减少天数。"
                )
                % {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "window": (end - start).days + 1,
                    "days": days,
                },
            )

    def _priority(self, sheet: ParsedSheet, row: Row, current: int) -> None:
        """Only the headquarters imports a priority other than the demand's (5 for a new one)."""
        priority = row.values.get("priority")
        if self.hq or priority is None or priority == current:
            return
        sheet.error(
            row,
            "priority",
            _(
                "优先级由指挥部统一调整，县工作组导入的需求优先级须为 %(p)s 或留空；"
                "如需求紧急，请在“说明”中写明原因。"
            )
            % {"p": current},
        )

    # Writing -------------------------------------------------------------------------------

    def _data(self, sheet: ParsedSheet, row: Row, org, people) -> dict[str, Any]:
        v = row.values
        data: dict[str, Any] = {
            "organisation": org,
            "skill": v["skill"],
            "service_kind": v["service_kind"],
            "days": v["days"],
            "earliest_start": v["earliest_start"],
            "latest_end": v["latest_end"],
        }
        if v.get("priority") is not None:
            data["priority"] = v["priority"]
        for name in TEXT_FIELDS:
            if sheet.has(name):
                data[name] = v.get(name) or ""
        if people is not None:
            data["preferred_experts"] = people
        return data

    def _create(self, ctx: Context, sheet, row, org, people) -> None:
        data = self._data(sheet, row, org, people)
        try:
            demand = order_services.demand_create(actor=ctx.actor, **data)
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, default="organisation")
            return
        ctx.created(demand)
        ctx.creates(sheet, row, str(demand))
        ctx.stamp_history(Demand, demand.pk)
        sheet.summary.created += 1

    @staticmethod
    def _diff(demand: Demand, data: dict[str, Any]) -> dict[str, Any]:
        diff = {}
        for name, value in data.items():
            if name == "preferred_experts":
                if {p.pk for p in value} != {p.pk for p in demand.preferred_experts.all()}:
                    diff[name] = value
            elif getattr(demand, name) != value:
                diff[name] = value
        return diff

    def _update(self, ctx: Context, sheet, row, org, people, demand: Demand) -> None:
        diff = self._diff(demand, self._data(sheet, row, org, people))
        if not diff:
            sheet.summary.unchanged += 1
            return
        before = {}
        for name in diff:
            if name == "preferred_experts":
                before[name] = sorted(p.pk for p in demand.preferred_experts.all())
            else:
                before[name] = to_json(getattr(demand, name))
        try:
            saved = order_services.demand_update(actor=ctx.actor, demand=demand, **diff)
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, default="organisation")
            return
        ctx.updated(saved, before, sheet=sheet, row=row)
        sheet.summary.updated += 1

    def _closed(self, sheet, row, org, people, demand: Demand) -> None:
        """A row of a demand no longer open: unchanged when identical, else an error."""
        diff = self._diff(demand, self._data(sheet, row, org, people))
        status = demand.get_status_display()
        if diff:
            changed = "、".join(str(sheet.spec.by_field[n].name) for n in diff)
            sheet.error(
                row,
                "organisation",
                _(
                    "该需求（#%(pk)s）已“%(status)s”，不能再通过导入修改（本行改动了：%(fields)s）。"
                    "如需调整，请联系指挥部；如是新的需求，请填写不同的最早开始日期。"
                )
                % {"pk": demand.pk, "status": status, "fields": changed},
            )
            return
        sheet.summary.unchanged += 1
        if demand.status == DemandStatus.WITHDRAWN:
            sheet.warn(
                row,
                "organisation",
                _(
                    "该需求（#%(pk)s）已撤回；本行与它相同，未重新提交。"
                    "如需重新提出，请填写不同的最早开始日期。"
                )
                % {"pk": demand.pk},
            )


# Export --------------------------------------------------------------------------------------


def _shared_names() -> set[str]:
    """Names borne by more than one possible expert: exported as 姓名（工作单位）."""
    return set(
        expert_pool()
        .values("name")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )


def expert_names(people: Iterable[Person], shared: set[str]) -> str:
    return "、".join(
        f"{p.name}（{p.employer.name}）" if p.name in shared else p.name for p in people
    )


def export_rows(demands: Iterable[Demand]) -> Iterable[list]:
    """The 点单 sheet's columns; the preferred experts by name (never an ID number)."""
    shared = _shared_names()
    for d in demands:
        experts = sorted(d.preferred_experts.all(), key=lambda p: p.pk)
        yield [
            d.organisation.name,
            d.skill,
            d.service_kind,
            d.days,
            d.earliest_start,
            d.latest_end,
            d.priority,
            d.title,
            d.note,
            expert_names(experts, shared),
        ]


SPEC = specs.SheetSpec(
    name=SHEET,
    order=60,
    columns=COLUMNS,
    key=KEY,
    handler=DemandsHandler,
    exporter=export_rows,
    export_related=("organisation",),
    description=gettext_lazy(
        "点单：海西医院、学校提出的专家服务需求，每行一条，以需求单位、所需专业、服务方式和"
        "最早开始识别；已安排的需求不能通过导入修改。"
    ),
    place="organisation",
)


# Undo ------------------------------------------------------------------------------------


class DemandsUndo(specs.UndoHooks):
    order = 60
    delete_order = ("orders.demand",)

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        """What refers to the demands a batch created: visits booked for them."""
        problems = []
        for chunk in chunked(created.get("orders.demand", set())):
            for v in Visit.objects.filter(demand_id__in=chunk).select_related(
                "demand__organisation", "expert"
            )[:5]:
                problems.append(
                    _("导入的需求“%(d)s”之后已安排了专家服务（%(e)s，%(s)s 起）。")
                    % {"d": v.demand, "e": v.expert.name, "s": v.start_date.isoformat()}
                )
        return problems

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        order_services.demand_update(actor=actor, demand=obj, **before)


def register() -> None:
    """Called from OrdersConfig.ready()."""
    specs.register(SPEC)
    specs.register_undo(DemandsUndo)
