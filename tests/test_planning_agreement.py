"""The package's validator agrees with the shared reference checker (validate.py).

On every public instance: the greedy baseline's plan, the planner's constructive plan, and
plans broken on purpose (a start shifted, experts swapped, travel dropped, a budget
exceeded, an assignment moved off its window...) must get the same verdict (valid or not),
the same set of broken rules and the same score dict from both.  Malformed plans must be
refused by both.  Skipped when the shared folder is absent (it sits at ../shared beside
the repository in CI).
"""

from __future__ import annotations

import copy
import json
import random
import sys
from functools import cache
from pathlib import Path

import pytest

from duikou.planning.construct import construct
from duikou.planning.instance import MalformedError, parse_instance
from duikou.planning.routes import Problem
from duikou.planning.validator import check

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench" / "planning"
INSTANCES = ["small-1", "small-2", "medium-1", "medium-2", "large-1", "xl-1"]

pytestmark = pytest.mark.skipif(
    not (SHARED / "validate.py").exists(), reason=f"shared benchmark folder absent: {SHARED}"
)


@cache
def ref():
    sys.path.insert(0, str(SHARED))
    import greedy  # type: ignore[import-not-found]
    import validate  # type: ignore[import-not-found]

    return validate, greedy


@cache
def raw_instance(name: str) -> dict:
    return json.loads((SHARED / "instances" / f"{name}.json").read_text(encoding="utf-8"))


@cache
def greedy_plan(name: str) -> dict:
    _validate, greedy = ref()
    return greedy.solve(raw_instance(name))


def verdicts(name_or_inst, plan: dict):
    """(ours, theirs): each (valid, rules broken, score dict) or 'malformed'."""
    validate, _greedy = ref()
    raw = raw_instance(name_or_inst) if isinstance(name_or_inst, str) else name_or_inst
    try:
        res = check(parse_instance(raw), plan)
        ours = (
            res.valid,
            sorted({v.rule for v in res.violations}),
            {
                "score": res.score.score,
                "served": res.score.served,
                "demands": res.score.demands,
                "served_weight": res.score.served_weight,
                "total_weight": res.score.total_weight,
                "travel_days": res.score.travel_days,
                "preferred": res.score.preferred,
            },
        )
    except MalformedError:
        ours = "malformed"
    try:
        violations, sc = validate.check(raw, plan)
        rules = sorted({int(v.split(": rule ")[1].split(":")[0]) for v in violations})
        theirs = (not violations, rules, sc)
    except validate.MalformedError:
        theirs = "malformed"
    return ours, theirs


@pytest.mark.parametrize("name", INSTANCES)
def test_both_validators_agree_on_the_greedy_plan(name):
    ours, theirs = verdicts(name, greedy_plan(name))
    assert ours == theirs
    assert ours[0] is True


@pytest.mark.parametrize("name", ["small-1", "medium-1", "large-1"])
def test_both_validators_agree_on_the_constructive_plan(name):
    inst = parse_instance(raw_instance(name))
    sol = construct(Problem(inst))
    plan = {
        "assignments": [
            {"demand": inst.demands[d].id, "expert": inst.experts[e].id, "start": s}
            for d, e, s in sol.rows()
        ]
    }
    ours, theirs = verdicts(name, plan)
    assert ours == theirs
    assert ours[0] is True


