"""Multi-model reads for the projects and funds pages.

Every function takes querysets that already start from `scopes.projects_for_user` /
`scopes.flows_for_user` (or builds them from the user), so nothing here widens a scope.
Money comes back as exact Decimal yuan; `wan` and `wan_number` turn it into 万元 for display.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from duikou.core.history import history_entries
from duikou.core.vocab import FlowType, FundingSource, ProjectStatus
from duikou.lib.money import format_wan, yuan_to_fen
from duikou.projects.alerts import KINDS, Alert, flow_sum, light_alerts
from duikou.projects.models import FlowEvidence, MoneyFlow, ProgressReport, Project
from duikou.projects.services import flow_totals

ZERO = Decimal("0.00")


# Display helpers ----------------------------------------------------------------------------


def wan(yuan: Decimal | None) -> str:
    """Yuan shown in 万元 with two decimals and its unit: "1,407.00 万元"."""
    return format_wan(yuan_to_fen(yuan or ZERO))


def wan_number(yuan: Decimal | None) -> str:
    """The number of `wan` without its unit, for table cells under a 万元 header."""
    return wan(yuan).removesuffix(" 万元")


def rate(part: Decimal | int | None, whole: Decimal | int | None) -> str | None:
    """A percentage with one decimal, as figures.py writes rates; None where the base is 0."""
    if not whole:
        return None
    return str((Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


# The project list ---------------------------------------------------------------------------


#: a project in these states needs nobody's attention any more
CLOSED_STATUSES = (ProjectStatus.ACCEPTED, ProjectStatus.CANCELLED)


def watched_in_year(qs: QuerySet[Project], year: int) -> QuerySet[Project]:
    """The projects whose alerts concern `year`: the year's own projects and the earlier years'
    projects still open (not accepted, not cancelled): an overdue 2024 project is still
    Monday's business in 2026, a 2027 project is not yet."""
    return qs.filter(Q(year=year) | Q(year__lt=year) & ~Q(status__in=CLOSED_STATUSES))


