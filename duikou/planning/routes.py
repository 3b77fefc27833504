"""Candidates, routes with flexible timing, and the planner's working solution.

A *candidate* is a triple (demand, expert, availability interval k) for which rules 1, 2, 3
and 5 can hold on their own: the expert has the skill, the duration fits the budget, and
the start range [lo, hi] with

    lo = max(window start, a + travel[home][site])
    hi = min(window end, b - travel[site][home]) - duration

is not empty.  A *route* is the ordered list of demands an expert serves in one
availability interval.  Its timing is not stored: the earliest starts E (forward pass) and
latest starts L (backward pass) give, for every item, the slack rule 4 leaves it.  A route
is feasible iff E[i] <= hi[i] for every item; the plan takes the earliest starts.  This is
the classic insertion machinery of vehicle routing with time windows, with the direct
travel figure between consecutive items (the triangle inequality is not assumed anywhere).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from .instance import Instance


class Problem:
    """An instance with its candidates precomputed."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.travel = inst.travel
        n_d = len(inst.demands)
        self.dur = [d.duration for d in inst.demands]
        self.site = [d.site for d in inst.demands]
        self.weight = [d.weight for d in inst.demands]
        self.home = [e.home for e in inst.experts]
        self.max_days = [e.max_days for e in inst.experts]
        # cands[d] = [(e, k, lo, hi), ...]; route_cands[e][k] = [(d, lo, hi), ...] by lo
        self.cands: list[list[tuple[int, int, int, int]]] = [[] for _ in range(n_d)]
        self.route_cands: list[list[list[tuple[int, int, int]]]] = [
            [[] for _ in e.available] for e in inst.experts
        ]
        self.lohi: dict[tuple[int, int, int], tuple[int, int]] = {}
        by_skill: dict[str, list[int]] = {}
        for ex in inst.experts:
            for s in ex.skills:
                by_skill.setdefault(s, []).append(ex.index)
        self.experts_by_skill = by_skill
        travel = self.travel
        for dem in inst.demands:
            d, site, dur = dem.index, dem.site, dem.duration
            w0, w1 = dem.window
            for e in by_skill.get(dem.skill, ()):
                exp = inst.experts[e]
                if dur > exp.max_days:
                    continue
                t_in, t_out = travel[exp.home][site], travel[site][exp.home]
                for k, (a, b) in enumerate(exp.available):
                    lo = max(w0, a + t_in)
                    hi = min(w1, b - t_out) - dur
                    if lo <= hi:
                        self.cands[d].append((e, k, lo, hi))
                        self.route_cands[e][k].append((d, lo, hi))
                        self.lohi[(d, e, k)] = (lo, hi)
        for per_e in self.route_cands:
            for lst in per_e:
                lst.sort(key=lambda x: (x[1], x[2], x[0]))
        self.preferred = [dem.preferred for dem in inst.demands]

    def value(self, d: int, e: int) -> int:
        """What serving demand d by expert e adds to the score, before travel."""
        return 1000 * self.weight[d] + (100 if e in self.preferred[d] else 0)


