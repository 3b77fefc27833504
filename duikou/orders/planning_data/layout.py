"""A run's plan laid out for its page: the calendars (per expert, per site), the unserved and
the assigned demands, the experts to choose from; and the plan as visits to confirm."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from duikou.orders.planning_data.ids import demand_pk, person_pk
from duikou.orders.planning_data.names import Names
from duikou.orders.planning_data.reasons import unserved_reasons
from duikou.planning.instance import MalformedError, parse_instance
from duikou.planning.validator import Score, check


def plan_scores(run: Any) -> tuple[Score, Score | None] | None:
    """The score of the run's current plan and of the planner's own proposal (None when there
    is none); None when the stored instance or plan no longer reads."""
    try:
        inst = parse_instance(run.instance)
        current = check(inst, run.plan).score
        proposed = check(inst, run.proposed_plan).score if run.proposed_plan is not None else None
    except MalformedError:
        return None
    return current, proposed


def month_ticks(start: dt.date, horizon: int) -> list[dict]:
    """The axis of a calendar: the first day and each month's 1st (major, “10月”), and each
    Monday in between (minor, its day of the month)."""
    ticks = []
    d = start
    while (d - start).days < horizon:
        left = (d - start).days / horizon * 100
        if d == start or d.day == 1:
            label = _("%(m)s月") % {"m": d.month} if d.day == 1 else f"{d.month}-{d.day}"
            ticks.append({"left": left, "label": label, "major": True})
        elif d.weekday() == 0 and 3 < d.day and (d + dt.timedelta(days=3)).day > 3:
            # a Monday, not crowding a month's label on either side
            ticks.append({"left": left, "label": str(d.day), "major": False})
        d += dt.timedelta(days=1)
    return ticks


def _lanes(bars: list[dict]) -> list[list[dict]]:
    """Bars that overlap in time go to separate lanes (first lane that is free)."""
    lanes: list[list[dict]] = []
    ends: list[float] = []
    for bar in sorted(bars, key=lambda b: (b["left"], b["width"])):
        for i, end in enumerate(ends):
            if bar["left"] >= end - 1e-9:
                lanes[i].append(bar)
                ends[i] = bar["left"] + bar["width"]
                break
        else:
            lanes.append([bar])
            ends.append(bar["left"] + bar["width"])
    return lanes or [[]]


def calendar(run: Any, plan: dict, names: Names | None = None) -> dict:
    """Rows per expert and per site for the HTML timeline; positions in % of the horizon.

    Every label and title names people and places (never the planner's ids). A site row has
    one lane per set of visits that do not overlap, so simultaneous visits stay readable."""
    names = names or Names(run)
    inst_raw = run.instance
    horizon = inst_raw["horizon"]
    travel = inst_raw["travel"]
    experts = {e["id"]: e for e in inst_raw["experts"]}

    def pos(a: int, b: int) -> dict:
        return {"left": a / horizon * 100, "width": max(b - a, 0) / horizon * 100}

    by_expert: dict[str, list] = defaultdict(list)
    for r in plan.get("assignments", []):
        by_expert[r["expert"]].append(r)
    expert_rows = []
    site_items: dict[str, list] = defaultdict(list)
    for eid, items in sorted(by_expert.items(), key=lambda kv: names.expert(kv[0])):
        e = experts[eid]
        bars = []
        for a, b in e["available"]:
            bars.append(
                {
                    "kind": "avail",
                    **pos(a, b),
                    "title": _("%(who)s 可出诊 %(d)s")
                    % {"who": names.expert(eid), "d": names.days(a, b)},
                }
            )
        for a, b in e["available"]:
            route = sorted((r for r in items if a <= r["start"] < b), key=lambda r: r["start"])
            prev_site, prev_end = e["home"], None
            for r in route:
                d = names.demands[r["demand"]]
                s, end = r["start"], r["start"] + d["duration"]
                t = travel[prev_site][d["site"]]
                if t:
                    t0 = (s - t) if prev_end is None else prev_end
                    bars.append(
                        {
                            "kind": "travel",
                            **pos(t0, t0 + t),
                            "title": _("%(who)s 路程 %(t)s 天：%(a)s → %(b)s")
                            % {
                                "who": names.expert(eid),
                                "t": t,
                                "a": names.site(prev_site),
                                "b": names.site(d["site"]),
                            },
                        }
                    )
                site = names.site(d["site"])
                bars.append(
                    {
                        "kind": "visit",
                        **pos(s, end),
                        "label": site,
                        "title": _("%(who)s：%(site)s · %(skill)s，%(d)s")
                        % {
                            "who": names.expert(eid),
                            "site": site,
                            "skill": d["skill"],
                            "d": names.short(s, end),
                        },
                    }
                )
                site_items[d["site"]].append(
                    {
                        "kind": "visit",
                        **pos(s, end),
                        "label": names.expert(eid),
                        "title": _("%(site)s：%(who)s（%(skill)s），%(d)s")
                        % {
                            "site": site,
                            "who": names.expert(eid),
                            "skill": d["skill"],
                            "d": names.short(s, end),
                        },
                    }
                )
                prev_site, prev_end = d["site"], end
            if route:
                t = travel[prev_site][e["home"]]
                if t:
                    bars.append(
                        {
                            "kind": "travel",
                            **pos(prev_end, prev_end + t),
                            "title": _("%(who)s 返程 %(t)s 天：%(a)s → %(b)s")
                            % {
                                "who": names.expert(eid),
                                "t": t,
                                "a": names.site(prev_site),
                                "b": names.site(e["home"]),
                            },
                        }
                    )
        days = sum(names.duration(r["demand"]) for r in items)
        expert_rows.append(
            {
                "label": names.expert(eid),
                "sub": _("%(skill)s · %(n)s/%(max)s 天")
                % {"skill": "、".join(e["skills"]) or "—", "n": days, "max": e["max_days"]},
                "home": names.site(e["home"]),
                "lanes": [bars],
            }
        )
    site_rows = [
        {
            "label": names.site(sid),
            "sub": _("%(n)s 次") % {"n": len(items)},
            "lanes": _lanes(items),
        }
        for sid, items in sorted(site_items.items(), key=lambda kv: names.site(kv[0]))
    ]
    return {
        "experts": expert_rows,
        "sites": site_rows,
        "ticks": month_ticks(run.period_start, horizon),
        "days": horizon,
    }


def unserved_rows(run: Any, plan: dict, names: Names | None = None) -> list[dict]:
    """The demands the plan leaves unserved and those left out of the instance, with why;
    the heaviest first, the left-out last.  `pk` is the demand's record (for the edit forms
    and links), `id` the planner's (never shown)."""
    names = names or Names(run)
    excluded = {x["id"]: x for x in run.instance.get("excluded", [])}
    unserved = []
    for did, why in unserved_reasons(run.instance, plan).items():
        d = names.demands.get(did)
        if d is None:
            x = excluded.get(did, {})
            unserved.append(
                {
                    "id": did,
                    "pk": demand_pk(did),
                    "label": x.get("name", ""),
                    "reason": why,
                    "excluded": True,
                }
            )
            continue
        unserved.append(
            {
                "id": did,
                "pk": demand_pk(did),
                "label": names.demand(did),
                "site": names.site(d["site"]),
                "skill": d["skill"],
                "days": d["duration"],
                "window": names.days(*d["window"]),
                "window_short": names.short(*d["window"]),
                "weight": d["weight"],
                "reason": why,
            }
        )
    unserved.sort(key=lambda u: (u.get("excluded", False), -u.get("weight", 0), u["pk"]))
    return unserved