def perturb(raw: dict, plan: dict, rng: random.Random) -> dict:
    """A copy of the plan with one or two random defects (or none, sometimes)."""
    rows = copy.deepcopy(plan["assignments"])
    experts = [e["id"] for e in raw["experts"]]
    demands = {d["id"]: d for d in raw["demands"]}
    for _ in range(rng.choice([1, 1, 2])):
        if not rows:
            break
        i = rng.randrange(len(rows))
        r = rows[i]
        kind = rng.choice(
            ["shift", "shift", "swap", "expert", "tighten", "budget", "drop", "window", "dup"]
        )
        if kind == "shift":
            r["start"] += rng.choice([-3, -2, -1, 1, 2, 3])
        elif kind == "swap":
            j = rng.randrange(len(rows))
            r["expert"], rows[j]["expert"] = rows[j]["expert"], r["expert"]
        elif kind == "expert":
            r["expert"] = rng.choice(experts)
        elif kind == "tighten":
            # Pull an assignment right after another one of the same expert: no travel.
            same = [x for x in rows if x["expert"] == r["expert"] and x is not r]
            if same:
                x = rng.choice(same)
                r["start"] = x["start"] + demands[x["demand"]]["duration"]
        elif kind == "budget":
            # Give an expert every unserved demand of one of its skills.
            served = {x["demand"] for x in rows}
            e = next(x for x in raw["experts"] if x["id"] == r["expert"])
            extra = [
                d for d in raw["demands"] if d["id"] not in served and d["skill"] in e["skills"]
            ]
            for d in extra[:5]:
                rows.append({"demand": d["id"], "expert": e["id"], "start": d["window"][0]})
        elif kind == "drop":
            rows.pop(i)
        elif kind == "window":
            d = demands[r["demand"]]
            r["start"] = rng.choice([d["window"][0] - 1, d["window"][1] - d["duration"] + 1])
        elif kind == "dup":
            rows.append(dict(r))  # malformed: the demand twice
    return {"assignments": rows}


@pytest.mark.parametrize(
    "name, count", [("small-1", 300), ("small-2", 300), ("medium-1", 200), ("large-1", 60)]
)
def test_both_validators_agree_on_broken_plans(name, count):
    raw = raw_instance(name)
    base = greedy_plan(name)
    rng = random.Random(f"agreement-{name}")
    seen = {"valid": 0, "invalid": 0, "malformed": 0}
    for _ in range(count):
        plan = perturb(raw, base, rng)
        ours, theirs = verdicts(name, plan)
        assert ours == theirs, plan
        seen["malformed" if ours == "malformed" else "valid" if ours[0] else "invalid"] += 1
    assert seen["invalid"] > count // 3 and seen["valid"] > 0 and seen["malformed"] > 0


def test_both_validators_agree_on_the_hand_made_cases():
    from tests.test_planning_validator import tiny

    raw = tiny()
    cases = [
        [],
        [("D1", "E1", 1), ("D3", "E1", 16), ("D4", "E2", 0)],
        [("D1", "E2", 0), ("D2", "E2", 4)],
        [("D1", "E2", 0), ("D2", "E2", 3)],
        [("D3", "E2", 16)],
        [("D4", "E1", 8)],
        [("D1", "E1", 0)],
        [("D4", "E1", 6)],
        [("D1", "E1", 1), ("D3", "E1", 16), ("D4", "E1", 20)],
        [("D1", "E2", 0), ("D4", "E2", 1)],
        [("D4", "E2", 5), ("D1", "E2", 5)],  # same start: order by end, then id
        [("D3", "E2", 0)],
    ]
    for rows in cases:
        plan = {"assignments": [{"demand": d, "expert": e, "start": s} for d, e, s in rows]}
        ours, theirs = verdicts(raw, plan)
        assert ours == theirs, rows


def test_both_validators_refuse_the_same_malformed_instances():
    validate, _greedy = ref()
    from tests.test_planning_validator import tiny

    mutations = [
        lambda i: i.pop("demands"),
        lambda i: i["travel"]["A"].update(C=1),
        lambda i: i["experts"][0].update(available=[[0, 10], [5, 20]]),
        lambda i: i["demands"][0].update(preferred=["E9"]),
        lambda i: i["demands"][0].update(weight=0),
    ]
    for mutate in mutations:
        raw = tiny()
        mutate(raw)
        with pytest.raises(MalformedError):
            parse_instance(raw)
        with pytest.raises(validate.MalformedError):
            validate.validate_instance(raw)
