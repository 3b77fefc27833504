"""A large synthetic programme for scale work: `duikou synth` (issue 16).

Ten years (the current year and the nine before it) of a large counterpart-aid programme:
projects with their money flows, people with their postings and training placements, and the
consumption-aid sales of thousands of Zhejiang channels. The distributions follow the demo's
(duikou.*.demo): the same categories, Haixi counties and their Zhejiang pairing cities, the same
implementers by category, statuses that fit the plan year, construction seasons, the same
products and suppliers; with skew: project amounts are lognormal (a few big projects, many
small), the money of a project is spread over more flows the bigger it is, and channel sales
follow a Pareto law (a few shops sell a lot).

Every record keeps the models' invariants: actual dates never in the future and in order with
the status (完工/验收 have both), for each project and funding source 拨付 ≤ 下达 and
支出 ≤ 拨付, flow amounts above 0, vouchers unique per project, short-term postings of at least
three months, no overlapping postings of one person, sales month rows on the 1st of a past
month, valid ID numbers (GB 11643 check digit) stored encrypted with their search hash through
duikou.core.crypto, as the people services store them.

Deterministic: the records come from random generators seeded with `seed` (and the date of
today, which bounds every actual date), so the same seed on the same day gives the same records
(counts and sums; ciphertexts differ, as Fernet's do, but decrypt to the same values).

Written in bulk: the small lists (organisations, plans, batches, products, channels, users)
through the ORM, the big tables through duikou.core.bulk.insert (multi-row INSERTs of values
prepared once), without history rows (the data set stands for records that existed before
the platform), inside one transaction. Year locks are not consulted: nothing here is saved
through a model's save().
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation

from duikou.accounts.models import Role, User
from duikou.consumption.demo import CITY_SHOPS, PRODUCT_SUPPLIER, PRODUCT_WEIGHT, SUPPLIERS
from duikou.consumption.models import Certification, Channel, Product, Sale, SalesTarget, Supplier
from duikou.consumption.vocab import ChannelKind
from duikou.core import bulk, crypto, reference
from duikou.core.demo import Org, credit_code_for
from duikou.core.models import Division, Organisation, Pairing
from duikou.core.vocab import (
    BuildType,
    Field,
    FlowType,
    FundingSource,
    Gender,
    OrgKind,
    PairingKind,
    PersonnelKind,
    ProjectCategory,
    ProjectMode,
    ProjectStatus,
    Side,
)
from duikou.people.demo import (
    BATCHES,
    DISTRICT,
    FEMALE,
    HAIXI_FEMALE,
    HAIXI_MALE,
    MALE,
    MEDICAL_SPECIALTIES,
    SUBJECTS,
    SURNAMES,
)
from duikou.people.identity import add_months, make_id_number
from duikou.people.models import Batch, Person, Posting, TrainingPlacement
from duikou.projects.models import AnnualPlan, FiveYearPlan, MoneyFlow, Project

#: the full size of issue 16
DEFAULTS = {"projects": 50_000, "flows": 1_000_000, "people": 100_000, "sales": 2_000_000}
#: every synthetic project's code starts so (a database holds one synthetic set at most)
CODE_PREFIX = "SYN-"
YEARS = 10
#: the sign-ins made for trying the pages on the data set
SYNTH_USERS = [
    ("synth-hq", "合成数据·指挥部", Role.HEADQUARTERS, "全部数据，可录入和修改"),
    ("synth-county", "合成数据·都兰工作组", Role.COUNTY_TEAM, "都兰县的项目、人员和单位"),
    ("synth-viewer", "合成数据·观察员", Role.VIEWER, "全部数据只读，不显示个人信息"),
]
KEPT_PASSWORD = "（原密码不变）"

C = ProjectCategory
S = ProjectStatus
HQ_NAME = "浙江省援青指挥部"
PREFECTURE_GOV = "海西州人民政府"
PREFECTURE_HOSPITAL = "海西州人民医院"

# Haixi county-level units: code → (name, short name, towns, government, hospital).
COUNTIES: dict[str, tuple[str, str, list[str], str, str]] = {
    "632802": ("德令哈市", "德令哈", ["柯鲁柯镇", "怀头他拉镇", "尕海镇", "河西街道", "河东街道",
                                    "火车站街道"], "德令哈市人民政府", "德令哈市人民医院"),
    "632801": ("格尔木市", "格尔木", ["郭勒木德镇", "唐古拉山镇", "大格勒乡", "乌图美仁乡",
                                    "河西街道", "昆仑路街道"], "格尔木市人民政府",
               "格尔木市人民医院"),
    "632803": ("茫崖市", "茫崖", ["花土沟镇", "冷湖镇", "茫崖镇"], "茫崖市人民政府",
               "茫崖市人民医院"),
    "632821": ("乌兰县", "乌兰", ["希里沟镇", "茶卡镇", "柯柯镇", "铜普镇"], "乌兰县人民政府",
               "乌兰县人民医院"),
    "632822": ("都兰县", "都兰", ["察汗乌苏镇", "香日德镇", "夏日哈镇", "宗加镇", "热水乡",
                                "沟里乡", "巴隆乡", "香加乡"], "都兰县人民政府", "都兰县人民医院"),
    "632823": ("天峻县", "天峻", ["新源镇", "江河镇", "木里镇", "快尔玛乡", "舟群乡", "生格乡",
                                "阳康乡"], "天峻县人民政府", "天峻县人民医院"),
    "632857": ("大柴旦行委", "大柴旦", ["柴旦镇", "锡铁山镇"], "大柴旦行政委员会",
               "大柴旦行委医院"),
}  # fmt: skip
# How much of the programme each county gets (the bigger cities more), and 州本级.
COUNTY_WEIGHT = {"632802": 16, "632801": 20, "632803": 9, "632821": 12, "632822": 16,
                 "632823": 11, "632857": 7}  # fmt: skip
PREFECTURE_SHARE = 0.08
ZHEJIANG_CITIES = {
    "330100": "杭州", "330200": "宁波", "330300": "温州", "330400": "嘉兴", "330500": "湖州",
    "330600": "绍兴", "330700": "金华", "330800": "衢州", "330900": "舟山", "331000": "台州",
    "331100": "丽水",
}  # fmt: skip

# Projects: category shares, median 援助资金 (万元) and the kind of work.
WORKS, EQUIPMENT, ACTIVITY = "工程", "设备", "活动"
CATEGORIES: list[tuple[str, float, float, str]] = [
    (C.LIVELIHOOD, 34, 320, WORKS),
    (C.INDUSTRY, 15, 420, WORKS),
    (C.EDUCATION, 18, 240, WORKS),
    (C.MEDICAL, 10, 210, EQUIPMENT),
    (C.CULTURE, 5, 130, WORKS),
    (C.EXCHANGE, 6, 45, ACTIVITY),
    (C.TALENT, 7, 60, ACTIVITY),
    (C.OTHER, 5, 70, ACTIVITY),
]
WORDING: dict[str, list[str]] = {
    C.LIVELIHOOD: ["牧民定居房建设", "老旧小区改造", "村道硬化", "农村供水保障工程",
                   "供热管网改造", "人居环境整治", "社区综合服务中心", "社区养老服务中心",
                   "农村户厕改造", "高原美丽乡村建设", "饮水安全巩固提升工程",
                   "巩固拓展脱贫攻坚成果衔接项目"],
    C.INDUSTRY: ["枸杞产业提质增效项目", "标准化暖棚养殖基地", "特色农畜产品加工车间",
                 "冷链仓储设施", "藜麦精深加工生产线", "农村电子商务服务站", "乡村旅游配套设施",
                 "村级特色集体产业扶持项目", "蔬菜日光温室基地"],
    C.EDUCATION: ["教学综合楼建设", "学生宿舍楼改造", "幼儿园改扩建", "智慧教室建设",
                  "职业教育实训基地", "运动场改造", "寄宿制学校供暖改造", "学生食堂改造"],
    C.MEDICAL: ["卫生院设备配置", "远程会诊中心", "住院楼改造", "胸痛中心建设", "卒中中心建设",
                "急诊急救能力提升", "村卫生室标准化建设", "医学影像设备配置"],
    C.CULTURE: ["民族文化活动中心", "文化广场", "综合文化服务中心", "非遗传承基地",
                "图书馆展陈提升"],
    C.EXCHANGE: ["青少年“手拉手”交流活动", "职工疗休养互送", "文旅推介活动",
                 "民族团结进步创建活动"],
    C.TALENT: ["党政干部赴浙培训", "专业技术人才跟岗进修", "基层农技人员培训",
               "骨干教师赴浙培训"],
    C.OTHER: ["援青项目前期工作经费", "项目管理和监督检查经费", "专项资金（计划外）"],
}  # fmt: skip
DESCRIPTION = {
    WORKS: "按年度计划实施的{what}工程，施工期为当年4月至10月",
    EQUIPMENT: "{what}：设备采购、安装调试和人员培训",
    ACTIVITY: "{what}：按实施方案分批组织",
}
# Status shares by the plan year's age (0 = the current year).
STATUS_BY_AGE: list[list[tuple[str, float]]] = [
    [(S.RESERVE, 14), (S.APPROVED, 28), (S.BUILDING, 44), (S.COMPLETED, 8), (S.SUSPENDED, 2),
     (S.CANCELLED, 4)],
    [(S.APPROVED, 4), (S.BUILDING, 40), (S.COMPLETED, 34), (S.ACCEPTED, 16), (S.SUSPENDED, 2),
     (S.CANCELLED, 4)],
    [(S.APPROVED, 2), (S.BUILDING, 12), (S.COMPLETED, 26), (S.ACCEPTED, 54), (S.SUSPENDED, 2),
     (S.CANCELLED, 4)],
    [(S.BUILDING, 2), (S.COMPLETED, 7), (S.ACCEPTED, 85), (S.SUSPENDED, 2), (S.CANCELLED, 4)],
]  # fmt: skip
STARTED = {S.BUILDING, S.COMPLETED, S.ACCEPTED, S.SUSPENDED}
FINISHED = {S.COMPLETED, S.ACCEPTED}
# Payments by month: little in the winter stop, the construction season, the year-end rush.
MONTH_WEIGHT = [0.35, 0.3, 0.6, 0.9, 1.1, 1.2, 1.2, 1.2, 1.3, 1.2, 1.0, 1.6]
PREFIX = {FlowType.COMMITMENT: "XD", FlowType.DISBURSEMENT: "BF", FlowType.EXPENDITURE: "ZC"}
SALES_SEASON = [1.5, 1.45, 0.8, 0.8, 0.85, 0.8, 0.8, 0.85, 1.15, 1.2, 1.25, 1.35]
YUAN = 100  # fen


# --- Small helpers ---------------------------------------------------------------------------


def allocate(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), each part at most its cap.

    Exact: the parts sum to `total` (a ValueError when the caps cannot hold it)."""
    n = len(weights)
    out = [0] * n
    if total <= 0 or n == 0:
        return out
    if caps is not None and sum(caps) < total:
        raise ValueError(f"cannot place {total} in {sum(caps)}")
    left = total
    open_ = [i for i in range(n) if weights[i] > 0 and (caps is None or caps[i] > 0)]
    if not open_:
        open_ = [i for i in range(n) if caps is None or caps[i] > 0]
        weights = [1.0] * n
    while left > 0:
        whole = sum(weights[i] for i in open_)
        raw = [(i, weights[i] * left / whole) for i in open_]
        add = {i: int(r) for i, r in raw}
        rest = left - sum(add.values())
        for i, _r in sorted(raw, key=lambda t: t[1] - int(t[1]), reverse=True)[:rest]:
            add[i] += 1
        placed = 0
        still = []
        for i in open_:
            room = add[i] if caps is None else min(add[i], caps[i] - out[i])
            out[i] += room
            placed += room
            if caps is None or out[i] < caps[i]:
                still.append(i)
        left -= placed
        open_ = still
        if left > 0 and not open_:  # pragma: no cover - guarded by the sum of caps
            raise ValueError("caps exhausted")
    return out


