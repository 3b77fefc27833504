"""The assignment relaxation: an upper bound and prices for experts' days.

The linear relaxation (GLOP) drops the order of visits and travel between them and keeps

    maximise  sum value(d, e) x[d, e, k]
    s.t.      sum over (e, k) of x[d, e, k]          <= 1        for every demand d
              sum over (d, k) of duration_d x[d,e,k] <= max_days  for every expert e
              sum over d of duration_d x[d, e, k]    <= b - a - r  for every interval (e, k)
              0 <= x <= 1,  x only on candidates (rules 1, 2, 3 and 5 hold alone)

where r is the shortest round trip home -> site -> home among the interval's candidates.
Every valid plan gives a feasible x with at least its score (travel only lowers the score),
so the optimum of this linear program is a proven upper bound on the plan's score.  Its
dual values price a day of each expert (and of each interval): the constructive planner
subtracts duration x price from the value of an assignment, which keeps the experts that
many demands need for the demands only they can serve.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .control import Stopper
from .routes import Problem


@dataclass(slots=True)
class Relaxation:
    bound: float
    expert_price: list[float]
    interval_price: dict[tuple[int, int], float]
    served: list[float]  # sum of x per demand
    seconds: float

    def price(self, e: int, k: int) -> float:
        return self.expert_price[e] + self.interval_price.get((e, k), 0.0)


def solve_relaxation(
    prob: Problem,
    time_limit: float = 60.0,
    should_stop: Callable[[], bool] | None = None,
    stopper: Stopper | None = None,
) -> Relaxation | None:
    """Solve the linear relaxation; None if GLOP is unavailable, stopped or out of time."""
    from ortools.linear_solver import pywraplp

    t0 = time.monotonic()
    inst = prob.inst
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    inf = solver.infinity()
    dur = prob.dur
    demand_rows = [solver.Constraint(-inf, 1.0) for _ in inst.demands]
    expert_rows = [solver.Constraint(-inf, float(e.max_days)) for e in inst.experts]
    interval_rows: dict[tuple[int, int], pywraplp.Constraint] = {}
    t, site = prob.travel, prob.site
    for e, exp in enumerate(inst.experts):
        h = exp.home
        for k, (a, b) in enumerate(exp.available):
            rc = prob.route_cands[e][k]
            if rc:
                r = min(t[h][site[d]] + t[site[d]][h] for d, _lo, _hi in rc)
                interval_rows[(e, k)] = solver.Constraint(-inf, float(b - a - r))
    objective = solver.Objective()
    xs: list[tuple[int, pywraplp.Variable]] = []
    for d, cands in enumerate(prob.cands):
        if should_stop is not None and d % 500 == 0 and should_stop():
            return None
        for e, k, _lo, _hi in cands:
            x = solver.NumVar(0.0, 1.0, "")
            xs.append((d, x))
            demand_rows[d].SetCoefficient(x, 1.0)
            expert_rows[e].SetCoefficient(x, float(dur[d]))
            interval_rows[(e, k)].SetCoefficient(x, float(dur[d]))
            objective.SetCoefficient(x, float(prob.value(d, e)))
    objective.SetMaximization()
    left = time_limit - (time.monotonic() - t0)
    if left <= 0 or (should_stop is not None and should_stop()):
        return None
    solver.SetTimeLimit(max(1, int(left * 1000)))
    if stopper is not None:
        stopper.attach(solver, solver.InterruptSolve)
    try:
        status = solver.Solve()
    finally:
        if stopper is not None:
            stopper.detach(solver)
    if status != pywraplp.Solver.OPTIMAL:
        return None
    served = [0.0] * len(inst.demands)
    for d, x in xs:
        served[d] += x.solution_value()
    return Relaxation(
        bound=objective.Value(),
        expert_price=[max(0.0, r.dual_value()) for r in expert_rows],
        interval_price={ek: max(0.0, r.dual_value()) for ek, r in interval_rows.items()},
        served=served,
        seconds=time.monotonic() - t0,
    )
