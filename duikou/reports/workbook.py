"""The statistical workbook (统计报表) of a year, quarter or month: a cover sheet and one sheet per
ledger that exists, each with a frozen header, a totals row that equals `duikou figures`, money
in 万元 and an A4 landscape print setup repeating the header row. Written through lib/xlsx
(formula-like text made inert); the roster is masked, or has no personal columns at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from duikou.core.vocab import FlowType, FundingSource
from duikou.lib.money import WAN
from duikou.lib.xlsx import workbook_bytes
from duikou.reports import figures
from duikou.reports.summary import PROGRAMME

WAN_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


class PeriodError(ValueError):
    """A period that is not a year 2000–2100, a quarter 1–4 or a month 1–12."""


def period(year: int, quarter: int | None = None, month: int | None = None):
    """(months first..last, label) of the period; raises PeriodError with a clear message."""
    if not 2000 <= year <= 2100:
        raise PeriodError(f"年度 {year} 不在 2000–2100 之间")
    if quarter is not None and month is not None:
        raise PeriodError("季度和月份只能选一个")
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise PeriodError(f"季度 {quarter} 不在 1–4 之间")
        return (3 * quarter - 2, 3 * quarter), f"{year}年第{quarter}季度"
    if month is not None:
        if not 1 <= month <= 12:
            raise PeriodError(f"月份 {month} 不在 1–12 之间")
        return (month, month), f"{year}年{month}月"
    return (1, 12), f"{year}年"


def _wan(yuan: str | Decimal | None) -> Decimal:
    return Decimal(yuan or 0) / WAN


def _sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: list[list],
    total: list,
    money_cols: Sequence[int] = (),
    widths: dict[int, int] | None = None,
) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    ws.append(total)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, TOTAL_FILL
    for col in money_cols:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = WAN_FORMAT
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for i, header in enumerate(headers, start=1):
        width = (widths or {}).get(i) or max(8, min(40, len(str(header)) * 2 + 2))
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


# Each sheet: (name, definition) for the cover, and a builder.
DEFINITIONS = {
    "项目进度": (
        "年度计划内项目（不含已取消），援助资金为计划数；下达、拨付、支出为项目全部日期的"
        "资金流水；形象进度为期末前最近一次进展报告；资金拨付率 = 拨付 ÷ 下达。"
        "季度、月度报表同列全年项目。"
    ),
    "资金流水": (
        "期间内发生的资金流水，按类型和资金来源汇总（全年合计等于 duikou figures 的 flows）。"
    ),
    "人员名册": (
        "在岗期与期间有交集的援派人员（按派驻记录计，一人多次派驻计多次）；联系电话已脱敏。"
    ),
    "跟岗培训": "期间内开始的跟岗培训。",
    "专家点单": "期间内发布的点单需求（不含已撤回）及其已完成的坐诊服务。",
    "招商项目": "期间内签约的招商项目。",
    "消费帮扶": "期间内的消费帮扶销售额，按渠道类型汇总；门店数为年末在营门店。",
    "交流活动": "期间内开始的交往交流交融活动，按类型计；人工录入指标注明来源。",
}


def _projects_sheet(wb, year, user, data) -> None:
    rows = figures.project_rows(year, user)
    body = [
        [
            r["code"],
            r["name"],
            r["category"],
            r["county"],
            r["status"],
            r["progress"],
            _wan(r["aid"]),
            _wan(r["local"]),
            _wan(r["social"]),
            _wan(r["下达"]),
            _wan(r["拨付"]),
            _wan(r["支出"]),
            float(r["资金拨付率"]) if r["资金拨付率"] is not None else None,
        ]
        for r in rows
    ]

    def col(key: str) -> Decimal:
        return sum((_wan(r[key]) for r in rows), Decimal(0))

    overall = data["project_indicators"].get("overall", {})
    rate = overall.get("资金拨付率")
    total = [
        "合计",
        f"{data['projects']['count']}个项目",
        "",
        "",
        "",
        None,
        _wan(data["projects"]["aid"]),
        col("local"),
        col("social"),
        col("下达"),
        col("拨付"),
        col("支出"),
        float(rate) if rate is not None else None,
    ]
    headers = [
        "项目编号",
        "项目名称",
        "类别",
        "县市",
        "状态",
        "形象进度（%）",
        "援助资金（万元）",
        "地方配套（万元）",
        "社会资金（万元）",
        "下达（万元）",
        "拨付（万元）",
        "支出（万元）",
        "资金拨付率（%）",
    ]
    _sheet(wb, "项目进度", headers, body, total, range(7, 13), {1: 16, 2: 36, 3: 14})


def _flows_sheet(wb, year, user, months) -> None:
    cells = figures.flows_by_source(year, user, months)
    body = []
    grand_n = 0
    for t in FlowType:
        n = 0
        amount = Decimal(0)
        for s in FundingSource:
            c = cells[t.value][s.value]
            body.append([t.value, s.value, c["count"], _wan(c["amount"])])
            n += c["count"]
            amount += Decimal(c["amount"])
        body.append([f"{t.value}小计", "", n, _wan(amount)])
        grand_n += n
    ws = _sheet(
        wb,
        "资金流水",
        ["类型", "资金来源", "笔数", "金额（万元）"],
        body,
        ["合计（笔数）", "", grand_n, None],
        [4],
        {1: 14, 2: 14},
    )
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value).endswith("小计"):
            for cell in row:
                cell.font = BOLD


def _roster_sheet(wb, year, user, months, personal) -> None:
    rows = figures.roster_rows(year, user, months, personal=personal)
    headers = ["姓名", "性别", "人员类别", "领域", "批次", "派出单位", "派驻单位", "科室"]
    headers += ["开始日期", "结束日期"]
    if personal:
        headers.append("联系电话（脱敏）")
    body = []
    for r in rows:
        row = [r["name"], r["gender"], r["kind"], r["field"], r["batch"], r["sending_org"]]
        row += [r["host_org"], r["host_department"], r["start"], r["end"]]
        if personal:
            row.append(r["phone"])
        body.append(row)
    total = ["合计", f"{len(rows)}人次"]
    _sheet(wb, "人员名册", headers, body, total, (), {6: 28, 7: 28, 8: 16, 9: 12, 10: 12})


def _trainings_sheet(wb, year, user, months) -> None:
    rows = figures.training_rows(year, user, months)
    headers = [
        "姓名",
        "派出单位",
        "培训单位",
        "培训科室",
        "培训项目",
        "领域",
        "开始日期",
        "结束日期",
    ]
    body = [
        [
            *(r["name"], r["home_org"], r["host_org"], r["host_unit"], r["programme"]),
            *(r["field"], r["start"], r["end"]),
        ]
        for r in rows
    ]
    _sheet(wb, "跟岗培训", headers, body, ["合计", f"{len(rows)}人"], (), {2: 28, 3: 28})


def _orders_sheet(wb, year, user, months) -> None:
    rows = figures.demand_rows(year, user, months)
    headers = ["发布日期", "需求单位", "专业", "服务方式", "天数", "状态", "服务专家"]
    headers += ["服务开始", "实际服务天数", "评价"]
    body = [
        [
            *(r["posted"], r["organisation"], r["skill"], r["service_kind"], r["days"]),
            *(r["status"], r["expert"], r["visit_start"], r["delivered_days"], r["rating"]),
        ]
        for r in rows
    ]
    served = sum(1 for r in rows if r["served"])
    total = ["合计", f"发布{len(rows)}项", "", "", None, f"已服务{served}项"]
    _sheet(wb, "专家点单", headers, body, total, (), {1: 12, 2: 28, 8: 12})


def _deals_sheet(wb, year, user, months, data) -> None:
    rows = figures.deal_rows(year, user, months)
    headers = ["项目名称", "企业", "县市", "行业门类", "阶段", "签约日期"]
    headers += ["签约金额（万元）", "已到位资金（万元）"]
    body = [
        [
            *(r["name"], r["enterprise"], r["county"], r["industry"], r["stage"]),
            *(r["signed_on"], _wan(r["signed"]), _wan(r["invested"])),
        ]
        for r in rows
    ]
    signed = sum((_wan(r["signed"]) for r in rows), Decimal(0))
    invested = sum((_wan(r["invested"]) for r in rows), Decimal(0))
    total = ["合计", f"{len(rows)}个", "", "", "", None, signed, invested]
    _sheet(wb, "招商项目", headers, body, total, (7, 8), {1: 32, 2: 28, 6: 12})


def _sales_sheet(wb, data) -> None:
    sales, outlets = data.get("sales") or {}, data.get("outlets") or {}
    body: list[list] = [
        [kind, _wan(amount), outlets.get(kind)]
        for kind, amount in sales.get("by_channel_kind", {}).items()
    ]
    body.append(["订单额（另计）", _wan(sales.get("ordered")), None])
    total = ["销售额合计", _wan(sales.get("sold")), sum(outlets.values()) if outlets else None]
    _sheet(wb, "消费帮扶", ["渠道类型", "销售额（万元）", "年末门店数（家）"], body, total, [2])


def _events_sheet(wb, data) -> None:
    by_kind = (data.get("events") or {}).get("by_kind", {})
    body: list[list] = [[kind, n, "", ""] for kind, n in by_kind.items()]
    for name, ind in (data.get("indicators") or {}).items():
        body.append(
            [f"{name}（人工录入）", None, f"{ind['value']}{ind.get('unit', '')}", ind["source"]]
        )
    total = ["活动合计", sum(by_kind.values()), "", ""]
    _sheet(
        wb, "交流活动", ["活动类型/指标", "场次", "指标值", "来源"], body, total, (), {1: 24, 4: 30}
    )


def build(
    year: int,
    *,
    quarter: int | None = None,
    month: int | None = None,
    user=None,
    personal: bool = True,
    data: dict | None = None,
) -> bytes:
    """The workbook as .xlsx bytes. `user` scopes every sheet (None: the whole programme);
    `personal` False leaves the roster's phone column out (viewers)."""
    months, label = period(year, quarter, month)
    data = data if data is not None else figures.compute(year, user)
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    sheets = ["项目进度", "资金流水", "人员名册", "跟岗培训", "专家点单", "招商项目"]
    _projects_sheet(wb, year, user, data)
    _flows_sheet(wb, year, user, months)
    _roster_sheet(wb, year, user, months, personal)
    _trainings_sheet(wb, year, user, months)
    _orders_sheet(wb, year, user, months)
    _deals_sheet(wb, year, user, months, data)
    missing = []
    if "sales" in data or "outlets" in data:
        _sales_sheet(wb, data)
        sheets.append("消费帮扶")
    else:
        missing.append("消费帮扶")
    if "events" in data or "indicators" in data:
        _events_sheet(wb, data)
        sheets.append("交流活动")
    else:
        missing.append("交流活动")
    cover.append([f"{PROGRAMME}统计报表"])
    cover.append(["报表期间", label])
    cover.append(["生成时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    cover.append(["金额单位", "万元（保留两位小数显示，单元格为精确值）"])
    cover.append([])
    cover.append(["工作表", "口径"])
    for name in sheets:
        cover.append([name, DEFINITIONS[name]])
    for name in missing:
        cover.append([name, "该台账尚无数据（未接入），本表未列入。"])
    cover["A1"].font = Font(bold=True, size=16)
    for cell in cover[6]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 100
    for row in cover.iter_rows(min_row=7):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    cover.page_setup.orientation = "landscape"
    cover.page_setup.paperSize = cover.PAPERSIZE_A4
    cover.page_setup.fitToWidth = 1
    cover.page_setup.fitToHeight = 0
    cover.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook_bytes(wb)