def split(total: int, n: int, rng: random.Random) -> list[int]:
    """`total` fen in `n` uneven parts, each above 0, in whole 100 yuan where they are big."""
    if n <= 0:
        return []
    unit = 100 * YUAN if total >= n * 2000 * YUAN else 1
    units = total // unit
    weights = [0.25 + rng.random() for _ in range(n)]
    parts = [1 + p for p in allocate(units - n, weights)]
    parts = [p * unit for p in parts]
    parts[-1] += total - sum(parts)
    return parts


def pick(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _v, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def seasonal_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end], more likely in the busy months (MONTH_WEIGHT)."""
    span = (end - start).days
    if span <= 0:
        return start
    top = max(MONTH_WEIGHT)
    for _ in range(20):
        day = start + dt.timedelta(days=rng.randint(0, span))
        if rng.random() * top < MONTH_WEIGHT[day.month - 1]:
            return day
    return day


# --- Progress and the report -----------------------------------------------------------------


@dataclass
class TableTiming:
    label: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class SynthReport:
    sizes: dict[str, int]
    seed: int
    tables: list[TableTiming] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    database_bytes: int | None = None
    signins: list[dict] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


class Progress:
    """Rows done / total and rows per second of one table, printed every few seconds."""

    def __init__(self, out: Callable[[str], None] | None, label: str, total: int) -> None:
        self.out, self.label, self.total = out, label, total
        self.done = 0
        self.started = self.last = time.monotonic()

    def step(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.out is not None and now - self.last >= 3:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        assert self.out is not None
        elapsed = max(now - self.started, 1e-9)
        share = f"（{self.done * 100 // self.total}%）" if self.total else ""
        self.out(
            f"  {self.label} {self.done:,} / {self.total:,}{share}，"
            f"{self.done / elapsed:,.0f} 行/秒"
        )

    def finish(self, report: SynthReport) -> None:
        now = time.monotonic()
        if self.out is not None:
            self._line(now)
        report.tables.append(TableTiming(self.label, self.done, now - self.started))


def write(
    model: type[Any], fields: Sequence[str], rows: list[tuple], constants: dict | None = None
) -> None:
    """Write prepared rows (no ids wanted): PostgreSQL's COPY, else multi-row INSERTs."""
    if connection.vendor != "postgresql":
        bulk.insert(model, fields, rows, constants=constants, returning=False)
        return
    meta = model._meta
    filled = bulk.other_values(model, fields, constants)
    extra = [
        meta.get_field(name).get_db_prep_save(value, connection) for name, value in filled.items()
    ]
    columns = [meta.get_field(name).column for name in [*fields, *filled]]
    qn = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(qn(meta.db_table), ", ".join(qn(c) for c in columns))
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, *extra))


