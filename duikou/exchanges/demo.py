# ruff: noqa: E501 - the demo tables read best one record a line
"""The demo exchanges ledger (F15, F16, F19, F20, F24 of seed-facts.md).

- 2023, the Asian Games exchange year (亚运交流年): the 浙里石榴红 summer camps, an exhibition
  and a contest around the Games, tourism promotions, a training camp, a workers' retreat, and
  the two flights opened as 航线开通 events (德令哈–杭州 2023-06, 格尔木–温州 resumed 2023-07);
- 2024: the exhibitions (F24) and a camp; a few events in 2021, 2022, 2025 and 2026 for trends;
- off-site classes (异地班): 3 new majors with 118 students in 2023 (F15), others in other years;
- hand-entered indicators with their source documents: 浙江游客人次 1100000 人次 in 2023 (F20)
  and 浙江高校录取海西籍学生 70 人 in 2023 (F16), with 2021–2024 for trends.

Everything goes through duikou.exchanges.services, in history. Deterministic and idempotent:
events are found by (title, start date), classes by (school, major, intake year), indicator
values by (indicator, year); what exists is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from duikou.accounts.models import User
from duikou.core.demokit import DemoLoader
from duikou.core.models import Division
from duikou.exchanges import services
from duikou.exchanges.models import Event, Indicator, IndicatorValue, OffsiteClass

D = dt.date
HQ = "浙江省援青指挥部"
COLLEGE = "柴达木职业技术学院"
CAMP_TITLE = "“浙里石榴红·同心享亚运”海西青少年夏令营"
FLIGHTS = ("德令哈—杭州往返航线开通", "格尔木—温州往返航线复航")

# kind, title, start, end, places (division codes), organisers, haixi, zhejiang, note
EVENTS = [
    # 2023, the Asian Games exchange year
    ("文旅推介", "“大美青海·秘境海西”文旅推介会（杭州）", D(2023, 4, 18), D(2023, 4, 18), ["330100"], [HQ, "海西州人民政府"], 45, 320, "亚运交流年开年推介，发布亲子度夏、自驾旅游线路"),
    ("文旅推介", "海西文旅推介会（宁波）", D(2023, 5, 11), D(2023, 5, 11), ["330200"], [HQ, "宁波市人民政府"], 30, 260, ""),
    ("航线开通", FLIGHTS[0], D(2023, 6, 16), D(2023, 6, 16), ["632802", "330100"], [HQ, "德令哈市人民政府", "杭州市人民政府"], 120, 150, "德令哈—杭州往返航线首航，每周三班"),
    ("疗休养", "浙江劳模职工赴海西疗休养（第一批）", D(2023, 7, 3), D(2023, 7, 9), ["632821", "632802"], ["湖州市人民政府"], 12, 86, "工会疗养线路：茶卡盐湖、柯鲁柯"),
    ("航线开通", FLIGHTS[1], D(2023, 7, 8), D(2023, 7, 8), ["632801", "330300"], [HQ, "格尔木市人民政府", "温州市人民政府"], 110, 140, "格尔木—温州往返航线复航"),
    ("夏令营", CAMP_TITLE, D(2023, 8, 1), D(2023, 8, 7), ["330100", "330400"], [HQ, "都兰县第一小学"], 60, 45, "海西各族青少年赴杭州、嘉兴研学，观摩亚运场馆"),
    ("夏令营", "“浙里石榴红”浙青少年手拉手夏令营（都兰）", D(2023, 8, 14), D(2023, 8, 19), ["632822"], ["嘉兴市人民政府", "都兰县第一小学"], 50, 40, "嘉兴学生赴都兰，与都兰一小学生结对"),
    ("展览", "亚运交流年·海西非遗与柴达木风物展", D(2023, 9, 20), D(2023, 10, 8), ["330100"], [HQ, "海西州柴达木盐羊产业发展有限公司"], 25, 5200, "杭州亚运会期间展出，柴达木盐羊为青海唯一入驻亚运会的绿色有机农畜产品"),
    ("比赛", "亚运交流年·浙青青少年篮球友谊赛", D(2023, 10, 14), D(2023, 10, 15), ["632802"], [HQ, "德令哈市人民政府"], 96, 48, ""),
    ("培训营", "海西州青年干部浙江“千万工程”培训营", D(2023, 11, 6), D(2023, 11, 17), ["330100", "330500"], [HQ], 42, 0, "浙江“千万工程”培训演示中心现场教学"),
    # 2024: the exhibitions (F24) and a camp
    ("展览", "“浙青同心”海西摄影展", D(2024, 5, 20), D(2024, 6, 2), ["330100"], [HQ], 10, 3800, ""),
    ("展览", "柴达木绿色有机农畜产品展（浙江农博会）", D(2024, 11, 22), D(2024, 11, 25), ["330100"], [HQ, "海西州柴达木盐羊产业发展有限公司"], 35, 12000, ""),
    ("展览", "海西民族团结进步成就展（嘉兴）", D(2024, 9, 10), D(2024, 9, 30), ["330400"], ["嘉兴市人民政府", "都兰县人民政府"], 15, 2600, ""),
    ("夏令营", "“浙里石榴红”海西青少年夏令营（2024）", D(2024, 7, 22), D(2024, 7, 28), ["330100", "330500"], [HQ], 64, 50, ""),
    ("文旅推介", "海西文旅推介会（温州）", D(2024, 4, 16), D(2024, 4, 16), ["330300"], [HQ, "格尔木市人民政府"], 28, 240, ""),
    # other years, for trends
    ("夏令营", "浙青少年研学夏令营（2021）", D(2021, 7, 19), D(2021, 7, 25), ["330100"], [HQ], 40, 30, ""),
    ("文旅推介", "海西文旅推介会（杭州，2022）", D(2022, 6, 9), D(2022, 6, 9), ["330100"], [HQ], 20, 180, ""),
    ("夏令营", "“浙里石榴红”海西青少年夏令营（2022）", D(2022, 8, 8), D(2022, 8, 13), ["330400"], [HQ, "都兰县第一小学"], 45, 35, ""),
    ("培训营", "乌兰县乡村振兴带头人湖州培训营", D(2022, 10, 10), D(2022, 10, 21), ["330500"], ["湖州市人民政府", "乌兰县人民政府"], 38, 0, ""),
    ("夏令营", "“浙里石榴红”海西青少年夏令营（2025）", D(2025, 7, 21), D(2025, 7, 27), ["330100", "330600"], [HQ], 66, 52, ""),
    ("比赛", "浙青职业院校技能交流赛", D(2025, 11, 4), D(2025, 11, 6), ["632802"], [HQ, COLLEGE], 80, 60, ""),
    ("文旅推介", "海西文旅推介会（台州，2026）", D(2026, 4, 21), D(2026, 4, 21), ["331000"], [HQ, "台州市人民政府"], 26, 230, ""),
]  # fmt: skip

# Named participants of the 2023 camp (invented; phones in the 139 0000 test range).
CAMP_PEOPLE = [
    ("马晓梅", "海西", "都兰县第一小学", "13900000101"),
    ("才让东智", "海西", "都兰县第一小学", "13900000102"),
    ("周文杰", "浙江", "嘉兴市南湖区实验小学", "13900000103"),
]

# school, major, intake year, students (2023: 3 majors, 118 students — F15)
CLASSES = [
    ("浙江机电职业技术大学", "新能源发电工程技术", 2023, 40),
    ("浙江交通职业技术学院", "新能源汽车技术", 2023, 38),
    ("浙江旅游职业学院", "旅游管理", 2023, 40),
    ("浙江经济职业技术学院", "电子商务", 2022, 36),
    ("杭州职业技术学院", "智能制造装备技术", 2022, 34),
    ("浙江建设职业技术学院", "建筑工程技术", 2024, 42),
    ("浙江医药高等专科学校", "药学", 2024, 40),
    ("宁波职业技术学院", "工业机器人技术", 2025, 38),
]

# name, unit, description, {year: (value, source)}
INDICATORS = [
    ("浙江游客人次", "人次", "来海西景点旅游的浙江游客人次（无逐人记录，按文旅部门统计填报）", {
        2021: ("620000", "海西州文体旅游广电局《2021年全州旅游市场统计》"),
        2022: ("480000", "海西州文体旅游广电局《2022年全州旅游市场统计》"),
        2023: ("1100000", "海西州文体旅游广电局《2023年全州旅游市场统计》（海文旅〔2024〕5号）"),
        2024: ("1250000", "海西州文体旅游广电局《2024年全州旅游市场统计》"),
    }),
    ("浙江高校录取海西籍学生", "人", "浙江高校当年录取的海西籍高校毕业生（按教育部门统计填报）", {
        2021: ("45", "海西州教育局《2021年高校招生录取情况》"),
        2022: ("56", "海西州教育局《2022年高校招生录取情况》"),
        2023: ("70", "海西州教育局《2023年浙江高校招收海西籍学生情况的报告》"),
        2024: ("78", "海西州教育局《2024年高校招生录取情况》"),
    }),
]  # fmt: skip


class _Loader(DemoLoader):
    def __init__(self, stdout=None) -> None:
        super().__init__(stdout)
        self.divisions = {d.code: d for d in Division.objects.filter(code__startswith="6328")}
        self.divisions.update({d.code: d for d in Division.objects.filter(code__startswith="33")})
        self.hq = User.objects.filter(username="hq", role="headquarters").first()

    def load(self) -> None:
        existing = set(Event.objects.values_list("title", "start_date"))
        for kind, title, start, end, places, orgs, haixi, zhejiang, note in EVENTS:
            if (title, start) in existing:
                self.note("交流活动", "已有")
                continue
            event = services.event_create(
                actor=None,
                kind=kind,
                title=title,
                start_date=start,
                end_date=end,
                places=[self.divisions[c] for c in places],
                organisers=[self.org(n) for n in orgs],
                haixi_count=haixi,
                zhejiang_count=zhejiang,
                note=note,
            )
            self.note("交流活动", "新建")
            if title == CAMP_TITLE:
                for name, side, org, phone in CAMP_PEOPLE:
                    services.participant_add(
                        actor=None, event=event, name=name, side=side, organisation=org, phone=phone
                    )
        college = self.org(COLLEGE)
        have = set(OffsiteClass.objects.values_list("school__name", "major", "intake_year"))
        for school, major, year, students in CLASSES:
            if (school, major, year) in have:
                self.note("异地班", "已有")
                continue
            services.offsite_class_create(
                actor=None,
                school=self.org(school),
                haixi_org=college,
                major=major,
                intake_year=year,
                students=students,
            )
            self.note("异地班", "新建")
        for name, unit, description, values in INDICATORS:
            indicator = Indicator.objects.filter(name=name).first() or services.indicator_create(
                actor=None, name=name, unit=unit, description=description
            )
            for year, (value, source) in values.items():
                if IndicatorValue.objects.filter(indicator=indicator, year=year).exists():
                    self.note("填报指标", "已有")
                    continue
                services.indicator_value_set(
                    actor=self.hq,
                    indicator=indicator,
                    year=year,
                    value=value,
                    source=source,
                    entered_at=timezone.make_aware(dt.datetime(year + 1, 1, 20, 10, 0)),
                )
                self.note("填报指标", "新建")

    def check(self) -> None:
        classes = OffsiteClass.objects.filter(intake_year=2023)
        assert classes.count() == 3 and sum(c.students for c in classes) == 118
        flights = Event.objects.filter(kind="航线开通", start_date__year=2023)
        assert set(flights.values_list("title", flat=True)) == set(FLIGHTS)

    def report(self) -> None:
        if self.stdout is None:
            return
        for what, counts in self.stats.items():
            parts = "，".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"  {what}：{parts}")


def load_exchanges_demo(stdout=None) -> None:
    """Load the demo events, off-site classes and indicators (idempotent)."""
    loader = _Loader(stdout)
    with transaction.atomic():
        loader.load()
        loader.check()
    loader.report()
