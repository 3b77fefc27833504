"""The demo orders (点单): a quarter of demands from Haixi hospitals and schools, the experts'
availability, one confirmed plan, delivered and rated visits, and next quarter's open demands.

`load_orders_demo()` assumes the registry and people demos have run (duikou.demo.loader.load_demo
calls it last). Every record goes through the services, with actor=None for the system load
except where a person acts in the story:

- availability windows: duikou.people.services.availability_create (resident doctors of 海西州
  人民医院 and 都兰县人民医院: a few windows of one to three weeks; flexible experts based in
  杭州: one or two windows, travel included);
- demands: duikou.orders.services.demand_create, posted in September 2026 for the fourth
  quarter (2026-10-01 – 2026-12-31) and in November 2026 for the first quarter of 2027;
- the plan: duikou.orders.runs.run_create + run_execute (the planner, a few seconds) +
  run_confirm by the headquarters user `hq`;
- after the visits: visit_confirm_delivery by the institution's liaison (or its county team,
  or headquarters where it has none) for the visits that began before 2026-11-29 — except
  the latest of them at 都兰县人民医院 and the two latest elsewhere, left for the demo's users
  to confirm — and visit_log by the expert (李静 through her own sign-in).

Dates are fixed (the demo's “today” is 2026-11-29), and the choices come from a seeded
generator, so every load asks for the same things. The plan itself is the planner's: its
time limit may end the search at a slightly different plan on another machine, so the
records that the demo's journeys rely on (都兰县人民医院: a delivered visit, one awaiting its
confirmation, one coming, an open demand; 李静's visits) are demands of high priority with
their preferred experts available, which any good plan serves.

Idempotent: availability is found by person + dates, demands by organisation + skill +
service kind + posting time, the plan by its period (a confirmed run of the quarter is not
planned again), deliveries by the visit's status; a second load changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction

from duikou.accounts.models import Role, User
from duikou.core.demokit import DemoLoader
from duikou.core.models import Organisation
from duikou.core.vocab import Field, PersonnelKind
from duikou.orders import skills as skill_vocab
from duikou.orders.models import (
    Demand,
    DemandStatus,
    PlanningRun,
    RunStatus,
    ServiceKind,
    Visit,
    VisitStatus,
)
from duikou.people.models import Achievement, AvailabilityWindow, Person, Posting

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _pk(person: Person) -> int:
    return person.pk


SEED = "duikou-orders-demo-2026"

Q4 = (D(2026, 10, 1), D(2026, 12, 31))
Q1_2027 = (D(2027, 1, 4), D(2027, 3, 31))
#: the demo's today: visits that began before it have been delivered (most are confirmed)
DELIVERED_BEFORE = D(2026, 11, 29)
MAX_DAYS = 20
#: the planner's time limit for the demo run (the run form's minimum)
TIME_LIMIT = 5

HAIXI_HOSPITAL = "海西州人民医院"
DULAN_HOSPITAL = "都兰县人民医院"
COUNTY_HOSPITALS = [
    "德令哈市人民医院",
    "格尔木市人民医院",
    "茫崖市人民医院",
    "乌兰县人民医院",
    "都兰县人民医院",
    "天峻县人民医院",
    "大柴旦行委医院",
]
SCHOOLS = [
    "海西州民族高级中学",
    "德令哈市第一中学",
    "德令哈市第一小学",
    "格尔木市第一中学",
    "格尔木市第二小学",
    "茫崖市第一中学",
    "乌兰县第一中学",
    "乌兰县希里沟镇第一小学",
    "都兰县第二中学",
    "都兰县第一小学",
    "天峻县民族中学",
    "天峻县第一小学",
    "大柴旦行委中学",
    "大柴旦行委第一小学",
    "都兰县职业技术学校",
    "格尔木市职业技术学校",
    "海西州职业技术学校",
    "柴达木职业技术学院",
]

# What each kind of site asks for (weights): the skills of the demo experts, mostly.
COUNTY_HOSPITAL_SKILLS = {
    "内科": 2, "心血管内科": 6, "神经内科": 5, "儿科": 4, "妇产科": 5, "普通外科": 5,
    "急诊医学科": 4, "中医科": 4, "老年病科": 3, "肿瘤科": 2, "精神科": 2, "麻醉科": 2,
    "康复医学科": 1, "眼科": 2, "内分泌科": 1, "肾内科": 1, "呼吸与危重症医学科": 2,
}  # fmt: skip
PREFECTURE_SKILLS = {
    "神经内科": 3, "心血管内科": 3, "妇产科": 2, "儿科": 2, "急诊医学科": 2, "中医科": 2,
    "肿瘤科": 2, "老年病科": 2, "精神科": 2, "普通外科": 3, "麻醉科": 2, "肾内科": 2,
    "内分泌科": 1, "眼科": 1, "康复医学科": 1,
}  # fmt: skip
PRIMARY_SUBJECTS = {"语文": 3, "数学": 3, "美术": 2, "体育与健康": 2, "心理健康教育": 1}
SECONDARY_SUBJECTS = {
    "数学": 3, "语文": 2, "物理": 3, "化学": 3, "生物学": 3, "地理": 2, "历史": 2,
    "心理健康教育": 1,
}  # fmt: skip
VOCATIONAL_SUBJECTS = {"职业教育专业课": 5, "数学": 1, "语文": 1, "心理健康教育": 2, "学前教育": 2}
# Next quarter's demands (posted in November 2026, left open for headquarters' next run).
NEXT_QUARTER = {
    HAIXI_HOSPITAL: 3, DULAN_HOSPITAL: 3, "格尔木市人民医院": 3, "乌兰县人民医院": 2,
    "德令哈市人民医院": 2, "天峻县人民医院": 2, "茫崖市人民医院": 2, "大柴旦行委医院": 2,
    "格尔木市第一中学": 2, "都兰县第二中学": 2, "海西州民族高级中学": 2, "柴达木职业技术学院": 2,
    "天峻县第一小学": 1, "乌兰县第一中学": 2,
}  # fmt: skip
SURGICAL = {"普通外科", "妇产科", "眼科", "骨科"}

# Demands no demo expert can serve (the plan's review names the reason).
NO_EXPERT_DEMANDS = [
    ("格尔木市人民医院", "口腔科", ServiceKind.CLINIC, 4, "口腔科专家坐诊",
     "本院口腔科仅有一名医师，希望专家坐诊并指导根管治疗。"),
    ("都兰县人民医院", "皮肤科", ServiceKind.CLINIC, 3, "皮肤科专家坐诊",
     "高原紫外线相关皮肤病患者多，县内无皮肤科专科医师。"),
    ("天峻县人民医院", "藏医学", ServiceKind.TRAINING, 4, "藏医适宜技术培训",
     "希望有藏医药背景的专家来院培训。"),
    ("海西州人民医院", "高原病科", ServiceKind.LECTURE, 2,
     "高原病诊治进展讲座", ""),
    ("德令哈市第一小学", "音乐", ServiceKind.MENTORING, 5, "音乐课青年教师带教",
     "学校音乐教师均为兼任，希望专家带教合唱与器乐课。"),
]  # fmt: skip

# Resident doctors' availability in the quarter (by department of 海西州人民医院 or, for
# 都兰县人民医院's doctors, by specialty): the weeks they can leave their ward for visits.
RESIDENT_WINDOWS = {
    (HAIXI_HOSPITAL, "神经内科"): [(D(2026, 10, 12), D(2026, 10, 23), "可赴都兰、乌兰坐诊带教"),
                                   (D(2026, 11, 9), D(2026, 11, 20), "卒中中心建设巡回指导")],
    (HAIXI_HOSPITAL, "心血管内科"): [(D(2026, 10, 19), D(2026, 10, 30), ""),
                                     (D(2026, 11, 16), D(2026, 11, 27), "可开展胸痛中心建设指导"),
                                     (D(2026, 12, 7), D(2026, 12, 18), "")],
    (HAIXI_HOSPITAL, "老年病科"): [(D(2026, 10, 8), D(2026, 10, 21), ""),
                                   (D(2026, 11, 23), D(2026, 12, 4), "")],
    (HAIXI_HOSPITAL, "普通外科"): [(D(2026, 10, 13), D(2026, 10, 27), "可带腔镜手术团队"),
                                   (D(2026, 12, 1), D(2026, 12, 15), "")],
    (HAIXI_HOSPITAL, "妇产科"): [(D(2026, 10, 26), D(2026, 11, 8), ""),
                                 (D(2026, 12, 7), D(2026, 12, 20), "")],
    (HAIXI_HOSPITAL, "儿科"): [(D(2026, 10, 19), D(2026, 10, 28), ""),
                               (D(2026, 12, 7), D(2026, 12, 24), "12月底轮换离任前最后一轮下乡")],
    (HAIXI_HOSPITAL, "精神科"): [(D(2026, 11, 2), D(2026, 11, 13), ""),
                                 (D(2026, 12, 14), D(2026, 12, 25), "")],
    (HAIXI_HOSPITAL, "肿瘤科"): [(D(2026, 10, 12), D(2026, 10, 25), ""),
                                 (D(2026, 11, 16), D(2026, 11, 29), "")],
    (HAIXI_HOSPITAL, "急诊医学科"): [(D(2026, 10, 8), D(2026, 10, 18), ""),
                                     (D(2026, 11, 2), D(2026, 11, 15), "可开展急救技能培训"),
                                     (D(2026, 12, 1), D(2026, 12, 11), "")],
    (HAIXI_HOSPITAL, "中医科"): [(D(2026, 10, 15), D(2026, 11, 4), ""),
                                 (D(2026, 11, 30), D(2026, 12, 13), "")],
    (DULAN_HOSPITAL, "内科"): [(D(2026, 10, 19), D(2026, 10, 30), "可赴邻县巡诊"),
                               (D(2026, 11, 23), D(2026, 12, 4), "")],
    (DULAN_HOSPITAL, "急诊医学科"): [(D(2026, 11, 2), D(2026, 11, 13), "")],
    (DULAN_HOSPITAL, "普通外科"): [(D(2026, 10, 26), D(2026, 11, 6), "")],
}  # fmt: skip

TITLES = {
    ServiceKind.CLINIC: ("{skill}专家坐诊", "{skill}专家门诊与查房"),
    ServiceKind.SURGERY: ("{skill}手术示教", "{skill}疑难手术指导"),
    ServiceKind.LECTURE: ("{skill}专题讲座", "{skill}新进展讲座"),
    ServiceKind.MENTORING: ("{skill}临床带教", "{skill}科室带教与病例讨论"),
    ServiceKind.TRAINING: ("{skill}适宜技术培训", "{skill}规范化诊疗培训"),
}
SCHOOL_TITLES = {
    ServiceKind.LECTURE: ("{skill}示范课与专题讲座", "{skill}公开课"),
    ServiceKind.MENTORING: ("{skill}青年教师带教", "{skill}师徒结对带教"),
    ServiceKind.TRAINING: ("{skill}教研培训", "{skill}新课标教学培训"),
}
NOTES = {
    ServiceKind.CLINIC: [
        "本院该专科无副高以上医师，希望专家坐诊并查房。",
        "入冬后患者增多，希望安排专家门诊。",
        "有数例疑难病例待会诊。",
        "",
    ],
    ServiceKind.SURGERY: [
        "已有择期手术患者等待，希望专家主刀并指导本院医师。",
        "希望开展腔镜手术示教。",
        "",
    ],
    ServiceKind.LECTURE: ["面向全院及乡镇卫生院医务人员。", "可安排在周末，便于基层人员参加。", ""],
    ServiceKind.MENTORING: [
        "科室年轻医师较多，希望跟班带教。",
        "配合三级医院（二甲）评审准备。",
        "",
    ],
    ServiceKind.TRAINING: ["面向县域医共体成员单位。", "培训后希望留下操作规范和课件。", ""],
}
SCHOOL_NOTES = {
    ServiceKind.LECTURE: ["面向全县同学科教师开放。", "希望结合高考/中考复习。", ""],
    ServiceKind.MENTORING: ["学校该学科青年教师多，希望听课评课、指导备课。", ""],
    ServiceKind.TRAINING: ["希望围绕新课标和大单元教学设计。", "可与县教研室联合组织。", ""],
}
FEEDBACK = {
    5: [
        "专家非常专业，门诊患者反映很好，希望明年继续来。",
        "手把手带教，科室年轻医生收获很大。",
        "讲座内容贴近基层实际，大家反响热烈。",
        "专家工作认真负责，每天都加班看完所有患者。",
        "示范课精彩，老师们都说学到了实用的方法。",
    ],
    4: [
        "专家水平高，希望下次服务时间再长一些。",
        "整体很好，个别环节准备时间偏紧。",
        "效果不错，建议提前把课件发给我们预习。",
    ],
    3: [
        "时间安排较紧，希望下次多留几天。",
        "内容偏理论，希望多结合基层病例。",
    ],
}


@dataclass
class DemandSpec:
    org: Organisation
    skill: str
    kind: str
    days: int
    earliest: dt.date
    latest: dt.date
    priority: int
    posted: dt.datetime
    title: str = ""
    note: str = ""
    preferred: list[Person] = field(default_factory=list)


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


class _Loader(DemoLoader):
    def __init__(self, stdout=None) -> None:
        super().__init__(stdout)
        self.rng = random.Random(SEED)
        self.specs: list[DemandSpec] = []

    # The experts ------------------------------------------------------------------------------

    def residents(self) -> dict[tuple[str, str], Person]:
        """The doctors posted at 海西州人民医院 (by department) and 都兰县人民医院 (by specialty)
        at the start of the quarter."""
        found: dict[tuple[str, str], Person] = {}
        postings = (
            Posting.objects.active_on(Q4[0])
            .filter(
                kind__in=[PersonnelKind.PROFESSIONAL, PersonnelKind.SHORT_TERM],
                field=Field.MEDICAL,
                host_org__name__in=[HAIXI_HOSPITAL, DULAN_HOSPITAL],
            )
            .select_related("person", "host_org", "host_department")
            .order_by("start_date", "pk")
        )
        for p in postings:
            if p.host_org.name == HAIXI_HOSPITAL and p.host_department is not None:
                key = (HAIXI_HOSPITAL, p.host_department.name)
            else:
                key = (DULAN_HOSPITAL, p.person.specialty)
            found.setdefault(key, p.person)
        return found

    def flexible(self) -> tuple[list[Person], dict[tuple[int, str], list[Person]]]:
        """Flexible experts (柔性帮扶) whose specialty is in the demand vocabulary (up to three a
        medical specialty, every education one), and who served which site on which skill."""
        people = (
            Person.objects.filter(postings__kind=PersonnelKind.FLEXIBLE).distinct().order_by("pk")
        )
        chosen: list[Person] = []
        per_skill: Counter = Counter()
        for person in people:
            skill = skill_vocab.canonical(person.specialty)
            fld = skill_vocab.field_of(skill) if skill else None
            if fld is None:
                continue
            limit = 3 if fld == Field.MEDICAL else 1
            if per_skill[skill] >= limit:
                continue
            per_skill[skill] += 1
            chosen.append(person)
        served: dict[tuple[int, str], list[Person]] = {}
        for p in Posting.objects.filter(
            kind=PersonnelKind.FLEXIBLE, person__in=chosen
        ).select_related("person"):
            skill = skill_vocab.canonical(p.person.specialty)
            served.setdefault((p.host_org_id, skill), []).append(p.person)
        return chosen, served

    def window(self, person: Person, start: dt.date, end: dt.date, note: str) -> None:
        from duikou.people import services as people_services

        clash = AvailabilityWindow.objects.filter(
            person=person, start_date__lte=end, end_date__gte=start
        ).first()
        if clash is not None:
            same = (clash.start_date, clash.end_date) == (start, end)
            self.note("可出诊时间", "未变" if same else "已有重叠，跳过")
            return
        people_services.availability_create(
            actor=None, person=person, start_date=start, end_date=end, note=note
        )
        self.note("可出诊时间", "新建")

    def availability(
        self, residents: dict[tuple[str, str], Person], flexible: list[Person]
    ) -> None:
        for key, windows in RESIDENT_WINDOWS.items():
            person = residents.get(key)
            if person is None:
                continue
            for start, end, note in windows:
                self.window(person, start, end, note)
        rng = random.Random(f"{SEED}:availability")
        for person in flexible:
            if skill_vocab.field_of(skill_vocab.canonical(person.specialty)) == Field.EDUCATION:
                # Teachers: a stretch in October–November and one before the winter holidays.
                first = Q4[0] + dt.timedelta(days=rng.randrange(4, 30))
                length = rng.choice([18, 21, 24])
                second = D(2026, 11, 30) + dt.timedelta(days=rng.randrange(0, 10))
                end2 = min(second + dt.timedelta(days=rng.choice([14, 16, 18]) - 1), Q4[1])
            else:
                first = Q4[0] + dt.timedelta(days=rng.randrange(4, 50))
                length = rng.choice([12, 14, 14, 18, 21])
                second = first + dt.timedelta(days=length + rng.randrange(10, 28))
                end2 = min(second + dt.timedelta(days=rng.choice([10, 12, 14]) - 1), Q4[1])
                if rng.random() >= 0.7:
                    end2 = second  # one window only
            self.window(
                person,
                first,
                first + dt.timedelta(days=length - 1),
                "柔性帮扶：可赴海西服务（含往返路程）",
            )
            if (end2 - second).days >= 7:
                self.window(person, second, end2, "")

    def next_quarter_availability(
        self, residents: dict[tuple[str, str], Person], flexible: list[Person]
    ) -> None:
        """What the experts declared in November for the first quarter of 2027 (January, a few
        days after the Spring Festival, March), so that the headquarters can plan it."""
        rng = random.Random(f"{SEED}:availability-2027")
        people = sorted({p.pk: p for p in [*residents.values(), *flexible]}.values(), key=_pk)
        note = "2027 年一季度可出诊（11 月申报）"
        for person in people:
            if rng.random() < 0.1:
                continue  # not everyone has declared yet
            if rng.random() < 0.75:  # January, before the Spring Festival (2027-02-06)
                start = D(2027, 1, 4) + dt.timedelta(days=rng.randrange(0, 12))
                self.window(
                    person, start, start + dt.timedelta(days=rng.choice([10, 12, 14]) - 1), note
                )
            if rng.random() < 0.2:  # after the festival
                start = D(2027, 2, 17) + dt.timedelta(days=rng.randrange(0, 4))
                self.window(person, start, start + dt.timedelta(days=rng.choice([7, 8]) - 1), note)
            if rng.random() < 0.8:  # March
                start = D(2027, 3, 1) + dt.timedelta(days=rng.randrange(0, 12))
                end = min(start + dt.timedelta(days=rng.choice([12, 14, 18]) - 1), Q1_2027[1])
                self.window(person, start, end, note)

    def budgets(self, residents: dict[tuple[str, str], Person]) -> None:
        """李静 declared on /me/ that she can be away at most 15 days a quarter (her ward)."""
        from duikou.people import services as people_services

        li = residents.get((HAIXI_HOSPITAL, "神经内科"))
        if li is None or li.visit_days_budget == 15:
            self.note("出诊天数上限", "未变")
            return
        people_services.visit_budget_set(actor=None, person=li, days=15)
        self.note("出诊天数上限", "新建")

    # The demands ------------------------------------------------------------------------------

    def _priority(self) -> int:
        return self.rng.choices(range(1, 11), weights=[1, 2, 3, 8, 10, 10, 8, 4, 2, 1])[0]

    def _days(self, kind: str) -> int:
        low, high = {
            ServiceKind.CLINIC: (3, 7),
            ServiceKind.SURGERY: (2, 5),
            ServiceKind.LECTURE: (2, 3),
            ServiceKind.MENTORING: (5, 10),
            ServiceKind.TRAINING: (2, 5),
        }[ServiceKind(kind)]
        return self.rng.randint(low, high)

    def _medical_kind(self, skill: str) -> str:
        if skill in SURGICAL:
            pool = [ServiceKind.CLINIC, ServiceKind.SURGERY, ServiceKind.SURGERY,
                    ServiceKind.MENTORING, ServiceKind.LECTURE]  # fmt: skip
        elif skill == "急诊医学科":
            pool = [ServiceKind.TRAINING, ServiceKind.TRAINING, ServiceKind.MENTORING,
                    ServiceKind.CLINIC]  # fmt: skip
        else:
            pool = [ServiceKind.CLINIC, ServiceKind.CLINIC, ServiceKind.MENTORING,
                    ServiceKind.LECTURE, ServiceKind.TRAINING]  # fmt: skip
        return self.rng.choice(pool).value

    def _window(self, period: tuple[dt.date, dt.date], days: int) -> tuple[dt.date, dt.date]:
        span = (period[1] - period[0]).days
        earliest = period[0] + dt.timedelta(days=self.rng.randrange(0, span - 13))
        latest = min(earliest + dt.timedelta(weeks=self.rng.randint(2, 8), days=-1), period[1])
        assert (latest - earliest).days + 1 >= days
        return earliest, latest

    def _posted(self, first: dt.date, days: int) -> dt.datetime:
        day = first + dt.timedelta(days=self.rng.randrange(days))
        return _at(day, self.rng.randint(8, 17), self.rng.randrange(60))

    def _spec(
        self,
        org: Organisation,
        skill: str,
        kind: str,
        period: tuple[dt.date, dt.date],
        posted_from: dt.date,
        preferred: list[Person],
        school: bool,
    ) -> DemandSpec:
        days = self._days(kind)
        earliest, latest = self._window(period, days)
        titles = (SCHOOL_TITLES if school else TITLES)[ServiceKind(kind)]
        notes = (SCHOOL_NOTES if school else NOTES)[ServiceKind(kind)]
        return DemandSpec(
            org=org,
            skill=skill,
            kind=kind,
            days=days,
            earliest=earliest,
            latest=latest,
            priority=self._priority(),
            posted=self._posted(posted_from, 27),
            title=self.rng.choice(titles).format(skill=skill),
            note=self.rng.choice(notes),
            preferred=preferred,
        )

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _school_subjects(self, name: str) -> dict[str, int]:
        if "小学" in name:
            return PRIMARY_SUBJECTS
        if "职业" in name:
            return VOCATIONAL_SUBJECTS
        return SECONDARY_SUBJECTS

    def _school_kind(self) -> str:
        return self.rng.choice(
            [ServiceKind.LECTURE, ServiceKind.LECTURE, ServiceKind.MENTORING, ServiceKind.TRAINING]
        ).value

    def _preferred(
        self,
        org: Organisation,
        skill: str,
        served: dict[tuple[int, str], list[Person]],
        residents: dict[tuple[str, str], Person],
    ) -> list[Person]:
        """Continuity (以院包科): the flexible expert who served this site on this skill before,
        or for a county hospital sometimes the prefecture hospital's doctor of the department."""
        before = served.get((org.pk, skill))
        if before and self.rng.random() < 0.7:
            return [before[0]]
        doctor = residents.get((HAIXI_HOSPITAL, skill))
        if org.name in COUNTY_HOSPITALS and doctor is not None and self.rng.random() < 0.25:
            return [doctor]
        return []

    def anchors(self, residents: dict[tuple[str, str], Person]) -> None:
        """The demands the journeys rely on: 都兰县人民医院's and 李静's."""
        li = residents.get((HAIXI_HOSPITAL, "神经内科"))
        cardio = residents.get((HAIXI_HOSPITAL, "心血管内科"))
        paeds = residents.get((HAIXI_HOSPITAL, "儿科"))
        dulan, wulan, tianjun = (
            self.org(DULAN_HOSPITAL),
            self.org("乌兰县人民医院"),
            self.org("天峻县人民医院"),
        )
        rows = [
            (dulan, "神经内科", ServiceKind.CLINIC, 5, D(2026, 10, 12), D(2026, 11, 6), 8,
             _at(D(2026, 9, 8), 9, 40), "神经内科专家坐诊（卒中门诊）",
             "卒中中心建设中，希望李静主任继续来院坐诊并指导溶栓流程。", [li]),
            (dulan, "心血管内科", ServiceKind.LECTURE, 2, D(2026, 11, 16), D(2026, 11, 27), 7,
             _at(D(2026, 9, 15), 15, 5), "高血压与胸痛规范诊治讲座",
             "面向全县乡镇卫生院医生，约 60 人。", [cardio]),
            (dulan, "儿科", ServiceKind.CLINIC, 4, D(2026, 12, 7), D(2026, 12, 24), 8,
             _at(D(2026, 9, 22), 10, 30), "儿科专家坐诊（冬季呼吸道疾病高发）",
             "入冬后儿童呼吸道感染患者多，希望专家坐诊并指导雾化、氧疗。", [paeds]),
            (wulan, "神经内科", ServiceKind.MENTORING, 5, D(2026, 11, 9), D(2026, 11, 27), 7,
             _at(D(2026, 9, 10), 11, 15), "神经内科临床带教（卒中识别与转诊）",
             "配合县级卒中防治站建设。", [li]),
            (tianjun, "神经内科", ServiceKind.CLINIC, 3, D(2026, 12, 10), D(2026, 12, 23), 6,
             _at(D(2026, 9, 25), 16, 20), "神经内科专家坐诊", "", [li]),
        ]  # fmt: skip
        for org, skill, kind, days, earliest, latest, prio, posted, title, note, pref in rows:
            self.specs.append(
                DemandSpec(
                    org=org,
                    skill=skill,
                    kind=kind.value,
                    days=days,
                    earliest=earliest,
                    latest=latest,
                    priority=prio,
                    posted=posted,
                    title=title,
                    note=note,
                    preferred=[p for p in pref if p is not None],
                )
            )
        for name, skill, kind, days, title, note in NO_EXPERT_DEMANDS:
            earliest = Q4[0] + dt.timedelta(days=self.rng.randrange(10, 40))
            self.specs.append(
                DemandSpec(
                    org=self.org(name),
                    skill=skill,
                    kind=kind.value,
                    days=days,
                    earliest=earliest,
                    latest=earliest + dt.timedelta(weeks=6, days=-1),
                    priority=self._priority(),
                    posted=self._posted(D(2026, 9, 1), 27),
                    title=title,
                    note=note,
                )
            )

    def quarter(
        self,
        period: tuple[dt.date, dt.date],
        posted_from: dt.date,
        counts: dict[str, int],
        served: dict[tuple[int, str], list[Person]],
        residents: dict[tuple[str, str], Person],
    ) -> None:
        """Demands of the sites in `counts` for the period, posted from `posted_from` on."""
        for name, n in counts.items():
            org = self.org(name)
            school = name not in COUNTY_HOSPITALS and name != HAIXI_HOSPITAL
            for _i in range(n):
                if school:
                    skill = self._pick(self._school_subjects(name))
                    kind = self._school_kind()
                else:
                    skill = self._pick(
                        PREFECTURE_SKILLS if name == HAIXI_HOSPITAL else COUNTY_HOSPITAL_SKILLS
                    )
                    kind = self._medical_kind(skill)
                preferred = [] if school else self._preferred(org, skill, served, residents)
                if school and self.rng.random() < 0.4:
                    preferred = served.get((org.pk, skill), [])[:1]
                self.specs.append(
                    self._spec(org, skill, kind, period, posted_from, preferred, school)
                )

    def write_demands(self) -> list[Demand]:
        from duikou.orders import services

        out = []
        for s in self.specs:
            existing = Demand.objects.filter(
                organisation=s.org, skill=s.skill, service_kind=s.kind, posted_at=s.posted
            ).first()
            if existing is not None:
                self.note("服务需求", "未变")
                out.append(existing)
                continue
            out.append(
                services.demand_create(
                    actor=None,
                    organisation=s.org,
                    skill=s.skill,
                    service_kind=s.kind,
                    days=s.days,
                    earliest_start=s.earliest,
                    latest_end=s.latest,
                    priority=s.priority,
                    preferred_experts=s.preferred,
                    title=s.title,
                    note=s.note,
                    posted_at=s.posted,
                )
            )
            self.note("服务需求", "新建")
        return out

    # The plan ---------------------------------------------------------------------------------

    def plan(self) -> PlanningRun | None:
        from duikou.orders import runs

        confirmed = PlanningRun.objects.filter(
            period_start=Q4[0], period_end=Q4[1], status=RunStatus.CONFIRMED
        ).first()
        if confirmed is not None:
            self.note("排班", "未变")
            return confirmed
        hq = User.objects.filter(username="hq", role=Role.HEADQUARTERS).first()
        run = runs.run_create(
            actor=hq,
            period_start=Q4[0],
            period_end=Q4[1],
            time_limit=max(TIME_LIMIT, runs.TIME_LIMIT_MIN),
            max_days=MAX_DAYS,
            enqueue=False,
        )
        run = runs.run_execute(run.pk)
        if run.plan is None:
            raise RuntimeError(f"演示排班计算失败：{run.message}")
        runs.run_confirm(actor=hq, run=run)
        run.refresh_from_db()
        self.note("排班", "计算并确认")
        return run

    # After the visits -------------------------------------------------------------------------

    def confirmer(self, org: Organisation) -> User | None:
        """Who confirms a visit to `org`: its liaison, else its county team, else headquarters."""
        users = User.objects.filter(is_active=True)
        liaison = users.filter(role=Role.LIAISON, organisation=org).order_by("pk").first()
        if liaison is not None:
            return liaison
        team = users.filter(role=Role.COUNTY_TEAM, counties=org.division_id).order_by("pk").first()
        if team is not None:
            return team
        return users.filter(role=Role.HEADQUARTERS).order_by("pk").first()

    @staticmethod
    def left_to_confirm(visits: list[Visit]) -> set[int]:
        """The visits that began but are left for the demo's users to confirm: the latest at
        都兰县人民医院 (its liaison's to-do) and the two latest elsewhere."""
        begun = sorted(
            (v for v in visits if v.start_date < DELIVERED_BEFORE),
            key=lambda v: (v.start_date, v.pk),
            reverse=True,
        )
        dulan = [v for v in begun if v.demand.organisation.name == DULAN_HOSPITAL]
        others = [v for v in begun if v.demand.organisation.name != DULAN_HOSPITAL]
        return {v.pk for v in dulan[:1] + others[:2]}

    def deliveries(self, run: PlanningRun) -> None:
        from django.utils import timezone

        from duikou.orders import services

        visits = list(
            Visit.objects.filter(run=run)
            .exclude(status=VisitStatus.CANCELLED)
            .select_related("demand__organisation__division", "expert__user")
            .order_by("start_date", "pk")
        )
        leave = self.left_to_confirm(visits)
        today = timezone.localdate()
        for v in visits:
            if (
                v.status != VisitStatus.SCHEDULED
                or v.pk in leave
                or v.start_date >= DELIVERED_BEFORE
                or v.start_date > today
            ):
                continue
            d = v.demand
            rng = random.Random(f"{SEED}:{d.organisation.name}:{d.skill}:{d.posted_at.isoformat()}")
            rating = rng.choices([5, 4, 3], weights=[55, 35, 10])[0]
            days = v.days - 1 if v.days > 2 and rng.random() < 0.15 else v.days
            feedback = rng.choice(FEEDBACK[rating])
            if days < v.days:
                feedback = f"专家因航班调整晚到一天。{feedback}"
            services.visit_confirm_delivery(
                actor=self.confirmer(d.organisation),
                visit=v,
                delivered_days=days,
                rating=rating,
                feedback=feedback,
            )
            self.note("确认服务", "新建")
            user = v.expert.user
            if user is not None or rng.random() < 0.45:
                services.visit_log(
                    actor=user,
                    visit=v,
                    expert_log=self.work_log(rng, d, days),
                    achievements=self.achievements_for(v),
                )
                self.note("工作记录", "新建")

    @staticmethod
    def work_log(rng: random.Random, demand: Demand, days: int) -> str:
        kind = ServiceKind(demand.service_kind)
        if demand.skill_field == Field.EDUCATION:
            return {
                ServiceKind.LECTURE: f"上示范课 {rng.randint(2, 4)} 节，专题讲座 1 场，"
                f"听课教师约 {rng.randint(25, 80)} 人次。",
                ServiceKind.MENTORING: f"听课评课 {rng.randint(6, 14)} 节，指导青年教师备课 "
                f"{rng.randint(3, 6)} 人，参加教研组活动 {rng.randint(1, 3)} 次。",
                ServiceKind.TRAINING: f"教研培训 {days} 天，参训教师 {rng.randint(30, 90)} 人，"
                "留下单元教学设计样例一套。",
            }.get(kind, f"服务 {days} 天。")
        return {
            ServiceKind.CLINIC: f"专家门诊 {rng.randint(18, 32) * days} 人次，疑难病例会诊 "
            f"{rng.randint(2, 8)} 例，教学查房 {rng.randint(1, days)} 次。",
            ServiceKind.SURGERY: f"主刀及指导手术 {rng.randint(2, 3) * days} 台，术前讨论 "
            f"{rng.randint(1, 3)} 次，无并发症。",
            ServiceKind.LECTURE: f"专题讲座 {rng.randint(1, 3)} 场，听课医务人员约 "
            f"{rng.randint(40, 120)} 人次。",
            ServiceKind.MENTORING: f"跟班带教本院医师 {rng.randint(2, 5)} 人，病例讨论 "
            f"{rng.randint(2, 5)} 次，门诊 {rng.randint(10, 20) * days} 人次。",
            ServiceKind.TRAINING: f"技能培训 {rng.randint(2, 4)} 场，参训 {rng.randint(30, 80)} "
            "人次，考核合格后留下操作规范。",
        }[kind]

    @staticmethod
    def achievements_for(visit: Visit) -> list[Achievement]:
        """The expert's achievements dated during the visit (李静's lecture of 2026-11-20)."""
        return list(
            Achievement.objects.filter(
                person=visit.expert,
                date__gte=visit.start_date,
                date__lte=visit.end_date + dt.timedelta(days=7),
            )
        )

    def report(self, run: PlanningRun | None) -> None:
        q4 = Demand.objects.filter(earliest_start__gte=Q4[0], latest_end__lte=Q4[1])
        visits = Visit.objects.filter(run=run) if run is not None else Visit.objects.none()
        self.summary = {
            "demands": q4.count(),
            "next_quarter": Demand.objects.filter(
                earliest_start__gte=Q1_2027[0], status=DemandStatus.OPEN
            ).count(),
            "visits": visits.exclude(status=VisitStatus.CANCELLED).count(),
            "delivered": visits.filter(status=VisitStatus.DELIVERED).count(),
        }
        if self.stdout is None:
            return
        s = self.summary
        made = self.stats.get("服务需求", Counter())
        self.stdout.write(
            f"  点单：本季度需求 {s['demands']} 项，下季度待安排 {s['next_quarter']} 项"
            f"（新建 {made.get('新建', 0)}），专家服务 {s['visits']} 次，"
            f"已确认服务 {s['delivered']} 次"
        )


def load_orders_demo(stdout=None) -> dict:
    """Load the demo orders (after the registry and people demos); returns the counts."""
    loader = _Loader(stdout)
    with transaction.atomic():
        residents = loader.residents()
        flexible, served = loader.flexible()
        loader.availability(residents, flexible)
        loader.next_quarter_availability(residents, flexible)
        loader.budgets(residents)
        loader.anchors(residents)
        hospitals = {HAIXI_HOSPITAL: 12} | {
            name: (5 if name == DULAN_HOSPITAL else 8) for name in COUNTY_HOSPITALS
        }
        schools = {name: 2 for name in SCHOOLS}
        loader.quarter(Q4, D(2026, 9, 1), hospitals | schools, served, residents)
        loader.quarter(
            Q1_2027,
            D(2026, 11, 2),
            NEXT_QUARTER,
            served,
            residents,
        )
        loader.write_demands()
        run = loader.plan()
        if run is not None:
            loader.deliveries(run)
        loader.report(run)
    return {"summary": loader.summary, **{k: dict(v) for k, v in loader.stats.items()}}
