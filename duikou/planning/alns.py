"""Ruin and recreate: thousands of cheap moves a second, in pure Python.

A move removes a few related assignments (in the candidate routes of a seed demand, those
whose days meet its window; or a stretch of one expert's route), then re-inserts the
removed demands and the unserved demands whose start range meets the freed days in those
routes, in the priced order of construct.py with random noise, each at its best feasible
position.  Moves are accepted
when the score does not drop by more than a threshold that shrinks to zero (threshold
accepting), and the best plan seen is kept.  Every change goes through a journal so that a
rejected move is undone exactly.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable, Iterable

from .relax import Relaxation
from .routes import Route, Solution


class Journal:
    """Records the routes, placements and budgets a move changes, to undo it."""

    def __init__(self, sol: Solution) -> None:
        self.sol = sol
        self.routes: dict[tuple[int, int], Route] = {}
        self.where: dict[int, tuple[int, int] | None] = {}
        self.used: dict[int, int] = {}

    def touch(self, e: int, k: int) -> Route:
        sol = self.sol
        r = sol.routes[e][k]
        if (e, k) not in self.routes:
            self.routes[(e, k)] = r.copy()
            self.used.setdefault(e, sol.used[e])
        return r

    def remove(self, d: int) -> bool:
        sol = self.sol
        w = sol.where[d]
        if w is None:
            return False
        e, k = w
        r = sol.routes[e][k]
        items = [x for x in r.items if x != d]
        old = r.copy()
        if not r.set_items(items):  # without the triangle inequality removal can break
            return False
        if (e, k) not in self.routes:
            self.routes[(e, k)] = old
            self.used.setdefault(e, sol.used[e])
        self.where.setdefault(d, w)
        sol.where[d] = None
        sol.used[e] -= sol.prob.dur[d]
        return True

    def insert(self, d: int, e: int, k: int, p: int) -> None:
        sol = self.sol
        r = self.touch(e, k)
        r.insert(p, d)
        self.where.setdefault(d, sol.where[d])
        sol.where[d] = (e, k)
        sol.used[e] += sol.prob.dur[d]

    def delta(self) -> int:
        sol = self.sol
        total = 0
        for (e, k), old in self.routes.items():
            total += sol.route_objective(sol.routes[e][k]) - sol.route_objective(old)
        return total

    def undo(self) -> None:
        sol = self.sol
        for (e, k), old in self.routes.items():
            sol.routes[e][k] = old
        for d, w in self.where.items():
            sol.where[d] = w
        for e, u in self.used.items():
            sol.used[e] = u


class RuinRecreate:
    def __init__(
        self,
        sol: Solution,
        relax: Relaxation | None,
        rng: random.Random,
    ) -> None:
        self.sol = sol
        self.prob = prob = sol.prob
        self.rng = rng
        self.servable = [d for d in range(len(prob.inst.demands)) if prob.cands[d]]
        self.noise = 0.2
        # Per demand: its candidates with value and day price, and its best priced value.
        self.options: list[list[tuple[int, int, int, int, int, float]]] = []
        self.key: list[float] = []
        for d, cands in enumerate(prob.cands):
            opts = []
            best = -1e18
            for e, k, lo, hi in cands:
                v = prob.value(d, e)
                price = relax.price(e, k) if relax is not None else 0.0
                opts.append((e, k, lo, hi, v, price))
                best = max(best, v - prob.dur[d] * price)
            self.options.append(opts)
            self.key.append(best)
        self.route_lo = [[[lo for _d, lo, _hi in rc] for rc in per_e] for per_e in prob.route_cands]
        self.max_span = max((dem.window[1] - dem.window[0] for dem in prob.inst.demands), default=0)

    # -- ruin -------------------------------------------------------------------------------

    def ruin(self, j: Journal, size: int) -> dict[tuple[int, int], tuple[int, int]]:
        """Remove up to `size` assignments; return the routes to refill, each with the
        stretch of days that was freed."""
        prob, sol, rng = self.prob, self.sol, self.rng
        dur = prob.dur
        d0 = rng.choice(self.servable)
        lo0, hi0 = prob.inst.demands[d0].window
        region: dict[tuple[int, int], tuple[int, int]] = {}
        victims: list[int] = []
        if rng.random() < 0.7:
            # Related: in the seed's candidate routes, items whose days meet its window.
            for e, k, _lo, _hi in prob.cands[d0]:
                region[(e, k)] = (lo0 - 3, hi0 + 3)
                r = sol.routes[e][k]
                for i, d in enumerate(r.items):
                    if r.E[i] < hi0 + 3 and r.L[i] + dur[d] > lo0 - 3:
                        victims.append(d)
            if len(victims) > size:
                victims = rng.sample(victims, size)
        else:
            # One expert's assignments over a stretch of days.
            w = sol.where[d0]
            if w is None:
                c = rng.choice(prob.cands[d0])
                w = (c[0], c[1])
            e, k = w
            r = sol.routes[e][k]
            if not r.items:
                region[w] = (lo0, hi0)
                return region
            i0 = rng.randrange(len(r.items))
            i1 = min(len(r.items), i0 + max(1, size // 2))
            victims = r.items[i0:i1]
            region[w] = (r.E[i0], r.L[i1 - 1] + dur[r.items[i1 - 1]])
        for d in victims:
            w = sol.where[d]
            if w is None:
                continue
            r = sol.routes[w[0]][w[1]]
            i = r.items.index(d)
            span = (r.E[i], r.L[i] + dur[d])
            if j.remove(d):
                a, b = region.get(w, span)
                region[w] = (min(a, span[0]), max(b, span[1]))
        return region

    # -- recreate ---------------------------------------------------------------------------

    def recreate(self, j: Journal, demands: Iterable[int]) -> None:
        sol, rng = self.sol, self.rng
        prob = self.prob
        dur, max_days, used, where = prob.dur, prob.max_days, sol.used, sol.where
        routes, options, key = sol.routes, self.options, self.key
        noise = self.noise
        keyed = [
            (-key[d] * (1.0 + noise * (rng.random() - 0.5)), d)
            for d in set(demands)
            if where[d] is None
        ]
        keyed.sort()
        for _key, d in keyed:
            dd = dur[d]
            choice = None
            best_gain = -1e18
            for e, k, lo, hi, v, price in options[d]:
                if used[e] + dd > max_days[e]:
                    continue
                ins = routes[e][k].best_insertion(d, lo, hi)
                if ins is None:
                    continue
                gain = v - 10 * ins[1] - dd * price * rng.random()
                if gain > best_gain:
                    best_gain, choice = gain, (e, k, ins[0])
            if choice is not None:
                j.insert(d, *choice)

    def related_unserved(
        self, region: dict[tuple[int, int], tuple[int, int]], limit: int
    ) -> list[int]:
        """Unserved candidates of the refilled routes whose days could meet the freed stretch."""
        prob, where = self.prob, self.sol.where
        dur = prob.dur
        out: list[int] = []
        regions = list(region.items())
        if len(regions) > 1:
            self.rng.shuffle(regions)
        for (e, k), (a, b) in regions:
            if len(out) >= 2 * limit:
                break
            rc = prob.route_cands[e][k]
            los = self.route_lo[e][k]
            i0 = bisect_left(los, a - self.max_span)
            i1 = bisect_left(los, b)
            for i in range(i0, i1):
                d, _lo, hi = rc[i]
                if where[d] is None and hi + dur[d] > a:
                    out.append(d)
        if len(out) > limit:
            out = self.rng.sample(out, limit)
        return out

    def move(self, size: int) -> tuple[Journal, int]:
        """Apply one ruin-and-recreate move; return its journal and score change."""
        j = Journal(self.sol)
        region = self.ruin(j, size)
        removed = [d for d in j.where if self.sol.where[d] is None]
        extra = self.related_unserved(region, 4 * size + 10)
        self.recreate(j, removed + extra)
        return j, j.delta()


class Search:
    """Threshold-accepting ruin and recreate around one plan, keeping the best routes seen.

    `best_items` holds every route of the best plan; `dirty` the routes changed since, so
    recording a new best copies only those.
    """

    def __init__(
        self,
        sol: Solution,
        relax: Relaxation | None,
        rng: random.Random,
    ) -> None:
        self.sol = sol
        self.rng = rng
        self.rr = RuinRecreate(sol, relax, rng)
        self.cur = sol.objective()
        self.best = self.cur
        self.best_items: dict[tuple[int, int], list[int]] = {
            (r.e, r.k): r.items[:] for rs in sol.routes for r in rs
        }
        self.dirty: set[tuple[int, int]] = set()
        self.moves = 0
        self.accepted = 0
        self.size = (3, 15)

    def _record(self) -> bool:
        if self.cur <= self.best:
            return False
        self.best = self.cur
        routes = self.sol.routes
        for e, k in self.dirty:
            self.best_items[(e, k)] = routes[e][k].items[:]
        self.dirty.clear()
        return True

    def batch(self, threshold: float, n: int = 16) -> bool:
        """n moves; return True if the best plan improved."""
        rr, rng = self.rr, self.rng
        lo, hi = self.size
        for _ in range(n):
            j, delta = rr.move(rng.randint(lo, hi))
            self.moves += 1
            if delta >= -threshold * rng.random():
                self.accepted += 1
                self.cur += delta
                self.dirty.update(j.routes)
            else:
                j.undo()
        return self._record()

    def at_best(self) -> bool:
        return self.cur == self.best

    def adopt(self, score: int, items: dict[tuple[int, int], list[int]]) -> bool:
        """Take a better plan found elsewhere (another process); True if taken."""
        if score <= self.best:
            return False
        routes = self.sol.routes
        diff = {ek: its for ek, its in items.items() if routes[ek[0]][ek[1]].items != its}
        delta = self.sol.try_replace(diff)
        if delta is None:
            return False
        self.cur += delta
        self.dirty.update(diff)
        self._record()
        return True

    def restore_best(self) -> bool:
        """Make the plan the best one seen (it may have drifted below it)."""
        if self.cur >= self.best:
            return True
        restore = {ek: self.best_items[ek] for ek in self.dirty}
        delta = self.sol.try_replace(restore)
        if delta is None:
            return False
        self.cur += delta
        self.dirty.clear()
        return True


def polish(sol: Solution, should_stop: Callable[[], bool], rounds: int = 3) -> int:
    """Move single assignments to their best place (route, position) while that raises the
    score: less travel or a preferred expert.  Returns the score gained."""
    prob = sol.prob
    dur, max_days = prob.dur, prob.max_days
    gained = 0
    for _ in range(rounds):
        moved = 0
        for d in range(len(prob.cands)):
            w = sol.where[d]
            if w is None or len(prob.cands[d]) < 1:
                continue
            if d % 256 == 0 and should_stop():
                return gained
            j = Journal(sol)
            if not j.remove(d):
                continue
            best = None
            best_gain = 0
            for e, k, lo, hi in prob.cands[d]:
                if sol.used[e] + dur[d] > max_days[e]:
                    continue
                ins = sol.routes[e][k].best_insertion(d, lo, hi)
                if ins is None:
                    continue
                gain = prob.value(d, e) - 10 * ins[1]
                if best is None or gain > best_gain:
                    best, best_gain = (e, k, ins[0]), gain
            if best is None:
                j.undo()
                continue
            j.insert(d, *best)
            delta = j.delta()
            if delta > 0:
                gained += delta
                moved += 1
            else:
                j.undo()
        if not moved:
            break
    return gained