class Route:
    """The demands one expert serves in one availability interval, in order."""

    __slots__ = ("E", "L", "a", "b", "e", "hi", "home", "items", "k", "lo", "prob")

    def __init__(self, prob: Problem, e: int, k: int) -> None:
        self.prob = prob
        self.e, self.k = e, k
        self.a, self.b = prob.inst.experts[e].available[k]
        self.home = prob.home[e]
        self.items: list[int] = []
        self.lo: list[int] = []
        self.hi: list[int] = []
        self.E: list[int] = []  # earliest start of each item
        self.L: list[int] = []  # latest start of each item

    def copy(self) -> Route:
        r = Route.__new__(Route)
        r.prob, r.e, r.k, r.a, r.b, r.home = self.prob, self.e, self.k, self.a, self.b, self.home
        r.items, r.lo, r.hi = self.items[:], self.lo[:], self.hi[:]
        r.E, r.L = self.E[:], self.L[:]
        return r

    def travel_days(self) -> int:
        if not self.items:
            return 0
        t, site = self.prob.travel, self.prob.site
        sites = [site[d] for d in self.items]
        total = t[self.home][sites[0]] + t[sites[-1]][self.home]
        for i in range(1, len(sites)):
            total += t[sites[i - 1]][sites[i]]
        return total

    def days(self) -> int:
        dur = self.prob.dur
        return sum(dur[d] for d in self.items)

    def set_items(self, items: list[int]) -> bool:
        """Replace the items; return False (and leave the route unchanged) if infeasible."""
        lohi = self.prob.lohi
        e, k = self.e, self.k
        lo, hi = [], []
        for d in items:
            lh = lohi.get((d, e, k))
            if lh is None:
                return False
            lo.append(lh[0])
            hi.append(lh[1])
        old = self.items, self.lo, self.hi, self.E, self.L
        self.items, self.lo, self.hi = list(items), lo, hi
        if not self._retime():
            self.items, self.lo, self.hi, self.E, self.L = old
            return False
        return True

    def _retime(self) -> bool:
        n = len(self.items)
        t, site, dur = self.prob.travel, self.prob.site, self.prob.dur
        items, lo, hi = self.items, self.lo, self.hi
        E = [0] * n
        L = [0] * n
        for i in range(n):
            if i == 0:
                E[i] = lo[i]
            else:
                p = items[i - 1]
                E[i] = max(lo[i], E[i - 1] + dur[p] + t[site[p]][site[items[i]]])
            if E[i] > hi[i]:
                return False
        for i in range(n - 1, -1, -1):
            if i == n - 1:
                L[i] = hi[i]
            else:
                d, nx = items[i], items[i + 1]
                L[i] = min(hi[i], L[i + 1] - t[site[d]][site[nx]] - dur[d])
        self.E, self.L = E, L
        return True

    def best_insertion(self, d: int, lo: int, hi: int) -> tuple[int, int] | None:
        """(position, extra travel days) of the cheapest feasible insertion of d, or None."""
        items, E, L = self.items, self.E, self.L
        t, site, dur = self.prob.travel, self.prob.site, self.prob.dur
        sd, dd = site[d], dur[d]
        n = len(items)
        if n == 0:
            return (0, t[self.home][sd] + t[sd][self.home])
        # Position p puts d between items[p-1] and items[p].  E and L increase along the
        # route, so only positions whose neighbours' time ranges meet [lo, hi] can work.
        # Position p needs L[p] >= lo + duration (d fits before the next item) and
        # E[p-1] <= hi (the previous item leaves room for d in its window).
        p_lo = bisect_left(L, lo + dd)
        p_hi = min(n, bisect_right(E, hi))
        best: tuple[int, int] | None = None
        for p in range(p_lo, p_hi + 1):
            if p == 0:
                ready = lo
                prev_site = self.home
            else:
                q = items[p - 1]
                prev_site = site[q]
                ready = max(lo, E[p - 1] + dur[q] + t[prev_site][sd])
            if ready > hi:
                continue
            if p == n:
                next_site = self.home
            else:
                next_site = site[items[p]]
                if ready + dd + t[sd][next_site] > L[p]:
                    continue
            extra = t[prev_site][sd] + t[sd][next_site] - t[prev_site][next_site]
            if best is None or extra < best[1]:
                best = (p, extra)
        return best

    def insert(self, p: int, d: int) -> None:
        lo, hi = self.prob.lohi[(d, self.e, self.k)]
        self.items.insert(p, d)
        self.lo.insert(p, lo)
        self.hi.insert(p, hi)
        ok = self._retime()
        assert ok, "insertion checked by best_insertion must be feasible"


class Solution:
    """Routes of every expert and interval; which route serves each demand."""

    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        inst = prob.inst
        self.routes: list[list[Route]] = [
            [Route(prob, e.index, k) for k in range(len(e.available))] for e in inst.experts
        ]
        self.where: list[tuple[int, int] | None] = [None] * len(inst.demands)
        self.used: list[int] = [0] * len(inst.experts)

    def copy(self) -> Solution:
        s = Solution.__new__(Solution)
        s.prob = self.prob
        s.routes = [[r.copy() for r in rs] for rs in self.routes]
        s.where = self.where[:]
        s.used = self.used[:]
        return s

    def objective(self) -> int:
        prob = self.prob
        total = 0
        for d, w in enumerate(self.where):
            if w is not None:
                total += prob.value(d, w[0])
        for rs in self.routes:
            for r in rs:
                total -= 10 * r.travel_days()
        return total

    def route_objective(self, r: Route) -> int:
        prob = self.prob
        return sum(prob.value(d, r.e) for d in r.items) - 10 * r.travel_days()

    def try_replace(self, new_items: dict[tuple[int, int], list[int]]) -> int | None:
        """Give several routes new items at once if all are feasible, every demand is served
        at most once, every budget holds and the score does not drop; return the change of
        the score, or None (and change nothing)."""
        prob = self.prob
        dur = prob.dur
        trial: dict[tuple[int, int], Route] = {}
        before = 0
        after = 0
        used = dict.fromkeys((e for e, _k in new_items), 0)
        for (e, k), items in new_items.items():
            r = self.routes[e][k]
            r2 = r.copy()
            if not r2.set_items(items):
                return None
            trial[(e, k)] = r2
            before += self.route_objective(r)
            after += self.route_objective(r2)
            used[e] -= sum(dur[d] for d in r.items)
            used[e] += sum(dur[d] for d in items)
        if after < before:
            return None
        for e, change in used.items():
            if self.used[e] + change > prob.max_days[e]:
                return None
        moved = [d for items in new_items.values() for d in items]
        if len(set(moved)) != len(moved):
            return None
        for d in moved:
            w = self.where[d]
            if w is not None and w not in new_items:
                return None  # served by a route that is not being replaced
        for e, k in new_items:
            for d in self.routes[e][k].items:
                self.where[d] = None
        for (e, k), r2 in trial.items():
            self.routes[e][k] = r2
            for d in r2.items:
                self.where[d] = (e, k)
        for e, change in used.items():
            self.used[e] += change
        return after - before

    def rows(self) -> list[tuple[int, int, int]]:
        """(demand, expert, start) with every item at its earliest start."""
        out = []
        for rs in self.routes:
            for r in rs:
                for d, s in zip(r.items, r.E, strict=True):
                    out.append((d, r.e, s))
        out.sort()
        return out
