"""Constructive plans: ordered best insertion into flexible routes.

Demands are taken in a priority order and each goes to the candidate route and position
that adds the most to the score (value, minus ten per extra travel day), among those that
keep every route feasible and every budget respected.  Routes keep their timing flexible
(see routes.py), so an item placed early can still slide to make room for a later one.
The default order is by value per service day (weight / duration, the knapsack ratio:
budgets are what runs out), then by fewest candidates.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from .relax import Relaxation
from .routes import Problem, Solution


def density_order(prob: Problem, rng: random.Random | None = None, noise: float = 0.0) -> list[int]:
    """Demands by weight per day (highest first), then fewest candidates, then window end."""
    keys = []
    for d, dem in enumerate(prob.inst.demands):
        density = dem.weight / dem.duration
        if rng is not None and noise:
            density *= 1.0 + noise * (rng.random() - 0.5)
        keys.append((-density, len(prob.cands[d]), dem.window[1], d))
    keys.sort()
    return [k[-1] for k in keys]


def priced_order(prob: Problem, relax: Relaxation) -> list[int]:
    """Demands by their best reduced profit value - duration x price (highest first)."""
    keys = []
    for d, cands in enumerate(prob.cands):
        best = max(
            (prob.value(d, e) - prob.dur[d] * relax.price(e, k) for e, k, _lo, _hi in cands),
            default=-1e18,
        )
        keys.append((-best, prob.dur[d], d))
    keys.sort()
    return [k[-1] for k in keys]


def insert_all(
    sol: Solution,
    order: Sequence[int],
    should_stop: Callable[[], bool] | None = None,
    relax: Relaxation | None = None,
) -> int:
    """Insert the unserved demands of `order` greedily; return how many were inserted.

    Each goes where value - 10 x extra travel - duration x day price is highest (prices from
    the relaxation, zero without one)."""
    prob = sol.prob
    dur, max_days, used = prob.dur, prob.max_days, sol.used
    routes, cands = sol.routes, prob.cands
    inserted = 0
    for count, d in enumerate(order):
        if sol.where[d] is not None:
            continue
        if should_stop is not None and count % 64 == 0 and should_stop():
            break
        dd = dur[d]
        best = None
        best_key: tuple[float, int] | None = None
        for e, k, lo, hi in cands[d]:
            if used[e] + dd > max_days[e]:
                continue
            r = routes[e][k]
            ins = r.best_insertion(d, lo, hi)
            if ins is None:
                continue
            p, extra = ins
            gain: float = prob.value(d, e) - 10 * extra
            if relax is not None:
                gain -= dd * relax.price(e, k)
            # Ties: the expert with the least budget left keeps the others free.
            key = (gain, -(max_days[e] - used[e]))
            if best_key is None or key > best_key:
                best_key, best = key, (e, k, p)
        if best is None:
            continue
        e, k, p = best
        routes[e][k].insert(p, d)
        sol.where[d] = (e, k)
        used[e] += dd
        inserted += 1
    return inserted


def construct(
    prob: Problem,
    order: Sequence[int] | None = None,
    should_stop: Callable[[], bool] | None = None,
    relax: Relaxation | None = None,
) -> Solution:
    if order is None:
        order = density_order(prob) if relax is None else priced_order(prob, relax)
    sol = Solution(prob)
    insert_all(sol, order, should_stop, relax)
    return sol