def reason_counts(unserved: list[dict]) -> list[dict]:
    """The unserved demands of the plan (not those left out) by reason, the commonest first."""
    counts: dict[str, int] = defaultdict(int)
    for u in unserved:
        if not u.get("excluded"):
            counts[u["reason"]] += 1
    return [
        {"reason": reason, "n": n}
        for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def assigned_rows(plan: dict, names: Names) -> list[dict]:
    """The plan's assignments by start, in human terms (`pk`, `expert_pk`: the records)."""
    assigned = []
    for r in sorted(
        plan["assignments"],
        key=lambda r: (r["start"], names.site(names.demands[r["demand"]]["site"]), r["demand"]),
    ):
        d = names.demands[r["demand"]]
        end = r["start"] + d["duration"]
        assigned.append(
            {
                "id": r["demand"],
                "pk": demand_pk(r["demand"]),
                "label": names.demand(r["demand"]),
                "site": names.site(d["site"]),
                "skill": d["skill"],
                "days": d["duration"],
                "expert_id": r["expert"],
                "expert_pk": person_pk(r["expert"]),
                "expert": names.expert(r["expert"]),
                "dates": names.days(r["start"], end),
                "short": names.short(r["start"], end),
                "start": names.date(r["start"]),
                "end": names.date(end - 1),
                "preferred": r["expert"] in d.get("preferred", []),
            }
        )
    return assigned


def expert_choices(instance: dict, skill: str | None = None) -> list[dict]:
    """The instance's experts for the edit forms: with `skill`, those who have it first
    (`match`), then the others; by name within each.  `pk` is the person's record."""
    rows = [
        {
            "pk": person_pk(e["id"]),
            "name": e.get("name", ""),
            "skills": list(e["skills"]),
            "label": f"{e.get('name', '')}（{'、'.join(e['skills']) or '—'}）",
            "match": skill is not None and skill in e["skills"],
        }
        for e in instance["experts"]
    ]
    return sorted(rows, key=lambda e: (not e["match"], e["label"]))


def lead(run: Any, plan: dict, score: Score, unserved: list[dict]) -> dict:
    """What a coordinator asks first: the share of demands served, by whom, what is left."""
    demands = {d["id"]: d for d in run.instance.get("demands", [])}
    rows = plan.get("assignments", [])
    total = len(demands)
    served = len(rows)
    left_out = sum(1 for u in unserved if u.get("excluded"))
    return {
        "total": total,
        "served": served,
        "rate": served / total * 100 if total else 0.0,
        "weighted": score.served_weight / score.total_weight * 100 if score.total_weight else 0.0,
        "experts": len({r["expert"] for r in rows}),
        "days": sum(demands[r["demand"]]["duration"] for r in rows if r["demand"] in demands),
        "preferred": score.preferred,
        "unserved": total - served,
        "left_out": left_out,
        "reasons": reason_counts(unserved),
    }


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """One assignment of a plan as a visit: the records' pks and inclusive dates."""

    demand: str  # the planner's id, for messages
    demand_pk: int
    person_pk: int
    start: dt.date
    end: dt.date
    duration: int  # the demand's days in the instance (the records may have changed since)


def planned_visits(run: Any, plan: dict, names: Names | None = None) -> list[PlannedVisit]:
    """The plan's assignments as visits (ValidationError on an id that is not a record's)."""
    names = names or Names(run)
    out = []
    for r in plan["assignments"]:
        duration = names.duration(r["demand"])
        start = names.date(r["start"])
        out.append(
            PlannedVisit(
                demand=r["demand"],
                demand_pk=demand_pk(r["demand"]),
                person_pk=person_pk(r["expert"]),
                start=start,
                end=start + dt.timedelta(days=duration - 1),
                duration=duration,
            )
        )
    return out
