"""The investment sheets of the import engine (templates.md): 企业 (key 统一社会信用代码), 政策
(key 文号, or 政策名称 where 文号 is empty) and 招商 (deals, key 项目名称 + 企业), written through
the ledger's services, with their undo hooks. Registered from InvestmentConfig.ready().

Contact phones are personal data: quoted masked in every problem, exported masked; an exported
masked phone imported back means "unchanged".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.accounts.models import User
from duikou.core import crypto
from duikou.core.models import Division, Organisation
from duikou.core.vocab import DivisionLevel
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, elsewhere, to_json
from duikou.exchange_io.reader import ParsedSheet
from duikou.exchange_io.specs import Column
from duikou.investment import services
from duikou.investment.models import Deal, DealStageChange, Enterprise, Policy, PromotionEvent
from duikou.investment.vocab import (
    PIPELINE,
    SIGNED_STAGES,
    DealStage,
    EnterpriseSize,
    division_code,
    division_section,
    section_code,
    sections,
)
from duikou.lib.checkdigits import normalise_code
from duikou.lib.masking import mask_phone
from duikou.lib.money import fen_to_yuan

YES, NO = "是", "否"


@dataclasses.dataclass(frozen=True)
class MaskedColumn(Column):
    """A column of personal data: wherever the import quotes its value, it is masked."""

    mask: Callable[[str], str] | None = None


def _section_terms() -> list[str]:
    return list(sections())


def _division_terms() -> list[str]:
    return sorted(division_section())


def _money(fen: int | None):
    return None if fen is None else fen_to_yuan(fen)


ENTERPRISE_COLUMNS = [
    Column(
        "企业名称",
        "name",
        required=True,
        max_length=100,
        example="杭州晴川光伏科技有限公司",
        meaning=gettext_lazy("浙江方企业名称；系统中没有的将作为支援方单位新建"),
    ),
    Column(
        "统一社会信用代码",
        "credit_code",
        specs.IDENTIFIER,
        required=True,
        upper=True,
        max_length=18,
        example="913301000000000196",
        meaning=gettext_lazy("18 位，校验两个校验码（GB 32100）"),
    ),
    Column(
        "所在城市",
        "city",
        specs.CITY,
        example="杭州市",
        meaning=gettext_lazy("企业所在的浙江地级市"),
    ),
    Column(
        "行业门类",
        "industry_section",
        specs.TERM,
        required=True,
        example="C",
        terms=_section_terms,
        canonical=section_code,
        meaning=gettext_lazy("GB/T 4754-2017 门类：字母（C）或名称（制造业）"),
    ),
    Column(
        "行业大类",
        "industry_division",
        specs.TERM,
        example="38",
        terms=_division_terms,
        canonical=division_code,
        meaning=gettext_lazy("两位大类代码（数字 3 即 03），须属于所填门类"),
    ),
    Column("主营产品", "products", example="光伏组件、储能电池", meaning=gettext_lazy("主营产品")),
    Column(
        "规模",
        "size",
        specs.CHOICE,
        choices=EnterpriseSize,
        example="中型",
        meaning=gettext_lazy("大型、中型、小型、微型"),
    ),
    Column(
        "零碳标签",
        "zero_carbon",
        specs.TERM,
        example=YES,
        terms=lambda: [YES, NO],
        meaning=gettext_lazy("是否列入零碳重点企业清单：是、否"),
    ),
    Column(
        "投资意向",
        "intentions",
        example="在海西建设光伏组件和储能项目",
        meaning=gettext_lazy("企业的投资意向（自由文字，用于匹配政策）"),
    ),
    Column(
        "意向投资额",
        "intended_investment",
        specs.MONEY,
        example=3000,
        meaning=gettext_lazy("意向投资额"),
    ),
    Column(
        "联系人", "contact_name", max_length=50, example="王晴", meaning=gettext_lazy("企业联系人")
    ),
    MaskedColumn(
        "联系电话",
        "phone",
        max_length=30,
        example="13857160001",
        mask=mask_phone,
        meaning=gettext_lazy("联系人电话；加密保存，显示时隐去中间数字"),
    ),
]

POLICY_COLUMNS = [
    Column(
        "政策名称",
        "title",
        required=True,
        max_length=200,
        example="海西州绿色算力数据中心电价支持政策",
        meaning=gettext_lazy("政策名称"),
    ),
    Column(
        "发文单位",
        "issuer",
        required=True,
        max_length=100,
        example="海西州发展和改革委员会",
        meaning=gettext_lazy("发文单位"),
    ),
    Column(
        "文号",
        "doc_no",
        specs.IDENTIFIER,
        max_length=60,
        example="海西发改〔2024〕20号",
        meaning=gettext_lazy("发文字号；空白时以政策名称识别"),
    ),
    Column(
        "生效日期",
        "valid_from",
        specs.DATE,
        required=True,
        example=dt.date(2024, 1, 1),
        meaning=gettext_lazy("生效日期"),
    ),
    Column(
        "失效日期",
        "valid_to",
        specs.DATE,
        example=dt.date(2028, 12, 31),
        meaning=gettext_lazy("失效日期；空白表示长期有效（至废止）"),
    ),
    Column(
        "适用行业",
        "industries",
        example="I、65",
        meaning=gettext_lazy("门类字母和/或两位大类代码，以“、”“,”或空格分隔；空白表示所有行业"),
    ),
    Column(
        "优惠类型",
        "incentives",
        required=True,
        example="电价",
        meaning=gettext_lazy("电价、土地、税收、补贴、人才、其他中的一种或多种，以“、”分隔"),
    ),
    Column(
        "最低投资额",
        "min_investment",
        specs.MONEY,
        example=10000,
        meaning=gettext_lazy("政策要求的最低投资额"),
    ),
    Column(
        "最低就业人数",
        "min_jobs",
        specs.INTEGER,
        min_value=0,
        max_value=1_000_000,
        unit_word="人",
        example=50,
        meaning=gettext_lazy("政策要求的最低就业人数"),
    ),
    Column(
        "适用地区",
        "region",
        max_length=50,
        example="海西州",
        meaning=gettext_lazy("县级行政区（名称或代码），或“海西州”表示全州"),
    ),
    Column(
        "政策内容",
        "text",
        example="数据中心用电执行绿电优惠电价。",
        meaning=gettext_lazy("政策全文或要点"),
    ),
]

DEAL_COLUMNS = [
    Column(
        "项目名称",
        "name",
        required=True,
        max_length=200,
        example="光伏组件与储能项目",
        meaning=gettext_lazy("招商项目名称"),
    ),
    Column(
        "企业",
        "enterprise",
        required=True,
        max_length=100,
        example="杭州晴川光伏科技有限公司",
        meaning=gettext_lazy("招商企业清单中的企业：名称或统一社会信用代码"),
    ),
    Column(
        "落地县市",
        "county",
        specs.PLACE,
        required=True,
        example="德令哈市",
        meaning=gettext_lazy("项目落地的海西县级行政区"),
    ),
    Column(
        "行业门类",
        "industry_section",
        specs.TERM,
        example="I",
        terms=_section_terms,
        canonical=section_code,
        meaning=gettext_lazy("空白时取企业的门类"),
    ),
    Column(
        "行业大类",
        "industry_division",
        specs.TERM,
        example="65",
        terms=_division_terms,
        canonical=division_code,
        meaning=gettext_lazy("空白时取企业的大类"),
    ),
    Column(
        "阶段",
        "stage",
        specs.CHOICE,
        required=True,
        choices=DealStage,
        example="签约",
        forward=tuple(PIPELINE),
        meaning=gettext_lazy("线索、洽谈、签约、开工、资金到位、投产、终止"),
    ),
    Column(
        "签约日期",
        "signed_on",
        specs.DATE,
        example=dt.date(2024, 5, 28),
        meaning=gettext_lazy("签约及以后阶段必填"),
    ),
    Column(
        "签约金额",
        "signed_amount",
        specs.MONEY,
        example=50000,
        meaning=gettext_lazy("签约金额；签约及以后阶段必填"),
    ),
    Column("已到位资金", "invested", specs.MONEY, example=0, meaning=gettext_lazy("已到位资金")),
    Column(
        "推介会",
        "event",
        max_length=200,
        example="",
        meaning=gettext_lazy("签约所在的推介会名称（须已登记）"),
    ),
    Column(
        "终止原因",
        "end_reason",
        max_length=300,
        example="",
        meaning=gettext_lazy("阶段为终止时必填"),
    ),
    Column("备注", "note", example="", meaning=gettext_lazy("备注")),
]


def _present(sheet: ParsedSheet, fields: Iterable[str]) -> list[str]:
    return [f for f in fields if sheet.has(f)]


# 企业 ---------------------------------------------------------------------------------------


class EnterprisesHandler(specs.SheetHandler):
    FIELDS = (
        "industry_section",
        "industry_division",
        "products",
        "size",
        "zero_carbon",
        "intentions",
        "intended_investment",
        "contact_name",
    )

    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        existing = {
            e.organisation.credit_code: e for e in Enterprise.objects.select_related("organisation")
        }
        seen: dict[str, int] = {}
        present = _present(sheet, self.FIELDS)
        for row in sheet.good_rows():
            v = row.values
            code = normalise_code(v["credit_code"])
            if code in seen:
                sheet.error(row, "credit_code", _("与第 %(n)s 行是同一企业。") % {"n": seen[code]})
                continue
            seen[code] = row.number
            data: dict[str, Any] = {}
            for f in present:
                value = v.get(f)
                if f == "intended_investment":
                    value = _money(value)
                elif f == "zero_carbon":
                    value = value == YES
                elif value is None:
                    value = ""
                data[f] = value
            phone = v.get("phone") or "" if sheet.has("phone") else None
            enterprise = existing.get(code)
            if enterprise is None:
                known_org = Organisation.objects.filter(
                    Q(credit_code=code) | Q(name=v["name"])
                ).exists()
                try:
                    org = services.enterprise_organisation(
                        actor=ctx.actor, name=v["name"], credit_code=code, city=v.get("city")
                    )
                    enterprise = services.enterprise_create(
                        actor=ctx.actor, organisation=org, phone=phone or "", **data
                    )
                except (ValidationError, PermissionDenied) as exc:
                    ctx.fail(sheet, row, exc, default="credit_code")
                    continue
                if not known_org:
                    ctx.created(org)
                    ctx.stamp_history(Organisation, org.pk)
                    sheet.warn(
                        row,
                        "name",
                        _("新建单位“%(n)s”（系统中没有该单位）：支援方，企业。") % {"n": org.name},
                    )
                ctx.created(enterprise)
                ctx.creates(sheet, row, str(enterprise))
                ctx.stamp_history(Enterprise, enterprise.pk)
                existing[code] = enterprise
                summary.created += 1
                continue
            if phone is not None and "*" in phone and phone == enterprise.phone_masked:
                phone = None  # an exported (masked) phone: unchanged
            diff = {f: value for f, value in data.items() if getattr(enterprise, f) != value}
            before = {f: to_json(getattr(enterprise, f)) for f in diff}
            if phone is not None and phone != enterprise.clear_phone():
                before["phone_cipher"] = enterprise.phone_cipher
            else:
                phone = None
            if not diff and phone is None:
                summary.unchanged += 1
                continue
            try:
                enterprise = services.enterprise_update(
                    actor=ctx.actor, enterprise=enterprise, phone=phone, **diff
                )
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(sheet, row, exc, default="credit_code")
                continue
            ctx.updated(enterprise, before, sheet=sheet, row=row)
            summary.updated += 1


def export_enterprises(enterprises: Iterable[Enterprise]) -> Iterable[list]:
    for e in enterprises:
        org = e.organisation
        yield [
            org.name,
            org.credit_code,
            org.division.name if org.division.level == DivisionLevel.PREFECTURE else "",
            e.industry_section,
            e.industry_division,
            e.products,
            e.size,
            YES if e.zero_carbon else NO,
            e.intentions,
            e.intended_investment,
            e.contact_name,
            e.phone_masked,
        ]


# 政策 ---------------------------------------------------------------------------------------


def policy_key(doc_no: str, title: str) -> tuple[str, str]:
    return ("doc", doc_no) if doc_no else ("title", title)


class PoliciesHandler(specs.SheetHandler):
    FIELDS = (
        "issuer",
        "valid_from",
        "valid_to",
        "industries",
        "incentives",
        "min_investment",
        "min_jobs",
        "region",
        "text",
        "title",
        "doc_no",
    )

    def _region(self, sheet: ParsedSheet, row, raw: str | None) -> tuple[bool, Division | None]:
        text = (raw or "").strip()
        if text in ("", "海西州", "海西", "632800", "全州"):
            return True, None
        counties = Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith="6328")
        found = counties.filter(
            Q(name=text) | Q(short_name=text) | Q(code=text) | Q(alt_code=text)
        ).first()
        if found is None:
            sheet.error(
                row,
                "region",
                _("“%(v)s”不是海西的县级行政区；可填 %(all)s，或“海西州”表示全州。")
                % {"v": text, "all": "、".join(c.name for c in counties)},
            )
            return False, None
        return True, found

    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        existing = {policy_key(p.doc_no, p.title): p for p in Policy.objects.all()}
        seen: dict[tuple, int] = {}
        present = _present(sheet, self.FIELDS)
        for row in sheet.good_rows():
            v = row.values
            key = policy_key(v.get("doc_no") or "", v["title"])
            if key in seen:
                sheet.error(
                    row,
                    "doc_no" if key[0] == "doc" else "title",
                    _("与第 %(n)s 行是同一政策。") % {"n": seen[key]},
                )
                continue
            seen[key] = row.number
            data: dict[str, Any] = {}
            ok = True
            for f in present:
                value = v.get(f)
                if f == "min_investment":
                    value = _money(value)
                elif f == "region":
                    ok, value = self._region(sheet, row, value)
                elif f in ("valid_to", "min_jobs"):
                    pass
                elif value is None:
                    value = ""
                data[f] = value
            if not ok:
                continue
            policy = existing.get(key)
            if policy is None:
                try:
                    policy = services.policy_create(actor=ctx.actor, **data)
                except (ValidationError, PermissionDenied) as exc:
                    ctx.fail(sheet, row, exc, default="title")
                    continue
                ctx.created(policy)
                ctx.creates(sheet, row, str(policy))
                ctx.stamp_history(Policy, policy.pk)
                existing[key] = policy
                summary.created += 1
                continue
            # Compare in stored form: the lists parsed as the service would.
            probe = dict(data)
            try:
                services._policy_lists(probe)
            except ValidationError as exc:
                ctx.fail(sheet, row, exc, default="title")
                continue
            diff = {f: data[f] for f, value in probe.items() if getattr(policy, f) != value}
            if not diff:
                summary.unchanged += 1
                continue
            before = {f: to_json(getattr(policy, f)) for f in diff}
            try:
                policy = services.policy_update(actor=ctx.actor, policy=policy, **diff)
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(sheet, row, exc, default="title")
                continue
            ctx.updated(policy, before, sheet=sheet, row=row)
            summary.updated += 1


def export_policies(policies: Iterable[Policy]) -> Iterable[list]:
    for p in policies:
        yield [
            p.title,
            p.issuer,
            p.doc_no,
            p.valid_from,
            p.valid_to,
            "、".join(p.industries),
            "、".join(p.incentives),
            p.min_investment,
            p.min_jobs,
            p.region.name if p.region_id else "海西州",
            p.text,
        ]


# 招商 ---------------------------------------------------------------------------------------


class DealsHandler(specs.SheetHandler):
    FIELDS = ("industry_section", "industry_division", "signed_amount", "invested", "note")

    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        enterprises = list(Enterprise.objects.select_related("organisation"))
        by_name = {e.organisation.name: e for e in enterprises}
        by_name.update({e.organisation.credit_code: e for e in enterprises})
        events = {e.name: e for e in PromotionEvent.objects.all()}
        existing = {(d.name, d.enterprise_id): d for d in Deal.objects.all()}
        seen: dict[tuple, int] = {}
        today = timezone.localdate()
        for row in sheet.good_rows():
            v = row.values
            enterprise = by_name.get(v["enterprise"]) or by_name.get(
                normalise_code(v["enterprise"])
            )
            if enterprise is None:
                sheet.error(
                    row,
                    "enterprise",
                    _("企业“%(n)s”不在招商企业清单中（可在 企业 工作表中登记）。")
                    % {"n": v["enterprise"]},
                )
                continue
            key = (v["name"], enterprise.pk)
            if key in seen:
                sheet.error(row, "name", _("与第 %(n)s 行是同一项目。") % {"n": seen[key]})
                continue
            seen[key] = row.number
            event = None
            if v.get("event"):
                event = events.get(v["event"])
                if event is None:
                    sheet.error(row, "event", _("推介会“%(n)s”尚未登记。") % {"n": v["event"]})
                    continue
            data: dict[str, Any] = {}
            for f in _present(sheet, self.FIELDS):
                value = v.get(f)
                if f in ("signed_amount", "invested"):
                    value = _money(value) if value is not None or f == "signed_amount" else 0
                elif value is None:
                    if f.startswith("industry_"):
                        continue  # the enterprise's
                    value = ""
                data[f] = value
            if sheet.has("event"):
                data["event"] = event
            stage = v["stage"]
            signed_on = v.get("signed_on")
            if stage in SIGNED_STAGES and signed_on is None:
                sheet.error(
                    row, "signed_on", _("阶段为“%(s)s”的项目须填写签约日期。") % {"s": stage}
                )
                continue
            deal = existing.get(key)
            if deal is None:
                try:
                    deal = services.deal_create(
                        actor=ctx.actor,
                        name=v["name"],
                        enterprise=enterprise,
                        county=v["county"],
                        on=signed_on if stage in SIGNED_STAGES else today,
                        stage=stage,
                        end_reason=v.get("end_reason") or "",
                        **data,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    ctx.fail(sheet, row, exc, default="name")
                    continue
                ctx.created(deal)
                ctx.creates(sheet, row, str(deal))
                ctx.stamp_history(Deal, deal.pk)
                existing[key] = deal
                summary.created += 1
                continue
            if v["county"] != deal.county:
                data["county"] = v["county"]
            diff = {f: value for f, value in data.items() if getattr(deal, f) != value}
            moved = stage != deal.stage
            if not diff and not moved:
                summary.unchanged += 1
                continue
            before = {f: to_json(getattr(deal, f)) for f in diff}
            try:
                if diff:
                    deal = services.deal_update(actor=ctx.actor, deal=deal, **diff)
                if moved:
                    before["stage"] = deal.stage
                    on = signed_on if (stage in SIGNED_STAGES and not deal.signed_on) else today
                    deal = services.deal_move(
                        actor=ctx.actor,
                        deal=deal,
                        stage=stage,
                        on=max(on, _last_date(deal)),
                        reason=v.get("end_reason") or ctx.reason,
                    )
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(sheet, row, exc, default="stage")
                continue
            ctx.updated(deal, before, sheet=sheet, row=row)
            summary.updated += 1


def _last_date(deal: Deal) -> dt.date:
    last = deal.stage_changes.order_by("-date").values_list("date", flat=True).first()
    return last or dt.date.min


def export_deals(deals: Iterable[Deal]) -> Iterable[list]:
    for d in deals:
        yield [
            d.name,
            d.enterprise.organisation.name,
            d.county.name,
            d.industry_section,
            d.industry_division,
            d.stage,
            d.signed_on,
            d.signed_amount,
            d.invested,
            d.event.name if d.event_id else "",
            d.end_reason,
            d.note,
        ]


ENTERPRISES = specs.SheetSpec(
    name="企业",
    order=60,
    columns=ENTERPRISE_COLUMNS,
    key=("credit_code",),
    handler=EnterprisesHandler,
    exporter=export_enterprises,
    export_related=("organisation", "organisation__division"),
    description=gettext_lazy("浙江零碳重点企业清单：每行一家企业，以统一社会信用代码识别。"),
)
POLICIES = specs.SheetSpec(
    name="政策",
    order=61,
    columns=POLICY_COLUMNS,
    key=("doc_no", "title"),
    handler=PoliciesHandler,
    exporter=export_policies,
    export_related=("region",),
    description=gettext_lazy("海西招商政策清单：每行一项政策，以文号（无文号时以政策名称）识别。"),
)
DEALS = specs.SheetSpec(
    name="招商",
    order=62,
    columns=DEAL_COLUMNS,
    key=("name", "enterprise"),
    handler=DealsHandler,
    exporter=export_deals,
    export_related=("enterprise__organisation", "county", "event"),
    description=gettext_lazy("招商项目：每行一个项目，以项目名称和企业识别。"),
    place="county",
)


# Undo ------------------------------------------------------------------------------------


class InvestmentUndo(specs.UndoHooks):
    order = 60
    delete_order = ("investment.deal", "investment.enterprise", "investment.policy")

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        problems = []
        deals = created.get("investment.deal", set())
        for chunk in chunked(created.get("investment.enterprise", set())):
            for d in elsewhere(Deal.objects.filter(enterprise_id__in=chunk), deals):
                problems.append(_("导入新建的企业之后已有招商项目：%(d)s。") % {"d": d})
        for chunk in chunked(created.get("investment.policy", set())):
            for d in elsewhere(Deal.objects.filter(policies__in=chunk).distinct(), deals):
                problems.append(_("导入新建的政策之后已用于招商项目：%(d)s。") % {"d": d})
        for chunk in chunked(deals):
            for c in DealStageChange.objects.filter(deal_id__in=chunk, from_stage__gt="")[:5]:
                problems.append(_("导入新建的项目之后阶段又有变更：%(c)s。") % {"c": c})
        for chunk in chunked(created.get("core.organisation", set())):
            for e in elsewhere(
                Enterprise.objects.filter(organisation_id__in=chunk),
                created.get("investment.enterprise", set()),
            ):
                problems.append(_("导入新建的单位已登记为招商企业：%(e)s。") % {"e": e})
        return problems

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        if label == "investment.enterprise":
            phone = None
            if "phone_cipher" in before:
                phone = crypto.decrypt(before.pop("phone_cipher") or "")
            services.enterprise_update(actor=actor, enterprise=obj, phone=phone, **before)
        elif label == "investment.policy":
            services.policy_update(actor=actor, policy=obj, **before)
        elif label == "investment.deal":
            stage = before.pop("stage", None)
            if before:
                services.deal_update(actor=actor, deal=obj, **before)
            if stage and stage != obj.stage:
                services.deal_move(
                    actor=actor,
                    deal=obj,
                    stage=stage,
                    on=max(timezone.localdate(), _last_date(obj)),
                    reason=_("撤销导入"),
                )
        else:  # pragma: no cover
            raise ValueError(label)


def register() -> None:
    """Called from InvestmentConfig.ready()."""
    specs.register(ENTERPRISES)
    specs.register(POLICIES)
    specs.register(DEALS)
    specs.register_undo(InvestmentUndo)
