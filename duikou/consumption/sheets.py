"""The 销售 sheet of the import engine (templates.md), key 日期 + 渠道 + 产品: a day row or a month
row (2023-06, 2023/6, 2023年6月) of one product at one channel, written through the ledger's
services (new rows in bulk), with its undo hooks. Registered from ConsumptionConfig.ready().

A channel or product named for the first time is created (the channel with its 渠道类型 and
城市) and listed as a warning; a channel named again with another 渠道类型 is an error on that
cell; a supplier (a Haixi organisation) is matched or created like every organisation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.accounts.models import User
from duikou.consumption import scopes, services
from duikou.consumption.models import Channel, Product, Sale, Supplier
from duikou.consumption.vocab import ChannelKind
from duikou.core.models import Organisation
from duikou.core.vocab import Side
from duikou.exchange_io import cells, specs
from duikou.exchange_io.engine import Context, chunked, elsewhere, to_json
from duikou.exchange_io.reader import ParsedSheet, Row
from duikou.exchange_io.specs import Column
from duikou.lib.money import fen_to_yuan

_MONTH = [
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?"),
    re.compile(r"(\d{4})(\d{2})"),
]


def parse_period(raw: Any) -> tuple[dt.date, bool]:
    """A sales date: a month (2023-06, 2023/6, 2023年6月, 202306) → (its first day, True), or a
    day in any form the engine accepts (a real date cell too) → (the day, False)."""
    if isinstance(raw, str):
        text = cells.strip(cells._nfkc(raw))
        for pattern in _MONTH:
            m = pattern.fullmatch(text)
            if m:
                year, month = int(m[1]), int(m[2])
                if not 1 <= month <= 12 or not 1900 <= year <= 2100:
                    raise cells.CellError(_("月份“%(v)s”不存在。") % {"v": text})
                return dt.date(year, month, 1), True
    try:
        return cells.parse_date(raw), False
    except cells.CellError as exc:
        raise cells.CellError(
            _("无法识别的日期“%(v)s”：填写日期（2023-06-18）或月份（2023-06、2023/6、2023年6月）。")
            % {"v": cells.display(raw)}
        ) from exc


COLUMNS = [
    Column(
        "日期",
        "date",
        required=True,
        max_length=30,
        example="2023-06",
        meaning=gettext_lazy(
            "销售日期（2023-06-18），或月份（2023-06、2023/6、2023年6月）表示当月合计"
        ),
    ),
    Column(
        "产品",
        "product",
        required=True,
        max_length=100,
        example="柴达木枸杞",
        meaning=gettext_lazy("产品名称；系统中没有的将新建"),
    ),
    Column(
        "渠道",
        "channel",
        required=True,
        max_length=100,
        example="杭州十城百店·西湖店",
        meaning=gettext_lazy("渠道名称；系统中没有的将按渠道类型和城市新建"),
    ),
    Column(
        "渠道类型",
        "kind",
        specs.CHOICE,
        required=True,
        choices=ChannelKind,
        example="门店",
        meaning=gettext_lazy("门店、电商、展会、食堂采购、其他；须与已登记的渠道一致"),
    ),
    Column(
        "销售额", "sold", specs.MONEY, required=True, example=12.5, meaning=gettext_lazy("销售额")
    ),
    Column(
        "订单额",
        "ordered",
        specs.MONEY,
        example=0,
        meaning=gettext_lazy("已下单尚未交付的金额（如展会订单）"),
    ),
    Column(
        "城市",
        "city",
        specs.CITY,
        example="杭州市",
        meaning=gettext_lazy("渠道所在的浙江地级市（新建渠道时使用）"),
    ),
    Column(
        "供应商",
        "supplier",
        specs.ORG,
        side=Side.AIDED,
        max_length=100,
        example="都兰县诺木洪枸杞专业合作社",
        meaning=gettext_lazy("海西供应商单位；系统中没有的将作为受援方单位新建"),
    ),
]


class SalesHandler(specs.SheetHandler):
    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        today = timezone.localdate()
        channels = {c.name: c for c in Channel.objects.all()}
        products = {p.name: p for p in Product.objects.all()}
        suppliers = {s.organisation_id: s for s in Supplier.objects.all()}
        existing = {
            (d, m, c, p): (pk, sold, ordered, sup)
            for pk, d, m, c, p, sold, ordered, sup in Sale.objects.values_list(
                "pk",
                "date",
                "is_month",
                "channel_id",
                "product_id",
                "sold",
                "ordered",
                "supplier_id",
            )
        }
        named_kind: dict[str, tuple[str, int]] = {}  # channel → (kind, first row) in this book
        seen: dict[tuple, int] = {}
        new_rows: list[dict[str, Any]] = []
        # A channel created here opened by its earliest sale in the book (so that it does not
        # count among the outlets of earlier, possibly published, years).
        self.first_sale: dict[str, Any] = {}
        for row in sheet.good_rows():
            try:
                day, _month = parse_period(row.cells[sheet.columns["date"].index])
            except cells.CellError:
                continue
            name = row.values.get("channel")
            if name and (name not in self.first_sale or day < self.first_sale[name]):
                self.first_sale[name] = day
        for row in sheet.good_rows():
            v = row.values
            try:
                day, is_month = parse_period(row.cells[sheet.columns["date"].index])
            except cells.CellError as exc:
                sheet.error(row, "date", exc.message)
                continue
            try:
                services.check_period(day, is_month, today=today)
            except ValidationError as exc:
                sheet.error(row, "date", " ".join(exc.messages))
                continue
            channel = self._channel(ctx, sheet, row, channels, named_kind)
            if channel is None:
                continue
            product = self._product(ctx, sheet, row, products)
            if product is None:
                continue
            supplier = None
            if v.get("supplier"):
                org = ctx.orgs.resolve(sheet, row, "supplier", side=Side.AIDED)
                if org is None:
                    continue
                supplier = self._supplier(ctx, sheet, row, org, suppliers)
                if supplier is None:
                    continue
            key = (day, is_month, channel.pk, product.pk)
            if key in seen:
                sheet.error(
                    row,
                    "date",
                    _("与第 %(n)s 行是同一日期（月份）、渠道和产品。") % {"n": seen[key]},
                )
                continue
            seen[key] = row.number
            sold = fen_to_yuan(v["sold"])
            ordered = fen_to_yuan(v.get("ordered") or 0)
            old = existing.get(key)
            if old is None:
                if ctx.actor is not None and not scopes.can_record_sale(
                    ctx.actor, channel, supplier
                ):
                    sheet.error(row, "channel", _("您没有为该渠道（或该供应商）填报销售的权限。"))
                    continue
                new_rows.append(
                    {
                        "date": day,
                        "is_month": is_month,
                        "channel": channel,
                        "product": product,
                        "supplier": supplier,
                        "sold": sold,
                        "ordered": ordered,
                    }
                )
                ctx.creates(sheet, row, f"{channel} · {product}")
                continue
            pk, old_sold, old_ordered, old_supplier = old
            diff: dict[str, Any] = {}
            if old_sold != sold:
                diff["sold"] = sold
            if old_ordered != ordered:
                diff["ordered"] = ordered
            if sheet.has("supplier") and old_supplier != (supplier.pk if supplier else None):
                diff["supplier"] = supplier
            if not diff:
                summary.unchanged += 1
                continue
            sale = Sale.objects.select_related("channel", "supplier__organisation").get(pk=pk)
            before = {f: to_json(getattr(sale, f)) for f in diff}
            try:
                sale = services.sale_update(actor=ctx.actor, sale=sale, **diff)
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(sheet, row, exc, default="channel")
                continue
            ctx.updated(sale, before, sheet=sheet, row=row)
            summary.updated += 1
        if new_rows and not ctx.result.errors:
            try:
                pks = services.sales_create_many(actor=ctx.actor, rows=new_rows)
            except (ValidationError, PermissionDenied) as exc:
                sheet.error(None, None, " ".join(cells_messages(exc)))
                return
            ctx.created_many(Sale, pks)
            summary.created += len(pks)
        elif new_rows:
            # Another error already refuses the workbook: count what would have been created.
            summary.created += len(new_rows)

    def _channel(self, ctx, sheet, row: Row, channels: dict, named: dict) -> Channel | None:
        v = row.values
        name, kind = v["channel"], v["kind"]
        first = named.get(name)
        if first is not None and first[0] != kind:
            sheet.error(
                row,
                "kind",
                _(
                    "渠道“%(n)s”在第 %(r)s 行的渠道类型是“%(k)s”，"
                    "本行填了“%(v)s”：同一渠道只能有一种类型。"
                )
                % {"n": name, "r": first[1], "k": first[0], "v": kind},
            )
            return None
        channel = channels.get(name)
        if channel is not None and channel.kind != kind:
            sheet.error(
                row,
                "kind",
                _("渠道“%(n)s”已登记为“%(k)s”，本行填了“%(v)s”：同一渠道只能有一种类型。")
                % {"n": name, "k": channel.kind, "v": kind},
            )
            return None
        named.setdefault(name, (kind, row.number))
        if channel is not None:
            return channel
        try:
            channel = services.channel_create(
                actor=ctx.actor,
                name=name,
                kind=kind,
                city=v.get("city"),
                opened_on=self.first_sale.get(name),
            )
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, fields={"name": "channel"}, default="channel")
            return None
        channels[name] = channel
        ctx.created(channel)
        ctx.stamp_history(Channel, channel.pk)
        city = v.get("city")
        sheet.warn(
            row,
            "channel",
            _(
                "新建渠道“%(n)s”（系统中没有该渠道）：%(k)s，%(c)s，"
                "开业日期按本表最早的销售定为 %(d)s。"
            )
            % {
                "n": name,
                "k": kind,
                "c": city.name if city else _("城市未填"),
                "d": channel.opened_on.isoformat() if channel.opened_on else "—",
            },
        )
        return channel

    def _product(self, ctx, sheet, row: Row, products: dict) -> Product | None:
        name = row.values["product"]
        product = products.get(name)
        if product is not None:
            return product
        try:
            product = services.product_create(actor=ctx.actor, name=name)
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, fields={"name": "product"}, default="product")
            return None
        products[name] = product
        ctx.created(product)
        ctx.stamp_history(Product, product.pk)
        sheet.warn(row, "product", _("新建产品“%(n)s”（系统中没有该产品）。") % {"n": name})
        return product

    def _supplier(self, ctx, sheet, row: Row, org: Organisation, suppliers: dict):
        found = suppliers.get(org.pk)
        if found is not None:
            return found
        try:
            supplier, created = services.supplier_for_organisation(
                actor=ctx.actor, organisation=org
            )
        except (ValidationError, PermissionDenied) as exc:
            ctx.fail(sheet, row, exc, fields={"organisation": "supplier"}, default="supplier")
            return None
        suppliers[org.pk] = supplier
        if created:
            ctx.created(supplier)
            ctx.stamp_history(Supplier, supplier.pk)
        return supplier


def cells_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def export_sales(sales: Iterable[Sale]) -> Iterable[list]:
    for s in sales:
        yield [
            s.period,
            s.product.name,
            s.channel.name,
            s.channel.kind,
            s.sold,
            s.ordered,
            s.channel.city.name if s.channel.city_id else "",
            s.supplier.organisation.name if s.supplier_id else "",
        ]


SALES = specs.SheetSpec(
    name="销售",
    order=70,
    columns=COLUMNS,
    key=("date", "channel", "product"),
    handler=SalesHandler,
    exporter=export_sales,
    export_related=("product", "channel", "channel__city", "supplier__organisation"),
    description=gettext_lazy(
        "消费帮扶销售：每行一个渠道一种产品一天（或一个月的合计），以日期、渠道和产品识别。"
    ),
)


# Undo ------------------------------------------------------------------------------------


class ConsumptionUndo(specs.UndoHooks):
    order = 70
    delete_order = (
        "consumption.sale",
        "consumption.channel",
        "consumption.product",
        "consumption.supplier",
    )

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        problems = []
        sales = created.get("consumption.sale", set())
        for label, field, what in (
            ("consumption.channel", "channel_id__in", _("渠道")),
            ("consumption.product", "product_id__in", _("产品")),
            ("consumption.supplier", "supplier_id__in", _("供应商")),
        ):
            for chunk in chunked(created.get(label, set())):
                for s in elsewhere(Sale.objects.filter(**{field: chunk}), sales):
                    problems.append(
                        _("导入新建的%(w)s之后已有其他销售记录：%(s)s。") % {"w": what, "s": s}
                    )
        suppliers = created.get("consumption.supplier", set())
        for chunk in chunked(created.get("core.organisation", set())):
            for s in elsewhere(Supplier.objects.filter(organisation_id__in=chunk), suppliers):
                problems.append(_("导入新建的单位已登记为供应商：%(s)s。") % {"s": s})
            for c in Channel.objects.filter(operator_id__in=chunk)[:5]:
                problems.append(_("导入新建的单位已是渠道的运营单位：%(c)s。") % {"c": c})
        return problems

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        if label == "consumption.sale":
            services.sale_update(actor=actor, sale=obj, **before)
        else:  # pragma: no cover - the sheet updates sales only
            raise ValueError(label)


def register() -> None:
    """Called from ConsumptionConfig.ready()."""
    specs.register(SALES)
    specs.register_undo(ConsumptionUndo)
