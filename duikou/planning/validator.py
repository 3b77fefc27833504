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

from .instance import Instance, MalformedError, _is_int


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


def check_rows(inst: Instance, rows: list[tuple[int, int, int]]) -> CheckResult:
    """Check assignments given as (demand index, expert index, start)."""
    travel = inst.travel
    violations: list[Violation] = []
    routes: dict[tuple[int, int], list[tuple[int, int, str, int]]] = {}
    days: dict[int, int] = {}
    first_row: dict[int, tuple[int, int]] = {}

    for d, e, s in rows:
        dem, exp = inst.demands[d], inst.experts[e]
        end = s + dem.duration

        def bad(rule: int, why: str, dem=dem, exp=exp, s=s) -> None:
            violations.append(Violation(dem.id, exp.id, s, rule, why))

        if dem.skill not in exp.skills:
            bad(1, f"expert lacks skill {dem.skill!r} (has {sorted(exp.skills)})")
        w0, w1 = dem.window
        if s < w0 or end > w1:
            bad(2, f"days [{s}, {end}) outside window [{w0}, {w1})")
        k = next((k for k, (a, b) in enumerate(exp.available) if a <= s and end <= b), None)
        if k is None:
            bad(3, f"days [{s}, {end}) not inside one availability interval")
        else:
            a, b = exp.available[k]
            t_in, t_out = travel[exp.home][dem.site], travel[dem.site][exp.home]
            if s < a + t_in:
                bad(3, f"start {s} < {a} + travel from home {t_in}")
            if end + t_out > b:
                bad(3, f"end {end} + travel home {t_out} > {b}")
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
            prev_end, prev_id = items[i - 1][1], items[i - 1][2]
            s2 = items[i][0]
            if s2 < prev_end + t:
                what = "overlaps" if s2 < prev_end else "leaves too little travel time after"
                violations.append(
                    Violation(
                        items[i][2],
                        exp.id,
                        s2,
                        4,
                        f"{what} demand {prev_id} (ends {prev_end}; needs start >= "
                        f"{prev_end} + travel {t})",
                    )
                )

    for e in sorted(days):
        exp = inst.experts[e]
        if days[e] > exp.max_days:
            d, s = first_row[e]
            violations.append(
                Violation(
                    inst.demands[d].id,
                    exp.id,
                    s,
                    5,
                    f"expert {exp.id} serves {days[e]} days > max_days {exp.max_days}",
                )
            )

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
