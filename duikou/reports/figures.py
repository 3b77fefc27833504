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


def _projects(user: User | None, public: bool = False):
    """The projects a figure counts: the user's scope, or all; `public`: the published ones
    only (公开, the public portal's), whoever asks."""
    from duikou.projects.models import Project

    if public:
        return Project.objects.filter(is_public=True)
    return projects_scopes.projects_for_user(user) if user is not None else Project.objects.all()


def _flows(user: User | None, public: bool = False):
    from duikou.projects.models import MoneyFlow

    if public:
        return MoneyFlow.objects.filter(project__is_public=True)
    return projects_scopes.flows_for_user(user) if user is not None else MoneyFlow.objects.all()


def _money(value) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def projects(year: int, user: User | None = None, *, public: bool = False) -> dict:
    """Projects of the plan year; cancelled ones count only in by_status."""
    qs = _projects(user, public).filter(year=year)
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


def flows(year: int, user: User | None = None, *, public: bool = False) -> dict:
    """Money flows dated in the year, by type, all funding sources."""
    qs = _flows(user, public).filter(date__year=year)
    sums = {
        row["type"]: row["total"]
        for row in qs.order_by().values("type").annotate(total=Sum("amount"))
    }
    return {t.value: _money(sums.get(t.value)) for t in FlowType}


def projects_by_county(
    year: int, user: User | None = None, *, public: bool = False
) -> dict[str, dict]:
    """Count and planned aid of the year's projects by county (cancelled left out)."""
    live = _projects(user, public).filter(year=year).exclude(status=ProjectStatus.CANCELLED)
    rows = (
        live.order_by("county__code")
        .values("county__code", "county__short_name")
        .annotate(n=Count("pk"), aid=Sum("aid_amount"))
    )
    return {r["county__short_name"]: {"count": r["n"], "aid": _money(r["aid"])} for r in rows}


