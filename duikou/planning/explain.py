"""Why: why a demand is unserved, why a plan or an edited assignment breaks a rule.

The rules are those of design/visit-planning.md and are checked by validator.py only; this
module asks the validator (`scan`, `assignment_breaches`, `start_range`, `follows`, ...) and
adds the facts a person needs to understand the answer: the expert's availability, the
travel, the other assignments that clash, the expert's total days.  Everything is returned
as data (rule numbers, codes, ids, days); the platform renders it in the reader's language
(duikou.orders.planning_data).  No Django here.

* `why_unserved(inst, served)`: for each demand not served, "no_skill" (no expert has the
  skill), "no_time" (no expert with the skill can serve it on its own: rules 2, 3 and 5 with
  travel from and back home) or "taken" (someone could, but the plan used those days).
* `explain(inst, rows)`: every broken rule of a plan, each with its facts.
* `explain_edit(inst, rows, touched)`: the one reason to give when an edit of the demands
  `touched` breaks the plan: the edited demands' breaches first, then by rule number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .instance import Demand, Expert, Instance
from .validator import Breach, follows, has_skill, scan, start_range, within_budget

#: (demand index, expert index, start)
Row = tuple[int, int, int]

NO_SKILL = "no_skill"
NO_TIME = "no_time"
TAKEN = "taken"


@dataclass(frozen=True, slots=True)
class Clash:
    """Another assignment of the same expert that leaves no room (overlap or travel)."""

    demand: str
    start: int
    end: int
    travel: int  # days between its site and the explained demand's site


@dataclass(frozen=True, slots=True)
class Reason:
    """Why one assignment breaks one rule, with the facts to say so.

    `breach` is the validator's finding; the other fields are what a reader needs:
    the days, the window, the expert's availability, the travel from home to the site and
    back, the clashing assignments (rule 4) and the expert's days in the plan (rule 5)."""

    rule: int
    code: str
    demand: str
    expert: str
    start: int
    end: int
    window: tuple[int, int]
    skill: str
    skills: tuple[str, ...]
    available: tuple[tuple[int, int], ...]
    home: str
    site: str
    travel_in: int
    travel_out: int
    clashes: tuple[Clash, ...]
    total_days: int
    max_days: int
    breach: Breach


def can_serve(inst: Instance, dem: Demand, exp: Expert) -> bool:
    """Rules 1, 2, 3 and 5 can hold on their own for this expert and demand (the planner's
    candidates, routes.Problem, are exactly these pairs)."""
    if not has_skill(exp, dem) or not within_budget(exp, dem.duration):
        return False
    for k in range(len(exp.available)):
        lo, hi = start_range(inst, dem, exp, k)
        if lo <= hi:
            return True
    return False


def why_unserved(inst: Instance, served: Iterable[str]) -> dict[str, str]:
    """For each demand (id) not in `served`, why: NO_SKILL, NO_TIME or TAKEN."""
    done = set(served)
    by_skill: dict[str, list[Expert]] = {}
    for exp in inst.experts:
        for skill in exp.skills:
            by_skill.setdefault(skill, []).append(exp)
    out: dict[str, str] = {}
    for dem in inst.demands:
        if dem.id in done:
            continue
        experts = by_skill.get(dem.skill, [])
        if not experts:
            out[dem.id] = NO_SKILL
        elif not any(can_serve(inst, dem, exp) for exp in experts):
            out[dem.id] = NO_TIME
        else:
            out[dem.id] = TAKEN
    return out


def clashes(inst: Instance, rows: Sequence[Row], d: int, e: int, s: int) -> list[Clash]:
    """The other assignments of expert e in `rows` that demand d starting on s cannot be
    ordered with, either way round (rule 4), in plan order."""
    dem = inst.demands[d]
    end = s + dem.duration
    out: list[Clash] = []
    for d2, e2, s2 in rows:
        if e2 != e or d2 == d:
            continue
        other = inst.demands[d2]
        end2 = s2 + other.duration
        there, back = inst.travel[dem.site][other.site], inst.travel[other.site][dem.site]
        if not follows(end, there, s2) and not follows(end2, back, s):
            out.append(Clash(other.id, s2, end2, back))
    return out


def reason(inst: Instance, rows: Sequence[Row], breach: Breach) -> Reason:
    """The facts around one of the validator's breaches in the plan `rows`."""
    d, e, s = breach.demand, breach.expert, breach.start
    dem, exp = inst.demands[d], inst.experts[e]
    return Reason(
        rule=breach.rule,
        code=breach.code,
        demand=dem.id,
        expert=exp.id,
        start=s,
        end=s + dem.duration,
        window=dem.window,
        skill=dem.skill,
        skills=tuple(sorted(exp.skills)),
        available=exp.available,
        home=inst.site_ids[exp.home],
        site=inst.site_ids[dem.site],
        travel_in=inst.travel[exp.home][dem.site],
        travel_out=inst.travel[dem.site][exp.home],
        clashes=tuple(clashes(inst, rows, d, e, s)) if breach.rule == 4 else (),
        total_days=sum(inst.demands[d2].duration for d2, e2, _s in rows if e2 == e),
        max_days=exp.max_days,
        breach=breach,
    )


def explain(inst: Instance, rows: Sequence[Row]) -> list[Reason]:
    """Every rule the plan breaks (the validator's findings, in its order), with facts."""
    return [reason(inst, rows, b) for b in scan(inst, list(rows)).breaches]


def explain_edit(inst: Instance, rows: Sequence[Row], touched: Iterable[str]) -> Reason | None:
    """Why the plan `rows`, valid before an edit of the demands `touched` (ids), is not valid
    now: the first breach of an edited demand, else the first other one, by rule number.
    None when the edited plan keeps all the rules."""
    ids = set(touched)
    found = scan(inst, list(rows)).breaches
    if not found:
        return None
    first = min(found, key=lambda b: (inst.demands[b.demand].id not in ids, b.rule))
    return reason(inst, rows, first)


def rows_of(inst: Instance, assignments: Iterable[tuple[str, str, int]]) -> list[Row]:
    """(demand id, expert id, start) triples as rows of indices (ids must exist)."""
    return [(inst.demand_by_id[d], inst.expert_by_id[e], s) for d, e, s in assignments]
