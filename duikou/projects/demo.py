"""The demo projects: Zhejiang's 十四五 aid programme for Haixi as individual project records.

`load_projects_demo()` loads the five-year plan, its annual plans and, for every plan year
2021–2026, individual projects with their money flows (下达 / 拨付 / 支出) and progress reports.
Projects, flows and reports go through `duikou.projects.services` with actor=None (a system
load), so every record is validated, balance-checked and has its history. Projects are created
as an import would create them (`via_import=True`), stating where each stands today (the data
set describes the programme as of late November 2026). There is no service for plans: they are
saved through the ORM, validated with `full_clean()` and recorded in history with no user.

It is idempotent: plans are looked up by name / year, projects by code, flows by
(project, voucher), progress reports by (project, date). Only what is missing or different is
written; a second run changes nothing.

The 2023 projects reproduce, through the reports' `figures.projects(2023)`, the figures of the
seed article (/work/shared/design/seed-facts.md):

- F08: 6 projects of category 医疗卫生 whose 援助资金 sum to 1407 万元;
- F11: 20 projects of category 教育 summing to 4730 万元 (the article's “文化教育项目 20 个”; no
  2023 project is filed under 文化, so the 20 are the culture-and-education projects);
- F25: 18 projects of category 保障和改善民生 summing to 1.02 亿元, all committed (下达) in 2023;
- F26: the four named industry projects, category 产业支援 (the only 2023 ones), 5470 万元,
  status 完工 with actual start and finish in 2023;
- F28: the 十四五 plan 2021–2025 with its five annual plans.

F07, the 300 万元 off-budget (预算外 / 计划外) special fund for the “四百” programme, is money
outside the fiscal aid plan: it is not 援助资金, and filing it as a 7th 医疗卫生 project would
break F08's 6 projects / 1407 万元. It is one project of category 其他,
“‘四百’工程专项资金（计划外）”, with 社会资金 300 万元 and 援助资金 0, whose 社会资金 flows are
recorded like any other source.

Beyond the article: the 2026 projects (the current year) belong to an annual plan of a
“十五五” plan 2026–2030, since an annual plan must sit inside its five-year plan. 州本级
projects (prefecture hospital, college, headquarters programmes) are sited in 德令哈市 with
location “州本级” and no pairing city: they are run by the headquarters, not by 杭州. Flows
follow a common pattern: an advance after the commitment, a progress payment per construction
season, and the balance (尾款) only after acceptance and audit, so projects that are 完工 but not
yet 验收 still wait for it; implementers book their spending (支出) once a year.

Everything else is plausible, not factual: names follow the places and initiatives of the
article, amounts are uneven and written out below in 万元, and the loader asserts the sums.
Dates, tranches and progress reports are derived from each project's code by a seeded random
generator, so every run produces the same records. Three projects are left lagging so the
alerts have something to show: a 2023 在建 heating network with low disbursement, a 2023 立项
project that never started, and a 2025 在建 water-supply project with no progress report since
August 2026.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Sum

from duikou.core.demokit import DemoLoader
from duikou.core.models import Division
from duikou.core.vocab import (
    BuildType,
    FlowType,
    FundingSource,
    ProjectCategory,
    ProjectMode,
    ProjectStatus,
)
from duikou.lib.money import WAN
from duikou.projects import services
from duikou.projects.models import AnnualPlan, FiveYearPlan, MoneyFlow, ProgressReport, Project

# No record of the demo is dated later than this: the data set is the programme as of late
# November 2026 (actual dates may not lie in the future).
LAST_DATE = dt.date(2026, 11, 25)

ACC = ProjectStatus.ACCEPTED
DONE = ProjectStatus.COMPLETED
BUILD = ProjectStatus.BUILDING
APPR = ProjectStatus.APPROVED
SUSP = ProjectStatus.SUSPENDED
CANC = ProjectStatus.CANCELLED

C = ProjectCategory
NEW, CONT = BuildType.NEW, BuildType.CONTINUING
KEY, CHEQUE = ProjectMode.TURNKEY, ProjectMode.CHEQUE

# Kinds of work, which shape the schedule and the progress texts.
WORKS, EQUIPMENT, ACTIVITY = "工程", "设备", "活动"

# --- Plans ---------------------------------------------------------------------------------------

FIVE_YEAR_PLAN = "浙江省对口支援海西州“十四五”规划"
FIVE_YEAR_NOTE = (
    "浙江省对口支援海西州2021—2025年援青项目规划，按年度下达项目计划。"
    "2024年海西州迎来建州70周年，也是援青项目“十四五”规划实施建设的关键一年。"
)
NEXT_PLAN = "浙江省对口支援海西州“十五五”规划"
NEXT_NOTE = "2026—2030年援青项目规划；2026年度计划为规划首年计划。"

ANNUAL_ISSUED = {
    2021: dt.date(2021, 4, 12),
    2022: dt.date(2022, 3, 28),
    2023: dt.date(2023, 3, 20),
    2024: dt.date(2024, 3, 18),
    2025: dt.date(2025, 3, 24),
    2026: dt.date(2026, 3, 23),
}
ANNUAL_NOTES = {
    2021: "“十四五”规划首年。",
    2022: "全年援青资金2.5731亿元。",
    2023: "医疗卫生能力提升项目6个、文化教育项目20个，保障和改善民生类项目资金1.02亿元。",
    2024: "“十四五”规划实施建设的关键一年；海西州建州70周年。",
    2025: "“十四五”规划收官之年。",
    2026: "“十五五”规划首年。",
}

# --- Places --------------------------------------------------------------------------------------

# Where a project sits: a Haixi county-level unit, or 州本级 (prefecture bodies in 德令哈市).
COUNTY_CODES = {
    "德令哈": "632802",
    "格尔木": "632801",
    "茫崖": "632803",
    "乌兰": "632821",
    "都兰": "632822",
    "天峻": "632823",
    "大柴旦": "632857",
    "州": "632802",
}
GOVERNMENTS = {
    "德令哈": "德令哈市人民政府",
    "格尔木": "格尔木市人民政府",
    "茫崖": "茫崖市人民政府",
    "乌兰": "乌兰县人民政府",
    "都兰": "都兰县人民政府",
    "天峻": "天峻县人民政府",
    "大柴旦": "大柴旦行政委员会",
    "州": "海西州人民政府",
}
HQ = "浙江省援青指挥部"
PREFECTURE = "州"


@dataclass(frozen=True)
class Row:
    """One demo project as written below; amounts in 万元 with up to two decimals."""

    name: str
    where: str  # a key of COUNTY_CODES
    wan: str  # 援助资金
    status: str
    text: str
    org: str = ""  # implementer (a registry demo organisation); default: the local government
    kind: str = WORKS
    place: str = ""  # 乡镇/村
    local: str = "0"  # 地方配套
    social: str = "0"  # 社会资金
    build: str = NEW
    mode: str = ""  # default: 交钥匙 when the headquarters implements, else 交支票
    dates: tuple[str, str, str, str] | None = None  # planned start/finish, actual start/finish
    lag: str = ""  # "slow", "not_started" or "no_report": left lagging on purpose


R = Row

# --- 2021 ----------------------------------------------------------------------------------------

Y2021 = {
    C.LIVELIHOOD: [
        R("天峻县牧民定居房建设（一期）", "天峻", "2380.00", ACC,
          "新建牧民定居房420套，配套院落围墙和入户道路", place="新源镇、江河镇", local="600.00"),
        R("都兰县察汗乌苏镇老旧小区改造", "都兰", "1160.00", ACC,
          "改造老旧小区12个，更新供热、供水管网和外墙保温", place="察汗乌苏镇"),
        R("乌兰县铜普镇村道硬化", "乌兰", "735.00", ACC,
          "硬化村道38公里，新建错车道和安保设施", place="铜普镇"),
        R("格尔木市河西街道社区综合服务中心", "格尔木", "618.50", ACC,
          "新建社区综合服务中心2600平方米，设日间照料、卫生服务和便民服务站",
          place="河西街道"),
        R("德令哈市柯鲁柯镇农牧民饮水安全工程", "德令哈", "842.00", ACC,
          "新建水源井4眼、蓄水池3座，铺设供水管网46公里，惠及2100户", place="柯鲁柯镇"),
        R("茫崖市花土沟镇保障性住房配套设施", "茫崖", "956.00", ACC,
          "完善保障性住房小区供热、道路、停车和绿化等配套设施", place="花土沟镇"),
        R("大柴旦行委柴旦镇供水管网改造", "大柴旦", "688.00", ACC,
          "改造老旧供水管网21公里，新建加压泵站1座", place="柴旦镇"),
        R("都兰县热水乡巩固拓展脱贫攻坚成果衔接项目", "都兰", "903.00", ACC,
          "实施脱贫村道路、饮水和村级综合服务设施补短板", place="热水乡"),
    ],
    C.INDUSTRY: [
        R("都兰县枸杞产业提质增效项目", "都兰", "1380.00", ACC,
          "建设枸杞烘干车间和冷库，推广有机枸杞标准化种植1.2万亩",
          org="都兰县诺木洪枸杞专业合作社", place="宗加镇诺木洪村", social="400.00"),
        R("乌兰县茶卡羊标准化养殖基地", "乌兰", "1120.00", ACC,
          "新建标准化暖棚羊舍60栋、饲草料库和防疫设施",
          org="乌兰县茶卡羊养殖专业合作社", place="茶卡镇"),
        R("格尔木市藜麦精深加工车间", "格尔木", "965.00", DONE,
          "建设藜麦清选、脱皂和包装生产线，配套仓储", place="郭勒木德镇"),
    ],
    C.EDUCATION: [
        R("格尔木市第二中学教学楼抗震加固", "格尔木", "760.00", ACC,
          "教学楼抗震加固和节能改造1.1万平方米"),
        R("天峻县第二幼儿园建设", "天峻", "680.00", ACC,
          "新建9个班规模幼儿园，建筑面积3200平方米", place="新源镇"),
        R("德令哈市第三小学综合楼", "德令哈", "845.00", ACC,
          "新建综合楼4800平方米，含功能教室、图书室和风雨操场"),
    ],
    C.MEDICAL: [
        R("海西州人民医院信息化建设（一期）", "州", "980.00", ACC,
          "建设医院信息集成平台、电子病历系统和远程医疗专网",
          org="海西州人民医院", kind=EQUIPMENT, mode=KEY),
        R("乌兰县人民医院住院楼改造", "乌兰", "690.00", ACC,
          "改造住院楼5600平方米，新增病床60张", org="乌兰县人民医院"),
    ],
    C.CULTURE: [
        R("德令哈市海子诗歌陈列馆展陈提升", "德令哈", "186.00", ACC,
          "更新展陈内容和多媒体展示设备", kind=EQUIPMENT),
        R("天峻县民族文化活动中心", "天峻", "438.00", ACC,
          "新建民族文化活动中心，含排练厅、展厅和群众活动室", place="新源镇"),
    ],
    C.EXCHANGE: [
        R("浙青两地青少年“手拉手”交流活动", "州", "58.60", ACC,
          "组织海西各族青少年200人赴浙江研学交流", org=HQ, kind=ACTIVITY),
    ],
    C.TALENT: [
        R("海西州党政干部和专业技术人才赴浙培训", "州", "132.00", ACC,
          "分6期组织干部人才320人赴浙江培训和跟岗学习", org=HQ, kind=ACTIVITY),
    ],
}  # fmt: skip

# --- 2022: 2.5731 亿元 of aid, as reported (over fewer projects than the real 98) -------------

Y2022 = {
    C.LIVELIHOOD: [
        R("天峻县牧民定居房建设（二期）", "天峻", "2160.00", ACC,
          "新建牧民定居房380套，配套供水、供电和入户道路",
          place="快尔玛乡、舟群乡", local="500.00"),
        R("都兰县夏日哈镇农村供水保障工程", "都兰", "1085.00", ACC,
          "新建水厂1座，铺设供水管网52公里，解决9个村季节性缺水", place="夏日哈镇"),
        R("乌兰县希里沟镇老旧小区供热改造", "乌兰", "968.00", ACC,
          "改造供热管网14公里、换热站6座", place="希里沟镇"),
        R("格尔木市大格勒乡村道硬化", "格尔木", "1440.00", ACC,
          "硬化村道41公里，配套排水边沟和交通标志", place="大格勒乡"),
        R("格尔木市乌图美仁乡牧民定居点配套", "格尔木", "865.00", ACC,
          "完善牧民定居点供水、供电和卫生室、文化室等公共设施", place="乌图美仁乡"),
        R("德令哈市怀头他拉镇人居环境整治", "德令哈", "736.00", ACC,
          "实施村庄道路、垃圾收运、污水处理和村容村貌整治", place="怀头他拉镇"),
        R("德令哈市河东街道社区养老服务中心", "德令哈", "692.00", ACC,
          "新建社区养老服务中心1800平方米，设床位50张", place="河东街道"),
        R("茫崖市花土沟镇城区道路改造", "茫崖", "1540.00", ACC,
          "改造城区道路6.8公里，同步改造雨污管网和路灯", place="花土沟镇"),
        R("茫崖市冷湖镇供水供热设施改造", "茫崖", "1015.00", ACC,
          "改造冷湖镇供水管网和燃气锅炉房", place="冷湖镇"),
        R("大柴旦行委锡铁山镇社区服务设施", "大柴旦", "580.00", ACC,
          "新建社区服务中心和室外健身场地", place="锡铁山镇"),
        R("都兰县香日德镇高原美丽乡村建设", "都兰", "1160.00", ACC,
          "建设高原美丽乡村4个，整治村庄环境、完善公共服务设施", place="香日德镇"),
        R("乌兰县柯柯镇农牧民技能培训和就业帮扶", "乌兰", "148.00", ACC,
          "开展电工、焊工、民族餐饮等技能培训600人次，组织赴浙转移就业",
          kind=ACTIVITY, place="柯柯镇"),
        R("天峻县木里镇生态移民安置点配套", "天峻", "1412.00", ACC,
          "完善生态移民安置点供暖、供水和道路设施", place="木里镇"),
        R("都兰县沟里乡边远牧区道路", "都兰", "1650.00", DONE,
          "新建边远牧区砂石路和桥涵，打通牧民出行“最后一公里”", place="沟里乡"),
        R("大柴旦行委柴旦镇集中供热扩容", "大柴旦", "890.00", ACC,
          "新建燃气锅炉2台，扩容供热面积18万平方米", place="柴旦镇"),
    ],
    C.INDUSTRY: [
        R("都兰县杭白菊种植基地", "都兰", "980.00", ACC,
          "引进嘉兴杭白菊品种，建设种植示范基地1500亩及烘干加工点", place="香日德镇"),
        R("乌兰县双峰驼养殖示范园", "乌兰", "1150.00", ACC,
          "建设双峰驼标准化养殖圈舍、挤奶厅和饲草料基地", place="茶卡镇"),
        R("天峻县牦牛藏羊产业化养殖基地", "天峻", "1260.00", ACC,
          "建设牦牛藏羊标准化暖棚和屠宰分割车间", place="江河镇", social="350.00"),
        R("“柴达木盐羊”品牌培育和冷链配送", "州", "680.00", ACC,
          "支持“柴达木盐羊”品牌认证、冷链仓储和浙江销售渠道建设",
          org="海西州柴达木盐羊产业发展有限公司", kind=EQUIPMENT),
    ],
    C.EDUCATION: [
        R("都兰县民族寄宿制学校改扩建", "都兰", "1280.00", ACC,
          "改扩建学生宿舍和食堂5200平方米，新增床位400张", place="察汗乌苏镇"),
        R("茫崖市第一中学实验楼", "茫崖", "760.00", ACC,
          "新建理化生实验楼2600平方米及实验设备", place="花土沟镇"),
        R("德令哈市第一幼儿园改扩建", "德令哈", "640.00", ACC,
          "改扩建园舍和户外活动场地，新增学位180个"),
    ],
    C.MEDICAL: [
        R("海西州人民医院信息化建设（二期）", "州", "1120.00", ACC,
          "建设互联网医院、区域影像和检验中心信息系统",
          org="海西州人民医院", kind=EQUIPMENT, mode=KEY, build=CONT),
        R("大柴旦行委医院门诊综合楼改造", "大柴旦", "756.00", ACC,
          "改造门诊综合楼，配置DR、彩超等设备", org="大柴旦行委医院"),
    ],
    C.CULTURE: [
        R("格尔木市昆仑文化广场", "格尔木", "520.00", ACC,
          "建设昆仑文化主题广场和群众文化活动设施"),
    ],
    C.EXCHANGE: [
        R("浙江—海西职工疗休养互送", "州", "96.00", ACC,
          "组织两地劳模和职工疗休养互送12批次", org=HQ, kind=ACTIVITY),
    ],
    C.TALENT: [
        R("海西州专业技术人才浙江跟岗进修", "州", "148.00", ACC,
          "选派医生、教师、农技人员85人赴浙江跟岗进修3至6个月", org=HQ, kind=ACTIVITY),
    ],
}  # fmt: skip

# --- 2023: the year of the article ---------------------------------------------------------------

Y2023 = {
    # F08: 6 projects, 1407 万元.
    C.MEDICAL: [
        R("海西州人民医院重症医学科能力提升", "州", "312.50", ACC,
          "配置ECMO、床旁血滤、有创呼吸机等设备，培训重症专科护士",
          org="海西州人民医院", kind=EQUIPMENT, mode=KEY),
        R("海西州人民医院卒中中心建设", "州", "286.00", ACC,
          "建设卒中中心和脑血管病筛查防治体系，配置DSA配套设备，开展脑血管病“治未病”",
          org="海西州人民医院", kind=EQUIPMENT, mode=KEY),
        R("都兰县人民医院远程会诊中心", "都兰", "168.40", ACC,
          "建设与浙江省级医院和州医院互联的远程会诊、远程影像和心电诊断系统",
          org="都兰县人民医院", kind=EQUIPMENT),
        R("格尔木市人民医院胸痛中心建设", "格尔木", "225.30", DONE,
          "按国家胸痛中心标准改造急诊流程，配置导管室和院前急救信息系统",
          org="格尔木市人民医院", kind=EQUIPMENT),
        R("天峻县乡镇卫生院设备配置", "天峻", "193.80", ACC,
          "为10个乡镇卫生院配置DR、全自动生化分析仪和急救设备", kind=EQUIPMENT),
        R("茫崖市人民医院高原病防治中心", "茫崖", "221.00", DONE,
          "建设高原病防治中心和高压氧舱，开展高原病筛查和健康管理",
          org="茫崖市人民医院", place="花土沟镇"),
    ],
    # F11: 20 projects, 4730 万元.
    C.EDUCATION: [
        R("都兰县第一小学教学综合楼建设", "都兰", "520.00", ACC,
          "新建教学综合楼4200平方米，含科学实验室、图书室和心理辅导室",
          org="都兰县第一小学", place="察汗乌苏镇"),
        R("都兰县职业技术学校实训基地建设", "都兰", "286.50", ACC,
          "建设农牧机械和民族餐饮实训室，配置实训设备", org="都兰县职业技术学校"),
        R("格尔木市职业技术学校新能源汽修实训室", "格尔木", "198.00", ACC,
          "建设新能源汽车维修实训室，配置教学车辆和检测设备",
          org="格尔木市职业技术学校", kind=EQUIPMENT),
        R("格尔木市第三中学学生宿舍楼改造", "格尔木", "365.00", DONE,
          "改造学生宿舍楼6800平方米，更新供暖和卫浴设施"),
        R("柴达木职业技术学院中控太阳能产教融合平台", "州", "480.00", ACC,
          "与中控太阳能共建光热发电仿真实训中心和产教融合平台",
          org="柴达木职业技术学院", kind=EQUIPMENT, mode=KEY),
        R("海西州职业技术学校智慧校园建设", "德令哈", "236.00", ACC,
          "建设智慧校园网络、录播教室和实训管理平台",
          org="海西州职业技术学校", kind=EQUIPMENT),
        R("德令哈市第一中学智慧教室建设", "德令哈", "142.60", ACC,
          "建设智慧教室24间，接入浙江名校同步课堂", kind=EQUIPMENT),
        R("德令哈市民族幼儿园改扩建", "德令哈", "268.00", DONE,
          "改扩建保教用房1600平方米，新增学位150个", place="河西街道"),
        R("乌兰县希里沟镇中心学校运动场改造", "乌兰", "176.00", ACC,
          "改造塑胶运动场和室外体育设施", place="希里沟镇"),
        R("乌兰县寄宿制学校供暖设施改造", "乌兰", "154.30", ACC,
          "改造3所寄宿制学校锅炉房和供暖管网", place="茶卡镇、柯柯镇"),
        R("天峻县民族寄宿制中学学生公寓", "天峻", "412.00", DONE,
          "新建学生公寓3900平方米，床位360张", place="新源镇"),
        R("天峻县“组团式”教育帮扶", "天峻", "96.00", ACC,
          "宁波“组团式”教师团队驻校帮扶，开展教研和骨干教师培养",
          kind=ACTIVITY, mode=KEY),
        R("茫崖市花土沟镇幼儿园改扩建", "茫崖", "238.00", DONE,
          "改扩建园舍和户外活动场地，新增学位120个", place="花土沟镇"),
        R("茫崖市中小学信息化提升", "茫崖", "118.50", ACC,
          "为全市中小学更新交互式教学设备和校园网络", kind=EQUIPMENT),
        R("大柴旦行委中学教学设备配置", "大柴旦", "132.00", ACC,
          "配置理化生实验设备和计算机教室", org="大柴旦行委中学", kind=EQUIPMENT),
        R("大柴旦行委幼儿园户外活动场地改造", "大柴旦", "86.40", ACC,
          "改造户外活动场地和大型玩具", place="柴旦镇"),
        R("海西州“订单式”教育帮扶和名师培训", "州", "125.00", ACC,
          "按学校需求“点单”选派浙江名师送教，培训海西骨干教师300人次",
          org=HQ, kind=ACTIVITY),
        R("海西籍学生浙江异地中职班办学补助", "州", "210.00", ACC,
          "补助浙江异地中职班新增3个专业118名学生的学习生活费用",
          org=HQ, kind=ACTIVITY),
        R("格尔木市郭勒木德镇中心学校教学楼维修", "格尔木", "172.70", ACC,
          "维修教学楼屋面、门窗和外墙保温", place="郭勒木德镇"),
        R("都兰县香日德镇寄宿制小学食堂改造", "都兰", "313.00", ACC,
          "新建学生食堂1200平方米，配置厨房设备", place="香日德镇"),
    ],
    # F25: 18 projects, 1.02 亿元.
    C.LIVELIHOOD: [
        R("格尔木市唐古拉山镇长江源村产业园", "格尔木", "860.00", ACC,
          "建设长江源村生态畜牧业和民族手工艺产业园，带动移民村集体增收",
          org="格尔木市唐古拉山镇长江源村", place="唐古拉山镇长江源村"),
        R("都兰县农牧民交通出行工程", "都兰", "1250.00", ACC,
          "硬化通村、通牧道路56公里，开通城乡公交站点", place="香加乡、巴隆乡",
          local="320.00"),
        R("天峻县牧民定居房配套设施改造", "天峻", "780.00", ACC,
          "为牧民定居房改造供暖、上下水和卫生厕所", place="生格乡、阳康乡"),
        R("乌兰县农村饮水安全巩固提升工程", "乌兰", "645.00", ACC,
          "改造农村供水工程12处，铺设管网37公里", place="铜普镇、柯柯镇"),
        R("德令哈市城区老旧小区供暖管网改造", "德令哈", "720.00", DONE,
          "改造老旧小区供暖管网16公里，惠及居民4800户", place="河西街道、火车站街道",
          local="300.00"),
        R("格尔木市郭勒木德镇村道硬化", "格尔木", "538.00", ACC,
          "硬化村道24公里", place="郭勒木德镇"),
        R("格尔木市城区老旧供热管网改造", "格尔木", "690.00", BUILD,
          "改造城区老旧供热主管网9公里和换热站4座", place="昆仑路街道", lag="slow"),
        R("大柴旦行委柴旦镇人居环境整治", "大柴旦", "465.00", ACC,
          "实施街巷硬化、绿化和垃圾收运设施建设", place="柴旦镇"),
        R("都兰县宗加镇诺木洪村人居环境整治", "都兰", "388.00", ACC,
          "实施村庄道路、排水和庭院整治", org="都兰县宗加镇诺木洪村",
          place="宗加镇诺木洪村"),
        R("乌兰县希里沟镇河东村美丽乡村建设", "乌兰", "420.00", ACC,
          "建设村级综合服务中心、文化广场和村内道路", org="乌兰县希里沟镇河东村",
          place="希里沟镇河东村"),
        R("天峻县新源镇梅陇村综合服务中心", "天峻", "310.00", DONE,
          "新建村级综合服务中心和牧民活动室", org="天峻县新源镇梅陇村",
          place="新源镇梅陇村"),
        R("德令哈市尕海镇农牧民饮水工程", "德令哈", "356.00", ACC,
          "新建集中供水工程2处，解决1300名农牧民饮水问题", place="尕海镇"),
        R("格尔木市农村户厕改造", "格尔木", "412.00", ACC,
          "改造农村卫生户厕1600座，配套粪污收运设施", place="大格勒乡、乌图美仁乡"),
        R("都兰县香日德镇新华村乡村振兴示范村", "都兰", "480.00", ACC,
          "建设乡村振兴示范村，完善道路、供水和公共服务设施",
          org="都兰县香日德镇新华村", place="香日德镇新华村"),
        R("茫崖市冷湖镇社区综合服务设施", "茫崖", "350.00", APPR,
          "新建社区综合服务中心和便民服务站", place="冷湖镇", lag="not_started"),
        R("乌兰县茶卡镇农牧民就业技能培训", "乌兰", "126.00", ACC,
          "开展旅游服务、民族餐饮和电商技能培训480人次", kind=ACTIVITY, place="茶卡镇"),
        R("天峻县城区集中供热改造", "天峻", "610.00", DONE,
          "改造燃煤锅炉为燃气锅炉，扩容供热面积12万平方米", place="新源镇"),
        R("大柴旦行委牧民定居点道路硬化", "大柴旦", "800.00", ACC,
          "硬化牧民定居点道路和通牧道路32公里", place="柴旦镇、锡铁山镇"),
    ],
    # F26: the four named industry projects, 5470 万元, initially completed in 2023.
    C.INDUSTRY: [
        R("都兰县蔬菜全产业链基地", "都兰", "1860.00", DONE,
          "建设日光温室120栋、育苗中心、冷链仓储和分拣中心，打造蔬菜全产业链",
          place="香日德镇", social="420.00",
          dates=("2023-04-15", "2023-10-31", "2023-04-20", "2023-10-26")),
        R("乌兰县特色生物产业园", "乌兰", "1520.00", DONE,
          "建设枸杞、藜麦等特色生物资源精深加工标准厂房和公共检测中心",
          place="希里沟镇", dates=("2023-04-10", "2023-10-31", "2023-04-18", "2023-10-30")),
        R("格尔木市农村电子商务示范工程", "格尔木", "1128.60", DONE,
          "建设县级电商公共服务中心、乡村电商服务站和物流配送体系",
          kind=EQUIPMENT, dates=("2023-05-01", "2023-11-15", "2023-05-08", "2023-11-10")),
        R("天峻县村级特色集体产业扶持项目", "天峻", "961.40", DONE,
          "扶持20个村发展牦牛藏羊养殖、民族手工艺等特色集体产业",
          place="江河镇、快尔玛乡等",
          dates=("2023-04-20", "2023-10-20", "2023-04-25", "2023-10-18")),
    ],
    C.EXCHANGE: [
        R("“浙里石榴红·同心享亚运”青少年夏令营", "州", "68.00", ACC,
          "组织都兰县第一小学等学校各族青少年赴杭州参加亚运主题夏令营",
          org=HQ, kind=ACTIVITY,
          dates=("2023-07-20", "2023-08-31", "2023-07-25", "2023-08-20")),
        R("浙江—海西亚运交流年活动", "州", "95.50", ACC,
          "开展浙江文宣进海西、“相约亚运会”诗歌绘画比赛、“数字浙江·智能亚运”培训交流营",
          org=HQ, kind=ACTIVITY),
        R("浙青职工疗休养互送和文旅推介", "州", "120.00", ACC,
          "组织两地职工疗休养互送和文旅推介会，打造工会疗养、亲子度夏线路",
          org=HQ, kind=ACTIVITY),
    ],
    C.TALENT: [
        R("浙江“千万工程”培训演示中心", "州", "285.00", ACC,
          "建设浙江“千万工程”经验培训演示中心，用于乡村振兴干部培训",
          kind=EQUIPMENT, mode=KEY, org=HQ),
        R("海西州医生校长赴浙跟岗培训", "州", "146.00", ACC,
          "选派11名医生赴浙大附属医院跟岗4个月、17名校长赴浙江跟岗3个月",
          org=HQ, kind=ACTIVITY),
        R("乌兰县基层农技人员培训", "乌兰", "48.60", ACC,
          "浙江省农科院专家授课，培训基层农技人员150人次", kind=ACTIVITY),
    ],
    # F07: the off-budget fund (社会资金, no 援助资金); see the module docstring.
    C.OTHER: [
        R("“四百”工程专项资金（计划外）", "州", "0", DONE,
          "浙江援青设立的300万元预算外专项资金，推进医疗卫生“四百”工程；"
          "计划外资金，不计入援助资金",
          org=HQ, kind=ACTIVITY, social="300.00", mode=KEY),
    ],
}  # fmt: skip

# Cancelled in 2023: left out of every figure but by_status.
CANCELLED_2023 = [
    R("都兰县察汗乌苏镇农贸市场改造", "都兰", "280.00", CANC,
      "因城区规划调整取消，资金调整用于其他民生项目", place="察汗乌苏镇"),
]  # fmt: skip

# English titles and descriptions (the IATI export states them beside the Chinese), for the 2023
# projects the seed article names or that a foreign reader of the export would look for first;
# the rest are in Chinese only, as most records of a real programme would be.
ENGLISH: dict[str, tuple[str, str]] = {
    "海西州人民医院重症医学科能力提升": (
        "Haixi Prefecture People's Hospital: intensive care capacity",
        "ECMO, bedside haemofiltration and invasive ventilators; training of critical-care nurses.",
    ),
    "海西州人民医院卒中中心建设": (
        "Haixi Prefecture People's Hospital: stroke centre",
        "A stroke centre with cerebrovascular screening and prevention, and equipment for the "
        "DSA suite.",
    ),
    "都兰县人民医院远程会诊中心": (
        "Dulan County People's Hospital: tele-consultation centre",
        "Remote consultation, imaging and ECG diagnosis linked to Zhejiang's provincial "
        "hospitals and the prefecture hospital.",
    ),
    "格尔木市人民医院胸痛中心建设": (
        "Golmud People's Hospital: chest pain centre",
        "Emergency pathways to the national chest pain centre standard, a catheterisation "
        "laboratory and a pre-hospital emergency information system.",
    ),
    "天峻县乡镇卫生院设备配置": (
        "Tianjun County: equipment for township health centres",
        "Digital radiography, automatic biochemistry analysers and emergency equipment for 10 "
        "township health centres.",
    ),
    "茫崖市人民医院高原病防治中心": (
        "Mangnai People's Hospital: high-altitude illness centre",
        "A centre for the prevention and treatment of high-altitude illness with a hyperbaric "
        "oxygen chamber; screening and health management.",
    ),
    "都兰县蔬菜全产业链基地": (
        "Dulan County: vegetable production and processing base",
        "120 solar greenhouses, a seedling centre, cold storage and a sorting centre: the whole "
        "vegetable chain from seedling to market.",
    ),
    "乌兰县特色生物产业园": (
        "Ulan County: speciality bio-resources industrial park",
        "Standard factory buildings for processing goji, quinoa and other local resources, and a "
        "public testing centre.",
    ),
    "格尔木市农村电子商务示范工程": (
        "Golmud: rural e-commerce demonstration",
        "A county e-commerce service centre, village e-commerce stations and a delivery network.",
    ),
    "天峻县村级特色集体产业扶持项目": (
        "Tianjun County: support to village collective enterprises",
        "Support for 20 villages' yak and Tibetan sheep husbandry and ethnic handicrafts.",
    ),
    "“浙里石榴红·同心享亚运”青少年夏令营": (
        "Zhejiang-Haixi youth summer camp at the Hangzhou Asian Games",
        "Pupils of every ethnic group from Dulan and other Haixi schools at an Asian Games "
        "summer camp in Hangzhou.",
    ),
    "都兰县察汗乌苏镇农贸市场改造": (
        "Dulan County: Qagan Us farmers' market renovation (cancelled)",
        "Cancelled after the town plan changed; the funds went to other livelihood projects.",
    ),
}

# --- 2024 ----------------------------------------------------------------------------------------

Y2024 = {
    C.LIVELIHOOD: [
        R("都兰县牧民定居房配套设施提升", "都兰", "1260.00", ACC,
          "为牧民定居房改造供暖、上下水，建设定居点公共服务设施", place="热水乡、沟里乡"),
        R("乌兰县茶卡镇农村供水管网改造", "乌兰", "840.00", ACC,
          "改造农村供水管网29公里、蓄水池2座", place="茶卡镇"),
        R("天峻县快尔玛乡村道硬化", "天峻", "1080.00", ACC,
          "硬化村道35公里", place="快尔玛乡"),
        R("格尔木市唐古拉山镇长江源村供暖改造", "格尔木", "520.00", ACC,
          "为移民村改造集中供暖设施", org="格尔木市唐古拉山镇长江源村",
          place="唐古拉山镇长江源村"),
        R("德令哈市火车站街道老旧小区改造", "德令哈", "960.00", DONE,
          "改造老旧小区8个，完善供暖、停车和适老化设施", place="火车站街道",
          local="280.00"),
        R("茫崖市花土沟镇社区服务中心", "茫崖", "610.00", ACC,
          "新建社区服务中心2000平方米", place="花土沟镇"),
        R("大柴旦行委柴旦镇人居环境提升", "大柴旦", "540.00", ACC,
          "实施街巷改造、公厕建设和绿化提升", place="柴旦镇"),
        R("格尔木市大格勒乡农村户厕改造", "格尔木", "385.00", ACC,
          "改造农村卫生户厕1200座", place="大格勒乡"),
        R("都兰县巴隆乡牧区饮水安全巩固", "都兰", "670.00", ACC,
          "新建牧区集中供水点16处", place="巴隆乡"),
    ],
    C.INDUSTRY: [
        R("浙江工业园数字产业孵化基地", "德令哈", "1680.00", DONE,
          "建设数字产业孵化楼和公共算力服务平台，引进浙江数字企业入驻",
          mode=KEY, org=HQ),
        R("浙江省国家大学科创园海西分园", "州", "1350.00", DONE,
          "建设科创园海西分园孵化空间和成果转化平台"),
        R("乌兰县特色生物产业园（二期）", "乌兰", "1120.00", ACC,
          "续建产业园标准厂房和污水处理设施", place="希里沟镇", build=CONT),
        R("大柴旦行委温泉旅游配套设施", "大柴旦", "760.00", SUSP,
          "建设温泉景区游客服务中心和停车场；因景区规划调整暂停施工", place="柴旦镇"),
    ],
    C.EDUCATION: [
        R("海西州“智慧教育”平台", "州", "420.00", DONE,
          "建设全州智慧教育云平台和浙江优质课程资源共享系统", kind=EQUIPMENT, mode=KEY),
        R("海西州“名师大讲堂”", "州", "86.00", ACC,
          "组织浙江名师在海西各县市开展示范课和专题讲座", org=HQ, kind=ACTIVITY),
        R("都兰县第一小学风雨操场", "都兰", "495.00", ACC,
          "新建风雨操场1800平方米", org="都兰县第一小学"),
        R("格尔木市职业技术学校产教融合实训中心", "格尔木", "780.00", ACC,
          "建设光伏运维、电商直播实训中心", org="格尔木市职业技术学校"),
    ],
    C.MEDICAL: [
        R("海西州人民医院“三甲”创建能力提升", "州", "860.00", ACC,
          "支持“三甲”创建，配置病理、检验和医学影像设备",
          org="海西州人民医院", kind=EQUIPMENT, mode=KEY),
        R("海西州“名医工作室”建设", "州", "165.00", ACC,
          "设立浙江援青“名医工作室”6个，开展“点单式”名医坐诊和带教",
          org="海西州人民医院", kind=ACTIVITY),
        R("海西州“智慧医疗”平台", "州", "520.00", DONE,
          "建设全州远程医疗和分级诊疗信息平台", kind=EQUIPMENT, mode=KEY),
        R("天峻县人民医院急诊急救能力提升", "天峻", "310.00", ACC,
          "配置负压救护车、急救设备，改造急诊科", org="天峻县人民医院", kind=EQUIPMENT),
    ],
    C.CULTURE: [
        R("“宋韵丝路行”浙派文艺进海西", "州", "72.00", ACC,
          "组织浙江艺术院团赴海西各县市演出和文艺辅导", org=HQ, kind=ACTIVITY),
    ],
    C.EXCHANGE: [
        R("海西建州70周年“浙江—海西书画摄影作品联展”", "州", "45.80", ACC,
          "举办庆祝海西建州70周年浙江—海西书画摄影作品联展", org=HQ, kind=ACTIVITY),
        R("“浙里石榴红”青少年暑期夏令营（2024）", "州", "76.50", ACC,
          "组织海西各族青少年赴浙江开展暑期研学夏令营", org=HQ, kind=ACTIVITY,
          dates=("2024-07-15", "2024-08-31", "2024-07-22", "2024-08-18")),
        R("“浙江—海西文体旅游互动年”活动", "州", "92.00", ACC,
          "开展两地文体旅游互动、文旅推介和游客互送", org=HQ, kind=ACTIVITY),
    ],
    C.TALENT: [
        R("“双向双百”干部人才交流", "州", "158.00", ACC,
          "两地各选派百名干部人才双向挂职交流", org=HQ, kind=ACTIVITY),
    ],
}  # fmt: skip

# --- 2025: mostly under construction or completed --------------------------------------------

Y2025 = {
    C.LIVELIHOOD: [
        R("都兰县察汗乌苏镇城镇供热管网改造", "都兰", "1380.00", BUILD,
          "改造城镇供热主管网12公里、换热站8座，分三年实施", place="察汗乌苏镇"),
        R("乌兰县希里沟镇河东村乡村振兴示范村", "乌兰", "760.00", DONE,
          "建设“乡村振兴1+1”示范村，完善道路、民宿和村集体产业设施",
          org="乌兰县希里沟镇河东村", place="希里沟镇河东村"),
        R("天峻县新源镇梅陇村人居环境整治", "天峻", "540.00", DONE,
          "实施村庄道路、供水和庭院整治", org="天峻县新源镇梅陇村", place="新源镇梅陇村"),
        R("格尔木市郭勒木德镇农村饮水提质增效", "格尔木", "920.00", DONE,
          "改造水厂1座、供水管网33公里", place="郭勒木德镇"),
        R("德令哈市尕海镇村道提升", "德令哈", "685.00", ACC,
          "拓宽改造村道22公里", place="尕海镇"),
        R("茫崖市冷湖镇社区养老服务中心", "茫崖", "580.00", DONE,
          "新建社区养老服务中心，设床位40张", place="冷湖镇"),
        R("大柴旦行委柴旦镇综合供水改造工程", "大柴旦", "1120.00", BUILD,
          "新建水源地和净水厂，改造城镇供水管网，分两年实施", place="柴旦镇",
          local="260.00", lag="no_report"),
        R("天峻县江河镇牧民定居点供暖改造", "天峻", "830.00", BUILD,
          "为牧民定居点建设清洁能源集中供暖", place="江河镇"),
    ],
    C.INDUSTRY: [
        R("都兰县杭白菊精深加工车间", "都兰", "960.00", DONE,
          "建设杭白菊烘干、精选和包装生产线", place="香日德镇"),
        R("乌兰县双峰驼乳制品加工厂", "乌兰", "1450.00", BUILD,
          "建设驼乳加工厂房和生产线，分两年实施", place="茶卡镇", social="600.00"),
        R("格尔木市枸杞冷链物流中心", "格尔木", "1180.00", BUILD,
          "建设枸杞冷库、分拣中心和冷链配送设施，分两年实施", place="郭勒木德镇"),
        R("天峻县村集体经济牦牛肉加工项目", "天峻", "690.00", DONE,
          "建设村集体牦牛肉分割加工车间", place="新源镇"),
    ],
    C.EDUCATION: [
        R("德令哈市第二中学学生宿舍楼", "德令哈", "1260.00", BUILD,
          "新建学生宿舍楼7200平方米，分两年实施"),
        R("茫崖市花土沟镇中心小学教学楼改造", "茫崖", "740.00", DONE,
          "改造教学楼并加建功能教室", place="花土沟镇"),
        R("柴达木职业技术学院新能源实训基地", "州", "880.00", DONE,
          "建设光伏、光热和储能实训基地", org="柴达木职业技术学院", kind=EQUIPMENT),
    ],
    C.MEDICAL: [
        R("海西州人民医院创伤中心建设", "州", "960.00", BUILD,
          "建设创伤中心和复合手术室，分两年实施", org="海西州人民医院", mode=KEY),
        R("都兰县人民医院县域医共体信息化", "都兰", "420.00", DONE,
          "建设县域医共体信息平台，连通乡镇卫生院和村卫生室",
          org="都兰县人民医院", kind=EQUIPMENT),
        R("格尔木市人民医院血液净化中心", "格尔木", "380.00", ACC,
          "建设血液净化中心，配置血液透析机20台", org="格尔木市人民医院", kind=EQUIPMENT),
    ],
    C.CULTURE: [
        R("格尔木市昆仑文化展示馆提升", "格尔木", "260.00", DONE,
          "更新昆仑文化展陈和数字化展示设备", kind=EQUIPMENT),
    ],
    C.EXCHANGE: [
        R("“浙里石榴红”青少年暑期夏令营（2025）", "州", "82.00", ACC,
          "组织海西各族青少年赴浙江开展暑期研学夏令营", org=HQ, kind=ACTIVITY,
          dates=("2025-07-14", "2025-08-31", "2025-07-20", "2025-08-16")),
    ],
    C.TALENT: [
        R("海西州基层干部“浙里学”能力提升培训", "州", "126.00", ACC,
          "组织乡镇和村干部赴浙江学习“千万工程”经验", org=HQ, kind=ACTIVITY),
    ],
}  # fmt: skip

# --- 2026: the current year --------------------------------------------------------------------

Y2026 = {
    C.LIVELIHOOD: [
        R("天峻县牧民定居点供暖改造（二期）", "天峻", "920.00", BUILD,
          "为快尔玛乡、舟群乡牧民定居点建设清洁能源供暖", place="快尔玛乡、舟群乡"),
        R("都兰县香日德镇新华村乡村振兴示范（二期）", "都兰", "650.00", BUILD,
          "完善示范村道路、冷链设施和村集体产业用房",
          org="都兰县香日德镇新华村", place="香日德镇新华村"),
        R("格尔木市城区老旧小区改造", "格尔木", "1080.00", BUILD,
          "改造老旧小区10个，完善供暖、养老托育和停车设施", place="金峰路街道",
          local="350.00"),
        R("德令哈市河西街道社区嵌入式服务设施", "德令哈", "560.00", BUILD,
          "建设社区嵌入式养老托育和便民服务设施", place="河西街道"),
        R("乌兰县茶卡镇供热管网改造", "乌兰", "1150.00", BUILD,
          "改造镇区供热管网11公里、换热站5座", place="茶卡镇"),
        R("天峻县织合玛乡牧区饮水安全巩固", "天峻", "540.00", BUILD,
          "新建牧区集中供水点12处，配套太阳能提水设施", place="织合玛乡"),
        R("茫崖市花土沟镇集中供热扩容", "茫崖", "1250.00", APPR,
          "扩建燃气锅炉房，新增供热面积20万平方米；已完成立项审批，计划2027年4月开工",
          place="花土沟镇"),
        R("大柴旦行委锡铁山镇供水改造", "大柴旦", "680.00", APPR,
          "改造锡铁山镇供水管网；已完成立项审批，计划2027年4月开工", place="锡铁山镇"),
    ],
    C.INDUSTRY: [
        R("乌兰县双峰驼乳制品加工厂（续建）", "乌兰", "580.00", BUILD,
          "续建驼乳加工生产线和冷链仓储", place="茶卡镇", build=CONT),
        R("都兰县宗加镇诺木洪村枸杞数字化种植示范", "都兰", "460.00", APPR,
          "建设枸杞数字化种植示范基地800亩；已完成立项审批，计划2027年4月开工",
          org="都兰县宗加镇诺木洪村", place="宗加镇诺木洪村"),
    ],
    C.EDUCATION: [
        R("德令哈市第四小学教学楼", "德令哈", "1380.00", BUILD,
          "新建教学楼5600平方米，新增学位900个", place="火车站街道"),
        R("格尔木市职业技术学校新能源实训基地", "格尔木", "620.00", BUILD,
          "建设光伏、储能和新能源汽车实训基地", org="格尔木市职业技术学校",
          kind=EQUIPMENT),
        R("茫崖市花土沟镇第一中学学生食堂", "茫崖", "860.00", BUILD,
          "新建学生食堂和学生活动中心3100平方米", place="花土沟镇"),
    ],
    C.MEDICAL: [
        R("海西州人民医院“三甲”复审能力提升", "州", "640.00", BUILD,
          "配置医学影像和检验设备，提升重点专科能力",
          org="海西州人民医院", kind=EQUIPMENT, mode=KEY),
    ],
    C.CULTURE: [
        R("都兰县民族文化活动中心提升", "都兰", "320.00", BUILD,
          "更新民族文化活动中心演艺和展陈设备", kind=EQUIPMENT, place="察汗乌苏镇"),
    ],
    C.TALENT: [
        R("海西州干部人才赴浙跟岗培训（2026）", "州", "138.00", BUILD,
          "分批组织医生、教师和乡村振兴干部赴浙江跟岗培训，第四批于12月结业",
          org=HQ, kind=ACTIVITY),
    ],
    C.EXCHANGE: [
        R("“浙里石榴红”青少年暑期夏令营（2026）", "州", "85.00", DONE,
          "组织海西各族青少年赴浙江开展暑期研学夏令营", org=HQ, kind=ACTIVITY,
          dates=("2026-07-13", "2026-08-31", "2026-07-19", "2026-08-15")),
    ],
}  # fmt: skip

PROGRAMME: dict[int, dict[str, list[Row]]] = {
    2021: Y2021,
    2022: Y2022,
    2023: Y2023,
    2024: Y2024,
    2025: Y2025,
    2026: Y2026,
}


def _wan(text: str) -> Decimal:
    return Decimal(text)


def _aid_wan(rows: list[Row]) -> Decimal:
    return sum((_wan(r.wan) for r in rows), Decimal(0))


def check_totals() -> None:
    """The sums the article reports (and 2022's reported total), asserted at load time."""
    y = Y2023
    assert len(y[C.MEDICAL]) == 6 and _aid_wan(y[C.MEDICAL]) == Decimal("1407"), "F08"
    assert len(y[C.EDUCATION]) == 20 and _aid_wan(y[C.EDUCATION]) == Decimal("4730"), "F11"
    assert C.CULTURE not in y, "F11: the 20 culture-and-education projects are all 教育"
    assert _aid_wan(y[C.LIVELIHOOD]) == Decimal("10200"), "F25"
    assert len(y[C.INDUSTRY]) == 4 and _aid_wan(y[C.INDUSTRY]) == Decimal("5470"), "F26"
    assert all(r.status == DONE for r in y[C.INDUSTRY]), "F26: initially completed"
    (fund,) = y[C.OTHER]
    assert _wan(fund.social) == Decimal("300") and _wan(fund.wan) == 0, "F07"
    assert sum(_aid_wan(rows) for rows in Y2022.values()) == Decimal("25731"), "2022"
    names = [r.name for rows in PROGRAMME.values() for cat in rows.values() for r in cat]
    names += [r.name for r in CANCELLED_2023]
    assert len(names) == len(set(names)), "duplicate demo project name"


# --- Schedules, flows and reports (derived, deterministic) ------------------------------------


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Spec:
    """A project to load: the row, its code and everything derived from it."""

    code: str
    year: int
    category: str
    row: Row
    planned_start: dt.date | None = None
    planned_finish: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None


def _schedule(spec: Spec, rng: random.Random) -> None:
    row, year = spec.row, spec.year
    if row.dates:
        ps, pf, as_, af = (_date(d) for d in row.dates)
        spec.planned_start, spec.planned_finish = ps, pf
        if row.status in {BUILD, DONE, ACC, SUSP}:
            spec.actual_start = as_
        if row.status in {DONE, ACC}:
            spec.actual_finish = af
        return
    aid = _wan(row.wan) + _wan(row.local)
    if row.kind == ACTIVITY:
        start = dt.date(year, 4, 1) + dt.timedelta(days=rng.randint(0, 75))
        duration = rng.randint(60, 160)
    elif row.kind == EQUIPMENT:
        start = dt.date(year, 4, 10) + dt.timedelta(days=rng.randint(0, 60))
        duration = rng.randint(110, 190)
    else:  # works: Haixi builds from April to October; big ones take two seasons
        start = dt.date(year, 4, 1) + dt.timedelta(days=rng.randint(0, 50))
        duration = rng.randint(400, 520) if aid >= 800 else rng.randint(150, 200)
    if row.status == BUILD:
        # Still under construction in November 2026. The 2023 laggard was due in 2024; 2025
        # projects and 2026 equipment are due by the end of 2026; 2026 works take a second
        # season.
        if row.lag == "slow":
            finish = dt.date(2024, 6, 30) + dt.timedelta(days=rng.randint(0, 100))
        elif year == 2026 and row.kind == WORKS:
            finish = dt.date(2027, 6, 30) + dt.timedelta(days=rng.randint(0, 100))
        else:
            finish = dt.date(2026, 12, 31) - dt.timedelta(days=rng.randint(0, 20))
    else:
        finish = start + dt.timedelta(days=duration)
    if year == 2026 and row.status == APPR:  # approved late in 2026: winter comes first
        start = dt.date(2027, 4, 10) + dt.timedelta(days=rng.randint(0, 30))
        finish = start + dt.timedelta(days=rng.randint(150, 190))
    spec.planned_start, spec.planned_finish = start, finish
    if row.status in {BUILD, DONE, ACC, SUSP}:
        spec.actual_start = start + dt.timedelta(days=rng.randint(0, 12))
    if row.status in {DONE, ACC}:
        early = rng.randint(0, 15)
        spec.actual_finish = max(
            finish - dt.timedelta(days=early), spec.actual_start + dt.timedelta(days=30)
        )
    for value in (spec.actual_start, spec.actual_finish):
        assert value is None or value <= LAST_DATE, (spec.code, value)


@dataclass
class FlowSpec:
    date: dt.date
    type: str
    source: str
    amount: Decimal
    note: str = ""
    voucher: str = ""


PREFIX = {FlowType.COMMITMENT: "XD", FlowType.DISBURSEMENT: "BF", FlowType.EXPENDITURE: "ZC"}
TYPE_ORDER = {FlowType.COMMITMENT: 0, FlowType.DISBURSEMENT: 1, FlowType.EXPENDITURE: 2}
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _cap(day: dt.date) -> dt.date:
    return min(day, LAST_DATE)


def _round_hundred(amount: Decimal) -> Decimal:
    """Down to whole hundreds of yuan, as payment orders are written."""
    return (amount / HUNDRED).to_integral_value(rounding=ROUND_DOWN) * HUNDRED


def _payments(spec: Spec, budget: Decimal, committed_on: dt.date, rng: random.Random):
    """When and how much of a source's budget is disbursed: (date, percent of budget, note).

    An advance (预拨) after the commitment, a progress payment (进度款) in each construction
    season that ends before completion, and the balance (尾款) only after 竣工验收 and the final
    audit, three to six months after completion: a project that is 完工 but not yet accepted
    still waits for it. Small projects and activities get an advance and the balance.
    """
    row, start, end = spec.row, spec.actual_start, spec.actual_finish
    advance = committed_on + dt.timedelta(days=rng.randint(12, 30))
    if row.lag == "slow":  # a third of the money two years on
        return [(advance, 20, "预拨启动资金"), (dt.date(2023, 9, 12), 15, "按进度拨付")]
    if row.status == SUSP:
        return [(advance, 40, "预拨启动资金")]
    small = budget <= 1_000_000 or row.kind == ACTIVITY
    if row.status == BUILD:
        share = rng.randint(76, 90)
        if small:
            return [(advance, share, "预拨资金")]
        first, rest = 45, share - 45
    else:
        first, rest = (70, 0) if small else (40, 45)
    seasons = []
    limit = end or LAST_DATE
    year = start.year
    while rest:
        day = dt.date(year, 8, 20) + dt.timedelta(days=rng.randint(0, 45))
        if day >= limit - dt.timedelta(days=10):
            break
        if day > advance + dt.timedelta(days=30):
            seasons.append(day)
        year += 1
    if not seasons:
        first, rest = first + rest, 0
    out = [(advance, first, "预拨启动资金")]
    for i, day in enumerate(seasons):
        pct = rest // len(seasons) + (rest % len(seasons) if i == 0 else 0)
        out.append((day, pct, "按进度拨付"))
    if end and row.status == ACC:
        tail = end + dt.timedelta(days=rng.randint(90, 180))
        out.append((_cap(max(tail, out[-1][0] + dt.timedelta(days=15))), 0, "验收审计后拨付尾款"))
    return out


def _source_flows(
    spec: Spec, source: str, budget: Decimal, committed_on: dt.date, rng: random.Random
) -> list[FlowSpec]:
    flows = [FlowSpec(committed_on, FlowType.COMMITMENT, source, budget, "年度计划下达")]
    if spec.row.status not in {BUILD, DONE, ACC, SUSP}:
        return flows  # committed, not disbursed: a project that never started
    payments = _payments(spec, budget, committed_on, rng)
    amounts = [_round_hundred(budget * pct / HUNDRED) for _day, pct, _note in payments]
    if spec.row.status == ACC:  # accepted: the balance makes it whole
        amounts[-1] = budget - sum(amounts[:-1], Decimal(0))
    finished = spec.row.status in {DONE, ACC}
    spending: dict[int, list] = {}  # year → [last date, total, note]
    for i, ((day, _pct, note), amount) in enumerate(zip(payments, amounts, strict=True)):
        if amount <= 0:
            continue
        day = _cap(day)
        flows.append(FlowSpec(day, FlowType.DISBURSEMENT, source, amount, note))
        last = i == len(payments) - 1
        if last and spec.row.status == ACC and rng.random() < 0.3:
            spent = (amount - budget * Decimal("0.03")).quantize(CENT)  # 3% 质保金 retained
            spend_note = "支付结算款（预留3%质保金）"
        elif last and finished:
            spent = amount
            spend_note = "支付结算款"
        elif last:
            spent = (amount * Decimal(rng.randint(50, 90)) / HUNDRED).quantize(CENT)
            spend_note = "按合同支付进度款"
        else:
            spent = (amount * Decimal(rng.randint(880, 999)) / 1000).quantize(CENT)
            spend_note = "按合同支付进度款"
        if spent > 0:
            paid_on = _cap(day + dt.timedelta(days=rng.randint(8, 35)))
            entry = spending.setdefault(paid_on.year, [paid_on, Decimal(0), spend_note])
            if entry[1]:  # a second payment in the same year
                entry[2] = f"{paid_on.year}年度资金支付（{spend_note}）"
            entry[0], entry[1] = max(entry[0], paid_on), entry[1] + spent
    # The implementer books its spending once a year (年度资金支付), dated at its last payment.
    for day, spent, note in spending.values():
        flows.append(FlowSpec(day, FlowType.EXPENDITURE, source, spent, note))
    return flows


def _flows(spec: Spec, rng: random.Random) -> list[FlowSpec]:
    row = spec.row
    if row.status == CANC or (row.status == APPR and spec.year == 2026):
        return []  # cancelled before any money moved; approved late, not yet committed
    issued = ANNUAL_ISSUED[spec.year]
    committed_on = issued + dt.timedelta(days=rng.randint(3, 28))
    flows: list[FlowSpec] = []
    for source, wan in (
        (FundingSource.AID, row.wan),
        (FundingSource.LOCAL, row.local),
        (FundingSource.SOCIAL, row.social),
    ):
        budget = _wan(wan) * WAN
        if budget > 0:
            day = committed_on
            if source == FundingSource.LOCAL:  # the county's own budget follows the plan
                day += dt.timedelta(days=rng.randint(10, 40))
            flows += _source_flows(spec, source, budget, day, rng)
    return flows


PROGRESS_TEXT = {
    WORKS: [
        (30, "施工队伍进场，完成场地平整和基础开挖"),
        (60, "基础工程完成，主体结构施工中"),
        (90, "主体结构完工，开展室内装修和水电、暖通安装"),
        (99, "进入收尾阶段，完善室外附属工程"),
        (100, "工程完工，完成竣工初验"),
    ],
    EQUIPMENT: [
        (40, "完成设备采购招标，签订采购合同"),
        (80, "首批设备到货，开展安装调试"),
        (99, "设备安装调试基本完成，开展人员操作培训"),
        (100, "设备全部安装调试完毕并投入使用"),
    ],
    ACTIVITY: [
        (40, "完成实施方案和人员遴选"),
        (80, "首批活动（培训）已完成"),
        (99, "后续批次按计划实施"),
        (100, "全部活动（培训）完成，形成总结报告"),
    ],
}


def _progress_text(kind: str, pct: int, day: dt.date) -> str:
    text = next(t for limit, t in PROGRESS_TEXT[kind] if pct <= limit)
    if kind == WORKS and pct < 100 and day.month in {11, 12, 1, 2, 3}:
        text += "；已进入冬季停工期，做好越冬防护，计划次年4月复工"
    return text


def _reports(spec: Spec, rng: random.Random) -> list[tuple[dt.date, int, str]]:
    row = spec.row
    if row.status not in {BUILD, DONE, ACC, SUSP} or spec.actual_start is None:
        return []
    start = spec.actual_start
    if spec.actual_finish:
        end, final = spec.actual_finish, 100
    elif row.lag == "no_report":
        end, final = dt.date(2026, 8, 20), rng.randint(55, 70)
    elif row.status == SUSP:
        end, final = start + dt.timedelta(days=rng.randint(90, 140)), rng.randint(25, 40)
    else:
        end = LAST_DATE - dt.timedelta(days=rng.randint(0, 14))
        final = rng.randint(75, 95) if spec.year <= 2025 else rng.randint(45, 85)
    span = (end - start).days
    # Projects finished before 2023 keep only their completion report, as old sheets have it.
    n = 1 if spec.year <= 2022 else 2 if span < 240 else 3 if span < 540 else 5
    out = []
    for i in range(1, n + 1):
        day = start + dt.timedelta(days=span * i // n)
        pct = final if i == n else max(5, min(final - 5, final * i // n + rng.randint(-3, 3)))
        text = _progress_text(row.kind, pct, day)
        if i == n and row.lag == "slow":
            text += "；受资金拨付滞后影响，施工进度放缓"
        if i == n and row.status == SUSP:
            text = "已完成部分基础工程；因景区规划调整暂停施工，待规划批复后复工"
        out.append((day, pct, text))
    if row.status == ACC:
        day = _cap(spec.actual_finish + dt.timedelta(days=rng.randint(30, 75)))
        if day > out[-1][0]:
            out.append((day, 100, "通过竣工验收，交付使用"))
    return out


# --- Loading -----------------------------------------------------------------------------------


class _Loader(DemoLoader):
    def __init__(self, stdout=None) -> None:
        super().__init__(stdout)
        self.divisions = {
            d.code: d
            for d in Division.objects.filter(code__in=COUNTY_CODES.values()).select_related(
                "paired_city__parent"
            )
        }

    # Plans ------------------------------------------------------------------------------------

    def plan(self, name: str, start: int, end: int, note: str) -> FiveYearPlan:
        data = {"start_year": start, "end_year": end, "note": note}
        plan = FiveYearPlan.objects.filter(name=name).first()
        return self._save_plan(plan or FiveYearPlan(name=name), data, "五年规划")

    def annual_plans(self, plans: dict[int, FiveYearPlan]) -> None:
        existing = {p.year: p for p in AnnualPlan.objects.all()}
        for year, issued in ANNUAL_ISSUED.items():
            data = {
                "five_year_plan": plans[year],
                "title": f"浙江省对口支援海西州{year}年度援青项目计划",
                "issued_on": issued,
                "note": ANNUAL_NOTES[year],
            }
            self._save_plan(existing.get(year) or AnnualPlan(year=year), data, "年度计划")

    def _save_plan(self, obj, data: dict[str, Any], what: str):
        if obj.pk is not None and not _differs(obj, data):
            self.note(what, "未变")
            return obj
        self.note(what, "新建" if obj.pk is None else "更新")
        for name, value in data.items():
            setattr(obj, name, value)
        obj._history_user = None
        obj.full_clean()
        obj.save()
        return obj

    # Projects ---------------------------------------------------------------------------------

    def specs(self) -> list[Spec]:
        out = []
        for year, categories in PROGRAMME.items():
            rows = [(cat, r) for cat, items in categories.items() for r in items]
            if year == 2023:
                rows += [(C.LIVELIHOOD, r) for r in CANCELLED_2023]
            for n, (category, row) in enumerate(rows, start=1):
                spec = Spec(code=f"ZJHX-{year}-{n:03d}", year=year, category=category, row=row)
                _schedule(spec, random.Random(spec.code))
                out.append(spec)
        return out

    def project_data(self, spec: Spec) -> dict[str, Any]:
        row = spec.row
        county = self.divisions[COUNTY_CODES[row.where]]
        implementer = self.org(row.org or GOVERNMENTS[row.where])
        if row.where == PREFECTURE:
            # 州本级 projects run by the prefecture or the headquarters: no pairing city.
            pairing_city, place = None, row.place or "州本级"
        else:
            pairing_city, place = county.paired_city, row.place
        mode = row.mode or (KEY if implementer.name == HQ else CHEQUE)
        return {
            "code": spec.code,
            "name": row.name,
            "year": spec.year,
            "category": spec.category,
            "county": county,
            "location_detail": place,
            "implementer": implementer,
            "pairing_city": pairing_city,
            "mode": mode,
            "build_type": row.build,
            "description": row.text,
            "name_en": ENGLISH.get(row.name, ("", ""))[0],
            "description_en": ENGLISH.get(row.name, ("", ""))[1],
            "aid_amount": _wan(row.wan) * WAN,
            "local_amount": _wan(row.local) * WAN,
            "social_amount": _wan(row.social) * WAN,
            "status": row.status,
            "planned_start": spec.planned_start,
            "planned_finish": spec.planned_finish,
            "actual_start": spec.actual_start,
            "actual_finish": spec.actual_finish,
        }

    def project(self, spec: Spec, existing: Project | None) -> Project:
        data = self.project_data(spec)
        if existing is None:
            self.note("项目", "新建")
            return services.project_create(actor=None, via_import=True, **data)
        if _differs(existing, data):
            self.note("项目", "更新")
            fields = {k: v for k, v in data.items() if k != "code"}
            return services.project_update(actor=None, project=existing, via_import=True, **fields)
        self.note("项目", "未变")
        return existing

    def load(self) -> None:
        check_totals()
        plans = {
            "十四五": self.plan(FIVE_YEAR_PLAN, 2021, 2025, FIVE_YEAR_NOTE),
            "十五五": self.plan(NEXT_PLAN, 2026, 2030, NEXT_NOTE),
        }
        self.annual_plans({y: plans["十四五" if y <= 2025 else "十五五"] for y in ANNUAL_ISSUED})

        specs = self.specs()
        flows = {s.code: _flows(s, random.Random(s.code + "/flows")) for s in specs}
        _number_vouchers(flows)
        codes = [s.code for s in specs]
        existing = {p.code: p for p in Project.objects.filter(code__in=codes)}
        vouchers = {
            (f.project_id, f.voucher): f for f in MoneyFlow.objects.filter(project__code__in=codes)
        }
        report_days = set(
            ProgressReport.objects.filter(project__code__in=codes).values_list("project_id", "date")
        )
        for spec in specs:
            project = self.project(spec, existing.get(spec.code))
            ordered = sorted(flows[spec.code], key=lambda f: (f.date, TYPE_ORDER[f.type]))
            touched = {f.source for f in ordered if self.flow(project, f, vouchers)}
            # Like an import: the balance of each source is checked once, after all its flows.
            for source in sorted(touched):
                services.check_flow_balance(project, source)
            for day, pct, text in _reports(spec, random.Random(spec.code + "/reports")):
                if (project.pk, day) in report_days:
                    self.note("进度报告", "未变")
                    continue
                services.progress_report_create(
                    actor=None, project=project, date=day, progress=pct, text=text
                )
                self.note("进度报告", "新建")

    def flow(self, project: Project, f: FlowSpec, vouchers: dict) -> bool:
        """Record or correct one flow; True when something was written."""
        existing: MoneyFlow | None = vouchers.get((project.pk, f.voucher))
        data = {
            "date": f.date,
            "type": f.type,
            "source": f.source,
            "amount": f.amount,
            "voucher": f.voucher,
            "note": f.note,
        }
        if existing is None:
            services.flow_record(actor=None, project=project, check_balance=False, **data)
            self.note("资金流水", "新建")
        elif _differs(existing, data):
            services.flow_update(actor=None, flow=existing, check_balance=False, **data)
            self.note("资金流水", "更新")
        else:
            self.note("资金流水", "未变")
            return False
        return True

    def report(self) -> None:
        if self.stdout is None:
            return
        for what, counter in self.stats.items():
            parts = "，".join(f"{k} {v}" for k, v in counter.items())
            self.stdout.write(f"  {what}：{parts}")
        for year in PROGRAMME:
            # The year's live projects, as the reports' figures.projects counts them.
            totals = (
                Project.objects.filter(year=year)
                .exclude(status=ProjectStatus.CANCELLED)
                .aggregate(n=Count("pk"), aid=Sum("aid_amount"))
            )
            aid = (totals["aid"] or Decimal(0)).quantize(Decimal("0.01"))
            wan = aid / WAN
            self.stdout.write(f"  {year}年度项目 {totals['n']} 个，援助资金 {wan:,.2f} 万元")


def _number_vouchers(flows: dict[str, list[FlowSpec]]) -> None:
    """Voucher numbers in date order, per kind and year: XD-2023-001, BF-2023-001, ZC-…"""
    everything = [(f.date, TYPE_ORDER[f.type], code, i, f) for code, fs in flows.items()
                  for i, f in enumerate(fs)]  # fmt: skip
    counters: Counter = Counter()
    for day, _order, _code, _i, f in sorted(everything, key=lambda t: t[:4]):
        key = (PREFIX[f.type], day.year)
        counters[key] += 1
        f.voucher = f"{key[0]}-{day.year}-{counters[key]:03d}"


def _differs(instance: Any, data: dict[str, Any]) -> bool:
    for name, value in data.items():
        if isinstance(value, models.Model) or (value is None and hasattr(instance, f"{name}_id")):
            if getattr(instance, f"{name}_id") != (value.pk if value is not None else None):
                return True
        elif getattr(instance, name) != value:
            return True
    return False


def load_projects_demo(stdout=None) -> None:
    """Load the demo plans, projects, money flows and progress reports (idempotent)."""
    loader = _Loader(stdout)
    with transaction.atomic():
        loader.load()
    loader.report()
