"""A small labelled investment set for the tests: enterprises whose right policy is known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from duikou.investment import services
from duikou.lib.checkdigits import make_uscc

D = dt.date


def code(n: int, region: str = "330100") -> str:
    return make_uscc("91", region, f"{n:08d}")


class Kit:
    """Three enterprises, six policies; the right first policy of each is known."""

    def __init__(self, reg):
        self.reg = reg
        org = services.enterprise_organisation
        self.solar = services.enterprise_create(
            actor=None,
            organisation=org(actor=None, name="杭州晴川光伏科技有限公司", credit_code=code(1)),
            industry_section="C",
            industry_division="38",
            products="光伏组件、储能电池",
            zero_carbon=True,
            intentions="在海西建设光伏组件和储能项目",
            intended_investment=Decimal("30000000"),
            contact_name="王晴",
            phone="13857160001",
        )
        self.datacenter = services.enterprise_create(
            actor=None,
            organisation=org(actor=None, name="湖州云岭数据科技有限公司", credit_code=code(2)),
            industry_section="I",
            industry_division="65",
            products="数据中心、绿色算力服务",
            zero_carbon=True,
            intentions="建设绿色算力数据中心",
            intended_investment=Decimal("500000000"),
        )
        self.small = services.enterprise_create(
            actor=None,
            organisation=org(actor=None, name="嘉兴小禾食品有限公司", credit_code=code(3)),
            industry_section="C",
            industry_division="14",
            products="枸杞饮品",
            intentions="枸杞深加工",
            intended_investment=Decimal("2000000"),
        )
        p = services.policy_create
        self.general = p(
            actor=None,
            title="海西州招商引资若干政策",
            issuer="海西州人民政府",
            doc_no="海西政〔2023〕1号",
            valid_from=D(2023, 1, 1),
            incentives="土地、税收",
            text="对新引进企业给予土地和税收优惠。",
        )
        self.manufacturing = p(
            actor=None,
            title="海西州制造业高质量发展扶持办法",
            issuer="海西州工业和信息化局",
            doc_no="海西工信〔2024〕3号",
            valid_from=D(2024, 1, 1),
            valid_to=D(2028, 12, 31),
            industries="C",
            incentives="补贴",
            min_investment=Decimal("10000000"),
            text="支持光伏、储能等先进制造业。",
        )
        self.pv = p(
            actor=None,
            title="海西州光伏储能产业链支持政策",
            issuer="海西州发展和改革委员会",
            doc_no="海西发改〔2024〕8号",
            valid_from=D(2024, 3, 1),
            valid_to=D(2028, 12, 31),
            industries="38、44",
            incentives="电价、土地",
            min_investment=Decimal("10000000"),
            text="对光伏组件、储能电池制造项目给予绿电电价和土地支持。",
        )
        self.compute = p(
            actor=None,
            title="海西州绿色算力数据中心电价支持政策",
            issuer="海西州发展和改革委员会",
            doc_no="海西发改〔2024〕20号",
            valid_from=D(2024, 1, 1),
            valid_to=D(2029, 12, 31),
            industries="I、65",
            incentives="电价",
            min_investment=Decimal("100000000"),
            text="数据中心用电执行绿电优惠电价，支持绿色算力。",
        )
        self.expired = p(
            actor=None,
            title="海西州光伏制造过渡期补贴",
            issuer="海西州财政局",
            doc_no="海西财〔2020〕5号",
            valid_from=D(2020, 1, 1),
            valid_to=D(2023, 12, 31),
            industries="38",
            incentives="补贴",
            text="光伏组件制造补贴。",
        )
        self.future = p(
            actor=None,
            title="海西州光伏储能新政（2027）",
            issuer="海西州人民政府",
            doc_no="海西政〔2026〕30号",
            valid_from=D(2027, 1, 1),
            industries="38",
            incentives="电价",
            text="光伏储能。",
        )
        self.dulan_only = p(
            actor=None,
            title="都兰县枸杞精深加工奖励办法",
            issuer="都兰县人民政府",
            valid_from=D(2024, 1, 1),
            valid_to=D(2026, 12, 31),
            industries="C",
            incentives="补贴",
            region=reg.dulan,
            text="枸杞深加工项目奖励。",
        )
