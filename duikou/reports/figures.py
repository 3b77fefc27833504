"""The one source of every headline figure (figures.md). Dashboard, CLI, reports and API call it.

Each part is computed from records. Given a user, every part is computed over that user's
data scope only; without one (the CLI, the year-end summary) over the whole programme.
A part whose module is not built yet is left out, never faked.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from duikou.accounts.models import User
from duikou.core import scopes as core_scopes
from duikou.core.models import Division, Organisation, Pairing
from duikou.core.vocab import (
    Field,
    FlowType,
    OrgKind,
    PairingKind,
    PersonnelKind,
    ProjectCategory,
    ProjectStatus,
    Side,
)
from duikou.people import scopes as people_scopes
from duikou.people.models import Achievement, Posting, TrainingPlacement
from duikou.people.vocab import AchievementKind
from duikou.projects import scopes as projects_scopes


def _pairings(user: User | None) -> QuerySet[Pairing]:
    return core_scopes.pairings_for_user(user) if user is not None else Pairing.objects.all()


def _organisations(user: User | None) -> QuerySet[Organisation]:
    return (
        core_scopes.organisations_for_user(user) if user is not None else Organisation.objects.all()
    )


def _count_by(qs: QuerySet, field: str) -> Counter:
    return Counter(
        {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("pk"))}
    )


def _ordered(counter: Counter, vocabulary) -> dict[str, int]:
    """Counts in the vocabulary's own order, leaving out zeros."""
    return {c.value: counter[c.value] for c in vocabulary if counter.get(c.value)}


def pairings(year: int, user: User | None = None) -> dict:
    """Pairings whose period overlaps the year, by 结对类型 and by Haixi county-level unit."""
    qs = _pairings(user).overlapping_year(year)
    by_kind = _count_by(qs, "kind")
    # Haixi organisations sit in a county-level unit or at prefecture level (州本级).
    by_division = _count_by(qs, "haixi_org__division__code")
    names = dict(Division.objects.filter(code__in=by_division).values_list("code", "short_name"))
    return {
        "count": sum(by_kind.values()),
        "by_kind": _ordered(by_kind, PairingKind),
        "by_division": {names.get(code, code): n for code, n in sorted(by_division.items())},
    }


def organisations(user: User | None = None) -> dict:
    """Organisations in the registry now, by side and kind (the registry has no year)."""
    qs = _organisations(user)
    by_side = _count_by(qs, "side")
    by_kind = _count_by(qs, "kind")
    return {
        "count": sum(by_side.values()),
        "by_side": _ordered(by_side, Side),
        "by_kind": _ordered(by_kind, OrgKind),
    }


def _projects(user: User | None):
    from duikou.projects.models import Project

    return projects_scopes.projects_for_user(user) if user is not None else Project.objects.all()


def _flows(user: User | None):
    from duikou.projects.models import MoneyFlow

    return projects_scopes.flows_for_user(user) if user is not None else MoneyFlow.objects.all()


def _money(value) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def projects(year: int, user: User | None = None) -> dict:
    """Projects of the plan year; cancelled ones count only in by_status."""
    qs = _projects(user).filter(year=year)
    live = qs.exclude(status=ProjectStatus.CANCELLED)
    by_category = {
        row["category"]: row
        for row in live.order_by().values("category").annotate(n=Count("pk"), aid=Sum("aid_amount"))
    }
    totals = live.aggregate(n=Count("pk"), aid=Sum("aid_amount"))
    return {
        "count": totals["n"],
        "aid": _money(totals["aid"]),
        "by_category": {
            c.value: {
                "count": by_category[c.value]["n"],
                "aid": _money(by_category[c.value]["aid"]),
            }
            for c in ProjectCategory
            if c.value in by_category
        },
        "by_status": _ordered(_count_by(qs, "status"), ProjectStatus),
    }


def flows(year: int, user: User | None = None) -> dict:
    """Money flows dated in the year, by type, all funding sources."""
    qs = _flows(user).filter(date__year=year)
    sums = {
        row["type"]: row["total"]
        for row in qs.order_by().values("type").annotate(total=Sum("amount"))
    }
    return {t.value: _money(sums.get(t.value)) for t in FlowType}


