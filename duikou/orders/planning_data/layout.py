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
    ticks = []
    d = start
    while (d - start).days < horizon:
        if d == start or d.day == 1:
            ticks.append(
                {
                    "left": (d - start).days / horizon * 100,
                    "label": _("%(m)s月") % {"m": d.month} if d.day == 1 else f"{d.month}-{d.day}",
                }
            )
        d += dt.timedelta(days=1)
    return ticks


def calendar(run: Any, plan: dict, names: Names | None = None) -> dict:
    """Rows per expert and per site for the HTML timeline; positions in % of the horizon."""
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
                {"kind": "avail", **pos(a, b), "title": _("可出诊 %(d)s") % {"d": names.days(a, b)}}
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
                            "title": _("路程 %(t)s 天：%(a)s → %(b)s")
                            % {"t": t, "a": names.site(prev_site), "b": names.site(d["site"])},
                        }
                    )
                label = f"{names.site(d['site'])} · {d['skill']}"
                title = f"{r['demand']} {label} {names.days(s, end)}"
                bars.append({"kind": "visit", **pos(s, end), "label": label, "title": title})
                site_items[d["site"]].append(
                    {
                        "kind": "visit",
                        **pos(s, end),
                        "label": names.expert(eid),
                        "title": f"{r['demand']} {d['skill']} · {names.expert(eid)} "
                        f"{names.days(s, end)}",
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
                            "title": _("返程 %(t)s 天：%(a)s → %(b)s")
                            % {"t": t, "a": names.site(prev_site), "b": names.site(e["home"])},
                        }
                    )
        days = sum(names.duration(r["demand"]) for r in items)
        expert_rows.append(
            {
                "label": names.expert(eid),
                "sub": _("%(skill)s · %(home)s · %(n)s/%(max)s 天")
                % {
                    "skill": "、".join(e["skills"]),
                    "home": names.site(e["home"]),
                    "n": days,
                    "max": e["max_days"],
                },
                "bars": bars,
            }
        )
    site_rows = [
        {
            "label": names.site(sid),
            "sub": _("%(n)s 次") % {"n": len(items)},
            "bars": items,
        }
        for sid, items in sorted(site_items.items(), key=lambda kv: names.site(kv[0]))
    ]
    return {
        "experts": expert_rows,
        "sites": site_rows,
        "ticks": month_ticks(run.period_start, horizon),
    }


def unserved_rows(run: Any, plan: dict, names: Names | None = None) -> list[dict]:
    """The demands the plan leaves unserved and those left out of the instance, with why;
    the heaviest first, the left-out last."""
    names = names or Names(run)
    excluded = {x["id"]: x for x in run.instance.get("excluded", [])}
    unserved = []
    for did, why in unserved_reasons(run.instance, plan).items():
        d = names.demands.get(did)
        if d is None:
            x = excluded.get(did, {})
            unserved.append(
                {"id": did, "label": x.get("name", did), "reason": why, "excluded": True}
            )
            continue
        unserved.append(
            {
                "id": did,
                "label": names.demand(did),
                "skill": d["skill"],
                "days": d["duration"],
                "window": names.days(*d["window"]),
                "weight": d["weight"],
                "reason": why,
            }
        )
    unserved.sort(key=lambda u: (u.get("excluded", False), -u.get("weight", 0), u["id"]))
    return unserved


def assigned_rows(plan: dict, names: Names) -> list[dict]:
    """The plan's assignments by start, in human terms."""
    assigned = []
    for r in sorted(plan["assignments"], key=lambda r: (r["start"], r["demand"])):
        d = names.demands[r["demand"]]
        assigned.append(
            {
                "id": r["demand"],
                "label": names.demand(r["demand"]),
                "expert_id": r["expert"],
                "expert": names.expert(r["expert"]),
                "dates": names.days(r["start"], r["start"] + d["duration"]),
                "start": names.date(r["start"]),
                "preferred": r["expert"] in d.get("preferred", []),
            }
        )
    return assigned


def expert_choices(instance: dict) -> list[dict]:
    """The instance's experts for the edit form, by label."""
    return sorted(
        (
            {"id": e["id"], "label": f"{e.get('name', e['id'])}（{'、'.join(e['skills']) or '—'}）"}
            for e in instance["experts"]
        ),
        key=lambda e: e["label"],
    )


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
