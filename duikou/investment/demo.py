# ruff: noqa: E501 - the demo tables read best one record a line
"""The demo investment ledger (F17, F18 of seed-facts.md): the two lists and the deals.

- ~40 Zhejiang enterprises (names invented; credit codes valid, built with both check
  characters by duikou.lib.checkdigits) and 25 Haixi policies: some expired, some for one
  county only, among them the green-computing electricity-price policy for data centres;
- the promotion meeting in Hangzhou on 2024-05-28 where 17 green low-carbon deals were signed
  for exactly 13.25 亿元 (the green-computing data centre at 德令哈 and the 冷湖 astronomy base
  among them); five moved on to 开工 later in 2024, a few further since;
- deals signed in the other years 2021–2026 (none else in 2024: the meeting's 17 are the
  year's signed deals, as the article reports them), some leads and talks, one ended.

Everything goes through duikou.investment.services (actor=None: a system load), in history.
Deterministic and idempotent: records are found by credit code, 文号/名称, (name, date) and
(项目名称, 企业); what exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from duikou.accounts.models import User
from duikou.core.demokit import DemoLoader
from duikou.core.models import Division, Organisation
from duikou.investment import matching, services
from duikou.investment.models import Deal, Enterprise, Policy, PromotionEvent
from duikou.lib.checkdigits import make_uscc
from duikou.lib.money import WAN

D = dt.date
EVENT_NAME = "浙江·海西绿色低碳产业招商推介会"
EVENT_DATE = D(2024, 5, 28)
GREEN_COMPUTING = "杭州云栖绿算科技有限公司"
GREEN_POLICY = "海西州绿色算力数据中心用电价格支持政策"

# name, city, section, division, size, zero-carbon, products, intentions, intended (万元)
ENTERPRISES = [
    (GREEN_COMPUTING, "330100", "I", "65", "大型", True, "数据中心、绿色算力服务、云计算",
     "在海西建设绿色算力数据中心，使用绿电", 50000),
    ("宁波光合新能源股份有限公司", "330200", "C", "38", "大型", True, "光伏组件、逆变器",
     "建设光伏组件生产基地和光伏电站", 30000),
    ("嘉兴储安电力科技有限公司", "330400", "C", "38", "中型", True, "储能电池、储能系统集成",
     "建设电化学储能电站和储能电池产线", 20000),
    ("杭州星穹光电仪器有限公司", "330100", "C", "40", "中型", True, "天文望远镜、光电观测仪器",
     "在冷湖建设天文观测基地配套设施和仪器维护中心", 12000),
    ("湖州热光能源工程有限公司", "330500", "D", "44", "中型", True, "光热发电、熔盐储热",
     "投资光热发电项目", 16000),
    ("绍兴锂源材料科技有限公司", "330600", "C", "26", "大型", True, "碳酸锂、锂电材料",
     "盐湖提锂和锂电材料加工", 20000),
    ("温州风驰装备制造有限公司", "330300", "C", "34", "中型", True, "风电装备、塔筒",
     "风电装备制造和风电场建设", 12000),
    ("舟山蓝氢能源科技有限公司", "330900", "C", "26", "中型", True, "氢能、电解槽",
     "绿电制氢和氢能储运", 10000),
    ("衢州杞润食品有限公司", "330800", "C", "14", "小型", True, "枸杞原浆、枸杞饮品",
     "枸杞精深加工", 5000),
    ("台州鲜链物流有限公司", "331000", "G", "59", "中型", False, "冷链仓储、冷链物流",
     "建设农畜产品冷链物流中心", 4000),
    ("金华零碳园区建设有限公司", "330700", "E", "48", "大型", True, "零碳产业园、EPC 工程",
     "零碳产业园区开发建设", 15000),
    ("丽水山居文旅发展有限公司", "331100", "R", "90", "小型", False, "生态文旅、研学旅行",
     "开发草原生态文旅和研学基地", 5000),
    ("湖州禾谷农业科技有限公司", "330500", "A", "01", "小型", True, "藜麦种植、藜麦食品",
     "藜麦种植基地和藜麦食品加工", 3500),
    ("宁波驰电新能源汽车服务有限公司", "330200", "F", "52", "中型", True, "充换电站、新能源汽车",
     "建设新能源汽车充换电网络", 6000),
    ("嘉兴光牧农业发展有限公司", "330400", "A", "03", "小型", True, "光伏农业、牧光互补",
     "牧光互补光伏农业项目", 3000),
    ("绍兴循环再生资源有限公司", "330600", "N", "77", "中型", True, "固废资源化、再生资源",
     "工业固废资源化利用", 5000),
    ("杭州能智软件有限公司", "330100", "I", "65", "小型", True, "智慧能源管理软件、能耗监测",
     "智慧能源管理平台和运维中心", 3000),
    # Beyond the meeting: the rest of the list.
    ("杭州数澜算力网络有限公司", "330100", "I", "64", "中型", True, "算力网络、边缘计算",
     "建设算力调度节点", 8000),
    ("宁波晶硅材料有限公司", "330200", "C", "39", "大型", True, "多晶硅、单晶硅片",
     "硅材料生产基地", 40000),
    ("温州瓯电储能科技有限公司", "330300", "C", "38", "小型", True, "储能变流器",
     "储能设备组装", 2000),
    ("嘉兴禾盛食品有限公司", "330400", "C", "14", "中型", False, "牦牛肉制品、乳制品",
     "牦牛肉和乳制品加工", 3000),
    ("湖州绿建科技有限公司", "330500", "E", "47", "中型", True, "装配式建筑、绿色建材",
     "装配式建筑构件厂", 6000),
    ("绍兴纺织新材料有限公司", "330600", "C", "17", "中型", False, "功能纤维、纺织品",
     "纺织品加工", 4000),
    ("金华畅途物流有限公司", "330700", "G", "54", "中型", False, "道路货运、多式联运",
     "建设物流园区", 5000),
    ("衢州氟硅新材料有限公司", "330800", "C", "26", "大型", False, "氟化工、有机硅",
     "化工新材料项目", 25000),
    ("舟山远洋渔业有限公司", "330900", "A", "04", "中型", False, "水产品", "冷水鱼养殖", 2000),
    ("台州精工机电有限公司", "331000", "C", "35", "中型", False, "矿山机械、专用设备",
     "矿山设备维修服务中心", 3000),
    ("丽水生态农业有限公司", "331100", "A", "01", "微型", True, "有机农产品", "有机枸杞种植", 800),
    ("杭州智慧文旅科技有限公司", "330100", "I", "65", "小型", False, "智慧景区、数字文旅",
     "数字文旅平台", 1500),
    ("宁波港航物流有限公司", "330200", "G", "58", "大型", False, "港口物流、供应链",
     "陆港物流枢纽", 20000),
    ("温州电气设备有限公司", "330300", "C", "38", "中型", True, "输配电设备、变压器",
     "新能源配套输变电设备", 8000),
    ("嘉兴氢途科技有限公司", "330400", "C", "36", "小型", True, "氢燃料电池汽车",
     "氢能重卡示范运营", 6000),
    ("湖州绿能热力有限公司", "330500", "D", "44", "中型", True, "清洁供暖、热电联产",
     "清洁能源供暖", 7000),
    ("绍兴医药科技有限公司", "330600", "C", "27", "中型", False, "中藏药、保健品",
     "中藏药材提取加工", 5000),
    ("金华光储电站运营有限公司", "330700", "D", "44", "中型", True, "光伏电站运营、储能电站",
     "光储一体化电站投资运营", 30000),
    ("衢州数据服务有限公司", "330800", "I", "64", "小型", True, "数据标注、呼叫中心",
     "数据标注基地", 1000),
    ("舟山海工装备有限公司", "330900", "C", "37", "大型", False, "海工装备", "暂无明确意向", None),
    ("台州环保科技有限公司", "331000", "N", "77", "小型", True, "污水处理、环保设备",
     "工业园区污水处理", 2500),
    ("丽水竹木制品有限公司", "331100", "C", "20", "小型", True, "竹木制品", "林下经济", 600),
    ("杭州天文科普教育有限公司", "330100", "P", "83", "微型", True, "天文科普、研学",
     "冷湖天文研学基地", 1200),
]  # fmt: skip

# title, issuer, 文号, from, to, 适用行业, 优惠类型, 最低投资额(万元), 最低就业, region, text
POLICIES = [
    (GREEN_POLICY, "海西州发展和改革委员会", "海西发改价格〔2024〕15号", D(2024, 1, 1),
     D(2030, 12, 31), "65、64", "电价", 10000, 50, "",
     "对在海西新建的绿色算力数据中心，使用新能源绿电的，执行优惠电价，降低数据中心用电成本；支持算力服务企业落地。"),
    ("海西州数字经济发展扶持办法", "海西州工业和信息化局", "海西工信〔2023〕11号", D(2023, 3, 1),
     D(2027, 12, 31), "I", "补贴、人才", 1000, 20, "",
     "支持软件和信息技术服务、数据服务企业落地，给予房租补贴和人才奖励。"),
    ("海西州数据中心建设过渡期补贴", "海西州财政局", "海西财〔2020〕8号", D(2020, 1, 1),
     D(2023, 12, 31), "65", "补贴", None, None, "", "数据中心建设补贴（已到期）。"),
    ("海西州光伏制造业高质量发展若干措施", "海西州工业和信息化局", "海西工信〔2024〕2号",
     D(2024, 1, 1), D(2028, 12, 31), "38、39", "电价、土地", 5000, 100, "",
     "支持光伏组件、硅材料、储能电池制造，给予绿电电价和工业用地支持。"),
    ("海西州新型储能产业支持政策", "海西州能源局", "海西能源〔2024〕6号", D(2024, 4, 1),
     D(2029, 3, 31), "38、44", "电价、补贴", 2000, None, "",
     "对电化学储能电站、储能电池产线给予容量补贴和充放电价支持。"),
    ("德令哈市光热发电项目支持办法", "德令哈市人民政府", "德政〔2023〕21号", D(2023, 6, 1),
     D(2028, 5, 31), "44", "土地、电价", 10000, None, "632802",
     "支持光热发电、熔盐储热项目在德令哈落地，优先保障用地和并网。"),
    ("格尔木市盐湖资源综合利用扶持政策", "格尔木市人民政府", "格政〔2022〕9号", D(2022, 1, 1),
     D(2027, 12, 31), "26、10", "土地、税收", 10000, 100, "632801",
     "支持盐湖提锂、锂电材料和盐湖化工综合利用项目。"),
    ("海西州氢能产业发展行动方案", "海西州发展和改革委员会", "海西发改〔2023〕30号",
     D(2023, 9, 1), D(2030, 12, 31), "26、36、44", "补贴、电价", 3000, None, "",
     "支持绿电制氢、氢能储运和氢燃料电池汽车示范。"),
    ("海西州风电装备制造扶持办法", "海西州工业和信息化局", "海西工信〔2021〕5号", D(2021, 1, 1),
     D(2025, 12, 31), "34", "土地、补贴", 5000, None, "",
     "支持风电装备、塔筒制造本地化。"),
    ("茫崖市冷湖天文观测基地配套产业支持政策", "茫崖市人民政府", "茫政〔2023〕7号", D(2023, 1, 1),
     D(2030, 12, 31), "40、73、83", "土地、补贴、人才", None, None, "632803",
     "支持天文观测仪器维护、天文科普研学和观测基地配套设施建设。"),
    ("都兰县枸杞精深加工奖励办法", "都兰县人民政府", "都政〔2024〕3号", D(2024, 1, 1),
     D(2026, 12, 31), "14、01", "补贴", None, None, "632822",
     "对枸杞原浆、枸杞饮品等精深加工项目给予奖励。"),
    ("海西州农畜产品冷链物流补助", "海西州商务局", "海西商务〔2023〕4号", D(2023, 1, 1),
     D(2026, 12, 31), "59、58、54", "补贴", 1000, None, "",
     "支持冷链仓储、冷链物流中心和物流园区建设。"),
    ("海西州零碳产业园区建设支持政策", "海西州发展和改革委员会", "海西发改〔2024〕40号",
     D(2024, 3, 1), None, "", "土地、电价、其他", 10000, None, "",
     "支持零碳产业园区开发建设，园区企业使用绿电。"),
    ("海西州文化旅游产业发展奖励办法", "海西州文体旅游广电局", "海西文旅〔2022〕2号",
     D(2022, 5, 1), D(2027, 4, 30), "R、H", "补贴", 500, None, "",
     "支持生态文旅、研学旅行和精品民宿。"),
    ("海西州特色农牧业招商优惠政策", "海西州农牧局", "海西农牧〔2021〕6号", D(2021, 1, 1),
     D(2023, 12, 31), "A", "土地、补贴", None, None, "", "藜麦、枸杞种植补贴（已到期）。"),
    ("海西州特色农牧业高质量发展扶持办法", "海西州农牧局", "海西农牧〔2024〕1号", D(2024, 1, 1),
     D(2028, 12, 31), "A、14", "土地、补贴", 500, None, "",
     "支持藜麦、枸杞种植基地和牦牛肉乳制品加工，牧光互补项目优先。"),
    ("海西州新能源汽车充换电设施建设补贴", "海西州能源局", "海西能源〔2023〕9号", D(2023, 7, 1),
     D(2027, 6, 30), "52、44", "补贴", 500, None, "", "支持充换电站和新能源汽车服务网络建设。"),
    ("海西州固体废物资源化利用奖励", "海西州生态环境局", "海西环〔2022〕12号", D(2022, 1, 1),
     D(2026, 12, 31), "77、N", "补贴、税收", 1000, None, "", "支持工业固废资源化和环保设施建设。"),
    ("大柴旦行委循环经济产业园招商政策", "大柴旦行政委员会", "柴委〔2023〕2号", D(2023, 5, 1),
     D(2028, 4, 30), "C、E", "土地、税收", 3000, None, "632857",
     "支持在循环经济产业园落地制造和建设项目。"),
    ("海西州招商引资若干政策", "海西州人民政府", "海西政〔2023〕1号", D(2023, 1, 1), None, "",
     "土地、税收、其他", None, None, "", "对新引进企业给予土地、税收和要素保障优惠。"),
    ("海西州人才引进“柴达木英才”计划", "海西州委组织部", "海西组〔2022〕5号", D(2022, 1, 1),
     D(2026, 12, 31), "", "人才", None, 10, "", "对引进企业的高层次人才给予安家补贴。"),
    ("乌兰县风光资源开发招商政策", "乌兰县人民政府", "乌政〔2024〕5号", D(2024, 2, 1),
     D(2029, 1, 31), "44、34", "土地、电价", 5000, None, "632821", "支持风电、光伏资源开发。"),
    ("天峻县生态旅游开发扶持办法", "天峻县人民政府", "天政〔2021〕3号", D(2021, 1, 1),
     D(2024, 12, 31), "R、H", "补贴", None, None, "632823", "草原生态旅游开发补贴（已到期）。"),
    ("海西州绿色建材与装配式建筑推广办法", "海西州住房和城乡建设局", "海西建〔2023〕8号",
     D(2023, 1, 1), D(2027, 12, 31), "47、48、30", "补贴", 2000, None, "",
     "支持装配式建筑构件厂和绿色建材生产。"),
    ("海西州中藏药产业发展支持政策", "海西州卫生健康委员会", "海西卫〔2024〕2号", D(2024, 6, 1),
     D(2029, 5, 31), "27", "补贴、土地", 1000, None, "", "支持中藏药材种植、提取和加工。"),
]  # fmt: skip

# The meeting's 17 deals: enterprise, 项目名称, county, 签约金额 (万元), moved to 开工 on
EVENT_DEALS = [
    (GREEN_COMPUTING, "德令哈绿色算力数据中心", "632802", 30000, D(2024, 9, 20)),
    ("杭州星穹光电仪器有限公司", "冷湖天文观测基地配套设施", "632803", 12000, D(2024, 8, 1)),
    ("宁波光合新能源股份有限公司", "格尔木光伏组件生产基地", "632801", 15000, D(2024, 10, 8)),
    ("嘉兴储安电力科技有限公司", "格尔木电化学储能电站", "632801", 10000, D(2024, 11, 5)),
    ("湖州热光能源工程有限公司", "德令哈光热发电项目", "632802", 8000, D(2024, 9, 1)),
    ("绍兴锂源材料科技有限公司", "格尔木盐湖提锂材料项目", "632801", 9500, None),
    ("温州风驰装备制造有限公司", "乌兰风电装备制造项目", "632821", 6000, None),
    ("舟山蓝氢能源科技有限公司", "格尔木绿电制氢示范项目", "632801", 5000, None),
    ("衢州杞润食品有限公司", "都兰枸杞精深加工项目", "632822", 4500, None),
    ("台州鲜链物流有限公司", "德令哈农畜产品冷链物流中心", "632802", 3500, None),
    ("金华零碳园区建设有限公司", "大柴旦零碳产业园", "632857", 6500, None),
    ("丽水山居文旅发展有限公司", "天峻草原生态文旅项目", "632823", 4000, None),
    ("湖州禾谷农业科技有限公司", "乌兰藜麦种植加工基地", "632821", 3000, None),
    ("宁波驰电新能源汽车服务有限公司", "德令哈新能源汽车充换电网络", "632802", 5500, None),
    ("嘉兴光牧农业发展有限公司", "都兰牧光互补光伏农业项目", "632822", 2500, None),
    ("绍兴循环再生资源有限公司", "大柴旦工业固废资源化项目", "632857", 4500, None),
    ("杭州能智软件有限公司", "德令哈智慧能源管理平台", "632802", 3000, None),
]  # fmt: skip
EVENT_TOTAL_WAN = 132500  # 13.25 亿元 (F17)

# Later stages of some meeting deals: (项目名称, stage, date)
LATER = [
    ("德令哈绿色算力数据中心", "资金到位", D(2025, 6, 30)),
    ("德令哈绿色算力数据中心", "投产", D(2026, 7, 1)),
    ("格尔木光伏组件生产基地", "资金到位", D(2025, 9, 1)),
    ("冷湖天文观测基地配套设施", "资金到位", D(2025, 10, 15)),
    ("格尔木盐湖提锂材料项目", "开工", D(2025, 4, 10)),
    ("都兰枸杞精深加工项目", "开工", D(2025, 5, 6)),
]

# Deals of the other years: enterprise, name, county, 万元, signed on, stage now, later date
OTHER_DEALS = [
    ("温州电气设备有限公司", "格尔木新能源输变电设备厂", "632801", 6000, D(2021, 6, 18), "投产", D(2023, 5, 1)),
    ("湖州绿能热力有限公司", "德令哈清洁供暖项目", "632802", 5000, D(2021, 9, 9), "投产", D(2022, 10, 15)),
    ("宁波港航物流有限公司", "格尔木陆港物流枢纽", "632801", 18000, D(2021, 11, 3), "资金到位", D(2023, 3, 1)),
    ("宁波晶硅材料有限公司", "格尔木硅材料生产基地", "632801", 35000, D(2022, 4, 12), "投产", D(2024, 6, 1)),
    ("嘉兴禾盛食品有限公司", "都兰牦牛肉制品加工厂", "632822", 2500, D(2022, 7, 8), "投产", D(2023, 8, 1)),
    ("湖州绿建科技有限公司", "德令哈装配式建筑构件厂", "632802", 5000, D(2022, 8, 26), "开工", D(2023, 4, 1)),
    ("金华畅途物流有限公司", "乌兰物流园区", "632821", 4000, D(2022, 10, 20), "资金到位", D(2024, 3, 1)),
    ("金华光储电站运营有限公司", "乌兰光储一体化电站", "632821", 28000, D(2023, 3, 16), "投产", D(2025, 6, 30)),
    ("嘉兴氢途科技有限公司", "格尔木氢能重卡示范运营", "632801", 5000, D(2023, 5, 10), "开工", D(2024, 2, 1)),
    ("杭州数澜算力网络有限公司", "德令哈算力调度节点", "632802", 7000, D(2023, 6, 21), "资金到位", D(2024, 12, 1)),
    ("绍兴医药科技有限公司", "都兰中藏药材提取项目", "632822", 3000, D(2023, 8, 8), "开工", D(2024, 4, 20)),
    ("台州环保科技有限公司", "大柴旦园区污水处理项目", "632857", 2000, D(2023, 9, 19), "签约", None),
    ("丽水生态农业有限公司", "都兰有机枸杞种植基地", "632822", 600, D(2023, 11, 2), "开工", D(2024, 5, 1)),
    ("衢州氟硅新材料有限公司", "格尔木氟硅新材料项目", "632801", 22000, D(2025, 3, 18), "开工", D(2025, 10, 1)),
    ("温州瓯电储能科技有限公司", "格尔木储能变流器组装线", "632801", 1800, D(2025, 4, 22), "签约", None),
    ("杭州天文科普教育有限公司", "冷湖天文研学基地", "632803", 1000, D(2025, 6, 6), "开工", D(2025, 9, 1)),
    ("台州精工机电有限公司", "格尔木矿山设备服务中心", "632801", 2500, D(2025, 7, 15), "签约", None),
    ("绍兴纺织新材料有限公司", "德令哈功能纤维项目", "632802", 3500, D(2025, 9, 9), "签约", None),
    ("衢州数据服务有限公司", "德令哈数据标注基地", "632802", 800, D(2025, 10, 28), "开工", D(2026, 3, 1)),
    ("嘉兴储安电力科技有限公司", "德令哈储能电池产线", "632802", 9000, D(2025, 11, 20), "签约", None),
    ("宁波光合新能源股份有限公司", "乌兰光伏电站", "632821", 12000, D(2026, 3, 12), "开工", D(2026, 8, 1)),
    ("金华零碳园区建设有限公司", "格尔木零碳产业园二期", "632801", 8000, D(2026, 5, 20), "签约", None),
    ("杭州智慧文旅科技有限公司", "海西数字文旅平台", "632802", 1200, D(2026, 6, 16), "签约", None),
    ("湖州热光能源工程有限公司", "大柴旦光热储能项目", "632857", 14000, D(2026, 8, 8), "签约", None),
    ("丽水竹木制品有限公司", "天峻林下经济项目", "632823", 500, D(2026, 9, 25), "签约", None),
]  # fmt: skip

# Not (yet) signed: enterprise, name, county, stage, date, end reason
OPEN_DEALS = [
    ("舟山远洋渔业有限公司", "德令哈冷水鱼养殖基地", "632802", "洽谈", D(2026, 4, 1), ""),
    ("嘉兴禾盛食品有限公司", "乌兰乳制品加工项目", "632821", "线索", D(2026, 9, 10), ""),
    ("杭州数澜算力网络有限公司", "格尔木边缘计算节点", "632801", "洽谈", D(2026, 10, 12), ""),
    ("绍兴锂源材料科技有限公司", "大柴旦锂电材料二期", "632857", "线索", D(2026, 11, 2), ""),
    ("舟山海工装备有限公司", "格尔木海工配套项目", "632801", "终止", D(2025, 5, 5),
     "企业战略调整，项目不再推进"),
]  # fmt: skip


def _wan(n: int | None) -> Decimal | None:
    return None if n is None else Decimal(n) * WAN


class _Loader(DemoLoader):
    def __init__(self, stdout=None) -> None:
        super().__init__(stdout)
        self.divisions = {d.code: d for d in Division.objects.all()}
        self.owner = User.objects.filter(username="hq").first()
        self.enterprises: dict[str, Enterprise] = {}
        self.taken = set(
            Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
        )

    def credit_code(self, index: int, city: str) -> str:
        salt = 0
        while True:
            code = make_uscc("91", city, f"{7 + salt}{index:07d}")
            if code not in self.taken:
                self.taken.add(code)
                return code
            salt += 1

    def load(self) -> None:
        for i, spec in enumerate(ENTERPRISES, 1):
            self.enterprise(i, *spec)
        self.policies = {}
        for spec in POLICIES:
            self.policy(*spec)
        event = self.event()
        for name, title, county, wan, started in EVENT_DEALS:
            self.deal(name, title, county, wan, EVENT_DATE, "签约", None, event=event)
            if started:
                self.move(title, name, "开工", started)
        for title, stage, day in LATER:
            name = next(e for e, t, *_rest in EVENT_DEALS if t == title)
            self.move(title, name, stage, day)
        for name, title, county, wan, signed, stage, day in OTHER_DEALS:
            self.deal(name, title, county, wan, signed, "签约", None)
            if stage != "签约":
                self.move(title, name, stage, day)
        for name, title, county, stage, day, reason in OPEN_DEALS:
            self.deal(name, title, county, None, day, stage, reason)

    def enterprise(self, i, name, city, section, division, size, zc, products, intentions, wan):
        existing = Enterprise.objects.filter(organisation__name=name).first()
        if existing is not None:
            self.note("招商企业", "未变")
            self.enterprises[name] = existing
            return
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = services.enterprise_organisation(
                actor=None,
                name=name,
                credit_code=self.credit_code(i, city),
                city=self.divisions[city],
            )
        self.enterprises[name] = services.enterprise_create(
            actor=None,
            organisation=org,
            industry_section=section,
            industry_division=division,
            size=size,
            zero_carbon=zc,
            products=products,
            intentions=intentions,
            intended_investment=_wan(wan),
            contact_name=["王", "李", "张", "刘", "陈", "杨", "赵", "黄"][i % 8] + "经理",
            phone=f"1385716{i:04d}",
        )
        self.note("招商企业", "新建")

    def policy(self, title, issuer, doc_no, start, end, industries, kinds, wan, jobs, region, text):
        existing = Policy.objects.filter(doc_no=doc_no).first() if doc_no else None
        if existing is not None:
            self.note("招商政策", "未变")
            self.policies[title] = existing
            return
        self.policies[title] = services.policy_create(
            actor=None,
            title=title,
            issuer=issuer,
            doc_no=doc_no,
            valid_from=start,
            valid_to=end,
            industries=industries,
            incentives=kinds,
            min_investment=_wan(wan),
            min_jobs=jobs,
            region=self.divisions[region] if region else None,
            text=text,
        )
        self.note("招商政策", "新建")

    def event(self) -> PromotionEvent:
        existing = PromotionEvent.objects.filter(name=EVENT_NAME, date=EVENT_DATE).first()
        if existing is not None:
            self.note("推介会", "未变")
            return existing
        self.note("推介会", "新建")
        return services.event_create(
            actor=None,
            name=EVENT_NAME,
            date=EVENT_DATE,
            place="杭州",
            organiser="浙江省对口支援青海省海西州指挥部、海西州人民政府",
            attendance=320,
            note="两个清单精准对接：绿色低碳项目集中签约 17 个，总额 13.25 亿元。",
        )

    def deal(self, name, title, county, wan, on, stage, reason, event=None) -> None:
        enterprise = self.enterprises[name]
        if Deal.objects.filter(name=title, enterprise=enterprise).exists():
            self.note("招商项目", "未变")
            return
        recs = matching.recommend(enterprise, self.policies.values(), on)
        services.deal_create(
            actor=None,
            name=title,
            enterprise=enterprise,
            county=self.divisions[county],
            on=on,
            stage=stage,
            end_reason=reason or "",
            signed_amount=_wan(wan),
            event=event,
            owner=self.owner,
            policies=[r.policy for r in recs[:2]],
        )
        self.note("招商项目", "新建")

    def move(self, title, name, stage, day) -> None:
        deal = Deal.objects.get(name=title, enterprise=self.enterprises[name])
        if deal.stage_changes.filter(to_stage=stage, date=day).exists():
            return
        services.deal_move(actor=None, deal=deal, stage=stage, on=day)
        self.note("阶段变更", "新建")

    def check(self) -> None:
        signed = Deal.objects.filter(event__name=EVENT_NAME, signed_on=EVENT_DATE)
        total = sum(d.signed_amount for d in signed)
        assert signed.count() == 17 and total == EVENT_TOTAL_WAN * WAN, (signed.count(), total)

    def report(self) -> None:
        if self.stdout is None:
            return
        for what, counts in self.stats.items():
            parts = "，".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"  {what}：{parts}")


def load_investment_demo(stdout=None) -> None:
    """Load the demo enterprises, policies, the 2024-05-28 meeting and the deals (idempotent)."""
    assert sum(d[3] for d in EVENT_DEALS) == EVENT_TOTAL_WAN
    loader = _Loader(stdout)
    with transaction.atomic():
        loader.load()
        loader.check()
    loader.report()
