"""duikou.planning.explain: each rule's refusal with its facts, why a demand is unserved, and
agreement with the validator (and the planner's candidates) on random plans.  Pure Python."""

from __future__ import annotations

import random

import pytest

from duikou.planning.explain import (
    NO_SKILL,
    NO_TIME,
    TAKEN,
    Clash,
    can_serve,
    explain,
    explain_edit,
    rows_of,
    why_unserved,
)
from duikou.planning.instance import parse_instance
from duikou.planning.routes import Problem
from duikou.planning.validator import check_rows

INSTANCE = {
    "name": "explain",
    "horizon": 30,
    "sites": [{"id": "A"}, {"id": "B"}, {"id": "HZ"}],
    "travel": {
        "A": {"A": 0, "B": 1, "HZ": 2},
        "B": {"A": 1, "B": 0, "HZ": 2},
        "HZ": {"A": 2, "B": 2, "HZ": 0},
    },
    "experts": [
        {"id": "E1", "skills": ["neuro"], "home": "HZ", "available": [[0, 20]], "max_days": 10},
        {"id": "E2", "skills": ["neuro"], "home": "A", "available": [[0, 30]], "max_days": 10},
        {"id": "E3", "skills": ["cardio"], "home": "B", "available": [[0, 30]], "max_days": 30},
    ],
    "demands": [
        {"id": "D1", "site": "A", "skill": "neuro", "duration": 5, "window": [0, 20], "weight": 5},
        {"id": "D2", "site": "B", "skill": "neuro", "duration": 4, "window": [0, 30], "weight": 5},
        {"id": "D3", "site": "A", "skill": "cardio", "duration": 3, "window": [0, 10], "weight": 5},
        {"id": "D4", "site": "A", "skill": "neuro", "duration": 6, "window": [0, 30], "weight": 5},
        {"id": "D5", "site": "A", "skill": "ortho", "duration": 1, "window": [0, 30], "weight": 1},
        {"id": "D6", "site": "B", "skill": "neuro", "duration": 12, "window": [0, 30], "weight": 1},
    ],
}  # fmt: skip
PLAN = [("D1", "E1", 3), ("D2", "E2", 10)]


@pytest.fixture(scope="module")
def inst():
    return parse_instance(INSTANCE)


def edited(inst, *rows: tuple[str, str, int], drop: str | None = None):
    kept = {d: (e, s) for d, e, s in PLAN if d != drop}
    for d, e, s in rows:
        kept[d] = (e, s)
    return rows_of(inst, [(d, e, s) for d, (e, s) in kept.items()])


def test_the_plan_keeps_every_rule(inst):
    rows = rows_of(inst, PLAN)
    assert check_rows(inst, rows).valid
    assert explain(inst, rows) == []
    assert explain_edit(inst, rows, ["D1"]) is None


def test_rule_1_skill(inst):
    r = explain_edit(inst, edited(inst, ("D3", "E1", 2)), ["D3"])
    assert (r.rule, r.code, r.demand, r.expert) == (1, "skill", "D3", "E1")
    assert r.skill == "cardio" and r.skills == ("neuro",)


def test_rule_2_window(inst):
    r = explain_edit(inst, edited(inst, ("D3", "E3", 8)), ["D3"])
    assert (r.rule, r.code) == (2, "window")
    assert r.window == (0, 10) and (r.start, r.end) == (8, 11)


@pytest.mark.parametrize(
    "row,code",
    [
        (("D1", "E1", 0), "travel_in"),  # two days from HZ: not before day 2
        (("D1", "E1", 14), "travel_out"),  # ends 19, two days home, interval ends 20
        (("D4", "E1", 16), "no_interval"),  # days 16..21 leave the interval [0, 20)
    ],
)
def test_rule_3_availability_and_travel_home(inst, row, code):
    r = explain_edit(inst, edited(inst, row), [row[0]])
    assert (r.rule, r.code) == (3, code)
    assert r.available == ((0, 20),) and (r.home, r.site) == ("HZ", "A")
    assert (r.travel_in, r.travel_out) == (2, 2)


@pytest.mark.parametrize(
    "start,code,clash_travel",
    [(12, "overlap", 1), (4, "travel_between", 1)],  # D4 at A 4..9, D2 at B from 10
)
def test_rule_4_overlap_and_travel_between(inst, start, code, clash_travel):
    rows = edited(inst, ("D4", "E2", start))
    r = explain_edit(inst, rows, ["D4"])
    assert r.rule == 4
    # the validator reports the later one of the pair; the clash names the other
    later = "D4" if start > 10 else "D2"
    assert (r.code, r.demand) == (code, later)
    other = "D2" if later == "D4" else "D4"
    assert [c.demand for c in r.clashes] == [other]
    assert r.clashes[0].travel == clash_travel