def projects_by_county(year: int, user: User | None = None) -> dict[str, dict]:
    """Count and planned aid of the year's projects by county (cancelled left out)."""
    live = _projects(user).filter(year=year).exclude(status=ProjectStatus.CANCELLED)
    rows = (
        live.order_by("county__code")
        .values("county__code", "county__short_name")
        .annotate(n=Count("pk"), aid=Sum("aid_amount"))
    )
    return {r["county__short_name"]: {"count": r["n"], "aid": _money(r["aid"])} for r in rows}


def flows_by_month(year: int, user: User | None = None) -> dict[str, list[str]]:
    """Cumulative 下达 / 拨付 / 支出 at the end of each month; December equals flows(year)."""
    from django.db.models.functions import ExtractMonth

    rows = (
        _flows(user)
        .filter(date__year=year)
        .annotate(month=ExtractMonth("date"))
        .order_by()
        .values("month", "type")
        .annotate(total=Sum("amount"))
    )
    per_month = {t: [Decimal(0)] * 12 for t in FlowType.values}
    for row in rows:
        per_month[row["type"]][row["month"] - 1] += row["total"] or Decimal(0)
    out = {}
    for t, values in per_month.items():
        running, series = Decimal(0), []
        for v in values:
            running += v
            series.append(_money(running))
        out[t] = series
    return out


