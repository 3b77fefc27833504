"""The core registry's sheet 结对 (pairings, key 结对类型 + 支援方单位 + 受援方单位 + 受援科室), and
how the import engine undoes the pairings, organisations and departments an import wrote.

Organisations and departments are created by the engine's resolver (engine.OrgResolver) for
any sheet; what came to depend on them is asked of every ledger (each names its own records
that refer to them), and they are deleted last. Registered from CoreConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.accounts.models import User
from duikou.core import services as core_services
from duikou.core.models import Department, Organisation, Pairing
from duikou.core.vocab import PairingKind, Side
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, elsewhere, to_json
from duikou.exchange_io.reader import ParsedSheet
from duikou.exchange_io.specs import Column

ORG_NAME = Organisation._meta.get_field("name").max_length

COLUMNS = [
    Column(
        "结对类型",
        "kind",
        specs.CHOICE,
        required=True,
        choices=PairingKind,
        meaning=gettext_lazy("结对类型"),
        example="医院-科室",
    ),
    Column(
        "支援方单位",
        "zhejiang_org",
        specs.ORG,
        required=True,
        max_length=ORG_NAME,
        side=Side.SUPPORTING,
        meaning=gettext_lazy("浙江方单位名称或简称；不存在的单位将作为支援方单位新建（浙江省）"),
        example="嘉兴市第一医院",
    ),
    Column(
        "受援方单位",
        "haixi_org",
        specs.ORG,
        required=True,
        max_length=ORG_NAME,
        side=Side.AIDED,
        meaning=gettext_lazy("海西方单位名称或简称；不存在的单位将作为受援方单位新建（海西州）"),
        example="都兰县人民医院",
    ),
    Column(
        "受援科室",
        "haixi_department",
        max_length=Department._meta.get_field("name").max_length,
        meaning=gettext_lazy("医院-科室结对的受援科室；受援方单位没有该科室时将新增"),
        example="神经内科",
    ),
    Column(
        "开始日期",
        "start_date",
        specs.DATE,
        required=True,
        meaning=gettext_lazy("结对开始日期"),
        example=dt.date(2023, 3, 1),
    ),
    Column(
        "结束日期",
        "end_date",
        specs.DATE,
        meaning=gettext_lazy("结对结束日期；空白表示仍在结对"),
        example=None,
    ),
    Column(
        "协议名称",
        "agreement_title",
        max_length=Pairing._meta.get_field("agreement_title").max_length,
        meaning=gettext_lazy("结对协议名称"),
        example="嘉兴市第一医院与都兰县人民医院对口帮扶协议",
    ),
]
DATA_FIELDS = ("start_date", "end_date", "agreement_title")


class PairingsHandler(specs.SheetHandler):
    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        existing = {
            (p.kind, p.zhejiang_org_id, p.haixi_org_id, p.haixi_department_id): p
            for p in Pairing.objects.all()
        }
        seen: dict[tuple, int] = {}
        present = [f for f in DATA_FIELDS if sheet.has(f)]
        for row in sheet.good_rows():
            v = row.values
            zj = ctx.orgs.resolve(sheet, row, "zhejiang_org", side=Side.SUPPORTING)
            hx = ctx.orgs.resolve(sheet, row, "haixi_org", side=Side.AIDED)
            if row.bad or zj is None or hx is None:
                continue
            dept = None
            if v.get("haixi_department"):
                dept = ctx.orgs.department(sheet, row, "haixi_department", hx)
                if dept is None:
                    continue
            key = (v["kind"], zj.pk, hx.pk, dept.pk if dept else None)
            if key in seen:
                sheet.error(
                    row,
                    "kind",
                    _("与第 %(n)s 行是同一结对（单位简称与全称视为同一单位）。") % {"n": seen[key]},
                )
                continue
            seen[key] = row.number
            data = {f: v[f] if f != "agreement_title" else (v[f] or "") for f in present}
            pairing = existing.get(key)
            if pairing is None:
                try:
                    pairing = core_services.pairing_create(
                        actor=ctx.actor,
                        kind=v["kind"],
                        zhejiang_org=zj,
                        haixi_org=hx,
                        haixi_department=dept,
                        **data,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    ctx.fail(sheet, row, exc, default="kind")
                    continue
                ctx.created(pairing)
                ctx.creates(sheet, row, str(pairing))
                ctx.stamp_history(Pairing, pairing.pk)
                summary.created += 1
                continue
            diff = {f: value for f, value in data.items() if getattr(pairing, f) != value}
            if not diff:
                summary.unchanged += 1
                continue
            before = {f: to_json(getattr(pairing, f)) for f in diff}
            try:
                pairing = core_services.pairing_update(actor=ctx.actor, pairing=pairing, **diff)
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(sheet, row, exc, default="kind")
                continue
            ctx.updated(pairing, before, sheet=sheet, row=row)
            summary.updated += 1


def export_pairings(pairings: Iterable[Pairing]) -> Iterable[list]:
    for p in pairings:
        yield [
            p.kind,
            p.zhejiang_org.name,
            p.haixi_org.name,
            p.haixi_department.name if p.haixi_department_id else "",
            p.start_date,
            p.end_date,
            p.agreement_title,
        ]


PAIRINGS = specs.SheetSpec(
    name="结对",
    order=30,
    columns=COLUMNS,
    key=("kind", "zhejiang_org", "haixi_org", "haixi_department"),
    handler=PairingsHandler,
    exporter=export_pairings,
    export_related=("zhejiang_org", "haixi_org", "haixi_department"),
    description=gettext_lazy(
        "结对关系：每行一个结对，以结对类型、支援方单位、受援方单位和受援科室识别。"
    ),
    place="haixi_org",
)


# Undo ------------------------------------------------------------------------------------


class OrganisationsUndo(specs.UndoHooks):
    """Organisations and departments any sheet created (first asked, last deleted)."""

    order = 0
    delete_order = ("core.department", "core.organisation")

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        problems = []
        pairings = created.get("core.pairing", set())
        departments = created.get("core.department", set())
        for chunk in chunked(departments):
            for p in elsewhere(
                Pairing.objects.filter(haixi_department_id__in=chunk).select_related(
                    "zhejiang_org", "haixi_org", "haixi_department"
                ),
                pairings,
            ):
                problems.append(_("导入新增的科室已用于其他结对：%(p)s。") % {"p": p})
        for chunk in chunked(created.get("core.organisation", set())):
            for p in elsewhere(
                Pairing.objects.filter(
                    Q(zhejiang_org_id__in=chunk) | Q(haixi_org_id__in=chunk)
                ).select_related("zhejiang_org", "haixi_org", "haixi_department"),
                pairings,
            ):
                problems.append(_("导入新建的单位已用于其他结对：%(p)s。") % {"p": p})
            for d in elsewhere(
                Department.objects.filter(organisation_id__in=chunk).select_related("organisation"),
                departments,
            ):
                problems.append(
                    _("导入新建的单位“%(o)s”之后又添加了科室“%(d)s”。")
                    % {"o": d.organisation.name, "d": d.name}
                )
            for u in User.objects.filter(organisation_id__in=chunk)[:5]:
                problems.append(_("导入新建的单位已有用户“%(u)s”。") % {"u": u})
        return problems


class PairingsUndo(specs.UndoHooks):
    order = 30
    delete_order = ("core.pairing",)

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        core_services.pairing_update(actor=actor, pairing=obj, **before)


def register() -> None:
    """Called from CoreConfig.ready()."""
    specs.register(PAIRINGS)
    specs.register_undo(OrganisationsUndo)
    specs.register_undo(PairingsUndo)
