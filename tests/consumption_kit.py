"""A small consumption set for the tests: two suppliers (都兰, 乌兰), a shop operated by a
Zhejiang company whose liaison enters its sales, another shop, a platform and the expo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from duikou.accounts.models import Role
from duikou.consumption import services
from duikou.core import services as core_services
from tests.conftest import make_user

D = dt.date


class Kit:
    def __init__(self, reg):
        self.reg = reg
        org = core_services.organisation_create
        self.goji_org = org(
            actor=None,
            name="都兰县诺木洪枸杞专业合作社",
            kind="合作社",
            side="受援方",
            division=reg.dulan,
        )
        self.lamb_org = org(
            actor=None,
            name="乌兰县茶卡羊养殖专业合作社",
            kind="合作社",
            side="受援方",
            division=reg.wulan,
        )
        self.operator = org(
            actor=None,
            name="杭州西湖青海好物商贸有限公司",
            kind="企业",
            side="支援方",
            division=reg.hangzhou,
        )
        self.shop_user = make_user("shop", Role.LIAISON, organisation=self.operator)
        self.goji_supplier, _ = services.supplier_for_organisation(
            actor=None, organisation=self.goji_org
        )
        self.lamb_supplier, _ = services.supplier_for_organisation(
            actor=None, organisation=self.lamb_org
        )
        services.certification_set(
            actor=None, supplier=self.goji_supplier, kind="地理标志", certified_on=D(2013, 12, 30)
        )
        self.goji = services.product_create(actor=None, name="柴达木枸杞")
        self.lamb = services.product_create(actor=None, name="茶卡羊")
        ch = services.channel_create
        self.shop = ch(
            actor=None,
            name="杭州十城百店·西湖店",
            kind="门店",
            city=reg.hangzhou,
            operator=self.operator,
            opened_on=D(2021, 5, 1),
        )
        self.other_shop = ch(
            actor=None,
            name="嘉兴十城百店·南湖店",
            kind="门店",
            city=reg.jiaxing,
            opened_on=D(2022, 1, 1),
        )
        self.platform = ch(
            actor=None, name="浙江消费帮扶馆（淘宝）", kind="电商", city=reg.hangzhou
        )
        self.expo = ch(actor=None, name="浙江农博会", kind="展会", city=reg.hangzhou)
        rec = services.sale_create
        self.shop_goji = rec(
            actor=None,
            channel=self.shop,
            product=self.goji,
            supplier=self.goji_supplier,
            date=D(2023, 6, 1),
            is_month=True,
            sold=Decimal("52000.50"),
        )
        self.other_lamb = rec(
            actor=None,
            channel=self.other_shop,
            product=self.lamb,
            supplier=self.lamb_supplier,
            date=D(2023, 6, 1),
            is_month=True,
            sold=Decimal("31000"),
        )
        self.expo_goji = rec(
            actor=None,
            channel=self.expo,
            product=self.goji,
            supplier=self.goji_supplier,
            date=D(2023, 11, 24),
            sold=Decimal("1060000"),
            ordered=Decimal("6000000"),
        )
