"""Checking a plan against the five rules of design/visit-planning.md and scoring it.

The planner never writes a plan this module has not passed.  The conventions follow the
contract and the shared reference checker, so that both agree on validity and on the score
of any well-formed plan, valid or not:

* an assignment whose days lie in no availability interval breaks rule 3 and is counted as
  served but adds no travel (it belongs to no interval's route);
* the route of an availability interval is its assignments sorted by (start, end, demand id);
  rule 4 is checked on consecutive pairs of that order and reported on the later one;
* rule 5 is reported once per expert, on the expert's first assignment in plan order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .instance import Demand, Expert, Instance, MalformedError, _is_int


@dataclass(frozen=True, slots=True)
class Violation:
    demand: str
    expert: str
    start: int
    rule: int
    why: str

    def __str__(self) -> str:
        return (
            f"demand {self.demand} expert {self.expert} start {self.start}: "
            f"rule {self.rule}: {self.why}"
        )


@dataclass(frozen=True, slots=True)
class Score:
    score: int
    served: int
    demands: int
    served_weight: int
    total_weight: int
    travel_days: int
    preferred: int

    def line(self) -> str:
        return (
            f"score={self.score} served={self.served}/{self.demands} "
            f"weight={self.served_weight}/{self.total_weight} "
            f"travel_days={self.travel_days} preferred={self.preferred}"
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    violations: list[Violation]
    score: Score

    @property
    def valid(self) -> bool:
        return not self.violations


def parse_plan(inst: Instance, plan: object) -> list[tuple[int, int, int]]:
    """The assignments of a plan as (demand index, expert index, start), in plan order."""
    if not isinstance(plan, dict):
        raise MalformedError(f"plan: expected an object, got {type(plan).__name__}")
    if "assignments" not in plan:
        raise MalformedError("plan: missing key 'assignments'")
    rows = plan["assignments"]
    if not isinstance(rows, list):
        raise MalformedError("plan: 'assignments' must be a list")
    out: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    for i, row in enumerate(rows):
        where = f"plan assignments[{i}]"
        if not isinstance(row, dict):
            raise MalformedError(f"{where}: expected an object, got {type(row).__name__}")
        for key in ("demand", "expert", "start"):
            if key not in row:
                raise MalformedError(f"{where}: missing key '{key}'")
        did, eid, start = row["demand"], row["expert"], row["start"]
        if not _is_int(start):
            raise MalformedError(f"{where}: 'start' must be an integer, got {start!r}")
        d = inst.demand_by_id.get(did) if isinstance(did, str) else None
        if d is None:
            raise MalformedError(f"{where}: unknown demand id {did!r}")
        e = inst.expert_by_id.get(eid) if isinstance(eid, str) else None
        if e is None:
            raise MalformedError(f"{where}: unknown expert id {eid!r}")
        if d in seen:
            raise MalformedError(f"{where}: demand {did} is assigned more than once")
        seen.add(d)
        out.append((d, e, int(start)))
    return out


def check(inst: Instance, plan: object) -> CheckResult:
    """Check a plan (decoded JSON) against rules 1-5 and score it.

    Raises MalformedError if the plan breaks the JSON contract.  The score is computed for
    any well-formed plan; it is the official score only if there are no violations.
    """
    return check_rows(inst, parse_plan(inst, plan))


# The rules, one function each (explain.py says why with the same functions) ------------------


def has_skill(exp: Expert, dem: Demand) -> bool:
    """Rule 1: the expert has the demand's skill."""
    return dem.skill in exp.skills


def in_window(dem: Demand, start: int) -> bool:
    """Rule 2: the days [start, start + duration) lie inside the demand's window."""
    w0, w1 = dem.window
    return w0 <= start and start + dem.duration <= w1


def interval_of(exp: Expert, start: int, end: int) -> int | None:
    """Rule 3, first half: the index of the availability interval holding [start, end)."""
    return next((k for k, (a, b) in enumerate(exp.available) if a <= start and end <= b), None)


def start_range(inst: Instance, dem: Demand, exp: Expert, k: int) -> tuple[int, int]:
    """Rules 2 and 3 together: the starts lo..hi (inclusive; empty when lo > hi) at which the
    demand fits the window and availability interval k of the expert, travel included."""
    a, b = exp.available[k]
    lo = max(dem.window[0], a + inst.travel[exp.home][dem.site])
    hi = min(dem.window[1], b - inst.travel[dem.site][exp.home]) - dem.duration
    return lo, hi


def follows(prev_end: int, travel: int, start: int) -> bool:
    """Rule 4: an assignment starting on `start` may follow one ending on `prev_end` that is
    `travel` days away."""
    return start >= prev_end + travel


def within_budget(exp: Expert, days: int) -> bool:
    """Rule 5: `days` service days fit the expert's budget."""
    return days <= exp.max_days