def database_size() -> int | None:
    """Bytes the database takes: PostgreSQL's pg_database_size, SQLite's files."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        files = [name, name.with_name(name.name + "-wal")]
        sizes = [f.stat().st_size for f in files if f.exists()]
        return sum(sizes) if sizes else None
    return None  # pragma: no cover - the two supported databases


# --- The generator ---------------------------------------------------------------------------


class SynthRefused(Exception):
    """The database is not one the synthetic set may be written into."""


@dataclass
class ProjectRow:
    pk: int
    year: int
    status: str
    kind: str
    budgets: list[tuple[str, int]]  # (source, fen) with fen > 0
    actual_start: dt.date | None
    actual_finish: dt.date | None


class Synth:
    def __init__(
        self,
        sizes: dict[str, int],
        *,
        seed: int = 1,
        out: Callable[[str], None] | None = None,
        password: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.sizes = sizes
        self.seed = seed
        self.out = out
        self.password = password
        self.today = today or timezone.localdate()
        self.first_year = self.today.year - YEARS + 1
        self.years = list(range(self.first_year, self.today.year + 1))
        self.report = SynthReport(sizes=dict(sizes), seed=seed)
        self.adapt = connection.ops.adapt_datefield_value

    def rng(self, part: str) -> random.Random:
        return random.Random(f"duikou-synth/{self.seed}/{part}")

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out(text)

    # Checks -----------------------------------------------------------------------------

    @staticmethod
    def check_database(*, append: bool) -> None:
        if not Division.objects.filter(code="632822").exists():
            raise SynthRefused("数据库中没有行政区划：请先执行 duikou migrate")
        if Project.objects.filter(code__startswith=CODE_PREFIX).exists():
            raise SynthRefused(
                "数据库中已有合成数据（项目编号以 SYN- 开头）：一个数据库只放一套合成数据，"
                "请换用空数据库（如 DUIKOU_DATA_DIR 指向新目录，或新的 DATABASE_URL）"
            )
        n = Project.objects.count()
        if n and not append:
            raise SynthRefused(
                f"数据库中已有 {n:,} 个项目：合成数据会与之混在一起。请换用空数据库；"
                "确需在已有数据旁追加请加 --append（不改动已有记录和账号）"
            )

    # The whole run ----------------------------------------------------------------------

    def run(self) -> SynthReport:
        started = time.monotonic()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Durability at commit only: one transaction, written once.
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            self.registry()
            self.plans()
            projects = self.projects()
            self.flows(projects)
            del projects
            self.people()
            self.sales()
            self.report.signins = self.users()
        if connection.vendor == "postgresql":
            self.say("  更新统计信息（ANALYZE）……")
            with connection.cursor() as cursor:
                for model in (Project, MoneyFlow, Person, Posting, TrainingPlacement, Sale):
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        self.report.seconds = time.monotonic() - started
        self.report.counts = {
            "项目": Project.objects.filter(code__startswith=CODE_PREFIX).count(),
            "资金流水": MoneyFlow.objects.filter(project__code__startswith=CODE_PREFIX).count(),
            "人员": Person.objects.count(),
            "销售记录": Sale.objects.count(),
        }
        self.report.database_bytes = database_size()
        return self.report

    # Registry ---------------------------------------------------------------------------

    def registry(self) -> None:
        self.divisions = {d.code: d for d in Division.objects.select_related("paired_city")}
        specs: list[Org] = [
            Org(HQ_NAME, OrgKind.GOVERNMENT, Side.SUPPORTING, "330000", "浙江援青指挥部")
        ]
        for code, short in ZHEJIANG_CITIES.items():
            city = self.divisions[code].name
            specs += [
                Org(f"{city}人民政府", OrgKind.GOVERNMENT, Side.SUPPORTING, code, short),
                Org(f"{city}第一人民医院", OrgKind.HOSPITAL, Side.SUPPORTING, code),
                Org(f"{city}中医院", OrgKind.HOSPITAL, Side.SUPPORTING, code),
                Org(f"{city}第一中学", OrgKind.SCHOOL, Side.SUPPORTING, code),
                Org(f"{city}实验小学", OrgKind.SCHOOL, Side.SUPPORTING, code),
                Org(f"{city}青海好物商贸有限公司", OrgKind.ENTERPRISE, Side.SUPPORTING, code),
            ]
        specs += [
            Org(PREFECTURE_GOV, OrgKind.GOVERNMENT, Side.AIDED, "632800", "海西州"),
            Org(PREFECTURE_HOSPITAL, OrgKind.HOSPITAL, Side.AIDED, "632800", "州医院"),
            Org("海西州民族高级中学", OrgKind.SCHOOL, Side.AIDED, "632800", "州民高"),
        ]
        for code, (name, short, _towns, government, hospital) in COUNTIES.items():
            specs += [
                Org(government, OrgKind.GOVERNMENT, Side.AIDED, code, short),
                Org(hospital, OrgKind.HOSPITAL, Side.AIDED, code),
                Org(f"{name}第一中学", OrgKind.SCHOOL, Side.AIDED, code),
                Org(f"{name}第一小学", OrgKind.SCHOOL, Side.AIDED, code),
                Org(f"{name}民族寄宿制学校", OrgKind.SCHOOL, Side.AIDED, code),
                Org(f"{short}高原特色农牧专业合作社", OrgKind.COOPERATIVE, Side.AIDED, code),
            ]
        for name, county, kind, _certs in SUPPLIERS:
            specs.append(Org(name, kind, Side.AIDED, county))
        existing = {
            o.name: o for o in Organisation.objects.filter(name__in=[s.name for s in specs])
        }
        taken = set(
            Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
        )
        new = []
        for spec in specs:
            if spec.name in existing:
                continue
            code = credit_code_for(spec, taken)
            taken.add(code)
            new.append(
                Organisation(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    side=spec.side,
                    division=self.divisions[spec.division],
                    credit_code=code,
                    note="合成数据",
                )
            )
        Organisation.objects.bulk_create(new)
        self.orgs = {
            o.name: o for o in Organisation.objects.filter(name__in=[s.name for s in specs])
        }
        # The 7 city↔county pairings (the figures and the county pages count them).
        for code, (_n, _s, _t, government, _h) in COUNTIES.items():
            city = self.divisions[code].paired_city
            if city is None:
                continue
            zj, hx = self.orgs[f"{city.name}人民政府"], self.orgs[government]
            Pairing.objects.get_or_create(
                kind=PairingKind.CITY_COUNTY,
                zhejiang_org=zj,
                haixi_org=hx,
                haixi_department=None,
                defaults={"start_date": dt.date(2010, 1, 1), "agreement_title": "对口支援协议"},
            )
        self.say(f"  单位 {len(specs)} 个（新建 {len(new)} 个）")

    # Plans ------------------------------------------------------------------------------

    def plans(self) -> None:
        five: dict[int, FiveYearPlan] = {}
        for start in range(2016, self.today.year + 1, 5):
            numeral = {2016: "十三五", 2021: "十四五", 2026: "十五五", 2031: "十六五"}.get(
                start, f"{start}—{start + 4}"
            )
            plan = FiveYearPlan.objects.filter(start_year=start).first()
            if plan is None:
                plan, _created = FiveYearPlan.objects.get_or_create(
                    name=f"浙江省对口支援海西州“{numeral}”规划",
                    defaults={"start_year": start, "end_year": start + 4},
                )
            for year in range(start, start + 5):
                five[year] = plan
        self.annual: dict[int, AnnualPlan] = {p.year: p for p in AnnualPlan.objects.all()}
        self.issued: dict[int, dt.date] = {}
        for year in self.years:
            if year not in self.annual:
                self.annual[year] = AnnualPlan.objects.create(
                    five_year_plan=five[year],
                    year=year,
                    title=f"浙江省对口支援海西州{year}年度援青项目计划",
                    issued_on=dt.date(year, 3, 15) + dt.timedelta(days=(year * 7) % 20),
                )
            self.issued[year] = self.annual[year].issued_on or dt.date(year, 3, 20)

    # Projects ---------------------------------------------------------------------------

    def projects(self) -> list[ProjectRow]:
        total = self.sizes["projects"]
        rng = self.rng("projects")
        progress = Progress(self.out, "项目", total)
        growth = [1 + 0.07 * i for i in range(len(self.years))]
        per_year = allocate(total, growth)
        county_table = list(COUNTY_WEIGHT.items())
        category_table = [(c, w) for c, w, _m, _k in CATEGORIES]
        medians = {c: (m, k) for c, _w, m, k in CATEGORIES}
        fields = [
            "code",
            "name",
            "year",
            "annual_plan_id",
            "category",
            "county_id",
            "location_detail",
            "implementer_id",
            "pairing_city_id",
            "mode",
            "build_type",
            "description",
            "aid_amount",
            "local_amount",
            "social_amount",
            "status",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "is_public",
        ]
        adapt = self.adapt
        out: list[ProjectRow] = []
        rows: list[tuple] = []
        metas: list[tuple] = []
        hq, prefecture = self.orgs[HQ_NAME], self.orgs[PREFECTURE_GOV]

        def flush() -> None:
            write(Project, fields, rows, {"name_en": "", "description_en": ""})
            ids = dict(
                Project.objects.filter(code__in=[r[0] for r in rows]).values_list("code", "pk")
            )
            for row, meta in zip(rows, metas, strict=True):
                out.append(ProjectRow(ids[row[0]], *meta))
            progress.step(len(rows))
            rows.clear()
            metas.clear()

        for year, count in zip(self.years, per_year, strict=True):
            age = min(self.today.year - year, len(STATUS_BY_AGE) - 1)
            for n in range(1, count + 1):
                category = pick(rng, category_table)
                median, kind = medians[category]
                if kind == WORKS and rng.random() < 0.15:
                    kind = EQUIPMENT
                prefecture_level = rng.random() < (
                    0.5 if category in {C.EXCHANGE, C.TALENT} else PREFECTURE_SHARE
                )
                county_code = "632802" if prefecture_level else pick(rng, county_table)
                cname, cshort, towns, government, hospital = COUNTIES[county_code]
                county = self.divisions[county_code]
                town = rng.choice(towns)
                what = rng.choice(WORDING[category])
                if prefecture_level:
                    implementer = hq if category in {C.EXCHANGE, C.TALENT, C.OTHER} else prefecture
                    if category == C.MEDICAL:
                        implementer = self.orgs[PREFECTURE_HOSPITAL]
                    name, place, pairing_city = f"海西州{what}", "州本级", None
                else:
                    implementer = self.orgs[government]
                    if category == C.MEDICAL and rng.random() < 0.7:
                        implementer = self.orgs[hospital]
                    elif category == C.EDUCATION and rng.random() < 0.6:
                        implementer = self.orgs[
                            f"{cname}{rng.choice(['第一中学', '第一小学', '民族寄宿制学校'])}"
                        ]
                    elif category == C.INDUSTRY and rng.random() < 0.4:
                        implementer = self.orgs[f"{cshort}高原特色农牧专业合作社"]
                    if kind == ACTIVITY:
                        name, place = f"{cname}{what}", ""
                    else:
                        name, place = f"{cname}{town}{what}", town
                    pairing_city = county.paired_city
                if rng.random() < 0.12:
                    name += f"（{rng.choice('二三')}期）"
                # Lognormal: many small projects, a few big ones (one in a hundred ten times).
                wan = median * math.exp(rng.gauss(0, 0.9))
                if rng.random() < 0.01:
                    wan *= 10
                wan = min(max(wan, 3.0), 60_000.0)
                aid = round(wan * 100) * 100 * YUAN  # whole 100 yuan
                local = social = 0
                if kind != ACTIVITY and rng.random() < 0.22:
                    local = round(aid * rng.uniform(0.1, 0.4) / (100 * YUAN)) * 100 * YUAN
                if category == C.INDUSTRY and rng.random() < 0.3:
                    social = round(aid * rng.uniform(0.1, 0.5) / (100 * YUAN)) * 100 * YUAN
                status = pick(rng, STATUS_BY_AGE[age])
                ps, pf, as_, af, status = self.schedule(rng, year, kind, wan, status)
                mode = (
                    ProjectMode.TURNKEY
                    if implementer == hq or rng.random() < 0.15
                    else (ProjectMode.CHEQUE)
                )
                build = BuildType.CONTINUING if "期）" in name else BuildType.NEW
                rows.append(
                    (
                        f"{CODE_PREFIX}{year}-{n:05d}",
                        name[:200],
                        year,
                        self.annual[year].pk,
                        category,
                        county.pk,
                        place,
                        implementer.pk,
                        pairing_city.pk if pairing_city else None,
                        mode,
                        build,
                        DESCRIPTION[kind].format(what=what),
                        aid,
                        local,
                        social,
                        status,
                        adapt(ps),
                        adapt(pf),
                        adapt(as_),
                        adapt(af),
                        status != S.RESERVE,
                    )
                )
                budgets = [
                    (source, fen)
                    for source, fen in (
                        (FundingSource.AID, aid),
                        (FundingSource.LOCAL, local),
                        (FundingSource.SOCIAL, social),
                    )
                    if fen > 0
                ]
                metas.append((year, status, kind, budgets, as_, af))
                if len(rows) >= 5000:
                    flush()
        if rows:
            flush()
        progress.finish(self.report)
        return out

    def schedule(
        self, rng: random.Random, year: int, kind: str, wan: float, status: str
    ) -> tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None, str]:
        """Planned and actual dates that fit the status; a status the calendar does not allow
        yet (a start or a finish after today) falls back to the one before it."""
        today = self.today
        if kind == ACTIVITY:
            start = dt.date(year, 4, 1) + dt.timedelta(days=rng.randint(0, 75))
            duration = rng.randint(60, 160)
        elif kind == EQUIPMENT:
            start = dt.date(year, 4, 10) + dt.timedelta(days=rng.randint(0, 60))
            duration = rng.randint(110, 200)
        else:  # Haixi builds from April to October; big works take two or three seasons
            start = dt.date(year, 4, 1) + dt.timedelta(days=rng.randint(0, 50))
            seasons = 1 if wan < 800 else 2 if wan < 5000 else 3
            duration = rng.randint(150, 200) + 365 * (seasons - 1)
        finish = start + dt.timedelta(days=duration)
        if status in {S.RESERVE, S.CANCELLED} or (status == S.APPROVED and year == today.year):
            if status == S.APPROVED or status == S.RESERVE:
                start = dt.date(year + 1, 4, 10) + dt.timedelta(days=rng.randint(0, 30))
                finish = start + dt.timedelta(days=duration)
            return start, finish, None, None, status
        actual_start = start + dt.timedelta(days=rng.randint(0, 12))
        if status == S.APPROVED:  # approved, never started
            return start, finish, None, None, status
        if actual_start > today:
            return start, finish, None, None, S.APPROVED
        actual_finish = None
        if status in FINISHED:
            early = rng.randint(-20, 15)
            actual_finish = max(
                finish - dt.timedelta(days=early), actual_start + dt.timedelta(days=30)
            )
            if status == S.ACCEPTED and actual_finish > today - dt.timedelta(days=30):
                status = S.COMPLETED
            if actual_finish > today:
                return start, finish, actual_start, None, S.BUILDING
        return start, finish, actual_start, actual_finish, status

    # Money flows ------------------------------------------------------------------------

    def flows(self, projects: list[ProjectRow]) -> None:
        total = self.sizes["flows"]
        rng = self.rng("flows")
        progress = Progress(self.out, "资金流水", total)
        weights, caps = [], []
        for p in projects:
            money = sum(fen for _s, fen in p.budgets)
            committed = p.status in STARTED or (p.status == S.APPROVED and p.year < self.today.year)
            if not committed or not p.budgets:
                weights.append(0.0)
                caps.append(0)
            elif p.status == S.APPROVED:  # committed only
                weights.append(0.3 * math.sqrt(money / (10_000 * YUAN)))
                caps.append(2 * len(p.budgets))
            else:
                weights.append(math.sqrt(money / (10_000 * YUAN)))
                caps.append(1000)
        if sum(caps) < total:
            raise SynthRefused(
                f"{total:,} 条资金流水放不进 {len(projects):,} 个项目（最多 {sum(caps):,} 条）："
                "请增加项目数或减少资金流水数"
            )
        counts = allocate(total, weights, caps)
        fields = ["project_id", "date", "type", "source", "amount", "voucher", "note"]
        counters = dict.fromkeys(PREFIX.values(), 0)
        batch: list[tuple] = []
        for p, k in zip(projects, counts, strict=True):
            if k:
                batch.extend(self.project_flows(p, k, rng, counters))
            if len(batch) >= 20_000:
                write(MoneyFlow, fields, batch)
                progress.step(len(batch))
                batch = []
        if batch:
            write(MoneyFlow, fields, batch)
            progress.step(len(batch))
        progress.finish(self.report)

    def project_flows(
        self, p: ProjectRow, k: int, rng: random.Random, counters: dict[str, int]
    ) -> list[tuple]:
        today, adapt = self.today, self.adapt
        per_source = allocate(k, [math.sqrt(fen) for _s, fen in p.budgets])
        out: list[tuple] = []
        committed_on = min(self.issued[p.year] + dt.timedelta(days=rng.randint(3, 28)), today)
        year_end = min(dt.date(p.year, 12, 31), today)
        if p.actual_start is None:
            end = committed_on
        elif p.status == S.ACCEPTED:
            end = min(p.actual_finish + dt.timedelta(days=rng.randint(60, 180)), today)  # type: ignore[operator]
        elif p.status == S.COMPLETED:
            end = min(p.actual_finish + dt.timedelta(days=rng.randint(0, 60)), today)  # type: ignore[operator]
        elif p.status == S.SUSPENDED:
            end = min(p.actual_start + dt.timedelta(days=rng.randint(90, 160)), today)
        else:
            end = today
        disbursed_share, spent_share = {
            S.ACCEPTED: (1.0, rng.uniform(0.97, 1.0)),
            S.COMPLETED: (rng.uniform(0.85, 0.97), rng.uniform(0.85, 1.0)),
            S.BUILDING: (rng.uniform(0.3, 0.85), rng.uniform(0.5, 0.95)),
            S.SUSPENDED: (rng.uniform(0.2, 0.5), rng.uniform(0.6, 1.0)),
        }.get(p.status, (0.0, 0.0))

        def add(day: dt.date, type_: str, source: str, amount: int, note: str) -> None:
            prefix = PREFIX[type_]
            counters[prefix] += 1
            voucher = f"{prefix}-{day.year}-{counters[prefix]:07d}"
            out.append((p.pk, adapt(day), type_, source, amount, voucher, note))

        for (source, budget), ks in zip(p.budgets, per_source, strict=True):
            if not ks:
                continue
            if p.status == S.APPROVED or ks == 1:
                c, d, e = ks, 0, 0
            else:
                c = 1 + (ks >= 12) + (ks >= 40)
                d = (ks - c + 1) // 2
                e = ks - c - d
            start = committed_on
            if source == FundingSource.LOCAL:  # the county's own budget follows the plan
                start = min(committed_on + dt.timedelta(days=rng.randint(10, 40)), year_end)
            days = sorted(
                [start]
                + [
                    min(start + dt.timedelta(days=rng.randint(20, 200)), year_end)
                    for _ in range(c - 1)
                ]
            )
            for i, (day, amount) in enumerate(zip(days, split(budget, c, rng), strict=True)):
                add(
                    day,
                    FlowType.COMMITMENT,
                    source,
                    amount,
                    "年度计划下达" if i == 0 else "追加下达",
                )
            if not d:
                continue
            disbursed = max(int(budget * disbursed_share) // (100 * YUAN) * (100 * YUAN), d)
            if p.status == S.ACCEPTED:
                disbursed = budget
            lo = min(start + dt.timedelta(days=12), end)
            pay_days = sorted(seasonal_day(rng, lo, end) for _ in range(d))
            amounts = split(disbursed, d, rng)
            for i, (day, amount) in enumerate(zip(pay_days, amounts, strict=True)):
                if i == 0:
                    note = "预拨启动资金"
                elif i == d - 1 and p.status == S.ACCEPTED:
                    note = "验收审计后拨付尾款"
                else:
                    note = "按进度拨付"
                add(day, FlowType.DISBURSEMENT, source, amount, note)
            if not e:
                continue
            spent = max(int(disbursed * spent_share), e)
            for j, amount in enumerate(split(spent, e, rng)):
                base = pay_days[min(d - 1, j * d // e)]
                day = min(base + dt.timedelta(days=rng.randint(5, 40)), today)
                note = "支付结算款" if j == e - 1 and p.status in FINISHED else "按合同支付进度款"
                add(day, FlowType.EXPENDITURE, source, amount, note)
        return out

    # People -----------------------------------------------------------------------------

    def people(self) -> None:
        total = self.sizes["people"]
        rng = self.rng("people")
        batches = {b.number: b for b in Batch.objects.all()}
        for number, start, end in BATCHES:
            if number not in batches:
                batches[number] = Batch.objects.create(
                    number=number,
                    name=f"第{'一二三四五六七八九'[number - 1]}批",
                    start_date=start,
                    end_date=end,
                )
        recent = [
            b
            for b in batches.values()
            if b.start_date
            and b.end_date
            and b.end_date.year >= self.first_year
            and b.start_date <= self.today
        ]
        recent.sort(key=lambda b: b.number)
        taken_hashes = set(Person.objects.values_list("id_hash", flat=True))
        ids: set[str] = set()
        phones: set[str] = set()
        window_start = dt.date(self.first_year, 1, 1)
        window_days = (self.today - window_start).days
        county_table = list(COUNTY_WEIGHT.items())
        zj_hq = self.orgs[HQ_NAME]
        progress = Progress(self.out, "人员", total)
        person_fields = [
            "name",
            "gender",
            "id_cipher",
            "id_hash",
            "phone_cipher",
            "specialty",
            "employer_id",
        ]
        posting_fields = [
            "person_id",
            "kind",
            "field",
            "batch_id",
            "sending_org_id",
            "pairing_city_id",
            "host_org_id",
            "role",
            "start_date",
            "end_date",
        ]
        training_fields = [
            "person_id",
            "home_org_id",
            "host_org_id",
            "host_unit",
            "programme",
            "field",
            "start_date",
            "end_date",
        ]
        adapt = self.adapt
        n_postings = n_trainings = 0
        t_postings = t_trainings = 0.0

        def identity(division_code: str, gender: str, haixi: bool) -> tuple[str, str, str, str]:
            if haixi and rng.random() < 0.45:
                name = rng.choice(HAIXI_MALE if gender == Gender.MALE else HAIXI_FEMALE)
            else:
                name = rng.choice(SURNAMES) + rng.choice(MALE if gender == Gender.MALE else FEMALE)
            address = DISTRICT.get(division_code, division_code)
            while True:
                born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(12_000))
                seq = rng.randrange(0, 999)
                if (seq % 2 == 1) != (gender == Gender.MALE):
                    seq = (seq + 1) % 1000
                number = make_id_number(address, born, f"{seq:03d}")
                if number in ids:
                    continue
                digest = crypto.blind_index(number)
                if digest not in taken_hashes:
                    ids.add(number)
                    break
            while True:
                phone = rng.choice("3578") + "".join(rng.choices("0123456789", k=9))
                phone = "1" + phone
                if phone not in phones:
                    phones.add(phone)
                    break
            return name, number, digest, phone

        def placement(kind: str) -> tuple[dt.date, dt.date, Batch | None]:
            if kind in {PersonnelKind.CADRE, PersonnelKind.PROFESSIONAL} and recent:
                batch = rng.choice(recent)
                assert batch.start_date and batch.end_date
                if kind == PersonnelKind.CADRE:
                    return batch.start_date, batch.end_date, batch
                start = batch.start_date + dt.timedelta(days=rng.randint(0, 700))
                start = min(start, self.today)
                end = min(add_months(start, rng.choice([12, 18, 18, 24, 36])), batch.end_date)
                return start, max(end, start), batch
            start = window_start + dt.timedelta(days=rng.randint(0, window_days))
            if kind == PersonnelKind.SHORT_TERM:
                return start, add_months(start, rng.randint(3, 6)), None
            return start, start + dt.timedelta(days=rng.choice([14, 14, 21, 28, 35, 42]) - 1), None

        persons: list[tuple] = []
        plans: list[tuple[str, list[tuple]]] = []  # per person: ("posting"|"training", rows)

        def flush() -> None:
            nonlocal n_postings, n_trainings, t_postings, t_trainings
            write(Person, person_fields, persons, {"photo": "", "note": ""})
            by_hash = dict(
                Person.objects.filter(id_hash__in=[p[3] for p in persons]).values_list(
                    "id_hash", "pk"
                )
            )
            pks = [by_hash[p[3]] for p in persons]
            postings, trainings = [], []
            for pk, (what, records) in zip(pks, plans, strict=True):
                for record in records:
                    (postings if what == "posting" else trainings).append((pk, *record))
            progress.step(len(persons))
            t0 = time.monotonic()
            if postings:
                write(Posting, posting_fields, postings, {"note": ""})
            t1 = time.monotonic()
            if trainings:
                write(TrainingPlacement, training_fields, trainings, {"note": ""})
            t_postings += t1 - t0
            t_trainings += time.monotonic() - t1
            n_postings += len(postings)
            n_trainings += len(trainings)
            persons.clear()
            plans.clear()

        kinds = [
            (PersonnelKind.CADRE, 8),
            (PersonnelKind.PROFESSIONAL, 22),
            (PersonnelKind.SHORT_TERM, 35),
            (PersonnelKind.FLEXIBLE, 35),
        ]
        for _i in range(total):
            prefecture = rng.random() < 0.15
            county_code = "632800" if prefecture else pick(rng, county_table)
            if county_code == "632800":
                paired = None
                gov, hospital = self.orgs[PREFECTURE_GOV], self.orgs[PREFECTURE_HOSPITAL]
                schools = [self.orgs["海西州民族高级中学"]]
            else:
                cname, _s, _t, government, hospital_name = COUNTIES[county_code]
                paired = self.divisions[county_code].paired_city
                gov, hospital = self.orgs[government], self.orgs[hospital_name]
                schools = [
                    self.orgs[f"{cname}{s}"] for s in ("第一中学", "第一小学", "民族寄宿制学校")
                ]
            city = paired or self.divisions["330100"]
            trainee = rng.random() < 0.12
            medical = rng.random() < 0.5
            if trainee:
                gender = Gender.FEMALE if rng.random() < 0.5 else Gender.MALE
                home = hospital if medical else rng.choice(schools)
                host = self.orgs[f"{city.name}{'第一人民医院' if medical else '第一中学'}"]
                name, number, digest, phone = identity(home.division.code, gender, True)
                specialty = rng.choice(MEDICAL_SPECIALTIES if medical else SUBJECTS)
                start = window_start + dt.timedelta(days=rng.randint(0, window_days))
                months = rng.choice([1, 2, 3, 3, 4, 6])
                programme = (
                    "海西州骨干医师浙江跟岗培训（{months}个月）"
                    if medical
                    else "海西州中小学骨干教师浙江跟岗培训（{months}个月）"
                )
                records = [
                    (
                        home.pk,
                        host.pk,
                        specialty if medical else "教务处",
                        programme.format(months=months),
                        Field.MEDICAL if medical else Field.EDUCATION,
                        adapt(start),
                        adapt(add_months(start, months)),
                    )
                ]
                persons.append(
                    (
                        name,
                        gender,
                        crypto.encrypt(number),
                        digest,
                        crypto.encrypt(phone),
                        specialty,
                        home.pk,
                    )
                )
                plans.append(("training", records))
            else:
                kind = pick(rng, kinds)
                gender = (
                    Gender.FEMALE
                    if rng.random() < (0.2 if kind == PersonnelKind.CADRE else 0.45)
                    else Gender.MALE
                )
                if kind == PersonnelKind.CADRE:
                    field_ = rng.choice([Field.ECONOMY, Field.PLANNING, Field.AGRICULTURE])
                    sender = self.orgs[f"{city.name}人民政府"] if paired else zj_hq
                    host, specialty = gov, ""
                    role = "县委常委、副县长（挂职）" if paired else "州直部门副职（挂职）"
                elif medical:
                    field_ = Field.MEDICAL
                    sender = self.orgs[f"{city.name}{rng.choice(['第一人民医院', '中医院'])}"]
                    host, specialty = hospital, rng.choice(MEDICAL_SPECIALTIES)
                    role = {
                        PersonnelKind.PROFESSIONAL: "副院长（挂职）",
                        PersonnelKind.SHORT_TERM: "短期支援医师",
                    }.get(kind, "柔性帮扶专家")
                else:
                    field_ = rng.choice(
                        [Field.EDUCATION, Field.EDUCATION, Field.AGRICULTURE, Field.OTHER]
                    )
                    sender = self.orgs[f"{city.name}{rng.choice(['第一中学', '实验小学'])}"]
                    host, specialty = rng.choice(schools), rng.choice(SUBJECTS)
                    role = {
                        PersonnelKind.PROFESSIONAL: "副校长（挂职）",
                        PersonnelKind.SHORT_TERM: "短期支教教师",
                    }.get(kind, "柔性支教专家")
                name, number, digest, phone = identity(sender.division.code, gender, False)
                start, end, batch = placement(kind)
                records = [
                    (
                        kind,
                        field_,
                        batch.pk if batch else None,
                        sender.pk,
                        paired.pk if paired else None,
                        host.pk,
                        role,
                        adapt(start),
                        adapt(end),
                    )
                ]
                # Some come back for a second, later posting (never overlapping the first).
                if (
                    kind in {PersonnelKind.SHORT_TERM, PersonnelKind.FLEXIBLE}
                    and rng.random() < 0.15
                ):
                    again = end + dt.timedelta(days=rng.randint(60, 700))
                    if again <= self.today:
                        last = (
                            add_months(again, 3)
                            if kind == PersonnelKind.SHORT_TERM
                            else again + dt.timedelta(days=20)
                        )
                        records.append(
                            (
                                kind,
                                field_,
                                None,
                                sender.pk,
                                paired.pk if paired else None,
                                host.pk,
                                role,
                                adapt(again),
                                adapt(last),
                            )
                        )
                persons.append(
                    (
                        name,
                        gender,
                        crypto.encrypt(number),
                        digest,
                        crypto.encrypt(phone),
                        specialty,
                        sender.pk,
                    )
                )
                plans.append(("posting", records))
            if len(persons) >= 2000:
                flush()
        if persons:
            flush()
        progress.finish(self.report)
        self.report.tables.append(TableTiming("派驻", n_postings, t_postings))
        self.report.tables.append(TableTiming("跟岗培训", n_trainings, t_trainings))

    # Consumption ------------------------------------------------------------------------

    def sales(self) -> None:
        total = self.sizes["sales"]
        rng = self.rng("sales")
        products = {p.name: p for p in Product.objects.all()}
        for spec in reference.facts()["consumption_aid_products"]:
            if spec["name"] not in products:
                products[spec["name"]] = Product.objects.create(
                    name=spec["name"], name_en=spec.get("name_en", ""), note=spec.get("note", "")
                )
        suppliers: dict[str, Supplier] = {}
        for name, _county, _kind, certs in SUPPLIERS:
            supplier, _created = Supplier.objects.get_or_create(organisation=self.orgs[name])
            suppliers[name] = supplier
            for cert_kind, day in certs:
                Certification.objects.get_or_create(
                    supplier=supplier, kind=cert_kind, defaults={"certified_on": day}
                )
        catalogue = []
        for pname in sorted(reference_product_names()):
            product = products[pname]
            weight = next((w for p, w in PRODUCT_WEIGHT.items() if pname.startswith(p)), 0.7)
            supplier = next(
                (suppliers[s] for p, s in PRODUCT_SUPPLIER.items() if pname.startswith(p)), None
            )
            catalogue.append((product.pk, supplier.pk if supplier else None, weight))
        n_products = len(catalogue)

        months_all: list[dt.date] = []
        day = dt.date(self.first_year, 1, 1)
        last = first_of_month(first_of_month(self.today) - dt.timedelta(days=1))
        while day <= last:
            months_all.append(day)
            day = next_month(day)

        channels = self.channels(rng, max(10, round(total / 600)), months_all)
        # Rows per channel: proportional to its months open and (softly) to its size; a month
        # holds one row per product at most (month rows), an expo four days of rows.
        weights, caps = [], []
        for ch in channels:
            weights.append(len(ch["months"]) * min(ch["size"], 6.0) ** 0.5)
            caps.append(
                len(ch["months"])
                * (n_products if ch["kind"] != ChannelKind.EXPO else 4 * n_products)
            )
        if sum(caps) < total:  # pragma: no cover - more channels than rows need
            raise SynthRefused(f"{total:,} 条销售记录放不进 {len(channels)} 个渠道")
        counts = allocate(total, weights, caps)
        progress = Progress(self.out, "销售记录", total)
        fields = ["date", "is_month", "channel_id", "product_id", "supplier_id", "sold", "ordered"]
        adapt = self.adapt
        base = {
            ChannelKind.SHOP: 6_000,
            ChannelKind.ONLINE: 25_000,
            ChannelKind.CANTEEN: 15_000,
            ChannelKind.EXPO: 30_000,
            ChannelKind.OTHER: 20_000,
        }
        per_year: dict[int, int] = {}
        batch: list[tuple] = []
        for ch, r in zip(channels, counts, strict=True):
            if not r:
                continue
            expo = ch["kind"] == ChannelKind.EXPO
            months = ch["months"]
            month_caps = [4 * n_products if expo else n_products] * len(months)
            per_month = allocate(r, [SALES_SEASON[m.month - 1] for m in months], month_caps)
            for month, k in zip(months, per_month, strict=True):
                if not k:
                    continue
                growth = 1 + 0.09 * (month.year - self.first_year)
                season = SALES_SEASON[month.month - 1]
                if expo:
                    keys = [(d, c) for d in range(4) for c in range(n_products)]
                    chosen = rng.sample(keys, k)
                else:
                    # k distinct products, the best sellers more likely (weighted sampling).
                    order = sorted(
                        range(n_products),
                        key=lambda i: -(rng.random() ** (1 / catalogue[i][2])),
                    )
                    chosen = [(None, i) for i in order[:k]]
                for d, i in chosen:
                    product_pk, supplier_pk, weight = catalogue[i]
                    yuan = (
                        base[ch["kind"]]
                        * ch["size"]
                        * weight
                        * season
                        * growth
                        * math.exp(rng.gauss(0, 0.5))
                    )
                    sold = max(int(yuan * YUAN), 1_00)
                    ordered = 0
                    if expo:
                        ordered = int(sold * rng.uniform(3, 6))
                    elif ch["kind"] == ChannelKind.CANTEEN and rng.random() < 0.5:
                        ordered = int(sold * rng.uniform(1.0, 1.2))
                    date = month.replace(day=ch["expo_day"] + d) if expo else month
                    per_year[month.year] = per_year.get(month.year, 0) + sold
                    batch.append(
                        (adapt(date), not expo, ch["pk"], product_pk, supplier_pk, sold, ordered)
                    )
                if len(batch) >= 20_000:
                    write(Sale, fields, batch)
                    progress.step(len(batch))
                    batch = []
        if batch:
            write(Sale, fields, batch)
            progress.step(len(batch))
        progress.finish(self.report)
        # Each year's target, set by headquarters near what was then sold.
        have = set(SalesTarget.objects.values_list("year", flat=True))
        targets = []
        for year, fen in sorted(per_year.items()):
            if year in have:
                continue
            wan = max(1, round(fen * rng.uniform(0.85, 1.05) / (10_000 * YUAN)))
            targets.append(
                SalesTarget(year=year, amount=wan * 10_000, note="指挥部年度消费帮扶目标")
            )
        SalesTarget.objects.bulk_create(targets)

    def channels(self, rng: random.Random, n: int, months_all: list[dt.date]) -> list[dict]:
        """`n` channels: mostly 十城百店 shops across Zhejiang's cities, some platforms,
        canteens, expos; their opening (and a few closing) dates; their size (Pareto)."""
        kinds = allocate(n, [78, 10, 7, 1, 4])
        kinds[3] = max(kinds[3], 1) if n >= 10 else kinds[3]
        districts = {code: ds for code, _short, _count, ds in CITY_SHOPS}
        districts["330900"] = ["定海", "普陀", "岱山", "嵊泗"]
        city_weight = {code: count for code, _short, count, _ds in CITY_SHOPS}
        city_weight["330900"] = 5
        city_table = list(city_weight.items())
        operators = {
            code: self.orgs[f"{self.divisions[code].name}青海好物商贸有限公司"]
            for code in ZHEJIANG_CITIES
        }
        used: dict[str, int] = {}
        specs: list[tuple[str, str, str, dt.date, dt.date | None, int | None]] = []
        start_window = dt.date(self.first_year - 1, 6, 1)
        span = max((self.today - start_window).days - 60, 1)

        def unique(name: str) -> str:
            used[name] = used.get(name, 0) + 1
            return name if used[name] == 1 else f"{name}（{used[name]}）"

        labels = [
            ChannelKind.SHOP,
            ChannelKind.ONLINE,
            ChannelKind.CANTEEN,
            ChannelKind.EXPO,
            ChannelKind.OTHER,
        ]
        platforms = ["天猫", "淘宝", "京东", "拼多多", "抖音", "832平台", "盒马", "微信小程序"]
        canteens = ["市级机关", "区级机关", "市第一人民医院", "国有企业", "大学", "中学"]
        for kind, count in zip(labels, kinds, strict=True):
            for _i in range(count):
                code = pick(rng, city_table)
                short = ZHEJIANG_CITIES[code]
                opened = start_window + dt.timedelta(days=rng.randint(0, span))
                closed = None
                operator = None
                if kind == ChannelKind.SHOP:
                    name = unique(f"{short}青海好物·{rng.choice(districts[code])}店")
                    if rng.random() < 0.3:
                        operator = operators[code].pk
                    if rng.random() < 0.08:
                        end = opened + dt.timedelta(days=rng.randint(365, 1500))
                        closed = end if end < self.today else None
                elif kind == ChannelKind.ONLINE:
                    name = unique(f"{rng.choice(platforms)}·{short}海西好物馆")
                elif kind == ChannelKind.CANTEEN:
                    name = unique(f"{short}{rng.choice(canteens)}食堂采购")
                elif kind == ChannelKind.EXPO:
                    name = unique(f"{short}青海特色农产品展销会")
                    opened = dt.date(opened.year, 11, 1)
                else:
                    name = unique(f"{short}工会福利采购")
                specs.append((name, kind, code, opened, closed, operator))
        existing = set(
            Channel.objects.filter(name__in=[s[0] for s in specs]).values_list("name", flat=True)
        )
        new = [
            Channel(
                name=name,
                kind=kind,
                city=self.divisions[code],
                operator_id=operator,
                opened_on=opened,
                closed_on=closed,
                note="合成数据",
            )
            for name, kind, code, opened, closed, operator in specs
            if name not in existing
        ]
        Channel.objects.bulk_create(new, batch_size=1000)
        by_name = {c.name: c for c in Channel.objects.filter(name__in=[c.name for c in new])}
        out = []
        for spec in specs:
            if spec[0] not in by_name:
                continue
            ch = by_name[spec[0]]
            if ch.kind == ChannelKind.EXPO:
                months = [
                    m
                    for m in months_all
                    if m.month == 11 and ch.open_on(m) and m.replace(day=27) <= self.today
                ]
            else:
                months = [m for m in months_all if ch.open_on(m) or ch.open_on(m.replace(day=28))]
            size = min((1 - rng.random()) ** (-1 / 1.16), 200.0)  # Pareto: 80/20
            out.append(
                {
                    "pk": ch.pk,
                    "kind": ch.kind,
                    "months": months,
                    "size": size,
                    "expo_day": rng.randint(18, 24),
                }
            )
        return out

    # Users ------------------------------------------------------------------------------

    def users(self) -> list[dict]:
        out = []
        dulan = self.divisions["632822"]
        with translation.override("zh-hans"):
            for username, full_name, role, scope in SYNTH_USERS:
                user = User.objects.filter(username=username).first()
                if user is not None:  # never touch an existing account
                    password = KEPT_PASSWORD
                else:
                    password = self.password or secrets.token_urlsafe(12)
                    user = User(username=username, full_name=full_name, role=role)
                    user.set_password(password)
                    user.save()
                    if role == Role.COUNTY_TEAM:
                        user.counties.set([dulan])
                out.append(
                    {
                        "username": username,
                        "password": password,
                        "role": str(Role(role).label),
                        "scope": scope,
                    }
                )
        return out


def reference_product_names() -> list[str]:
    return [p["name"] for p in reference.facts()["consumption_aid_products"]]


def scaled(sizes: dict[str, int | None], scale: float) -> dict[str, int]:
    """The four counts (the defaults where not given), multiplied by `scale`."""
    return {
        name: max(0, round((DEFAULTS[name] if sizes.get(name) is None else sizes[name]) * scale))
        for name in DEFAULTS
    }


def synthesise(
    sizes: dict[str, int],
    *,
    seed: int = 1,
    append: bool = False,
    out: Callable[[str], None] | None = None,
    password: str | None = None,
) -> SynthReport:
    """Check the database, then write the synthetic set; raises SynthRefused."""
    Synth.check_database(append=append)
    return Synth(sizes, seed=seed, out=out, password=password).run()


__all__ = ["DEFAULTS", "SynthRefused", "SynthReport", "allocate", "scaled", "synthesise"]
