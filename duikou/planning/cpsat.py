"""The CP-SAT model of a part of the plan: routes as circuits, one per open route segment.

A *segment* is a stretch of one route (expert e, availability interval k) between two fixed
ends: P, the last item kept before a time window (or home at the interval start), and N,
the first item kept after it (or home at the interval end).  Items of the route inside the
window and unserved demands that are candidates of the route become optional *nodes* of
the segment.  For each segment the model has

* a presence literal x and a start variable s per node, s in [lo', hi'] where rule 2 and
  rule 3 (travel from and back home) are already in the bounds;
* a circuit (AddCircuit) over the node set plus a depot standing for P..N: an arc i -> j
  means "j is the next item after i" and enforces s_j >= s_i + duration_i + travel[i][j]
  (rule 4), the depot arcs enforce travel from P and on to N, a self-loop on a node means
  "not in this route", and the depot self-loop means "the segment stays empty";
* travel cost 10 x travel days on every arc (the direct figure, as the rules say);
* a NoOverlap of the nodes' optional intervals, redundant with the circuit but a stronger
  propagator.

Each demand is in at most one segment, and the service days of each expert, plus those it
keeps outside the open segments, stay within max_days (rule 5).  The objective is the
contract's score restricted to the open part, so the whole-plan score changes by exactly
the sub-objective's change.  With every route open and no window the model is exact: its
bound is a proven upper bound on the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .control import Stopper
from .routes import Solution


@dataclass(slots=True)
class Segment:
    e: int
    k: int
    prefix: list[int]
    suffix: list[int]
    p_site: int
    p_time: int
    n_site: int
    n_time: int
    nodes: list[int]  # demand indices
    lo: list[int]
    hi: list[int]
    current: list[int]  # the route's items in the window, in order (the hint)


def make_segments(
    sol: Solution,
    open_routes: list[tuple[int, int]],
    window: tuple[int, int] | None,
) -> list[Segment]:
    """Cut the open routes at the window and collect the nodes of each segment.

    Nodes are the route's items in the window plus every demand that is a candidate of the
    route, with a start range meeting the window, and is either unserved or in the window
    part of another open route.
    """
    prob = sol.prob
    t, site, dur = prob.travel, prob.site, prob.dur
    where = sol.where
    cuts = []
    free: set[int] = set()
    for e, k in open_routes:
        r = sol.routes[e][k]
        items, E, L = r.items, r.E, r.L
        n = len(items)
        if window is None:
            i0, i1 = 0, n
        else:
            w0, w1 = window
            i0 = 0
            while i0 < n and L[i0] + dur[items[i0]] <= w0:
                i0 += 1
            i1 = i0
            while i1 < n and E[i1] < w1:
                i1 += 1
        cuts.append((e, k, i0, i1))
        free.update(items[i0:i1])
    segs: list[Segment] = []
    for e, k, i0, i1 in cuts:
        r = sol.routes[e][k]
        items, E, L = r.items, r.E, r.L
        w0, w1 = (r.a, r.b) if window is None else window
        prefix, current, suffix = items[:i0], items[i0:i1], items[i1:]
        if prefix:
            q = prefix[-1]
            p_site, p_time = site[q], E[i0 - 1] + dur[q]
        else:
            p_site, p_time = r.home, r.a
        if suffix:
            q = suffix[0]
            n_site, n_time = site[q], L[i1]
        else:
            n_site, n_time = r.home, r.b
        nodes: list[int] = []
        los: list[int] = []
        his: list[int] = []
        for d in current:
            lo, hi = prob.lohi[(d, e, k)]
            nodes.append(d)
            los.append(max(lo, p_time + min(t[p_site][site[d]], 1)))
            his.append(min(hi, n_time - dur[d] - min(t[site[d]][n_site], 1)))
        mine = set(current)
        for d, lo, hi in prob.route_cands[e][k]:
            if lo >= w1:
                break
            if hi + dur[d] <= w0 or d in mine:
                continue
            if where[d] is not None and d not in free:
                continue
            lo2 = max(lo, p_time + min(t[p_site][site[d]], 1))
            hi2 = min(hi, n_time - dur[d] - min(t[site[d]][n_site], 1))
            if lo2 <= hi2:
                nodes.append(d)
                los.append(lo2)
                his.append(hi2)
        if not nodes:
            continue
        segs.append(
            Segment(e, k, prefix, suffix, p_site, p_time, n_site, n_time, nodes, los, his, current)
        )
    return segs


def count_arcs(sol: Solution, segs: list[Segment]) -> int:
    prob = sol.prob
    t, site, dur = prob.travel, prob.site, prob.dur
    total = 0
    for g in segs:
        n = len(g.nodes)
        total += 3 * n + 1
        for i in range(n):
            ei = g.lo[i] + dur[g.nodes[i]]
            si = site[g.nodes[i]]
            for j in range(n):
                if i != j and ei + t[si][site[g.nodes[j]]] <= g.hi[j]:
                    total += 1
    return total


class SubModel:
    """The CP-SAT model of some segments, built from the plan as it is now."""

    def __init__(self, sol: Solution, segs: list[Segment], no_overlap: bool = True) -> None:
        prob = sol.prob
        t, site, dur = prob.travel, prob.site, prob.dur
        self.segs = segs
        m = self.model = cp_model.CpModel()
        obj_vars: list[cp_model.IntVar] = []
        obj_coefs: list[int] = []
        hint_obj = 0
        n_arcs = 0
        xs_of_demand: dict[int, list[cp_model.IntVar]] = {}
        days_of_expert: dict[int, list[tuple[cp_model.IntVar, int]]] = {}
        free_days: dict[int, int] = {}
        self.seg_vars: list[tuple[list[cp_model.IntVar], list[cp_model.IntVar]]] = []
        hint_vars: list[cp_model.IntVar] = []
        hint_vals: list[int] = []

        def hint(v: cp_model.IntVar, value: int) -> None:
            hint_vars.append(v)
            hint_vals.append(value)

        def cost(v: cp_model.IntVar, c: int) -> None:
            if c:
                obj_vars.append(v)
                obj_coefs.append(c)

        for g in segs:
            e, k = g.e, g.k
            free_days[e] = free_days.get(e, 0) + sum(dur[d] for d in g.current)
            cur_pos = {d: i for i, d in enumerate(g.current)}
            # The hint: the current items at their earliest starts after P.
            hint_start: dict[int, int] = {}
            prev_site, ready = g.p_site, g.p_time
            for d in g.current:
                s = max(prob.lohi[(d, e, k)][0], ready + t[prev_site][site[d]])
                hint_start[d] = s
                prev_site, ready = site[d], s + dur[d]
            xs: list[cp_model.IntVar] = []
            ss: list[cp_model.IntVar] = []
            arcs: list[tuple[int, int, cp_model.LiteralT]] = []
            empty = m.new_bool_var("")
            arcs.append((0, 0, empty))
            c_pn = t[g.p_site][g.n_site]
            cost(empty, -10 * c_pn)
            hint(empty, 0 if g.current else 1)
            if not g.current:
                hint_obj -= 10 * c_pn
            for i, d in enumerate(g.nodes):
                x = m.new_bool_var("")
                sv = m.new_int_var(g.lo[i], g.hi[i], "")
                xs.append(x)
                ss.append(sv)
                xs_of_demand.setdefault(d, []).append(x)
                days_of_expert.setdefault(e, []).append((x, dur[d]))
                val = prob.value(d, e)
                cost(x, val)
                arcs.append((i + 1, i + 1, ~x))
                m.add_implication(x, ~empty)
                on = d in cur_pos
                hint(x, 1 if on else 0)
                hint(sv, hint_start[d] if on else g.lo[i])
                if on:
                    hint_obj += val
            self.seg_vars.append((xs, ss))
            if no_overlap:
                m.add_no_overlap(
                    [
                        m.new_optional_fixed_size_interval_var(ss[i], dur[d], xs[i], "")
                        for i, d in enumerate(g.nodes)
                    ]
                )
            first = g.current[0] if g.current else -1
            last = g.current[-1] if g.current else -1
            for i, d in enumerate(g.nodes):
                sd = site[d]
                c_in = t[g.p_site][sd]
                if g.p_time + c_in <= g.hi[i]:
                    lit = m.new_bool_var("")
                    arcs.append((0, i + 1, lit))
                    m.add(ss[i] >= g.p_time + c_in).only_enforce_if(lit)
                    cost(lit, -10 * c_in)
                    hint(lit, 1 if d == first else 0)
                    if d == first:
                        hint_obj -= 10 * c_in
                c_out = t[sd][g.n_site]
                if g.lo[i] + dur[d] + c_out <= g.n_time:
                    lit = m.new_bool_var("")
                    arcs.append((i + 1, 0, lit))
                    m.add(ss[i] + dur[d] + c_out <= g.n_time).only_enforce_if(lit)
                    cost(lit, -10 * c_out)
                    hint(lit, 1 if d == last else 0)
                    if d == last:
                        hint_obj -= 10 * c_out
            for i, di in enumerate(g.nodes):
                ei = g.lo[i] + dur[di]
                si = site[di]
                pi = cur_pos.get(di)
                nxt = g.current[pi + 1] if pi is not None and pi + 1 < len(g.current) else -1
                for j, dj in enumerate(g.nodes):
                    if i == j:
                        continue
                    c = t[si][site[dj]]
                    if ei + c > g.hi[j]:
                        continue
                    lit = m.new_bool_var("")
                    arcs.append((i + 1, j + 1, lit))
                    m.add(ss[j] >= ss[i] + dur[di] + c).only_enforce_if(lit)
                    cost(lit, -10 * c)
                    hint(lit, 1 if dj == nxt else 0)
                    if dj == nxt:
                        hint_obj -= 10 * c
            n_arcs += len(arcs)
            m.add_circuit(arcs)

        for xs_d in xs_of_demand.values():
            if len(xs_d) > 1:
                m.add_at_most_one(xs_d)
        for e, terms in days_of_expert.items():
            cap = prob.max_days[e] - (sol.used[e] - free_days.get(e, 0))
            if sum(c for _x, c in terms) > cap:
                m.add(
                    cp_model.LinearExpr.weighted_sum([x for x, _c in terms], [c for _x, c in terms])
                    <= cap
                )
        m.maximize(cp_model.LinearExpr.weighted_sum(obj_vars, obj_coefs))
        for v, h in zip(hint_vars, hint_vals, strict=True):
            m.add_hint(v, h)
        self.hint_objective = hint_obj
        self.n_nodes = sum(len(g.nodes) for g in segs)
        self.n_arcs = n_arcs
        self.solver: cp_model.CpSolver | None = None
        self.status = "UNKNOWN"
        self.objective: float | None = None
        self.bound: float | None = None
        self.wall = 0.0

    def solve(
        self,
        time_limit: float,
        workers: int = 1,
        seed: int = 0,
        stopper: Stopper | None = None,
        log: bool = False,
        params: dict[str, object] | None = None,
    ) -> str:
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.01, time_limit)
        p.num_workers = max(1, workers)
        p.random_seed = seed
        p.catch_sigint_signal = False
        p.log_search_progress = log
        for key, val in (params or {}).items():
            setattr(p, key, val)
        if stopper is not None:
            if stopper.stopped:
                return self.status
            stopper.attach(solver, solver.stop_search)
        try:
            status = solver.solve(self.model)
        finally:
            if stopper is not None:
                stopper.detach(solver)
        self.solver = solver
        self.status = solver.status_name(status)
        self.wall = solver.wall_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.objective = solver.objective_value
            self.bound = solver.best_objective_bound
        return self.status

    def new_routes(self) -> dict[tuple[int, int], list[int]] | None:
        """The routes of the solution found, or None if there is none."""
        solver = self.solver
        if solver is None or self.objective is None:
            return None
        out: dict[tuple[int, int], list[int]] = {}
        for g, (xs, ss) in zip(self.segs, self.seg_vars, strict=True):
            chosen = sorted(
                (solver.value(ss[i]), d)
                for i, d in enumerate(g.nodes)
                if solver.boolean_value(xs[i])
            )
            out[(g.e, g.k)] = g.prefix + [d for _s, d in chosen] + g.suffix
        return out