def with_flow_sums(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with its cumulative 下达 (committed) and 拨付 (disbursed), in one query."""
    return qs.annotate(
        committed=flow_sum(FlowType.COMMITMENT), disbursed=flow_sum(FlowType.DISBURSEMENT)
    )


def decorate_rows(projects) -> None:
    """Attach the list's display values (万元, 拨付率) to the projects of one page."""
    for p in projects:
        p.aid_wan = wan_number(p.aid_amount)
        p.disbursement_rate = rate(p.disbursed, p.committed)


def list_totals(qs: QuerySet[Project], *, include_cancelled: bool = False) -> dict:
    """Totals of a filtered project set: budgets by source and flows by type, in yuan.

    Cancelled projects are left out (as in every figure) unless the user asked for them.
    """
    counted = qs if include_cancelled else qs.exclude(status=ProjectStatus.CANCELLED)
    budgets = counted.order_by().aggregate(
        n=Count("pk"),
        aid=Sum("aid_amount"),
        local=Sum("local_amount"),
        social=Sum("social_amount"),
    )
    flows = {
        row["type"]: row["total"]
        for row in MoneyFlow.objects.filter(project__in=counted.values("pk"))
        .order_by()
        .values("type")
        .annotate(total=Sum("amount"))
    }
    committed = flows.get(FlowType.COMMITMENT) or ZERO
    disbursed = flows.get(FlowType.DISBURSEMENT) or ZERO
    spent = flows.get(FlowType.EXPENDITURE) or ZERO
    return {
        "count": budgets["n"],
        "items": [
            {"key": "aid", "label": FundingSource.AID.label, "wan": wan_number(budgets["aid"])},
            {
                "key": "local",
                "label": FundingSource.LOCAL.label,
                "wan": wan_number(budgets["local"]),
            },
            {
                "key": "social",
                "label": FundingSource.SOCIAL.label,
                "wan": wan_number(budgets["social"]),
            },
            {"key": "committed", "label": FlowType.COMMITMENT.label, "wan": wan_number(committed)},
            {
                "key": "disbursed",
                "label": FlowType.DISBURSEMENT.label,
                "wan": wan_number(disbursed),
            },
            {"key": "spent", "label": FlowType.EXPENDITURE.label, "wan": wan_number(spent)},
        ],
        "disbursement_rate": rate(disbursed, committed),
        "expenditure_rate": rate(spent, disbursed),
    }


def with_alert(qs: QuerySet[Project], kind: str) -> QuerySet[Project]:
    """The projects of `qs` that raise an alert of this kind today."""
    pks = {a.project.pk for a in light_alerts(qs) if a.kind == kind}
    return qs.filter(pk__in=pks)


# One project --------------------------------------------------------------------------------


def budget_rows(project: Project) -> list[dict]:
    """Per funding source: budget against cumulative 下达 / 拨付 / 支出, plus a total row."""
    rows = []
    total = {"budget": ZERO, **{t: ZERO for t in FlowType.values}}
    for source in FundingSource:
        flows = flow_totals(project, source.value)
        budget = project.budget_for(source.value)
        if not budget and not any(flows.values()):
            continue
        total["budget"] += budget
        for t in FlowType.values:
            total[t] += flows[t]
        rows.append(_budget_row(source.label, budget, flows))
    if len(rows) > 1:
        rows.append({**_budget_row("", total["budget"], total), "is_total": True})
    return rows


def _budget_row(label, budget: Decimal, flows: dict) -> dict:
    c, d, e = flows[FlowType.COMMITMENT], flows[FlowType.DISBURSEMENT], flows[FlowType.EXPENDITURE]
    return {
        "label": label,
        "budget": wan_number(budget),
        "committed": wan_number(c),
        "disbursed": wan_number(d),
        "spent": wan_number(e),
        "disbursement_rate": rate(d, c),
        "expenditure_rate": rate(e, d),
        "over_budget": c > budget,
    }


def _at(day: dt.date, moment: dt.datetime | None) -> tuple:
    """Sort key: the business date first, then when it was entered."""
    return (day, moment or timezone.make_aware(dt.datetime.combine(day, dt.time.min)))


def timeline(project: Project) -> list[dict]:
    """Progress reports, money flows, status transitions and record edits, newest first."""
    items: list[dict] = []
    reports = project.reports.select_related("created_by").prefetch_related("photos")
    for r in reports:
        items.append(
            {
                "kind": "report",
                "key": _at(r.date, r.created_at),
                "date": r.date,
                "who": r.created_by,
                "at": r.created_at,
                "obj": r,
                "photos": list(r.photos.all()),
            }
        )
    flows = project.flows.select_related("created_by").prefetch_related(
        Prefetch("evidence", queryset=FlowEvidence.objects.order_by("pk"))
    )
    for f in flows:
        evidence = list(f.evidence.all())
        for e in evidence:
            e.display_name = posixpath.basename(e.file.name)
        items.append(
            {
                "kind": "flow",
                "key": _at(f.date, f.created_at),
                "date": f.date,
                "who": f.created_by,
                "at": f.created_at,
                "obj": f,
                "amount": wan(f.amount),
                "evidence": evidence,
            }
        )
    for t in project.transitions.select_related("by"):
        local = timezone.localtime(t.at)
        items.append(
            {
                "kind": "transition",
                "key": _at(local.date(), t.at),
                "date": local.date(),
                "who": t.by,
                "at": t.at,
                "obj": t,
            }
        )
    # Status and version changes are already told by the transitions above.
    for h in readable_history(history_entries(project), skip=("status", "version")):
        changes = h["changes"]
        if h["action"] != gettext("新建") and not changes:
            continue
        local = timezone.localtime(h["when"])
        items.append(
            {
                "kind": "edit",
                "key": _at(local.date(), h["when"]),
                "date": local.date(),
                "who": h["who"],
                "at": h["when"],
                "action": h["action"],
                "changes": changes,
            }
        )
    items.sort(key=lambda i: i["key"], reverse=True)
    return items


def readable_history(entries: list[dict], skip: tuple[str, ...] = ("version",)) -> list[dict]:
    """Project history entries with budgets in 万元 and without the fields named in `skip`."""
    fields = Project._meta
    hidden = {str(fields.get_field(n).verbose_name) for n in skip}
    money = {
        str(fields.get_field(name).verbose_name): source.label
        for name, source in (
            ("aid_amount", FundingSource.AID),
            ("local_amount", FundingSource.LOCAL),
            ("social_amount", FundingSource.SOCIAL),
        )
    }

    def show(value: str) -> str:
        try:
            return wan(Decimal(value))
        except ArithmeticError:  # "—" for an empty value
            return value

    out = []
    for e in entries:
        changes = []
        for c in e["changes"]:
            if c["field"] in hidden:
                continue
            if c["field"] in money:
                c = {"field": money[c["field"]], "old": show(c["old"]), "new": show(c["new"])}
            changes.append(c)
        out.append({**e, "changes": changes})
    return out


def latest_report(project: Project) -> ProgressReport | None:
    return project.reports.order_by("-date", "-pk").first()


# Alerts -------------------------------------------------------------------------------------


def group_alerts(alerts: list[Alert]) -> list[dict]:
    """Alerts by kind, in the order of alerts.KINDS (worst first), leaving out empty kinds."""
    by_kind: dict[str, list[Alert]] = defaultdict(list)
    for a in alerts:
        by_kind[a.kind].append(a)
    return [
        {"kind": kind, "label": str(label), "alerts": by_kind[kind], "count": len(by_kind[kind])}
        for kind, label in KINDS.items()
        if by_kind.get(kind)
    ]


# Funds --------------------------------------------------------------------------------------