def _rate(part, whole) -> str | None:
    if not whole:
        return None
    return str((Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def project_indicators(year: int, user: User | None = None) -> dict:
    """资金拨付率, 支出率, 开工率, 完工率 of the year's projects: overall, by category, by county.

    Rates are percentages with one decimal, as strings; null where the base is zero.
    拨付率 = 拨付 / 下达 and 支出率 = 支出 / 拨付 over the flows of the year's projects (all dates);
    开工率 = started / all, 完工率 = finished (完工 or 验收) / all, cancelled projects left out.
    """
    from duikou.projects.models import MoneyFlow

    live = _projects(user).filter(year=year).exclude(status=ProjectStatus.CANCELLED)
    started = {ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED}
    finished = {ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED}

    def block(group: str | None) -> dict[str, dict]:
        counts: dict = {}
        for row in (
            live.order_by().values(*([group] if group else []), "status").annotate(n=Count("pk"))
        ):
            key = row[group] if group else "all"
            c = counts.setdefault(key, {"n": 0, "started": 0, "finished": 0})
            c["n"] += row["n"]
            c["started"] += row["n"] if row["status"] in started else 0
            c["finished"] += row["n"] if row["status"] in finished else 0
        money: dict = {}
        flow_group = f"project__{group}" if group else None
        fqs = MoneyFlow.objects.filter(project__in=live.values("pk")).order_by()
        for row in fqs.values(*([flow_group] if flow_group else []), "type").annotate(
            total=Sum("amount")
        ):
            key = row[flow_group] if flow_group else "all"
            money.setdefault(key, {})[row["type"]] = row["total"]
        out = {}
        for key, c in counts.items():
            m = money.get(key, {})
            out[key] = {
                "projects": c["n"],
                "资金拨付率": _rate(m.get(FlowType.DISBURSEMENT), m.get(FlowType.COMMITMENT)),
                "支出率": _rate(m.get(FlowType.EXPENDITURE), m.get(FlowType.DISBURSEMENT)),
                "开工率": _rate(c["started"], c["n"]),
                "完工率": _rate(c["finished"], c["n"]),
            }
        return out

    by_county = block("county__short_name")
    by_category = block("category")
    return {
        "overall": block(None).get("all", {"projects": 0}),
        "by_category": {c.value: by_category[c.value] for c in ProjectCategory if c in by_category},
        "by_county": dict(sorted(by_county.items())),
    }


# People: postings, trainings and achievements ----------------------------------------------
# Kinds and fields come in vocabulary order; zeros are left out.


def _postings(user: User | None):
    return people_scopes.postings_for_user(user) if user is not None else Posting.objects.all()


def _trainings(user: User | None):
    if user is not None:
        return people_scopes.trainings_for_user(user)
    return TrainingPlacement.objects.all()


def _achievements(user: User | None):
    if user is not None:
        return people_scopes.achievements_for_user(user)
    return Achievement.objects.all()


def postings(year: int, user: User | None = None) -> dict:
    """Postings whose period overlaps the year (an open end: still posted), by 人员类别, 领域."""
    qs = _postings(user).overlapping_year(year).order_by()
    counts = {
        (r["kind"], r["field"]): r["n"] for r in qs.values("kind", "field").annotate(n=Count("pk"))
    }
    by_kind: dict[str, dict[str, int]] = {}
    for kind in PersonnelKind:
        fields = {
            f.value: counts[(kind.value, f.value)]
            for f in Field
            if counts.get((kind.value, f.value))
        }
        if fields:
            by_kind[kind.value] = fields
    return {"count": sum(counts.values()), "by_kind": by_kind}


def trainings(year: int, user: User | None = None) -> dict:
    """Training placements (跟岗培训) that start in the year."""
    qs = _trainings(user).filter(start_date__year=year).order_by()
    by_field = Counter({r["field"]: r["n"] for r in qs.values("field").annotate(n=Count("pk"))})
    return {
        "count": sum(by_field.values()),
        "by_field": {f.value: by_field[f.value] for f in Field if by_field.get(f.value)},
    }


def achievements(year: int, user: User | None = None) -> dict:
    """Achievements dated in the year: `by_kind` sums their counts (a new technique counts 1,
    surgeries count operations), `records` counts entries, `verified` those checked by HQ."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = _achievements(user).filter(date__gte=start, date__lte=end).order_by()
    rows = {r["kind"]: r for r in qs.values("kind").annotate(n=Count("pk"), total=Sum("count"))}
    return {
        "by_kind": {k.value: rows[k.value]["total"] for k in AchievementKind if k.value in rows},
        "records": {k.value: rows[k.value]["n"] for k in AchievementKind if k.value in rows},
        "verified": qs.filter(verified_at__isnull=False).count(),
    }


def _demands(user: User | None):
    from duikou.orders import scopes as order_scopes
    from duikou.orders.models import Demand

    return order_scopes.demands_for_user(user) if user is not None else Demand.objects.all()


def _one_decimal(value: float | Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _posted_served(counter: dict, key, served: bool) -> None:
    entry = counter.setdefault(key, {"posted": 0, "served": 0})
    entry["posted"] += 1
    entry["served"] += int(served)


def orders(year: int, user: User | None = None) -> dict:
    """Demands (点单) posted in the year (Asia/Shanghai dates); `served` those with a delivered
    visit (已服务).

    Withdrawn demands (已撤回) are left out of every figure but `by_status`, as cancelled
    projects are. `fulfilment_rate` = served ÷ posted, a percentage with one decimal (null when
    nothing was posted); `median_days_to_service` = the median, over the served demands, of
    the days from the posting date to the first day of the delivered visit; `rating_mean` =
    the mean 1–5 rating of the delivered visits that were rated (one decimal, null if none).
    `by_county` is keyed by the name of the site's county-level unit (州本级 institutions:
    海西州), with its division code; `by_skill` by skill, most posted first.
    """
    from duikou.orders.models import DemandStatus, ServiceKind, SkillField, Visit, VisitStatus

    delivered = Visit.objects.filter(demand=OuterRef("pk"), status=VisitStatus.DELIVERED).order_by(
        "start_date", "pk"
    )
    rows = (
        _demands(user)
        .filter(posted_at__year=year)
        .order_by()
        .annotate(
            served_start=Subquery(delivered.values("start_date")[:1]),
            served_rating=Subquery(delivered.values("rating")[:1]),
            served_days=Subquery(delivered.values("delivered_days")[:1]),
        )
        .values(
            "pk",
            "posted_at",
            "status",
            "skill",
            "skill_field",
            "service_kind",
            "organisation__division__code",
            "organisation__division__short_name",
            "organisation__division__name",
            "served_start",
            "served_rating",
            "served_days",
        )
    )
    by_status: Counter = Counter()
    counties: dict[str, dict] = {}
    county_names: dict[str, str] = {}
    skills: dict[str, dict] = {}
    kinds: dict[str, dict] = {}
    fields: dict[str, dict] = {}
    waits: list[int] = []
    ratings: list[int] = []
    posted = served = service_days = 0
    for row in rows:
        by_status[row["status"]] += 1
        if row["status"] == DemandStatus.WITHDRAWN:
            continue
        is_served = row["served_start"] is not None
        posted += 1
        code = row["organisation__division__code"]
        county_names[code] = (
            row["organisation__division__short_name"] or row["organisation__division__name"]
        )
        _posted_served(counties, code, is_served)
        _posted_served(skills, row["skill"], is_served)
        _posted_served(kinds, row["service_kind"], is_served)
        _posted_served(fields, row["skill_field"], is_served)
        if is_served:
            served += 1
            posted_on = timezone.localtime(row["posted_at"]).date()
            waits.append((row["served_start"] - posted_on).days)
            service_days += row["served_days"] or 0
            if row["served_rating"] is not None:
                ratings.append(row["served_rating"])
    median = statistics.median(waits) if waits else None
    if median is not None and float(median).is_integer():
        median = int(median)
    return {
        "posted": posted,
        "served": served,
        "fulfilment_rate": _rate(served, posted),
        "median_days_to_service": median,
        "rating_mean": _one_decimal(statistics.fmean(ratings)) if ratings else None,
        "rated": len(ratings),
        "service_days": service_days,
        "by_county": {
            county_names[code]: {"code": code, **counties[code]} for code in sorted(counties)
        },
        "by_skill": dict(sorted(skills.items(), key=lambda kv: (-kv[1]["posted"], kv[0]))),
        "by_kind": {k.value: kinds[k.value] for k in ServiceKind if k.value in kinds},
        "by_field": {f.value: fields[f.value] for f in SkillField if f.value in fields},
        "by_status": _ordered(by_status, DemandStatus),
    }


def deals(year: int, user: User | None = None) -> dict:
    """Investment deals signed in the year (count, amount) and, of those, the stage each stood
    at on 31 December (its last stage change by then), by county and by industry section."""
    from duikou.investment import scopes as investment_scopes
    from duikou.investment.models import Deal, DealStageChange
    from duikou.investment.vocab import DealStage

    qs = investment_scopes.deals_for_user(user) if user is not None else Deal.objects.all()
    signed = qs.filter(signed_on__year=year)
    # One query for the deals, one for their stage changes (none when nothing was signed).
    rows = list(
        signed.order_by("county__code", "industry_section").values_list(
            "pk", "county__short_name", "county__name", "industry_section", "signed_amount"
        )
    )
    year_end = dt.date(year, 12, 31)
    stage_at_end: dict[int, str] = {}
    if rows:
        for deal_id, stage in (
            DealStageChange.objects.filter(deal__in=[r[0] for r in rows], date__lte=year_end)
            .order_by("deal_id", "date", "pk")
            .values_list("deal_id", "to_stage")
        ):
            stage_at_end[deal_id] = stage  # the last one by the year's end wins
    by_stage = Counter(stage_at_end.values())
    by_county: dict[str, dict] = {}
    by_industry: dict[str, dict] = {}
    total = Decimal(0)
    for _pk, short, name, section, amount in rows:
        total += amount or Decimal(0)
        for bucket, key in ((by_county, short or name), (by_industry, section)):
            entry = bucket.setdefault(key, {"count": 0, "signed": Decimal(0)})
            entry["count"] += 1
            entry["signed"] += amount or Decimal(0)
    return {
        "signed_count": len(rows),
        "signed": _money(total),
        "by_stage": _ordered(by_stage, DealStage),
        "by_county": {
            k: {"count": v["count"], "signed": _money(v["signed"])} for k, v in by_county.items()
        },
        "by_industry": {
            k: {"count": v["count"], "signed": _money(v["signed"])}
            for k, v in sorted(by_industry.items())
        },
    }


def _sales(user: User | None):
    from duikou.consumption import scopes as consumption_scopes
    from duikou.consumption.models import Sale

    return consumption_scopes.sales_for_user(user) if user is not None else Sale.objects.all()


def _channels(user: User | None):
    from duikou.consumption import scopes as consumption_scopes
    from duikou.consumption.models import Channel

    return consumption_scopes.channels_for_user(user) if user is not None else Channel.objects.all()


def sales(year: int, user: User | None = None, *, top: int = 10) -> dict:
    """Consumption-aid sales rows dated in the year (a month row in its month): `sold` sums
    销售额, `ordered` 订单额; by channel kind, by month (stacked by kind), by product, by Zhejiang
    city, the top channels, and the progress against the year's target where one is set."""
    from django.db.models.functions import ExtractMonth

    from duikou.consumption.models import SalesTarget
    from duikou.consumption.vocab import ChannelKind

    qs = _sales(user).filter(date__year=year).order_by()
    totals = qs.aggregate(sold=Sum("sold"), ordered=Sum("ordered"), n=Count("pk"))
    by_kind: dict[str, dict[str, Decimal]] = {}
    by_month = {k: [Decimal(0)] * 12 for k in ChannelKind.values}
    for row in (
        qs.annotate(month=ExtractMonth("date"))
        .values("channel__kind", "month")
        .annotate(sold=Sum("sold"), ordered=Sum("ordered"))
    ):
        kind = row["channel__kind"]
        entry = by_kind.setdefault(kind, {"sold": Decimal(0), "ordered": Decimal(0)})
        entry["sold"] += row["sold"] or 0
        entry["ordered"] += row["ordered"] or 0
        by_month[kind][row["month"] - 1] += row["sold"] or 0
    by_product = [
        (r["product__name"], r["s"])
        for r in qs.values("product__name").annotate(s=Sum("sold")).order_by("-s", "product__name")
    ]
    by_city = [
        (r["channel__city__name"] or "", r["s"])
        for r in qs.values("channel__city__name")
        .annotate(s=Sum("sold"))
        .order_by("-s", "channel__city__name")
    ]
    top_channels = [
        {"name": r["channel__name"], "kind": r["channel__kind"], "sold": _money(r["s"])}
        for r in qs.values("channel__name", "channel__kind")
        .annotate(s=Sum("sold"))
        .order_by("-s", "channel__name")[:top]
    ]
    sold = totals["sold"] or Decimal(0)
    target = SalesTarget.objects.filter(year=year).first()
    out = {
        "sold": _money(sold),
        "ordered": _money(totals["ordered"]),
        "rows": totals["n"],
        "by_channel_kind": {
            k: _money(by_kind[k]["sold"]) for k in ChannelKind.values if k in by_kind
        },
        "ordered_by_channel_kind": {
            k: _money(by_kind[k]["ordered"])
            for k in ChannelKind.values
            if k in by_kind and by_kind[k]["ordered"]
        },
        "by_month": {
            k: [_money(v) for v in by_month[k]] for k in ChannelKind.values if k in by_kind
        },
        "by_product": {name: _money(v) for name, v in by_product},
        "by_city": {name or "未填城市": _money(v) for name, v in by_city},
        "top_channels": top_channels,
    }
    if target is not None:
        out["target"] = _money(target.amount)
        out["target_rate"] = _rate(sold, target.amount)
    return out


def outlets(year: int, user: User | None = None) -> dict[str, int]:
    """Sales channels open at the end of the year (opened by 31 December, not closed by then),
    by 渠道类型."""
    from django.db.models import Q

    from duikou.consumption.vocab import ChannelKind

    end = dt.date(year, 12, 31)
    qs = _channels(user).filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=end),
        Q(closed_on__isnull=True) | Q(closed_on__gt=end),
    )
    return _ordered(_count_by(qs, "kind"), ChannelKind)


def compute(year: int, user: User | None = None) -> dict:
    """All figures of a year, in the figures.md contract (plus our own additions)."""
    return {
        "year": year,
        "projects": projects(year, user),
        "flows": flows(year, user),
        "flows_by_month": flows_by_month(year, user),
        "projects_by_county": projects_by_county(year, user),
        "project_indicators": project_indicators(year, user),
        "postings": postings(year, user),
        "trainings": trainings(year, user),
        "achievements": achievements(year, user),
        "pairings": pairings(year, user),
        "orders": orders(year, user),
        "deals": deals(year, user),
        "sales": sales(year, user),
        "outlets": outlets(year, user),
        "organisations": organisations(user),
    }


def current_year() -> int:
    return timezone.localdate().year
