"""使用帮助: one page per area of the platform, written for the programme's staff.

`area_for(resolver_match)` says which page the top bar's 使用帮助 link opens from a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import ResolverMatch
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    slug: str
    title: str  # lazily translated
    summary: str

    @property
    def template(self) -> str:
        return "help/" + self.slug + ".html"


AREAS = [
    Area("projects", _("项目与资金"), _("项目库、资金拨付、进度填报和预警")),
    Area("people", _("干部人才"), _("援青干部人才、派驻、批次、跟岗培训和成效")),
    Area("orders", _("点单与排班"), _("受援单位点单、指挥部排班、出诊确认")),
    Area("investment", _("招商"), _("招商企业、政策、招商项目和推介会")),
    Area("consumption", _("消费帮扶"), _("产品、供货单位、销售渠道、销售记录和目标")),
    Area("exchanges", _("交流"), _("交往交流交融活动、异地班和填报指标")),
    Area("import", _("数据导入"), _("用 Excel 模板批量填报：下载模板、试导入、错误清单、撤销")),
    Area("reports", _("报告"), _("首页数据、统计页、年度总结和统计报表")),
]
BY_SLUG = {area.slug: area for area in AREAS}

# The app (URL namespace) of a page → its help area; the reports app serves some statistics
# pages of other areas, named by URL name.
_APP_AREAS = {
    "projects": "projects",
    "people": "people",
    "orders": "orders",
    "investment": "investment",
    "consumption": "consumption",
    "exchanges": "exchanges",
    "exchange_io": "import",
    "reports": "reports",
}
_REPORT_PAGES = {"funds": "projects", "order_stats": "orders", "sales_stats": "consumption"}


def area_for(match: ResolverMatch | None) -> Area | None:
    """The help area of the page `match` resolved, or None (the help index)."""
    if match is None:
        return None
    if match.app_name == "reports" and match.url_name in _REPORT_PAGES:
        return BY_SLUG[_REPORT_PAGES[match.url_name]]
    if match.app_name == "core" and match.url_name and match.url_name.startswith("help"):
        return BY_SLUG.get(match.kwargs.get("area", ""))
    slug = _APP_AREAS.get(match.app_name or "")
    return BY_SLUG[slug] if slug else None