def flows_by_month(
    year: int, user: User | None = None, *, public: bool = False
) -> dict[str, list[str]]:
    """Cumulative 下达 / 拨付 / 支出 at the end of each month; December equals flows(year)."""
    from django.db.models.functions import ExtractMonth

    rows = (
        _flows(user, public)
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


def project_indicators(year: int, user: User | None = None, *, public: bool = False) -> dict:
    """资金拨付率, 支出率, 开工率, 完工率 of the year's projects: overall, by category, by county.

    Rates are percentages with one decimal, as strings; null where the base is zero.
    拨付率 = 拨付 / 下达 and 支出率 = 支出 / 拨付 over the flows of the year's projects (all dates);
    开工率 = started / all, 完工率 = finished (完工 or 验收) / all, cancelled projects left out.
    """
    from duikou.projects.models import MoneyFlow

    live = _projects(user, public).filter(year=year).exclude(status=ProjectStatus.CANCELLED)
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


def events(year: int, user: User | None = None) -> dict:
    """Exchange events starting in the year, by kind; with the participants by side (our own
    addition) and the count."""
    from duikou.exchanges import scopes as exchanges_scopes
    from duikou.exchanges.models import Event
    from duikou.exchanges.vocab import EventKind

    qs = exchanges_scopes.events_for_user(user) if user is not None else Event.objects.all()
    rows = list(
        qs.filter(start_date__year=year).values_list("kind", "haixi_count", "zhejiang_count")
    )
    return {
        "count": len(rows),
        "by_kind": _ordered(Counter(kind for kind, _h, _z in rows), EventKind),
        "participants": {
            "海西": sum(h for _k, h, _z in rows),
            "浙江": sum(z for _k, _h, z in rows),
        },
    }


def offsite_classes(year: int, user: User | None = None) -> dict:
    """Off-site classes (异地班) of the year's intake: count, students, their majors."""
    from duikou.exchanges import scopes as exchanges_scopes
    from duikou.exchanges.models import OffsiteClass

    qs = exchanges_scopes.classes_for_user(user) if user is not None else OffsiteClass.objects.all()
    rows = list(qs.filter(intake_year=year).order_by("major").values_list("major", "students"))
    return {
        "count": len(rows),
        "students": sum(n for _m, n in rows),
        "majors": sorted({m for m, _n in rows}),
    }


def indicators(year: int, user: User | None = None) -> dict:
    """Hand-entered indicator values of the year with unit and source, always `entered`: they
    are not computed from records, and the mark keeps anyone from taking them for figures."""
    from duikou.exchanges import scopes as exchanges_scopes
    from duikou.exchanges.models import IndicatorValue

    qs = (
        exchanges_scopes.indicator_values_for_user(user)
        if user is not None
        else IndicatorValue.objects.select_related("indicator")
    )
    return {
        v.indicator.name: {
            "value": v.value_text,
            "unit": v.indicator.unit,
            "source": v.source,
            "entered": True,
        }
        for v in qs.filter(year=year).order_by("indicator__name")
    }


def compute(year: int, user: User | None = None, *, public: bool = False) -> dict:
    """All figures of a year, in the figures.md contract (plus our own additions).

    `public` (the public portal's figures): the project parts count the published projects
    only (公开) and the rest is the whole programme's aggregates; `user` must then be None."""
    if public and user is not None:
        raise ValueError("public figures are nobody's scope")
    return {
        "year": year,
        "projects": projects(year, user, public=public),
        "flows": flows(year, user, public=public),
        "flows_by_month": flows_by_month(year, user, public=public),
        "projects_by_county": projects_by_county(year, user, public=public),
        "project_indicators": project_indicators(year, user, public=public),
        "postings": postings(year, user),
        "trainings": trainings(year, user),
        "achievements": achievements(year, user),
        "pairings": pairings(year, user),
        "orders": orders(year, user),
        "deals": deals(year, user),
        "sales": sales(year, user),
        "outlets": outlets(year, user),
        "events": events(year, user),
        "offsite_classes": offsite_classes(year, user),
        "indicators": indicators(year, user),
        "organisations": organisations(user),
    }


def current_year() -> int:
    return timezone.localdate().year


# Detail behind the figures: the rows the year-end summary and the workbooks list ------------
# Not part of `duikou figures`; each reads the same scoped querysets as the figures above.


def project_rows(
    year: int, user: User | None = None, category: str | None = None, *, public: bool = False
) -> list[dict]:
    """The year's projects (cancelled left out) with their flows of all dates and the latest
    progress report by the year's end: the 形象进度 / 投资完成 / 拨付率 sheet."""
    from duikou.projects.models import MoneyFlow, ProgressReport

    live = _projects(user, public).filter(year=year).exclude(status=ProjectStatus.CANCELLED)
    if category:
        live = live.filter(category=category)
    sums: dict[int, dict] = {}
    for row in (
        MoneyFlow.objects.filter(project__in=live.values("pk"))
        .order_by()
        .values("project_id", "type")
        .annotate(total=Sum("amount"))
    ):
        sums.setdefault(row["project_id"], {})[row["type"]] = row["total"] or Decimal(0)
    latest = ProgressReport.objects.filter(
        project=OuterRef("pk"), date__lte=dt.date(year, 12, 31)
    ).order_by("-date", "-pk")
    out = []
    for p in (
        live.annotate(progress=Subquery(latest.values("progress")[:1]))
        .order_by("category", "county__code", "code")
        .values(
            "pk",
            "code",
            "name",
            "category",
            "county__short_name",
            "county__name",
            "location_detail",
            "status",
            "aid_amount",
            "local_amount",
            "social_amount",
            "progress",
        )
    ):
        m = sums.get(p["pk"], {})
        out.append(
            {
                "code": p["code"],
                "name": p["name"],
                "category": p["category"],
                "county": p["county__short_name"] or p["county__name"] or "",
                "place": p["location_detail"],
                "status": p["status"],
                "aid": _money(p["aid_amount"]),
                "local": _money(p["local_amount"]),
                "social": _money(p["social_amount"]),
                "progress": p["progress"],
                "下达": _money(m.get(FlowType.COMMITMENT)),
                "拨付": _money(m.get(FlowType.DISBURSEMENT)),
                "支出": _money(m.get(FlowType.EXPENDITURE)),
                "资金拨付率": _rate(m.get(FlowType.DISBURSEMENT), m.get(FlowType.COMMITMENT)),
            }
        )
    return out


def flows_by_source(year: int, user: User | None = None, months: tuple[int, int] = (1, 12)):
    """Money flows dated in the year (or its months first..last) by type and funding source;
    the whole year's totals by type equal `flows(year)`."""
    from duikou.core.vocab import FundingSource

    qs = _flows(user).filter(
        date__year=year, date__month__gte=months[0], date__month__lte=months[1]
    )
    cells = {
        (r["type"], r["source"]): (r["total"], r["n"])
        for r in qs.order_by().values("type", "source").annotate(total=Sum("amount"), n=Count("pk"))
    }
    return {
        t.value: {
            s.value: {
                "amount": _money(cells.get((t.value, s.value), (None, 0))[0]),
                "count": cells.get((t.value, s.value), (None, 0))[1],
            }
            for s in FundingSource
        }
        for t in FlowType
    }


def planned(year: int, user: User | None = None) -> dict:
    """Next year's plan as the records hold it: the projects of plan year `year` (cancelled left
    out) and the people batches that start in it."""
    from duikou.people.models import Batch

    live = _projects(user).filter(year=year).exclude(status=ProjectStatus.CANCELLED)
    totals = live.aggregate(n=Count("pk"), aid=Sum("aid_amount"))
    batches = list(
        Batch.objects.filter(start_date__year=year).order_by("number").values("number", "name")
    )
    return {
        "projects": totals["n"],
        "aid": _money(totals["aid"]),
        "by_category": {
            k: {"count": v["count"], "aid": v["aid"]}
            for k, v in projects(year, user)["by_category"].items()
        },
        "batches": [b["name"] or f"第{b['number']}批" for b in batches],
    }


# Traceability: what each figure is, which filter made it, how many records stand behind it ----

# Definitions follow docs/contracts/figures.md ("What counts in a year").
DEFINITIONS = {
    "projects": "年度计划内项目（不含已取消），援助资金为其计划援助资金之和",
    "flows": "当年发生的资金流水（含全部资金来源），按类型汇总",
    "postings": "在岗期与当年有交集的援派人员，按人员类别和领域计",
    "trainings": "当年开始的跟岗培训",
    "achievements": "当年取得的工作成效，按成效类型汇总其数量",
    "pairings": "结对期与当年有交集的结对关系，按结对类型计",
    "deals": "签约日期在当年的招商项目，签约额为其签约金额之和",
    "orders": "当年发布的点单需求（不含已撤回），已服务为有已完成坐诊的需求",
    "sales": "当年的消费帮扶销售记录，销售额与订单额分别汇总",
    "outlets": "年末仍在营业的销售渠道，按渠道类型计",
    "events": "当年开始的交流交往活动，按活动类型计",
    "offsite_classes": "当年的异地班记录：班数、学生人数与专业",
    "indicators": "人工录入的年度指标值（非记录汇总），注明来源文件",
    "planned": "下一年度计划内项目（不含已取消）及当年开始的援派批次",
    "project_indicators": "资金拨付率 = 拨付 ÷ 下达，按年度项目（不含已取消）全部日期的资金流水计",
    "investment_lists": "目前在册的浙江企业清单、年末有效的海西招商政策清单；当年举办的推介会",
}

# Where each ledger's filtered list lives: (URL name, {figure part -> query parameter}).
_LISTS = {
    "projects": ("projects:project_list", {"category": 2}),
    "planned": ("projects:project_list", {"category": 2}),
    "flows": ("reports:funds", {}),
    "project_indicators": ("reports:funds", {}),
    "investment_lists": ("investment:enterprise_list", {}),
    "postings": ("people:person_list", {"kind": 2, "field": 3}),
    "trainings": ("people:training_list", {"field": 2}),
    "achievements": ("people:achievement_list", {"kind": 2}),
    "pairings": ("core:pairing_list", {"kind": 2}),
    "deals": ("investment:deal_list", {}),
    "orders": ("orders:demand_list", {}),
    "sales": ("consumption:sale_list", {"channel_kind": 2}),
    "outlets": ("consumption:channel_list", {"kind": 1}),
    "events": ("exchanges:event_list", {"kind": 2}),
    "offsite_classes": ("exchanges:class_list", {}),
    "indicators": ("exchanges:indicator_list", {}),
}


def _dig(data: dict, parts: list[str]):
    node = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _link(parts: list[str], year: int) -> str | None:
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    name, params = _LISTS.get(parts[0], ("", {}))
    if not name:
        return None
    try:
        url = reverse(name)
    except NoReverseMatch:  # the ledger is not installed (yet)
        return None
    query = {"year": year + 1 if parts[0] == "planned" else year}
    for param, index in params.items():
        if index < len(parts):
            query[param] = parts[index]
    return f"{url}?{urlencode(query)}"


def _records(parts: list[str], year: int, data: dict) -> int | None:
    """How many records stand behind the figure at `parts` (None: the ledger does not say)."""
    head = parts[0]
    value = _dig(data, parts)
    if head in {"postings", "trainings", "pairings"} and isinstance(value, int):
        return value
    if head == "investment_lists" and len(parts) == 2:
        lists = data.get("investment_lists", {})
        if parts[1] in ("event_deals", "event_signed"):
            return lists.get("event_deals")
        return lists.get(parts[1])
    if head == "project_indicators":
        return _dig(data, ["project_indicators", "overall", "projects"])
    if head in {"projects", "planned"}:
        node = _dig(data, parts[:3]) if len(parts) >= 3 else _dig(data, parts[:1])
        if isinstance(node, dict):
            return node.get("count", node.get("projects"))
    if head == "achievements" and len(parts) >= 3:
        return _dig(data, ["achievements", "records", parts[2]])
    if head == "flows" and len(parts) == 2:
        return _flows(None).filter(date__year=year, type=parts[1]).count()
    if head == "deals":
        return data.get("deals", {}).get("signed_count")
    if head == "orders":
        return data.get("orders", {}).get("posted")
    if head == "outlets" and isinstance(value, int):
        return value
    if head == "sales":
        rows = _sales(None).filter(date__year=year)
        if len(parts) >= 3 and parts[1] == "by_channel_kind":
            rows = rows.filter(channel__kind=parts[2])
        return rows.count()
    if head == "events" and isinstance(value, int):
        return value
    if head == "offsite_classes":
        return _dig(data, ["offsite_classes", "count"])
    # A ledger built elsewhere may say how many records it summed ("records").
    node = _dig(data, parts[:1])
    if isinstance(node, dict) and isinstance(node.get("records"), int):
        return node["records"]
    return None


def trace(key: str, year: int, data: dict) -> dict:
    """The appendix entry (数据来源) of the figure `key` (a dotted path in `duikou figures`, e.g.
    "projects.by_category.医疗卫生"): its definition, the filter that produced it, the number of
    records behind it and a link to the filtered list. Hand-entered indicators say so."""
    parts = key.split(".")
    head = parts[0]
    filters = [f"年度={year + 1 if head == 'planned' else year}"]
    names = {
        "by_category": "类别",
        "by_kind": "类型",
        "by_field": "领域",
        "by_channel_kind": "渠道类型",
    }
    for i, part in enumerate(parts[1:], start=1):
        if part in names and i + 1 < len(parts):
            filters.append(f"{names[part]}={parts[i + 1]}")
    if head == "postings" and len(parts) == 4:
        filters = [f"年度={year}", f"人员类别={parts[2]}", f"领域={parts[3]}"]
    if head == "flows" and len(parts) == 2:
        filters.append(f"类型={parts[1]}")
    if head == "outlets" and len(parts) == 2:
        filters = [f"{year}年末", f"渠道类型={parts[1]}"]
    entry = {
        "key": key,
        "definition": DEFINITIONS.get(head, ""),
        "filter": "，".join(filters),
        "records": _records(parts, year, data),
        "link": _link(parts, year),
        "entered": False,
        "source": "",
    }
    if head == "indicators":
        indicator = _dig(data, parts) or {}
        entry.update(entered=True, source=indicator.get("source", ""), records=None)
    return entry


# Rows of the statistical workbook (统计报表). A period is a year, or months first..last of it.


def period_bounds(year: int, months: tuple[int, int] = (1, 12)) -> tuple[dt.date, dt.date]:
    import calendar

    first, last = months
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def roster_rows(
    year: int, user: User | None = None, months=(1, 12), personal: bool = True
) -> list[dict]:
    """Postings overlapping the period with their person; `personal` adds the phone, masked
    (never clear: a roster leaves the platform)."""
    start, end = period_bounds(year, months)
    qs = (
        _postings(user)
        .overlapping(start, end)
        .select_related("person", "batch", "sending_org", "host_org", "host_department")
        .order_by("kind", "field", "person__name", "pk")
    )
    out = []
    for p in qs:
        row = {
            "name": p.person.name,
            "gender": p.person.gender,
            "kind": p.kind,
            "field": p.field,
            "batch": (p.batch.name or f"第{p.batch.number}批") if p.batch else "",
            "sending_org": p.sending_org.name if p.sending_org else "",
            "host_org": p.host_org.name if p.host_org else "",
            "host_department": p.host_department.name if p.host_department else "",
            "start": p.start_date,
            "end": p.end_date,
        }
        if personal:
            row["phone"] = p.person.phone_masked if p.person.phone_cipher else ""
        out.append(row)
    return out


def training_rows(year: int, user: User | None = None, months=(1, 12)) -> list[dict]:
    """Training placements starting in the period."""
    start, end = period_bounds(year, months)
    qs = (
        _trainings(user)
        .filter(start_date__gte=start, start_date__lte=end)
        .select_related("person", "home_org", "host_org")
        .order_by("field", "start_date", "pk")
    )
    return [
        {
            "name": t.person.name,
            "home_org": t.home_org.name if t.home_org else "",
            "host_org": t.host_org.name if t.host_org else "",
            "host_unit": t.host_unit,
            "programme": t.programme,
            "field": t.field,
            "start": t.start_date,
            "end": t.end_date,
        }
        for t in qs
    ]


def demand_rows(year: int, user: User | None = None, months=(1, 12)) -> list[dict]:
    """Demands (点单) posted in the period (withdrawn left out) with their delivered visit."""
    from duikou.orders.models import DemandStatus, VisitStatus

    start, end = period_bounds(year, months)
    qs = (
        _demands(user)
        .filter(posted_at__date__gte=start, posted_at__date__lte=end)
        .exclude(status=DemandStatus.WITHDRAWN)
        .select_related("organisation")
        .prefetch_related("visits__expert")
        .order_by("posted_at", "pk")
    )
    out = []
    for d in qs:
        visit = next(
            (v for v in d.visits.all() if v.status == VisitStatus.DELIVERED),
            None,
        )
        out.append(
            {
                "posted": timezone.localtime(d.posted_at).date(),
                "organisation": d.organisation.name,
                "skill": d.skill,
                "service_kind": d.service_kind,
                "days": d.days,
                "status": d.status,
                "expert": visit.expert.name if visit and visit.expert else "",
                "visit_start": visit.start_date if visit else None,
                "delivered_days": visit.delivered_days if visit else None,
                "rating": visit.rating if visit else None,
                "served": visit is not None,
            }
        )
    return out


def deal_rows(year: int, user: User | None = None, months=(1, 12)) -> list[dict]:
    """Investment deals signed in the period."""
    from duikou.investment import scopes as investment_scopes
    from duikou.investment.models import Deal

    start, end = period_bounds(year, months)
    qs = investment_scopes.deals_for_user(user) if user is not None else Deal.objects.all()
    return [
        {
            "name": d.name,
            "enterprise": d.enterprise.name if d.enterprise else "",
            "county": (d.county.short_name or d.county.name) if d.county else "",
            "industry": d.industry_section,
            "stage": d.stage,
            "signed_on": d.signed_on,
            "signed": _money(d.signed_amount),
            "invested": _money(d.invested),
        }
        for d in qs.filter(signed_on__gte=start, signed_on__lte=end)
        .select_related("enterprise", "county")
        .order_by("signed_on", "pk")
    ]


def investment_lists(year: int, user: User | None = None) -> dict:
    """The “两个清单” — the enterprises on the list now (the list keeps no year, as the
    registry does not; zero-carbon ones apart) and the policies in force on 31 December — and
    the promotion events held in the year with the deals signed at them."""
    from django.db.models import Q

    from duikou.investment import scopes as investment_scopes
    from duikou.investment.models import Deal, Enterprise, Policy, PromotionEvent

    end = dt.date(year, 12, 31)
    if user is not None:
        enterprises = investment_scopes.enterprises_for_user(user)
        policies = investment_scopes.policies_for_user(user)
        events = investment_scopes.events_for_user(user)
        deals_qs = investment_scopes.deals_for_user(user)
    else:
        enterprises, policies = Enterprise.objects.all(), Policy.objects.all()
        events, deals_qs = PromotionEvent.objects.all(), Deal.objects.all()
    in_force = policies.filter(valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=end)
    )
    held = events.filter(date__year=year)
    at_events = deals_qs.filter(event__in=held.values("pk"), signed_on__isnull=False)
    return {
        "enterprises": enterprises.count(),
        "zero_carbon": enterprises.filter(zero_carbon=True).count(),
        "policies": in_force.count(),
        "events": held.count(),
        "event_deals": at_events.count(),
        "event_signed": _money(at_events.aggregate(s=Sum("signed_amount"))["s"]),
    }
