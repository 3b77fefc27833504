"""The planner: valid plans always, optimal on the small public instances, exact CP-SAT
model on tiny ones, and the pieces it is built from (routes, ruin and recreate)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from duikou.planning.alns import Search
from duikou.planning.construct import construct
from duikou.planning.cpsat import SubModel, make_segments
from duikou.planning.instance import parse_instance
from duikou.planning.relax import solve_relaxation
from duikou.planning.routes import Problem, Route
from duikou.planning.solver import plan
from duikou.planning.validator import check_rows

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench" / "planning"
needs_shared = pytest.mark.skipif(
    not (SHARED / "best-known.json").exists(), reason=f"shared benchmark folder absent: {SHARED}"
)


def random_instance(rng: random.Random, n_experts: int = 4, n_demands: int = 14) -> dict:
    """A small random instance; travel is symmetric but breaks the triangle inequality."""
    horizon = rng.randint(12, 30)
    sites = [f"S{i}" for i in range(5)]
    travel = {a: {} for a in sites}
    for i, a in enumerate(sites):
        for j, b in enumerate(sites):
            if i == j:
                travel[a][b] = 0
            elif j < i:
                travel[a][b] = travel[b][a]
            else:
                travel[a][b] = rng.choice([0, 0, 1, 2, 3])
    skills = ["x", "y", "z"]
    experts = []
    for i in range(n_experts):
        cuts = sorted(rng.sample(range(horizon + 1), rng.choice([2, 4])))
        avail = [[cuts[k], cuts[k + 1]] for k in range(0, len(cuts), 2) if cuts[k] < cuts[k + 1]]
        experts.append(
            {
                "id": f"E{i}",
                "skills": rng.sample(skills, rng.randint(1, 2)),
                "home": rng.choice(sites),
                "available": avail,
                "max_days": rng.randint(2, horizon),
            }
        )
    demands = []
    for i in range(n_demands):
        dur = rng.randint(1, 4)
        a = rng.randint(0, horizon - 1)
        b = rng.randint(a + 1, horizon)
        demands.append(
            {
                "id": f"D{i:02d}",
                "site": rng.choice(sites),
                "skill": rng.choice(skills),
                "duration": dur,
                "window": [a, b],
                "weight": rng.randint(1, 10),
                "preferred": rng.sample([e["id"] for e in experts], rng.randint(0, 1)),
            }
        )
    return {
        "horizon": horizon,
        "sites": [{"id": s} for s in sites],
        "travel": travel,
        "experts": experts,
        "demands": demands,
    }


def dense_tiny_instance(rng: random.Random, n_demands: int = 6) -> dict:
    """Two experts who can do everything, narrow windows: many plans, few starts each."""
    raw = random_instance(rng, n_experts=2, n_demands=n_demands)
    horizon = raw["horizon"] = 14
    for e in raw["experts"]:
        e["skills"] = ["x", "y"]
        a = rng.randint(0, 2)
        e["available"] = [[a, horizon - rng.randint(0, 2)]]
        e["max_days"] = rng.randint(4, 10)
    for d in raw["demands"]:
        d["skill"] = rng.choice(["x", "y"])
        d["duration"] = dur = rng.randint(1, 3)
        a = rng.randint(0, horizon - dur - 2)
        d["window"] = [a, min(horizon, a + dur + rng.randint(0, 3))]
    return raw


def brute_force(inst) -> int:
    """The optimum of a tiny instance by enumerating every plan (rules via the validator)."""
    prob = Problem(inst)
    options = []
    for cands in prob.cands:
        opts: list[tuple[int, int] | None] = [None]
        for e, _k, lo, hi in cands:
            opts.extend((e, s) for s in range(lo, hi + 1))
        options.append(opts)
    best = 0
    rows: list[tuple[int, int, int]] = []

    def rec(d: int) -> None:
        nonlocal best
        if d == len(options):
            res = check_rows(inst, rows)
            if res.valid:
                best = max(best, res.score.score)
            return
        for opt in options[d]:
            if opt is not None:
                rows.append((d, opt[0], opt[1]))
                if check_rows(inst, rows).valid:  # prune: a broken prefix stays broken
                    rec(d + 1)
                rows.pop()
            else:
                rec(d + 1)

    rec(0)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_the_full_cp_sat_model_is_exact_on_tiny_instances(seed):
    rng = random.Random(seed)
    inst = parse_instance(dense_tiny_instance(rng))
    prob = Problem(inst)
    sol = construct(prob)
    routes = [(e.index, k) for e in inst.experts for k in range(len(e.available))]
    sub = SubModel(sol, make_segments(sol, routes, None))
    assert sub.solve(10.0, workers=1) == "OPTIMAL"
    new = sub.new_routes()
    assert new is not None
    assert sol.try_replace(new) is not None
    res = check_rows(inst, sol.rows())
    assert res.valid
    assert res.score.score == sub.objective == brute_force(inst)


def test_a_window_neighbourhood_keeps_the_plan_valid_and_never_worse():
    rng = random.Random(7)
    inst = parse_instance(random_instance(rng, n_experts=5, n_demands=30))
    prob = Problem(inst)
    sol = construct(prob)
    before = sol.objective()
    routes = [(e.index, k) for e in inst.experts for k in range(len(e.available))]
    for w0 in range(0, inst.horizon, 5):
        segs = make_segments(sol, routes, (w0, w0 + 8))
        if not segs:
            continue
        sub = SubModel(sol, segs)
        sub.solve(5.0)
        assert sub.objective is not None and sub.objective >= sub.hint_objective
        new = sub.new_routes()
        assert new is not None and sol.try_replace(new) is not None
        assert check_rows(inst, sol.rows()).valid
    assert sol.objective() >= before


@pytest.mark.parametrize("seed", range(25))
def test_construct_and_ruin_recreate_keep_every_plan_valid(seed):
    rng = random.Random(1000 + seed)
    inst = parse_instance(random_instance(rng))
    prob = Problem(inst)
    relax = solve_relaxation(prob)
    assert relax is not None
    sol = construct(prob, relax=relax)
    res = check_rows(inst, sol.rows())
    assert res.valid, res.violations
    assert res.score.score == sol.objective()
    assert res.score.score <= relax.bound + 1e-6
    search = Search(sol, relax, random.Random(seed))
    for step in range(40):
        search.batch(threshold=2000.0 * (1 - step / 40), n=5)
        res = check_rows(inst, sol.rows())
        assert res.valid, res.violations
        assert res.score.score == search.cur == sol.objective()
    assert search.restore_best()
    assert sol.objective() == search.best
    assert check_rows(inst, sol.rows()).valid


def test_route_timing_uses_direct_travel_without_the_triangle_inequality():
    # S1 -> S2 takes 2 days, everything else 0: going S1 -> S3 -> S2 is quicker.
    sites = ["S0", "S1", "S2", "S3"]
    raw = {
        "horizon": 20,
        "sites": [{"id": s} for s in sites],
        "travel": {a: {b: 2 if {a, b} == {"S1", "S2"} else 0 for b in sites} for a in sites},
        "experts": [
            {"id": "E0", "skills": ["x"], "home": "S0", "available": [[0, 20]], "max_days": 20}
        ],
        "demands": [
            {"id": "X", "site": "S1", "skill": "x", "duration": 2, "window": [0, 2], "weight": 1},
            {"id": "D", "site": "S3", "skill": "x", "duration": 1, "window": [2, 3], "weight": 1},
            {"id": "Y", "site": "S2", "skill": "x", "duration": 1, "window": [3, 4], "weight": 1},
        ],
    }
    inst = parse_instance(raw)
    prob = Problem(inst)
    r = Route(prob, 0, 0)
    assert r.set_items([0, 1, 2])
    assert r.E == [0, 2, 3] and r.travel_days() == 0
    assert check_rows(inst, [(0, 0, 0), (1, 0, 2), (2, 0, 3)]).valid
    # Without D in the middle, Y cannot be reached from X in time: removal must be refused.
    assert not r.set_items([0, 2])
    assert r.items == [0, 1, 2]
    # Insertion sees the same: Y after X alone does not fit.
    r2 = Route(prob, 0, 0)
    assert r2.set_items([0])
    assert r2.best_insertion(2, *prob.lohi[(2, 0, 0)]) is None
    assert r2.best_insertion(1, *prob.lohi[(1, 0, 0)]) == (1, 0)


@needs_shared
@pytest.mark.parametrize("name", ["small-1", "small-2"])
def test_the_planner_is_optimal_on_the_small_public_instances(name):
    best_known = json.loads((SHARED / "best-known.json").read_text())[name]
    inst = parse_instance(json.loads((SHARED / "instances" / f"{name}.json").read_text()))
    # The planner stops at the proven optimum (≈1 s); the limit leaves room for a loaded
    # machine. The 5-second aim is measured by make bench, not here.
    res = plan(inst, time_limit=30.0, workers=2)
    assert check_rows(inst, res.rows).valid
    assert res.score.score >= best_known["greedy_score"]
    assert res.score.score == best_known["reference_score"]
    assert res.optimal and res.bound == res.score.score


@pytest.mark.slow
def test_the_planning_package_does_not_import_django():
    code = (
        "import sys, duikou.planning, duikou.planning.cli, duikou.planning.solver, "
        "duikou.planning.cpsat, duikou.planning.parallel, duikou.planning.relax; "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


LONG = pytest.mark.skipif(
    not os.environ.get("PLANNING_LONG_TESTS"),
    reason="benchmark-like: set PLANNING_LONG_TESTS=1 (or run bench/planning_bench.py)",
)


@LONG
@needs_shared
@pytest.mark.parametrize("name, seconds, aim", [("medium-1", 10, 0.995), ("medium-2", 10, 0.995),
                                                ("large-1", 60, 1.0)])  # fmt: skip
def test_the_planner_reaches_the_aims_on_the_larger_public_instances(name, seconds, aim):
    best_known = json.loads((SHARED / "best-known.json").read_text())[name]
    inst = parse_instance(json.loads((SHARED / "instances" / f"{name}.json").read_text()))
    res = plan(inst, time_limit=seconds, workers=2)
    assert check_rows(inst, res.rows).valid
    assert res.score.score >= aim * best_known["reference_score"]