@dataclass(frozen=True, slots=True)
class Breach:
    """One rule broken by one assignment, as facts (indices and days, no prose).

    code: "skill" (rule 1); "window" (2); "no_interval", "travel_in", "travel_out" (3);
    "overlap", "travel_between" (4: `other` is the demand index of the previous assignment of
    the route, `limit` its end, `travel` the days between the sites); "max_days" (5: `total`
    the expert's days in the plan).
    """

    rule: int
    code: str
    demand: int
    expert: int
    start: int
    other: int | None = None
    limit: int = 0
    travel: int = 0
    total: int = 0

    def why(self, inst: Instance) -> str:
        """The validator's one-line English explanation."""
        dem, exp = inst.demands[self.demand], inst.experts[self.expert]
        s, end = self.start, self.start + dem.duration
        if self.code == "skill":
            return f"expert lacks skill {dem.skill!r} (has {sorted(exp.skills)})"
        if self.code == "window":
            w0, w1 = dem.window
            return f"days [{s}, {end}) outside window [{w0}, {w1})"
        if self.code == "no_interval":
            return f"days [{s}, {end}) not inside one availability interval"
        if self.code == "travel_in":
            return f"start {s} < {self.limit} + travel from home {self.travel}"
        if self.code == "travel_out":
            return f"end {end} + travel home {self.travel} > {self.limit}"
        if self.code in ("overlap", "travel_between"):
            what = "overlaps" if self.code == "overlap" else "leaves too little travel time after"
            prev_id = inst.demands[self.other].id if self.other is not None else "?"
            return (
                f"{what} demand {prev_id} (ends {self.limit}; needs start >= "
                f"{self.limit} + travel {self.travel})"
            )
        return f"expert {exp.id} serves {self.total} days > max_days {exp.max_days}"

    def violation(self, inst: Instance) -> Violation:
        return Violation(
            inst.demands[self.demand].id,
            inst.experts[self.expert].id,
            self.start,
            self.rule,
            self.why(inst),
        )


def assignment_breaches(inst: Instance, d: int, e: int, s: int) -> list[Breach]:
    """Rules 1, 2 and 3: what one assignment breaks on its own, in rule order."""
    dem, exp = inst.demands[d], inst.experts[e]
    end = s + dem.duration
    out: list[Breach] = []
    if not has_skill(exp, dem):
        out.append(Breach(1, "skill", d, e, s))
    if not in_window(dem, s):
        out.append(Breach(2, "window", d, e, s))
    k = interval_of(exp, s, end)
    if k is None:
        out.append(Breach(3, "no_interval", d, e, s))
    else:
        a, b = exp.available[k]
        t_in, t_out = inst.travel[exp.home][dem.site], inst.travel[dem.site][exp.home]
        if s < a + t_in:
            out.append(Breach(3, "travel_in", d, e, s, limit=a, travel=t_in))
        if end + t_out > b:
            out.append(Breach(3, "travel_out", d, e, s, limit=b, travel=t_out))
    return out


@dataclass(slots=True)
class Scan:
    """What checking a plan finds: the breaches in the validator's order, the travel days."""

    breaches: list[Breach]
    travel_days: int


def scan(inst: Instance, rows: list[tuple[int, int, int]]) -> Scan:
    """All the rules on assignments given as (demand index, expert index, start).

    Breaches come in this order: rules 1-3 per assignment in plan order, then rule 4 per
    route (expert, interval) on consecutive pairs, reported on the later one, then rule 5
    once per expert on the expert's first assignment in plan order."""
    travel = inst.travel
    breaches: list[Breach] = []
    routes: dict[tuple[int, int], list[tuple[int, int, str, int]]] = {}
    days: dict[int, int] = {}
    first_row: dict[int, tuple[int, int]] = {}

    for d, e, s in rows:
        dem, exp = inst.demands[d], inst.experts[e]
        end = s + dem.duration
        breaches.extend(assignment_breaches(inst, d, e, s))
        k = interval_of(exp, s, end)
        if k is not None:
            routes.setdefault((e, k), []).append((s, end, dem.id, d))
        days[e] = days.get(e, 0) + dem.duration
        first_row.setdefault(e, (d, s))

    travel_days = 0
    for (e, _k), items in sorted(routes.items()):
        items.sort()
        exp = inst.experts[e]
        sites = [inst.demands[d].site for _s, _e, _id, d in items]
        travel_days += travel[exp.home][sites[0]] + travel[sites[-1]][exp.home]
        for i in range(1, len(items)):
            t = travel[sites[i - 1]][sites[i]]
            travel_days += t
            prev_end, prev_d = items[i - 1][1], items[i - 1][3]
            s2 = items[i][0]
            if not follows(prev_end, t, s2):
                code = "overlap" if s2 < prev_end else "travel_between"
                breaches.append(
                    Breach(4, code, items[i][3], e, s2, other=prev_d, limit=prev_end, travel=t)
                )

    for e in sorted(days):
        if not within_budget(inst.experts[e], days[e]):
            d, s = first_row[e]
            breaches.append(Breach(5, "max_days", d, e, s, total=days[e]))
    return Scan(breaches, travel_days)


def check_rows(inst: Instance, rows: list[tuple[int, int, int]]) -> CheckResult:
    """Check assignments given as (demand index, expert index, start)."""
    found = scan(inst, rows)
    violations = [b.violation(inst) for b in found.breaches]
    travel_days = found.travel_days
    served_weight = sum(inst.demands[d].weight for d, _e, _s in rows)
    preferred = sum(1 for d, e, _s in rows if e in inst.demands[d].preferred)
    return CheckResult(
        violations,
        Score(
            score=1000 * served_weight + 100 * preferred - 10 * travel_days,
            served=len(rows),
            demands=len(inst.demands),
            served_weight=served_weight,
            total_weight=sum(dem.weight for dem in inst.demands),
            travel_days=travel_days,
            preferred=preferred,
        ),
    )
