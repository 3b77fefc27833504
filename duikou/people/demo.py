"""The demo people: Zhejiang's cadres, doctors, teachers and experts in Haixi, and Haixi staff
trained in Zhejiang, as individual records.

`load_people_demo()` assumes the registry demo (duikou.core.demo.load_registry_demo) has run. It
writes through duikou.people.services (and duikou.core.services for the few organisations and
departments it adds) with actor=None, so every record is validated and has its history. It is
idempotent: batches are found by number, people by ID number (keyed hash), postings and
trainings by person + start date, achievements by person + kind + title + date, availability
by person + dates; a second run changes nothing.

The 2023 records reproduce, through the reports' figures, the figures of the seed article:
- F03: 11 provincial aid doctors (专业技术人才 / 医疗), each from one of the 11 hospitals that
  sponsor a department of 海西州人民医院 (以院包科), posted to that department 2023-03-16 for
  18 months;
- F04: 25 short-term medical staff (短期支援 / 医疗, 3–5 months) from the hospitals of the 7
  pairing cities to the people's hospital of the county their city supports;
- F05: 51 flexible medical experts (柔性帮扶 / 医疗) and F06: 14 flexible education experts
  (柔性帮扶 / 教育), visits of two to six weeks;
- F09: 11 Haixi doctors trained 4 months in Zhejiang and F12: 17 principals trained 3 months,
  28 training placements starting in 2023;
- F10: 9 new techniques (新技术) first used in the prefecture in 2023.
Other postings overlapping 2023 are cadres (党政干部, 第五批), so the four medical/education
figures stay exact; the later rounds of doctors start in 2024 and 2026.

The demo user `doctor` (李静, neurologist of 浙大一院) is one of the 11: her first posting ran
2023-03-16 – 2024-09-15 (she performed the prefecture's first intravenous thrombolysis), her
second runs 2026-03-01 – 2027-08-31, and she declared two availability windows. The 精神科's
doctor of the current round leaves on 2027-01-15 with no successor: the coverage gap of the
dashboard as of 2026-11-29. The 儿科's leaves on 2026-12-31 with a successor arriving.

Names, ID numbers (valid check digits, Zhejiang or Haixi address codes) and phones are
fictional and derived from a seeded generator, so every run produces the same people.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from duikou.accounts.models import Role, User
from duikou.core import services as core_services
from duikou.core.demo import Org, credit_code_for
from duikou.core.demokit import DemoLoader
from duikou.core.models import Department, Division, Organisation, Pairing
from duikou.core.vocab import Field, Gender, OrgKind, PairingKind, PersonnelKind, Side
from duikou.people import services
from duikou.people.identity import add_months, make_id_number
from duikou.people.models import (
    Achievement,
    AvailabilityWindow,
    Batch,
    Person,
    Posting,
    TrainingPlacement,
)
from duikou.people.vocab import AchievementKind

D = dt.date
SUP, AID = Side.SUPPORTING, Side.AIDED
CADRE, PRO = PersonnelKind.CADRE, PersonnelKind.PROFESSIONAL
SHORT, FLEX = PersonnelKind.SHORT_TERM, PersonnelKind.FLEXIBLE
HAIXI_HOSPITAL = "海西州人民医院"

# Batches of about three years since 2010 (domain facts §4: 5 batches 2010–2025, 第六批 2025).
BATCHES = [
    (1, D(2010, 7, 15), D(2013, 7, 14)),
    (2, D(2013, 7, 15), D(2016, 7, 14)),
    (3, D(2016, 7, 15), D(2019, 7, 14)),
    (4, D(2019, 7, 15), D(2022, 7, 14)),
    (5, D(2022, 7, 15), D(2025, 7, 14)),
    (6, D(2025, 7, 15), D(2028, 7, 14)),
]

# County-level unit → (Zhejiang city, its government, the county government, county hospital).
COUNTIES = [
    ("632802", "330100", "杭州市人民政府", "德令哈市人民政府", "德令哈市人民医院"),
    ("632823", "330200", "宁波市人民政府", "天峻县人民政府", "天峻县人民医院"),
    ("632801", "330300", "温州市人民政府", "格尔木市人民政府", "格尔木市人民医院"),
    ("632822", "330400", "嘉兴市人民政府", "都兰县人民政府", "都兰县人民医院"),
    ("632821", "330500", "湖州市人民政府", "乌兰县人民政府", "乌兰县人民医院"),
    ("632857", "330600", "绍兴市人民政府", "大柴旦行政委员会", "大柴旦行委医院"),
    ("632803", "331000", "台州市人民政府", "茫崖市人民政府", "茫崖市人民医院"),
]
COUNTY_TITLES = {"632857": ("行委委员、副主任", "行委"), "632803": ("市委常委、副市长", "市")}

# Organisations the people demo adds to the registry (through the registry services).
CITY_HOSPITALS = {
    "330100": Org("杭州市第一人民医院", OrgKind.HOSPITAL, SUP, "330100", "杭州市一医院"),
    "330200": Org("宁波市第一医院", OrgKind.HOSPITAL, SUP, "330200", "宁波一院"),
    "330300": Org("温州市人民医院", OrgKind.HOSPITAL, SUP, "330300", "温州市人民医院"),
    "330400": Org("嘉兴市第一医院", OrgKind.HOSPITAL, SUP, "330400", "嘉兴一院"),
    "330500": Org("湖州市中心医院", OrgKind.HOSPITAL, SUP, "330500", "湖州市中心医院"),
    "330600": Org("绍兴市人民医院", OrgKind.HOSPITAL, SUP, "330600", "绍兴市人民医院"),
    "331000": Org("台州市中心医院", OrgKind.HOSPITAL, SUP, "331000", "台州市中心医院"),
}
ZHEJIANG_SCHOOLS = [
    Org("杭州学军中学", OrgKind.SCHOOL, SUP, "330100", "学军中学"),
    Org("宁波市效实中学", OrgKind.SCHOOL, SUP, "330200", "效实中学"),
    Org("温州中学", OrgKind.SCHOOL, SUP, "330300"),
    Org("嘉兴市第一中学", OrgKind.SCHOOL, SUP, "330400", "嘉兴一中"),
    Org("湖州中学", OrgKind.SCHOOL, SUP, "330500"),
    Org("绍兴市第一中学", OrgKind.SCHOOL, SUP, "330600", "绍兴一中"),
    Org("台州中学", OrgKind.SCHOOL, SUP, "331000"),
]
NEW_HAIXI_SCHOOLS = [
    Org("海西州民族高级中学", OrgKind.SCHOOL, AID, "632800", "州民高"),
    Org("德令哈市第一中学", OrgKind.SCHOOL, AID, "632802", "德令哈一中"),
    Org("德令哈市第一小学", OrgKind.SCHOOL, AID, "632802", "德令哈一小"),
    Org("格尔木市第一中学", OrgKind.SCHOOL, AID, "632801", "格尔木一中"),
    Org("格尔木市第二小学", OrgKind.SCHOOL, AID, "632801", "格尔木二小"),
    Org("茫崖市第一中学", OrgKind.SCHOOL, AID, "632803", "茫崖一中"),
    Org("乌兰县第一中学", OrgKind.SCHOOL, AID, "632821", "乌兰一中"),
    Org("乌兰县希里沟镇第一小学", OrgKind.SCHOOL, AID, "632821", "希里沟一小"),
    Org("都兰县第二中学", OrgKind.SCHOOL, AID, "632822", "都兰二中"),
    Org("天峻县民族中学", OrgKind.SCHOOL, AID, "632823", "天峻民中"),
    Org("天峻县第一小学", OrgKind.SCHOOL, AID, "632823", "天峻一小"),
    Org("大柴旦行委第一小学", OrgKind.SCHOOL, AID, "632857", "大柴旦一小"),
]
EXISTING_HAIXI_SCHOOLS = [
    "都兰县第一小学",
    "都兰县职业技术学校",
    "格尔木市职业技术学校",
    "海西州职业技术学校",
    "大柴旦行委中学",
]
EXISTING_ZHEJIANG_SCHOOLS = [
    "嘉兴市秀水中等专业学校",
    "温州市职业中等专业学校",
    "杭州市电子信息职业学校",
]
COUNTY_HOSPITAL_DEPARTMENTS = [
    ("内科", "03"),
    ("普通外科", "04.01"),
    ("妇产科", "05"),
    ("儿科", "07"),
    ("急诊医学科", "20"),
    ("医学影像科", "32"),
]

# The 11 departments of 海西州人民医院: who holds each in the three rounds of doctors.
ROUND_1 = (D(2023, 3, 16), D(2024, 9, 15))  # F03, 第五批
ROUND_2 = (D(2024, 9, 1), D(2026, 2, 28))  # 第五批 (continuing)
ROUND_3 = (D(2026, 3, 1), D(2027, 8, 31))  # 第六批
# Exceptions in the current round: a gap and a handover, as of 2026-11-29.
GAP_DEPARTMENT = "精神科"
GAP_END = D(2027, 1, 15)
HANDOVER_DEPARTMENT = "儿科"
HANDOVER_END = D(2026, 12, 31)
HANDOVER_SUCCESSOR = (D(2027, 1, 4), D(2028, 6, 30))

# F10: the 9 new techniques of 2023, by the department of the doctor who introduced them.
NEW_TECHNIQUES = [
    ("神经内科", D(2023, 4, 12), "海西州首例急性缺血性脑卒中静脉溶栓",
     "在卒中绿色通道内完成阿替普酶静脉溶栓，发病至溶栓 168 分钟，患者肌力明显恢复。"),
    ("心血管内科", D(2023, 5, 18), "首例血管内超声（IVUS）引导冠脉支架植入",
     "在州医院导管室开展，填补海西州冠脉腔内影像技术空白。"),
    ("重症医学科", D(2023, 7, 3), "首例体外膜肺氧合（ECMO）救治",
     "为重症心肌炎患者实施 VA-ECMO 支持 6 天后成功撤机。"),
    ("妇产科", D(2023, 6, 8), "首例宫腔镜下子宫纵隔切除术", ""),
    ("儿科", D(2023, 8, 21), "首例新生儿无创高频振荡通气", ""),
    ("急诊医学科", D(2023, 9, 5), "首例床旁超声引导急诊血管通路建立", ""),
    ("肿瘤科", D(2023, 9, 14), "首例 CT 引导下肺结节穿刺活检", ""),
    ("普通外科", D(2023, 10, 26), "首例腹腔镜下胰十二指肠切除术", ""),
    ("精神科", D(2023, 11, 7), "首例无抽搐电休克治疗（MECT）", ""),
]  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
MALE = (
    "建华 志强 俊杰 浩然 文博 明辉 立新 晓东 国平 海涛 宇航 振宇 学军 卫东 永刚 "
    "建军 伟 强 磊 军 勇 杰 涛 斌 超 鹏 辉 晨阳 嘉诚 逸飞"
).split()
FEMALE = (
    "丽 敏 燕 艳 娟 霞 芳 玲 婷 雪梅 晓燕 丽娟 海燕 佳怡 欣怡 思琪 雨婷 慧敏 "
    "秀英 春梅 美玲 晓红 文静 晓敏 玉兰 红梅 颖 倩"
).split()
HAIXI_MALE = (
    "才让东智 多杰才旦 扎西尼玛 索南达杰 巴图孟和 更登加措 那木吉拉 马福海 韩国栋 李永福".split()
)
HAIXI_FEMALE = (
    "卓玛措 拉毛吉 娜仁其其格 乌兰图雅 央金卓玛 萨仁高娃 马秀兰 祁海英 韩玉梅 李春花".split()
)
DISTRICT = {
    "330000": "330106",
    "330100": "330106",
    "330200": "330203",
    "330300": "330302",
    "330400": "330402",
    "330500": "330502",
    "330600": "330602",
    "330700": "330702",
    "331000": "331002",
    "632800": "632802",
}
MEDICAL_SPECIALTIES = ["心血管内科", "神经内科", "消化内科", "呼吸与危重症医学科", "普通外科",
                       "骨科", "妇产科", "儿科", "医学影像科", "麻醉科", "眼科", "肿瘤科",
                       "内分泌科", "肾内科", "急诊医学科", "中医科", "康复医学科"]  # fmt: skip
SUBJECTS = ["数学", "语文", "英语", "物理", "化学", "生物学", "信息技术", "学前教育",
            "职业教育专业课", "心理健康教育", "地理", "历史", "美术", "体育与健康"]  # fmt: skip


@dataclass
class PersonSpec:
    name: str
    gender: str
    id_number: str
    phone: str
    employer: Organisation
    specialty: str = ""
    postings: list[dict] = field(default_factory=list)
    trainings: list[dict] = field(default_factory=list)


class _People:
    """Fictional identities from a seeded generator: the same people on every run."""

    def __init__(self) -> None:
        self.rng = random.Random("duikou-people-demo-2026")
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def name(self, gender: str, haixi: bool = False) -> str:
        if haixi and self.rng.random() < 0.45:
            return self.rng.choice(HAIXI_MALE if gender == Gender.MALE else HAIXI_FEMALE)
        given = MALE if gender == Gender.MALE else FEMALE
        return self.rng.choice(SURNAMES) + self.rng.choice(given)

    def id_number(self, division_code: str, gender: str, born_from: int, born_to: int) -> str:
        address = DISTRICT.get(division_code, division_code)
        while True:
            born = D(born_from, 1, 1) + dt.timedelta(
                days=self.rng.randrange((D(born_to, 12, 31) - D(born_from, 1, 1)).days)
            )
            seq = self.rng.randrange(0, 999)
            if (seq % 2 == 1) != (gender == Gender.MALE):
                seq = (seq + 1) % 1000
            value = make_id_number(address, born, f"{seq:03d}")
            if value not in self.ids:
                self.ids.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = self.rng.choice(["13", "15", "17", "18", "19"]) + "".join(
                str(self.rng.randrange(10)) for _ in range(9)
            )
            if value not in self.phones:
                self.phones.add(value)
                return value

    def gender(self, female_share: float = 0.4) -> str:
        return Gender.FEMALE if self.rng.random() < female_share else Gender.MALE

    def spec(
        self,
        employer: Organisation,
        *,
        specialty: str = "",
        born: tuple[int, int] = (1970, 1990),
        female_share: float = 0.4,
    ) -> PersonSpec:
        gender = self.gender(female_share)
        haixi = employer.side == AID
        return PersonSpec(
            name=self.name(gender, haixi),
            gender=gender,
            id_number=self.id_number(employer.division.code, gender, *born),
            phone=self.phone(),
            employer=employer,
            specialty=specialty,
        )


class _Loader(DemoLoader):
    def __init__(self, stdout=None) -> None:
        super().__init__(stdout)
        self.people = _People()
        self.batches: dict[int, Batch] = {}
        self.divisions = {d.code: d for d in Division.objects.all()}
        self.specs: list[PersonSpec] = []
        self.persons: dict[str, Person] = {}

    # Registry additions ---------------------------------------------------------------------

    def organisations(self) -> None:
        specs = [*CITY_HOSPITALS.values(), *ZHEJIANG_SCHOOLS, *NEW_HAIXI_SCHOOLS]
        taken = set(
            Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
        )
        for spec in specs:
            existing = Organisation.objects.filter(name=spec.name).first()
            if existing is not None:
                self.orgs[spec.name] = existing
                self.note("单位", "未变")
                continue
            code = credit_code_for(spec, taken)
            taken.add(code)
            self.orgs[spec.name] = core_services.organisation_create(
                actor=None,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                side=spec.side,
                division=self.divisions[spec.division],
                credit_code=code,
                note=spec.note,
            )
            self.note("单位", "新建")

    def department(self, org: Organisation, name: str, code: str = "") -> Department:
        existing = Department.objects.filter(organisation=org, name=name).first()
        if existing is not None:
            return existing
        self.note("科室", "新建")
        return core_services.department_create(
            actor=None, organisation=org, name=name, catalogue_code=code
        )

    def load_batches(self) -> None:
        for number, start, end in BATCHES:
            data = {"start_date": start, "end_date": end}
            if number == 6:
                data["note"] = "2025年7月起"
            batch = Batch.objects.filter(number=number).first()
            if batch is None:
                batch = services.batch_create(actor=None, number=number, **data)
                self.note("批次", "新建")
            elif any(getattr(batch, k) != v for k, v in data.items()):
                batch = services.batch_update(actor=None, batch=batch, **data)
                self.note("批次", "更新")
            else:
                self.note("批次", "未变")
            self.batches[number] = batch

    # The people -----------------------------------------------------------------------------

    def add(self, spec: PersonSpec) -> PersonSpec:
        self.specs.append(spec)
        return spec

    def posting(self, spec: PersonSpec, **data: Any) -> None:
        spec.postings.append(data)

    def sponsors(self) -> list[tuple[Organisation, Department]]:
        """The 以院包科 pairings of 海西州人民医院 (F02), in department catalogue order."""
        pairs = (
            Pairing.objects.filter(
                kind=PairingKind.HOSPITAL_DEPARTMENT, haixi_org__name=HAIXI_HOSPITAL
            )
            .select_related("zhejiang_org__division", "haixi_department")
            .order_by("haixi_department__catalogue_code", "haixi_department__name")
        )
        found = [(p.zhejiang_org, p.haixi_department) for p in pairs]
        if len(found) != 11:
            raise LookupError("海西州人民医院应有 11 个以院包科结对：请先载入登记库演示数据")
        return found

    def doctors(self) -> PersonSpec:
        """F03 and the later rounds: a long-term doctor in each sponsored department."""
        hospital = self.org(HAIXI_HOSPITAL)
        li_jing = None
        for sender, dept in self.sponsors():
            self.orgs.setdefault(sender.name, sender)
            base = {
                "kind": PRO,
                "field": Field.MEDICAL,
                "sending_org": sender,
                "host_org": hospital,
                "host_department": dept,
            }
            rounds = [(ROUND_1, 5, "科室主任（挂职）"), (ROUND_2, 5, "科室主任（挂职）")]
            end3 = ROUND_3[1]
            if dept.name == GAP_DEPARTMENT:
                end3 = GAP_END
            elif dept.name == HANDOVER_DEPARTMENT:
                end3 = HANDOVER_END
            rounds.append(((ROUND_3[0], end3), 6, "科室主任（挂职）"))
            for i, ((start, end), batch, role) in enumerate(rounds):
                if dept.name == "神经内科" and i in (0, 2):
                    if li_jing is None:
                        li_jing = self.add(
                            PersonSpec(
                                name="李静",
                                gender=Gender.FEMALE,
                                id_number=make_id_number("330106", D(1983, 7, 21), "046"),
                                phone="13857162039",
                                employer=sender,
                                specialty="神经内科",
                            )
                        )
                    spec = li_jing
                    role = (
                        "神经内科主任（挂职）、卒中中心主任" if i == 2 else "神经内科主任（挂职）"
                    )
                else:
                    spec = self.add(
                        self.people.spec(sender, specialty=dept.name, born=(1972, 1988))
                    )
                if dept.name == "急诊医学科" and i == 0:
                    role = "副院长（挂职）"
                self.posting(
                    spec,
                    **base,
                    batch=self.batches[batch],
                    role=role,
                    start_date=start,
                    end_date=end,
                )
            if dept.name == HANDOVER_DEPARTMENT:
                start, end = HANDOVER_SUCCESSOR
                spec = self.add(self.people.spec(sender, specialty=dept.name, born=(1978, 1990)))
                self.posting(
                    spec,
                    **base,
                    batch=self.batches[6],
                    role="科室主任（挂职）",
                    start_date=start,
                    end_date=end,
                )
        assert li_jing is not None
        return li_jing

    def cadres(self) -> None:
        """党政干部 of 第五批 and 第六批 (the current batch) in each county and the prefecture."""
        hq, prefecture = self.org("浙江省援青指挥部"), self.org("海西州人民政府")
        units = [("632800", "330000", hq, prefecture)] + [
            (county, city, self.org(city_gov), self.org(county_gov))
            for county, city, city_gov, county_gov, _hospital in COUNTIES
        ]
        for number in (5, 6):
            batch = self.batches[number]
            for county, city, sender, host in units:
                if county == "632800":
                    roles = [
                        ("州委常委、副州长（挂职），浙江省援青指挥部指挥长", Field.ECONOMY),
                        ("州发展和改革委员会副主任（挂职）", Field.PLANNING),
                    ]
                else:
                    title, level = COUNTY_TITLES.get(county, ("县委常委、副县长", "县"))
                    roles = [
                        (f"{title}（挂职），援青工作组组长", Field.ECONOMY),
                        (
                            f"{level}农牧和乡村振兴局副局长（挂职）"
                            if number == 5
                            else f"{level}住房和城乡建设局副局长（挂职）",
                            Field.AGRICULTURE if number == 5 else Field.PLANNING,
                        ),
                    ]
                for role, field_ in roles:
                    spec = self.add(self.people.spec(sender, born=(1972, 1986), female_share=0.2))
                    self.posting(
                        spec,
                        kind=CADRE,
                        field=field_,
                        batch=batch,
                        sending_org=sender,
                        pairing_city=self.divisions[city] if city != "330000" else None,
                        host_org=host,
                        role=role,
                        start_date=batch.start_date,
                        end_date=batch.end_date,
                    )

    def short_term(self) -> None:
        """F04: 25 短期支援 medical staff of the 7 pairing cities in 2023, and two now."""
        rng = self.people.rng
        shares = [4, 4, 4, 4, 3, 3, 3]
        starts = [D(2023, 3, 1), D(2023, 4, 3), D(2023, 6, 1), D(2023, 8, 1), D(2023, 9, 4)]
        for (county, city, _gov, _county_gov, hospital_name), n in zip(
            COUNTIES, shares, strict=True
        ):
            sender = self.orgs[CITY_HOSPITALS[city].name]
            host = self.org(hospital_name)
            for i in range(n):
                dept_name, code = COUNTY_HOSPITAL_DEPARTMENTS[(i + len(county)) % 6]
                dept = self.department(host, dept_name, code)
                start = starts[(i + int(county[-1])) % len(starts)]
                months = 3 + rng.randrange(3)
                spec = self.add(self.people.spec(sender, specialty=dept_name))
                self.posting(
                    spec,
                    kind=SHORT,
                    field=Field.MEDICAL,
                    sending_org=sender,
                    pairing_city=self.divisions[city],
                    host_org=host,
                    host_department=dept,
                    role="短期支援医师",
                    start_date=start,
                    end_date=add_months(start, months),
                )
        # Two short-term doctors of 嘉兴 in 都兰 right now (the county team and liaison see them).
        sender, host = self.orgs[CITY_HOSPITALS["330400"].name], self.org("都兰县人民医院")
        for dept_name, code in (("内科", "03"), ("急诊医学科", "20")):
            spec = self.add(self.people.spec(sender, specialty=dept_name))
            self.posting(
                spec,
                kind=SHORT,
                field=Field.MEDICAL,
                sending_org=sender,
                pairing_city=self.divisions["330400"],
                host_org=host,
                host_department=self.department(host, dept_name, code),
                role="短期支援医师",
                start_date=D(2026, 9, 1),
                end_date=D(2026, 12, 31),
            )
        # 都兰县人民医院's long-term vice-president hands over in December 2026.
        for start, end in ((D(2025, 9, 1), D(2026, 12, 31)), (D(2026, 12, 15), D(2028, 6, 30))):
            spec = self.add(self.people.spec(sender, specialty="普通外科", born=(1975, 1985)))
            self.posting(
                spec,
                kind=PRO,
                field=Field.MEDICAL,
                batch=self.batches[6],
                sending_org=sender,
                pairing_city=self.divisions["330400"],
                host_org=host,
                role="副院长（挂职）",
                start_date=start,
                end_date=end,
            )

    def flexible(self) -> None:
        """F05: 51 flexible medical experts; F06: 14 flexible education experts (2023)."""
        rng = self.people.rng
        hospital = self.org(HAIXI_HOSPITAL)
        sponsors = self.sponsors()
        county_hospitals = [self.org(c[4]) for c in COUNTIES]
        city_hospitals = [self.orgs[CITY_HOSPITALS[c[1]].name] for c in COUNTIES]
        for i in range(51):
            start = D(2023, 3, 1) + dt.timedelta(days=rng.randrange(0, 250))
            days = rng.choice([14, 14, 21, 28, 35, 42])
            if i % 3 == 2:
                # City hospitals' experts go to the county their city supports.
                k = (i // 3) % 7
                sender, host, dept = city_hospitals[k], county_hospitals[k], None
                specialty = rng.choice(MEDICAL_SPECIALTIES)
                pairing_city = self.divisions[COUNTIES[k][1]]
            else:
                # Provincial experts join their hospital's sponsored department (以院包科).
                sender, dept = sponsors[i % 11]
                host, specialty, pairing_city = hospital, dept.name, None
            spec = self.add(self.people.spec(sender, specialty=specialty, born=(1965, 1985)))
            self.posting(
                spec,
                kind=FLEX,
                field=Field.MEDICAL,
                sending_org=sender,
                pairing_city=pairing_city,
                host_org=host,
                host_department=dept,
                role="柔性帮扶专家",
                start_date=start,
                end_date=start + dt.timedelta(days=days - 1),
            )
        senders = [self.org(n) for n in EXISTING_ZHEJIANG_SCHOOLS] + [
            self.orgs[s.name] for s in ZHEJIANG_SCHOOLS
        ]
        hosts = [self.org(n) for n in EXISTING_HAIXI_SCHOOLS] + [self.org("柴达木职业技术学院")]
        for i in range(14):
            start = D(2023, 3, 6) + dt.timedelta(days=rng.randrange(0, 230))
            sender, host = senders[i % len(senders)], hosts[i % len(hosts)]
            spec = self.add(
                self.people.spec(sender, specialty=SUBJECTS[i], born=(1968, 1988), female_share=0.6)
            )
            self.posting(
                spec,
                kind=FLEX,
                field=Field.EDUCATION,
                sending_org=sender,
                host_org=host,
                role="柔性支教专家",
                start_date=start,
                end_date=start + dt.timedelta(days=rng.choice([14, 21, 28, 42]) - 1),
            )

    def trainees(self) -> None:
        """F09: 11 Haixi doctors, 4 months; F12: 17 principals, 3 months (starting 2023)."""
        sponsors = self.sponsors()
        homes = [self.org(HAIXI_HOSPITAL)] * 6 + [self.org(c[4]) for c in COUNTIES[:5]]
        for i, home in enumerate(homes):
            host, dept = sponsors[i]
            start = D(2023, 4, 10) if i < 6 else D(2023, 9, 4)
            spec = self.add(self.people.spec(home, specialty=dept.name, born=(1980, 1993)))
            spec.trainings.append(
                {
                    "home_org": home,
                    "host_org": host,
                    "host_unit": dept.name,
                    "programme": "海西州骨干医师浙江跟岗进修（4个月）",
                    "field": Field.MEDICAL,
                    "start_date": start,
                    "end_date": add_months(start, 4),
                }
            )
        schools = [self.org(n) for n in EXISTING_HAIXI_SCHOOLS] + [
            self.orgs[s.name] for s in NEW_HAIXI_SCHOOLS
        ]
        hosts = [self.orgs[s.name] for s in ZHEJIANG_SCHOOLS] + [
            self.org(n) for n in EXISTING_ZHEJIANG_SCHOOLS
        ]
        for i, school in enumerate(schools):
            start = D(2023, 3, 6) if i < 9 else D(2023, 9, 11)
            spec = self.add(self.people.spec(school, specialty="校长", born=(1968, 1982)))
            spec.trainings.append(
                {
                    "home_org": school,
                    "host_org": hosts[i % len(hosts)],
                    "host_unit": "校长办公室",
                    "programme": "海西州中小学校长浙江跟岗培训（3个月）",
                    "field": Field.EDUCATION,
                    "start_date": start,
                    "end_date": add_months(start, 3),
                }
            )
        assert len(schools) == 17

    # Writing ------------------------------------------------------------------------------

    def write(self) -> None:
        for spec in self.specs:
            person = self.person(spec)
            self.persons[spec.id_number] = person
            for data in spec.postings:
                start = data.pop("start_date")
                _posting, outcome = services.posting_upsert(
                    actor=None, person=person, start_date=start, **data
                )
                data["start_date"] = start
                self.note("派驻", {"created": "新建", "updated": "更新"}.get(outcome, "未变"))
            for data in spec.trainings:
                self.training(person, data)

    def person(self, spec: PersonSpec) -> Person:
        person, outcome = services.person_upsert(
            actor=None,
            id_number=spec.id_number,
            name=spec.name,
            employer=spec.employer,
            gender=spec.gender,
            phone=spec.phone,
            specialty=spec.specialty,
        )
        self.note("人员", {"created": "新建", "updated": "更新"}.get(outcome, "未变"))
        return person

    def training(self, person: Person, data: dict) -> None:
        existing = TrainingPlacement.objects.filter(
            person=person, start_date=data["start_date"]
        ).first()
        if existing is None:
            services.training_create(actor=None, person=person, **data)
            self.note("跟岗培训", "新建")
            return
        diff = {k: v for k, v in data.items() if getattr(existing, k) != v}
        if diff:
            services.training_update(actor=None, training=existing, **diff)
            self.note("跟岗培训", "更新")
        else:
            self.note("跟岗培训", "未变")

    def achievement(self, posting: Posting, *, verify: User | None = None, **data: Any) -> None:
        exists = Achievement.objects.filter(
            person=posting.person, kind=data["kind"], title=data["title"], date=data["date"]
        ).first()
        if exists is None:
            exists = services.achievement_create(actor=None, posting=posting, **data)
            self.note("成效", "新建")
        else:
            self.note("成效", "未变")
        if verify is not None and exists.verified_at is None:
            services.achievement_verify(actor=verify, achievement=exists)

    def achievements(self) -> None:
        hq = User.objects.filter(username="hq", role=Role.HEADQUARTERS).first()
        hospital = self.org(HAIXI_HOSPITAL)
        round1 = {
            p.host_department.name: p
            for p in Posting.objects.filter(
                host_org=hospital, kind=PRO, start_date=ROUND_1[0]
            ).select_related("person", "host_department")
        }
        for dept, date, title, description in NEW_TECHNIQUES:
            self.achievement(
                round1[dept],
                verify=hq,
                kind=AchievementKind.NEW_TECHNIQUE,
                count=1,
                title=title,
                description=description,
                date=date,
            )
        more = [
            ("神经内科", AchievementKind.LECTURE, 6, "“卒中中心建设”系列讲座", D(2023, 6, 30)),
            ("神经内科", AchievementKind.MENTORING, 4, "带教本院神经内科医师", D(2023, 12, 31)),
            ("心血管内科", AchievementKind.SURGERY, 86, "冠脉介入手术", D(2023, 12, 31)),
            ("普通外科", AchievementKind.SURGERY, 132, "腹腔镜手术", D(2023, 12, 31)),
            ("重症医学科", AchievementKind.MENTORING, 6, "带教重症医学科医护人员", D(2024, 6, 30)),
            ("妇产科", AchievementKind.OUTPATIENTS, 2150, "专家门诊", D(2023, 12, 31)),
        ]
        for dept, kind, count, title, date in more:
            self.achievement(
                round1[dept], verify=hq, kind=kind, count=count, title=title, date=date
            )
        li = Posting.objects.filter(
            host_org=hospital, host_department__name="神经内科", start_date=ROUND_3[0]
        ).first()
        if li is not None:
            self.achievement(
                li,
                kind=AchievementKind.OUTPATIENTS,
                count=640,
                title="神经内科专家门诊",
                date=D(2026, 10, 31),
            )
            self.achievement(
                li,
                kind=AchievementKind.LECTURE,
                count=3,
                title="县级医院卒中识别与转诊培训",
                date=D(2026, 11, 20),
            )

    def doctor_user(self, li: PersonSpec) -> None:
        """Link the demo sign-in `doctor` (李静) to her person and declare her availability."""
        person = self.persons[li.id_number]
        user = User.objects.filter(username="doctor").first()
        if user is not None and person.user_id != user.pk:
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            services.person_update(actor=None, person=person, user=user)
            self.note("账号关联", "更新")
        for start, end, note in (
            (D(2026, 12, 14), D(2026, 12, 18), "可赴天峻、乌兰县医院坐诊"),
            (D(2027, 5, 3), D(2027, 5, 16), "可赴各县市医院坐诊、开展卒中讲座"),
        ):
            if AvailabilityWindow.objects.filter(
                person=person, start_date=start, end_date=end
            ).exists():
                self.note("可出诊时间", "未变")
                continue
            services.availability_create(
                actor=None, person=person, start_date=start, end_date=end, note=note
            )
            self.note("可出诊时间", "新建")

    def report(self) -> None:
        if self.stdout is None:
            return
        for what, counter in self.stats.items():
            parts = "，".join(f"{k} {v}" for k, v in counter.items())
            self.stdout.write(f"  {what}：{parts}")


def load_people_demo(stdout=None) -> dict:
    """Load the demo people (after the registry's, duikou.core.demo.load_registry_demo); returns
    the load statistics."""
    loader = _Loader(stdout)
    with transaction.atomic():
        loader.organisations()
        loader.load_batches()
        li = loader.doctors()
        loader.cadres()
        loader.short_term()
        loader.flexible()
        loader.trainees()
        loader.write()
        loader.achievements()
        loader.doctor_user(li)
    loader.report()
    return {what: dict(counter) for what, counter in loader.stats.items()}
