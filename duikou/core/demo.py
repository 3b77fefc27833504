"""The demo data set: the Zhejiang→Haixi programme as individual registry records.

`load_registry_demo()` writes every organisation, department, pairing and demo user through the
registry services (`duikou.core.services`, with actor=None: a system load), so each record is
validated and has its history. The whole demo, each ledger's part after this one, is loaded by
`duikou.demo.loader.load_demo()`. It is idempotent: records are looked up by their natural key
(organisation by name, department by organisation + name, pairing by kind + organisations +
department) and only created or updated when they differ; a second run changes nothing.

The aggregates of these records are the registry figures of the seed article
(/work/shared/design/seed-facts.md): F01 the medical specialty alliance, F02 the 11 provincial
hospitals each sponsoring one department of 海西州人民医院 (以院包科), F13 3 ↔ 3 vocational
schools, F14 12 higher-vocational colleges paired with 柴达木职业技术学院, F27 the
“乡村振兴 1+1” village pairings, and the 7 city↔county pairings since 2010.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation

from duikou.accounts.models import Role, User
from duikou.core import reference, services
from duikou.core.models import Department, Division, Organisation, Pairing
from duikou.core.vocab import OrgKind, PairingKind, Side
from duikou.lib.checkdigits import USCC_CHARSET, make_uscc

DEMO_PASSWORD = "duikou2023"
# Shown instead of a password for a demo user that already existed (its password is kept).
KEPT_PASSWORD = "（原密码不变）"
# The demo's sign-ins: a database whose users are all among these may be a demo database.
DEMO_USERNAMES = frozenset({"hq", "dulan", "wulan", "liaison", "doctor", "viewer", "shop"})

SUP = Side.SUPPORTING
AID = Side.AIDED

# 统一社会信用代码 first two characters: registration authority + kind of body (GB 32100-2015).
USCC_PREFIX = {
    OrgKind.GOVERNMENT: "11",  # 机构编制 · 机关
    OrgKind.HOSPITAL: "12",  # 机构编制 · 事业单位
    OrgKind.SCHOOL: "12",
    OrgKind.COLLEGE: "12",
    OrgKind.OTHER: "12",
    OrgKind.ASSOCIATION: "51",  # 民政 · 社会团体
    OrgKind.ENTERPRISE: "91",  # 工商 · 企业
    OrgKind.COOPERATIVE: "93",  # 工商 · 农民专业合作社
    OrgKind.VILLAGE: "N2",  # 农业 · 村级集体经济组织
}


@dataclass(frozen=True)
class Org:
    name: str
    kind: str
    side: str
    division: str  # division code
    short_name: str = ""
    note: str = ""


# --- Organisations ---------------------------------------------------------------------------

HEADQUARTERS = Org(
    "浙江省援青指挥部",
    OrgKind.GOVERNMENT,
    SUP,
    "330000",
    "浙江援青指挥部",
    "浙江省对口支援青海省海西州前方指挥部，驻德令哈市",
)

# Zhejiang city governments, by city code (the 7 pairing cities).
CITY_GOVERNMENTS = {
    code: Org(f"{name}人民政府", OrgKind.GOVERNMENT, SUP, code, name)
    for code, name in [
        ("330100", "杭州市"),
        ("330200", "宁波市"),
        ("330300", "温州市"),
        ("330400", "嘉兴市"),
        ("330500", "湖州市"),
        ("330600", "绍兴市"),
        ("331000", "台州市"),
    ]
}

# Haixi county-level governments, by county code, and the prefecture government.
COUNTY_GOVERNMENTS = {
    "632802": Org("德令哈市人民政府", OrgKind.GOVERNMENT, AID, "632802", "德令哈市"),
    "632801": Org("格尔木市人民政府", OrgKind.GOVERNMENT, AID, "632801", "格尔木市"),
    "632803": Org(
        "茫崖市人民政府",
        OrgKind.GOVERNMENT,
        AID,
        "632803",
        "茫崖市",
        "2018年12月27日撤销茫崖行委、冷湖行委，设立县级茫崖市",
    ),
    "632821": Org("乌兰县人民政府", OrgKind.GOVERNMENT, AID, "632821", "乌兰县"),
    "632822": Org("都兰县人民政府", OrgKind.GOVERNMENT, AID, "632822", "都兰县"),
    "632823": Org("天峻县人民政府", OrgKind.GOVERNMENT, AID, "632823", "天峻县"),
    "632857": Org(
        "大柴旦行政委员会",
        OrgKind.GOVERNMENT,
        AID,
        "632857",
        "大柴旦行委",
        "海西州人民政府派出机构",
    ),
}
PREFECTURE_GOVERNMENT = Org("海西州人民政府", OrgKind.GOVERNMENT, AID, "632800", "海西州")

# F02: 海西州人民医院 and the 11 provincial hospitals, each sponsoring one department.
HAIXI_HOSPITAL = Org(
    "海西州人民医院",
    OrgKind.HOSPITAL,
    AID,
    "632800",
    "州医院",
    "2023年启动“三甲”创建；浙大附属医院等11所省级医院“以院包科”",
)
SPONSOR_HOSPITALS: list[tuple[Org, str, dt.date]] = [
    (Org("浙江大学医学院附属第一医院", OrgKind.HOSPITAL, SUP, "330100", "浙大一院"),
     "神经内科", dt.date(2023, 3, 16)),
    (Org("浙江大学医学院附属第二医院", OrgKind.HOSPITAL, SUP, "330100", "浙大二院"),
     "心血管内科", dt.date(2023, 3, 16)),
    (Org("浙江大学医学院附属邵逸夫医院", OrgKind.HOSPITAL, SUP, "330100", "邵逸夫医院"),
     "重症医学科", dt.date(2023, 3, 16)),
    (Org("浙江大学医学院附属妇产科医院", OrgKind.HOSPITAL, SUP, "330100", "浙大妇院"),
     "妇产科", dt.date(2023, 3, 16)),
    (Org("浙江大学医学院附属儿童医院", OrgKind.HOSPITAL, SUP, "330100", "浙大儿院"),
     "儿科", dt.date(2023, 3, 16)),
    (Org("浙江省人民医院", OrgKind.HOSPITAL, SUP, "330100", "省人民医院"),
     "急诊医学科", dt.date(2023, 3, 16)),
    (Org("浙江省中医院", OrgKind.HOSPITAL, SUP, "330100", "省中医院"),
     "中医科", dt.date(2023, 3, 16)),
    (Org("浙江省肿瘤医院", OrgKind.HOSPITAL, SUP, "330100", "省肿瘤医院"),
     "肿瘤科", dt.date(2023, 3, 16)),
    (Org("浙江医院", OrgKind.HOSPITAL, SUP, "330100", "浙江医院"),
     "老年病科", dt.date(2023, 3, 16)),
    (Org("浙江省立同德医院", OrgKind.HOSPITAL, SUP, "330100", "同德医院"),
     "精神科", dt.date(2023, 3, 16)),
    (Org("浙江大学医学院附属第四医院", OrgKind.HOSPITAL, SUP, "330700", "浙大四院",
         "位于金华市义乌"),
     "普通外科", dt.date(2023, 3, 16)),
]  # fmt: skip

# F01: the alliance and its member hospitals (州医院 + the 7 county-level people's hospitals).
ALLIANCE = Org(
    "海西州医疗专科联盟",
    OrgKind.ASSOCIATION,
    AID,
    "632800",
    "专科联盟",
    "2023年3月由浙江援青医疗团队组建，定期到各县市医院开展“组团式”帮扶，"
    "重点对脑血管疾病开展“治未病”",
)
COUNTY_HOSPITALS = [
    Org("德令哈市人民医院", OrgKind.HOSPITAL, AID, "632802"),
    Org("格尔木市人民医院", OrgKind.HOSPITAL, AID, "632801"),
    Org("茫崖市人民医院", OrgKind.HOSPITAL, AID, "632803"),
    Org("乌兰县人民医院", OrgKind.HOSPITAL, AID, "632821"),
    Org("都兰县人民医院", OrgKind.HOSPITAL, AID, "632822"),
    Org("天峻县人民医院", OrgKind.HOSPITAL, AID, "632823"),
    Org("大柴旦行委医院", OrgKind.HOSPITAL, AID, "632857"),
]

# F13: 3 Zhejiang vocational schools ↔ 3 Haixi vocational schools (2023).
VOCATIONAL_PAIRS: list[tuple[Org, Org, dt.date]] = [
    (
        Org("嘉兴市秀水中等专业学校", OrgKind.SCHOOL, SUP, "330400", "秀水中专"),
        Org("都兰县职业技术学校", OrgKind.SCHOOL, AID, "632822", "都兰职校"),
        dt.date(2023, 5, 18),
    ),
    (
        Org("温州市职业中等专业学校", OrgKind.SCHOOL, SUP, "330300", "温州职专"),
        Org("格尔木市职业技术学校", OrgKind.SCHOOL, AID, "632801", "格尔木职校"),
        dt.date(2023, 5, 18),
    ),
    (
        Org("杭州市电子信息职业学校", OrgKind.SCHOOL, SUP, "330100", "杭电信职校"),
        Org("海西州职业技术学校", OrgKind.SCHOOL, AID, "632802", "海西州职校"),
        dt.date(2023, 5, 18),
    ),
]

# A school pairing that ended in 2022: counts in 2022, not in 2023.
ENDED_PAIR = (
    Org("绍兴市柯桥区职业教育中心", OrgKind.SCHOOL, SUP, "330600", "柯桥职教中心"),
    Org("大柴旦行委中学", OrgKind.SCHOOL, AID, "632857"),
    dt.date(2016, 9, 1),
    dt.date(2022, 8, 31),
)

# F14: 12 Zhejiang higher-vocational colleges ↔ 柴达木职业技术学院 (2023).
CAIDAMU_COLLEGE = Org(
    "柴达木职业技术学院", OrgKind.COLLEGE, AID, "632802", "柴职院", "海西州唯一的高职院校"
)
HIGHER_VOCATIONAL_COLLEGES = [
    Org("浙江机电职业技术大学", OrgKind.COLLEGE, SUP, "330100", "浙江机电职大",
        "原浙江机电职业技术学院"),
    Org("浙江交通职业技术学院", OrgKind.COLLEGE, SUP, "330100", "浙江交院"),
    Org("浙江经济职业技术学院", OrgKind.COLLEGE, SUP, "330100", "浙经院"),
    Org("金华职业技术大学", OrgKind.COLLEGE, SUP, "330700", "金华职大",
        "原金华职业技术学院"),
    Org("宁波职业技术学院", OrgKind.COLLEGE, SUP, "330200", "宁职院"),
    Org("温州职业技术学院", OrgKind.COLLEGE, SUP, "330300", "温职院"),
    Org("杭州职业技术学院", OrgKind.COLLEGE, SUP, "330100", "杭职院"),
    Org("浙江工商职业技术学院", OrgKind.COLLEGE, SUP, "330200", "浙江工商职院"),
    Org("浙江建设职业技术学院", OrgKind.COLLEGE, SUP, "330100", "浙建院"),
    Org("浙江农业商贸职业学院", OrgKind.COLLEGE, SUP, "330600", "浙江农商院"),
    Org("浙江旅游职业学院", OrgKind.COLLEGE, SUP, "330100", "浙旅院"),
    Org("浙江医药高等专科学校", OrgKind.COLLEGE, SUP, "330200", "浙江医高专"),
]  # fmt: skip
COLLEGE_PAIRING_START = dt.date(2023, 6, 9)

# F27: “乡村振兴 1+1” village pairings (2023): Zhejiang strong village ↔ Haixi village in the
# county its city supports.
VILLAGE_PAIRS: list[tuple[Org, Org, dt.date]] = [
    (
        Org("安吉县天荒坪镇余村", OrgKind.VILLAGE, SUP, "330500", "余村",
            "湖州市安吉县；“绿水青山就是金山银山”理念发源地"),
        Org("乌兰县希里沟镇河东村", OrgKind.VILLAGE, AID, "632821", "河东村"),
        dt.date(2023, 7, 12),
    ),
    (
        Org("桐乡市高桥街道越丰村", OrgKind.VILLAGE, SUP, "330400", "越丰村", "嘉兴市桐乡市"),
        Org("都兰县香日德镇新华村", OrgKind.VILLAGE, AID, "632822", "新华村"),
        dt.date(2023, 7, 12),
    ),
    (
        Org("奉化区萧王庙街道滕头村", OrgKind.VILLAGE, SUP, "330200", "滕头村", "宁波市奉化区"),
        Org("天峻县新源镇梅陇村", OrgKind.VILLAGE, AID, "632823", "梅陇村"),
        dt.date(2023, 7, 12),
    ),
]  # fmt: skip

# An enterprise helping a village (企业-村, 2023).
ENTERPRISE_VILLAGE = (
    Org("嘉兴禾城农业发展有限公司", OrgKind.ENTERPRISE, SUP, "330400", "禾城农发"),
    Org("都兰县宗加镇诺木洪村", OrgKind.VILLAGE, AID, "632822", "诺木洪村"),
    dt.date(2023, 9, 6),
)

# Other organisations named in the article or needed for realism (no pairing of their own).
OTHER_ORGS = [
    Org("浙江工业大学", OrgKind.COLLEGE, SUP, "330100", "浙工大", "与海西州签订战略合作协议"),
    Org("浙江省农业科学院", OrgKind.OTHER, SUP, "330100", "浙江省农科院",
        "与海西州签订战略合作协议"),
    Org("都兰县第一小学", OrgKind.SCHOOL, AID, "632822", "都兰一小",
        "2023年8月学生参加“浙里石榴红·同心享亚运”青少年夏令营"),
    Org("都兰县诺木洪枸杞专业合作社", OrgKind.COOPERATIVE, AID, "632822", "诺木洪枸杞社"),
    Org("乌兰县茶卡羊养殖专业合作社", OrgKind.COOPERATIVE, AID, "632821", "茶卡羊合作社"),
    Org("海西州柴达木盐羊产业发展有限公司", OrgKind.ENTERPRISE, AID, "632800", "柴达木盐羊",
        "“柴达木盐羊”为青海唯一入驻杭州亚运会的绿色有机农畜产品"),
    Org("格尔木市唐古拉山镇长江源村", OrgKind.VILLAGE, AID, "632801", "长江源村",
        "长江源村产业园2023年建成使用"),
]  # fmt: skip


# The operator of one “十城百店” shop (杭州十城百店·西湖店, consumption demo): its liaison enters
# the shop's monthly sales.
SHOP_OPERATOR = "杭州西湖青海好物商贸有限公司"
SHOP_OPERATOR_ORG = Org(SHOP_OPERATOR, OrgKind.ENTERPRISE, SUP, "330100", "青海好物西湖店",
                        "“十城百店”杭州西湖店的运营单位")  # fmt: skip


def all_orgs() -> list[Org]:
    """Every demo organisation, in a fixed order (which also fixes their credit codes)."""
    orgs = [HEADQUARTERS, *CITY_GOVERNMENTS.values(), *COUNTY_GOVERNMENTS.values()]
    orgs += [PREFECTURE_GOVERNMENT, HAIXI_HOSPITAL]
    orgs += [org for org, _dept, _start in SPONSOR_HOSPITALS]
    orgs += [ALLIANCE, *COUNTY_HOSPITALS]
    for zj, hx, _start in VOCATIONAL_PAIRS:
        orgs += [zj, hx]
    orgs += [ENDED_PAIR[0], ENDED_PAIR[1], CAIDAMU_COLLEGE, *HIGHER_VOCATIONAL_COLLEGES]
    for zj, hx, _start in VILLAGE_PAIRS:
        orgs += [zj, hx]
    orgs += [ENTERPRISE_VILLAGE[0], ENTERPRISE_VILLAGE[1], *OTHER_ORGS]
    orgs += [SHOP_OPERATOR_ORG]
    return orgs


# --- Credit codes ----------------------------------------------------------------------------


def _body8(name: str, salt: int) -> str:
    """Eight deterministic code characters (digits and GB 32100 letters) from the name."""
    digest = hashlib.sha256(f"{name}#{salt}".encode()).digest()
    return "".join(USCC_CHARSET[b % len(USCC_CHARSET)] for b in digest[:8])


def credit_code_for(org: Org, taken: set[str]) -> str:
    """A valid 统一社会信用代码 for a demo organisation, not in `taken`."""
    prefix = USCC_PREFIX[OrgKind(org.kind)]
    salt = 0
    while True:
        code = make_uscc(prefix, org.division, _body8(org.name, salt))
        if code not in taken:
            return code
        salt += 1


# --- Loading ---------------------------------------------------------------------------------


class _Loader:
    def __init__(self, stdout=None, *, demo_database: bool = True) -> None:
        self.stdout = stdout
        # On a database that is not a demo one (`duikou demo --force`), the public demo password
        # is never set and existing users are never touched.
        self.demo_database = demo_database
        self.stats: dict[str, Counter] = {}
        self.divisions = {d.code: d for d in Division.objects.all()}
        self.orgs: dict[str, Organisation] = {}

    def note(self, what: str, outcome: str) -> None:
        self.stats.setdefault(what, Counter())[outcome] += 1

    def division(self, code: str) -> Division:
        try:
            return self.divisions[code]
        except KeyError:
            raise LookupError(f"行政区划 {code} 不存在：请先执行 migrate") from None

    # Organisations --------------------------------------------------------------------------

    def organisations(self) -> None:
        orgs = all_orgs()
        names = [o.name for o in orgs]
        assert len(names) == len(set(names)), "duplicate demo organisation name"
        # Codes held by organisations outside the demo set must not be reused.
        taken = set(
            Organisation.objects.exclude(name__in=names)
            .exclude(credit_code="")
            .values_list("credit_code", flat=True)
        )
        for spec in orgs:
            code = credit_code_for(spec, taken)
            taken.add(code)
            self.orgs[spec.name] = self.organisation(spec, code)

    def organisation(self, spec: Org, code: str) -> Organisation:
        data: dict[str, Any] = {
            "name": spec.name,
            "short_name": spec.short_name,
            "kind": spec.kind,
            "side": spec.side,
            "division": self.division(spec.division),
            "credit_code": code,
            "note": spec.note,
        }
        existing = Organisation.objects.filter(name=spec.name).first()
        if existing is None:
            self.note("单位", "新建")
            return services.organisation_create(actor=None, **data)
        if _differs(existing, data):
            self.note("单位", "更新")
            return services.organisation_update(actor=None, organisation=existing, **data)
        self.note("单位", "未变")
        return existing

    def members(self, alliance: Organisation, members: list[Organisation]) -> None:
        if set(alliance.members.values_list("pk", flat=True)) == {m.pk for m in members}:
            self.note("联盟成员", "未变")
            return
        services.organisation_set_members(actor=None, organisation=alliance, members=members)
        self.note("联盟成员", "更新")

    # Departments ----------------------------------------------------------------------------

    def departments(self, hospital: Organisation) -> dict[str, Department]:
        found: dict[str, Department] = {}
        for row in reference.hospital_departments():
            name = _clean_department_name(row["name"])
            code = (row.get("catalogue_code") or "").split(" ")[0]
            existing = Department.objects.filter(organisation=hospital, name=name).first()
            if existing is not None:
                self.note("科室", "未变")
                found[name] = existing
                continue
            found[name] = services.department_create(
                actor=None, organisation=hospital, name=name, catalogue_code=code
            )
            self.note("科室", "新建")
        return found

    # Pairings -------------------------------------------------------------------------------

    def pairing(
        self,
        kind: str,
        zhejiang: Org,
        haixi: Org,
        start: dt.date,
        *,
        end: dt.date | None = None,
        department: Department | None = None,
        agreement: str = "",
        note: str = "",
    ) -> Pairing:
        zj, hx = self.orgs[zhejiang.name], self.orgs[haixi.name]
        data: dict[str, Any] = {
            "start_date": start,
            "end_date": end,
            "agreement_title": agreement,
            "note": note,
        }
        existing = Pairing.objects.filter(
            kind=kind, zhejiang_org=zj, haixi_org=hx, haixi_department=department
        ).first()
        if existing is None:
            self.note("结对", "新建")
            return services.pairing_create(
                actor=None,
                kind=kind,
                zhejiang_org=zj,
                haixi_org=hx,
                haixi_department=department,
                **data,
            )
        if _differs(existing, data):
            self.note("结对", "更新")
            return services.pairing_update(actor=None, pairing=existing, **data)
        self.note("结对", "未变")
        return existing

    def pairings(self, departments: dict[str, Department]) -> None:
        # The 7 city↔county pairings, from the Division.paired_city table.
        for county in Division.objects.filter(paired_city__isnull=False).select_related(
            "paired_city"
        ):
            city = county.paired_city
            if city.code not in CITY_GOVERNMENTS or county.code not in COUNTY_GOVERNMENTS:
                continue
            zj, hx = CITY_GOVERNMENTS[city.code], COUNTY_GOVERNMENTS[county.code]
            if county.code == "632803":
                start = dt.date(2018, 12, 27)
                note = "台州市自2010年对口支援茫崖行委；2018年12月27日设立县级茫崖市后延续结对"
            else:
                start, note = dt.date(2010, 1, 1), "2010年对口援青工作启动以来结对"
            self.pairing(
                PairingKind.CITY_COUNTY,
                zj,
                hx,
                start,
                agreement=f"{city.name}—{hx.short_name or hx.name}对口支援协议",
                note=note,
            )

        # F02 以院包科: each provincial hospital sponsors one department of 海西州人民医院.
        for hospital, dept_name, start in SPONSOR_HOSPITALS:
            self.pairing(
                PairingKind.HOSPITAL_DEPARTMENT,
                hospital,
                HAIXI_HOSPITAL,
                start,
                department=departments[dept_name],
                agreement="以院包科帮扶协议",
                note=f"{hospital.short_name}包{dept_name}（2023年新一轮医疗合作协议）",
            )

        # F13 vocational schools.
        for zj, hx, start in VOCATIONAL_PAIRS:
            self.pairing(
                PairingKind.SCHOOL_SCHOOL,
                zj,
                hx,
                start,
                agreement="中等职业教育支援帮扶合作协议",
                note="浙江3所中职学校与海西3所中职学校签订支援帮扶合作协议",
            )
        zj, hx, start, end = ENDED_PAIR
        self.pairing(
            PairingKind.SCHOOL_SCHOOL,
            zj,
            hx,
            start,
            end=end,
            agreement="教育结对帮扶协议（2016—2022）",
            note="协议期满，未续签",
        )

        # F14 higher-vocational colleges → 柴达木职业技术学院.
        for college in HIGHER_VOCATIONAL_COLLEGES:
            self.pairing(
                PairingKind.COLLEGE_COLLEGE,
                college,
                CAIDAMU_COLLEGE,
                COLLEGE_PAIRING_START,
                agreement="高职院校结对帮扶协议",
                note="浙江12所高职院校结对帮扶柴达木职业技术学院",
            )

        # F27 “乡村振兴 1+1” and one enterprise helping a village.
        for zj, hx, start in VILLAGE_PAIRS:
            self.pairing(
                PairingKind.VILLAGE_VILLAGE,
                zj,
                hx,
                start,
                agreement="“乡村振兴1+1”强村结对协议",
                note="浙江强村与海西强村“乡村振兴1+1”结对试点",
            )
        zj, hx, start = ENTERPRISE_VILLAGE
        self.pairing(
            PairingKind.ENTERPRISE_VILLAGE,
            zj,
            hx,
            start,
            agreement="村企结对帮扶协议",
            note="枸杞种植技术指导与订单收购",
        )

    # Users ----------------------------------------------------------------------------------

    def users(self) -> list[dict]:
        dulan = self.division("632822")
        wulan = self.division("632821")
        dulan_hospital = self.orgs["都兰县人民医院"]
        haixi_hospital = self.orgs[HAIXI_HOSPITAL.name]
        specs = [
            ("hq", "陈晓燕", Role.HEADQUARTERS, None, [], True,
             "全部数据，可录入和修改；超级管理员，可进入后台管理"),
            ("dulan", "王建国", Role.COUNTY_TEAM, None, [dulan], False,
             "嘉兴援青都兰工作组：都兰县的单位和结对，以及嘉兴市的支援单位"),
            ("wulan", "沈立新", Role.COUNTY_TEAM, None, [wulan], False,
             "湖州援青乌兰工作组：乌兰县的单位和结对，以及湖州市的支援单位"),
            ("liaison", "马福成", Role.LIAISON, dulan_hospital, [], False,
             "都兰县人民医院联络员：本单位及其结对单位的数据，可修改本单位信息"),
            ("doctor", "李静", Role.AID_STAFF, haixi_hospital, [], False,
             "援青医生（海西州人民医院）：本院及其11所以院包科结对医院的数据，只读"),
            ("viewer", "审计观察员", Role.VIEWER, None, [], False,
             "全部数据只读，不显示个人信息"),
            ("shop", "周晓梅", Role.LIAISON, self.orgs[SHOP_OPERATOR], [], False,
             "十城百店·西湖店联络员：本店的销售记录，可按月填报"),
        ]  # fmt: skip
        out = []
        with translation.override("zh-hans"):
            for username, full_name, role, org, counties, admin, scope in specs:
                _, password = _demo_user(username, full_name, role, org, counties, admin, self)
                out.append(
                    {
                        "username": username,
                        "password": password,
                        "role": str(role.label),
                        "scope": scope,
                        "full_name": full_name,
                    }
                )
        return out

    def report(self) -> None:
        if self.stdout is None:
            return
        for what, counter in self.stats.items():
            parts = "，".join(f"{k} {v}" for k, v in counter.items())
            self.stdout.write(f"  {what}：{parts}")


def _differs(instance: Any, data: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in data.items())


def _clean_department_name(name: str) -> str:
    # Reference names carry glosses: "重症医学科 (ICU)", "感染性疾病科 (传染科)".
    return name.split(" (")[0].strip()


def _demo_user(
    username: str,
    full_name: str,
    role: str,
    organisation: Organisation | None,
    counties: list[Division],
    admin: bool,
    loader: _Loader,
) -> tuple[User, str]:
    """The demo user and the password to show for it.

    A new user gets the public demo password on a demo database, else a random one it must
    change at first sign-in. An existing user's password is never reset (it may have been
    changed on purpose); on a demo database its role and scope are put back to the demo's, on
    any other database the user is left exactly as it is.
    """
    wanted = {
        "full_name": full_name,
        "role": role,
        "organisation": organisation,
        "is_staff": admin,
        "is_superuser": admin,
        "is_active": True,
    }
    user = User.objects.filter(username=username).first()
    if user is None:
        if loader.demo_database:
            password = DEMO_PASSWORD
            user = User(username=username, **wanted)
        else:
            password = secrets.token_urlsafe(12)
            user = User(username=username, must_change_password=True, **wanted)
        user.set_password(password)
        user.save()
        user.counties.set(counties)
        loader.note("用户", "新建")
        return user, password
    if not loader.demo_database:
        loader.note("用户", "未变")
        return user, KEPT_PASSWORD
    changed = _differs(user, wanted)
    for name, value in wanted.items():
        setattr(user, name, value)
    if changed:
        user.save()
        loader.note("用户", "更新")
    else:
        loader.note("用户", "未变")
    if set(user.counties.values_list("pk", flat=True)) != {c.pk for c in counties}:
        user.counties.set(counties)
    return user, DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else KEPT_PASSWORD


@dataclass(frozen=True)
class RegistryDemo:
    """What the registry part of the demo hands back to the orchestrator (duikou.demo)."""

    signins: list[dict]  # the demo sign-ins (username, password, role, scope)
    report: Callable[[], None]  # prints the registry's load counts (the orchestrator's last lines)


def load_registry_demo(stdout=None, *, demo_database: bool = True) -> RegistryDemo:
    """Load the registry's demo: organisations, departments, alliance members, pairings, users.

    The whole demo (with each ledger's part) is loaded by duikou.demo.loader.load_demo.
    """
    loader = _Loader(stdout, demo_database=demo_database)
    with transaction.atomic():
        loader.organisations()
        departments = loader.departments(loader.orgs[HAIXI_HOSPITAL.name])
        loader.members(
            loader.orgs[ALLIANCE.name],
            [loader.orgs[HAIXI_HOSPITAL.name]] + [loader.orgs[h.name] for h in COUNTY_HOSPITALS],
        )
        loader.pairings(departments)
        signins = loader.users()
    return RegistryDemo(signins=signins, report=loader.report)