def test_rule_4_clashes_list_every_conflicting_assignment(inst):
    rows = edited(inst, ("D4", "E2", 0), ("D1", "E2", 4))
    r = explain_edit(inst, rows, ["D1"])
    assert r.rule == 4 and r.demand == "D1"
    assert r.clashes == (Clash("D4", 0, 6, 0),)


def test_rule_5_max_days(inst):
    r = explain_edit(inst, edited(inst, ("D4", "E1", 10)), ["D4"])
    assert (r.rule, r.code, r.expert) == (5, "max_days", "E1")
    assert (r.total_days, r.max_days) == (11, 10)


def test_the_edited_demand_comes_first_then_the_rule_number(inst):
    # D1 out of its window (rule 2) and D3 with the wrong expert (rule 1)
    rows = edited(inst, ("D1", "E2", 16), ("D3", "E1", 2))
    assert explain_edit(inst, rows, ["D1"]).rule == 2
    assert explain_edit(inst, rows, ["D3"]).rule == 1
    assert explain_edit(inst, rows, ["D9"]).rule == 1
    assert [r.rule for r in explain(inst, rows)] == [2, 1]  # the validator's order


def test_why_unserved(inst):
    reasons = why_unserved(inst, ["D1", "D2"])
    assert reasons == {"D3": TAKEN, "D4": TAKEN, "D5": NO_SKILL, "D6": NO_TIME}
    assert why_unserved(inst, [d["id"] for d in INSTANCE["demands"]]) == {}


# Random instances and plans ---------------------------------------------------------------------


def random_instance(rng: random.Random) -> dict:
    horizon = rng.randint(10, 30)
    sites = [f"S{i}" for i in range(4)]
    travel: dict[str, dict[str, int]] = {a: {} for a in sites}
    for i, a in enumerate(sites):
        for j, b in enumerate(sites):
            travel[a][b] = 0 if i == j else travel[b][a] if j < i else rng.choice([0, 1, 2, 3])
    experts = []
    for i in range(4):
        cuts = sorted(rng.sample(range(horizon + 1), rng.choice([2, 4])))
        avail = [[cuts[k], cuts[k + 1]] for k in range(0, len(cuts), 2) if cuts[k] < cuts[k + 1]]
        experts.append(
            {
                "id": f"E{i}",
                "skills": rng.sample(["x", "y", "z"], rng.randint(1, 2)),
                "home": rng.choice(sites),
                "available": avail,
                "max_days": rng.randint(1, horizon),
            }
        )
    demands = []
    for i in range(10):
        a = rng.randint(0, horizon - 1)
        demands.append(
            {
                "id": f"D{i}",
                "site": rng.choice(sites),
                "skill": rng.choice(["x", "y", "z", "w"]),
                "duration": rng.randint(1, 4),
                "window": [a, rng.randint(a + 1, horizon)],
                "weight": rng.randint(1, 10),
            }
        )
    return {
        "horizon": horizon,
        "sites": [{"id": s} for s in sites],
        "travel": travel,
        "experts": experts,
        "demands": demands,
    }


@pytest.mark.parametrize("seed", range(40))
def test_explain_agrees_with_the_validator_on_random_plans(seed):
    rng = random.Random(seed)
    inst = parse_instance(random_instance(rng))
    n = rng.randint(0, len(inst.demands))
    rows = [
        (d, rng.randrange(len(inst.experts)), rng.randint(0, inst.horizon - 1))
        for d in rng.sample(range(len(inst.demands)), n)
    ]
    result = check_rows(inst, rows)
    reasons = explain(inst, rows)
    assert [(r.demand, r.expert, r.start, r.rule) for r in reasons] == [
        (v.demand, v.expert, v.start, v.rule) for v in result.violations
    ]
    touched = [inst.demands[rows[0][0]].id] if rows else []
    first = explain_edit(inst, rows, touched)
    assert (first is None) == result.valid
    if first is not None:
        assert first.rule == min((v.demand not in touched, v.rule) for v in result.violations)[1]
    for r in reasons:
        if r.rule == 4:
            assert r.clashes  # the pair the validator saw is among them


@pytest.mark.parametrize("seed", range(20))
def test_can_serve_is_exactly_the_planners_candidates(seed):
    inst = parse_instance(random_instance(random.Random(1000 + seed)))
    prob = Problem(inst)
    for dem in inst.demands:
        has_candidate = {e for e, _k, _lo, _hi in prob.cands[dem.index]}
        for exp in inst.experts:
            assert can_serve(inst, dem, exp) == (exp.index in has_candidate)
    for did, why in why_unserved(inst, []).items():
        d = inst.demand_by_id[did]
        assert (why == NO_TIME or why == NO_SKILL) == (not prob.cands[d])
