"""The planning package's validator on hand-made tiny instances: rules 1-5, the score, and
what makes an instance or a plan malformed (docs/contracts/visit-planning.md)."""

from __future__ import annotations

import copy

import pytest

from duikou.planning.instance import MalformedError, parse_instance
from duikou.planning.validator import check

# Three sites: A and B are 0 days apart, C is 2 days from A but 0 from B (no triangle
# inequality), HZ is 1 day from everything.
TRAVEL = {
    "A": {"A": 0, "B": 0, "C": 2, "HZ": 1},
    "B": {"A": 0, "B": 0, "C": 0, "HZ": 1},
    "C": {"A": 2, "B": 0, "C": 0, "HZ": 1},
    "HZ": {"A": 1, "B": 1, "C": 1, "HZ": 0},
}


def tiny() -> dict:
    return {
        "name": "tiny",
        "horizon": 30,
        "sites": [{"id": s} for s in ("A", "B", "C", "HZ")],
        "travel": copy.deepcopy(TRAVEL),
        "experts": [
            {
                "id": "E1",
                "skills": ["neuro", "cardio"],
                "home": "HZ",
                "available": [[0, 10], [15, 30]],
                "max_days": 8,
            },
            {"id": "E2", "skills": ["neuro"], "home": "A", "available": [[0, 30]], "max_days": 30},
        ],
        "demands": [
            {"id": "D1", "site": "A", "skill": "neuro", "duration": 2, "window": [0, 10],
             "weight": 3, "preferred": ["E1"]},
            {"id": "D2", "site": "C", "skill": "neuro", "duration": 1, "window": [0, 30],
             "weight": 1},
            {"id": "D3", "site": "B", "skill": "cardio", "duration": 3, "window": [15, 30],
             "weight": 5},
            {"id": "D4", "site": "A", "skill": "neuro", "duration": 4, "window": [0, 30],
             "weight": 2, "preferred": ["E2"]},
        ],
    }  # fmt: skip


def run(plan_rows: list[tuple[str, str, int]], inst: dict | None = None):
    parsed = parse_instance(inst or tiny())
    plan = {"assignments": [{"demand": d, "expert": e, "start": s} for d, e, s in plan_rows]}
    return check(parsed, plan)


def rules(result) -> set[int]:
    return {v.rule for v in result.violations}


def test_the_empty_plan_is_valid_and_scores_zero():
    res = run([])
    assert res.valid
    assert res.score.score == 0 and res.score.served == 0 and res.score.demands == 4
    assert res.score.total_weight == 11


def test_score_counts_weight_preference_and_travel_per_interval():
    # E1 (home HZ) serves D1 at A in its first interval: 1 day there, 1 back.
    # In its second interval D3 at B: 1 + 1.  E2 (home A) serves D4 at A: no travel.
    res = run([("D1", "E1", 1), ("D3", "E1", 16), ("D4", "E2", 0)])
    assert res.valid, res.violations
    sc = res.score
    assert sc.served_weight == 3 + 5 + 2
    assert sc.preferred == 2  # D1 by E1, D4 by E2
    assert sc.travel_days == 4
    assert sc.score == 1000 * 10 + 100 * 2 - 10 * 4


def test_travel_uses_the_direct_figure_without_triangle_inequality():
    # E2 at home A: D2 at C needs 2 days from A but B->C is 0.  Route A(home) -> D1@A ->
    # D2@C -> home A: 0 + 2 + 2 = 4 travel days, and D2 must start 2 days after D1 ends.
    res = run([("D1", "E2", 0), ("D2", "E2", 4)])
    assert res.valid, res.violations
    assert res.score.travel_days == 4
    res = run([("D1", "E2", 0), ("D2", "E2", 3)])
    assert rules(res) == {4}


def test_rule_1_skill():
    res = run([("D3", "E2", 16)])
    assert rules(res) == {1}


def test_rule_2_window():
    assert rules(run([("D1", "E2", 9)])) == {2}  # ends at 11 > 10
    assert rules(run([("D3", "E1", 14)])) >= {2}  # starts before 15


def test_rule_3_availability_one_interval_and_travel_from_and_back_home():
    # D4 (4 days) on E1 across the gap [10, 15): in no single interval.
    res = run([("D4", "E1", 8)])
    assert 3 in rules(res)
    # Travel from home HZ to A takes 1 day: start 0 is too early in [0, 10).
    assert rules(run([("D1", "E1", 0)])) == {3}
    # ... and 1 day back: D1 ending at 10 leaves no time to get home by 10.
    assert rules(run([("D4", "E1", 6)])) == {3}
    # Exactly fitting is fine.
    assert run([("D4", "E1", 16)]).valid


def test_a_demand_in_no_interval_counts_as_served_but_adds_no_travel():
    res = run([("D4", "E1", 8)])
    assert res.score.served == 1
    assert res.score.travel_days == 0


def test_rule_4_overlap_and_travel_between_consecutive_assignments():
    assert rules(run([("D1", "E2", 0), ("D4", "E2", 1)])) == {4}  # overlap
    assert run([("D1", "E2", 0), ("D4", "E2", 2)]).valid  # A -> A: 0 days
    # B -> C is 0 days, so D2 may follow D3-like work at B immediately; A -> C is 2.
    inst = tiny()
    inst["demands"].append(
        {"id": "D5", "site": "B", "skill": "neuro", "duration": 1, "window": [0, 30], "weight": 1}
    )
    assert run([("D5", "E2", 5), ("D2", "E2", 6)], inst).valid
    assert rules(run([("D4", "E2", 0), ("D2", "E2", 5)], inst)) == {4}
    assert run([("D4", "E2", 0), ("D2", "E2", 6)], inst).valid


def test_rule_4_only_within_one_availability_interval():
    # E1 is home at the end of [0, 10) and again at the start of [15, 30).
    assert run([("D1", "E1", 7), ("D3", "E1", 16)]).valid


def test_rule_5_service_days_budget():
    # E1 has max_days 8: D1 (2) + D3 (3) + D4 (4) = 9.
    res = run([("D1", "E1", 1), ("D3", "E1", 16), ("D4", "E1", 20)])
    assert rules(res) == {5}
    assert len(res.violations) == 1  # reported once per expert


def test_several_rules_at_once():
    res = run([("D3", "E2", 0)])
    assert rules(res) == {1, 2}


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda i: i.pop("horizon"), "missing key 'horizon'"),
        (lambda i: i["experts"][0].pop("max_days"), "missing key 'max_days'"),
        (lambda i: i["demands"][0].update(site="XX"), "unknown site"),
        (lambda i: i["demands"][0].update(preferred=["E9"]), "unknown preferred expert"),
        (lambda i: i["experts"][0].update(home="XX"), "unknown home site"),
        (lambda i: i["travel"]["A"].update(C=1), "not symmetric"),
        (lambda i: i["travel"]["A"].pop("B"), "missing entry"),
        (lambda i: i["travel"]["A"].update(A=1), "must be 0"),
        (lambda i: i["travel"].update(ZZ={}), "unknown site id"),
        (lambda i: i["experts"][0].update(available=[[0, 10], [5, 20]]), "sorted and disjoint"),
        (lambda i: i["experts"][0].update(available=[[15, 30], [0, 10]]), "sorted and disjoint"),
        (lambda i: i["experts"][0].update(available=[[0, 31]]), "horizon"),
        (lambda i: i["demands"][0].update(window=[5, 5]), "0 <= a < b"),
        (lambda i: i["demands"][0].update(weight=11), "above 10"),
        (lambda i: i["demands"][0].update(duration=0), "below 1"),
        (lambda i: i["demands"][0].update(duration=True), "must be an integer"),
        (lambda i: i["demands"][1].update(id="D1"), "duplicate demand id"),
        (lambda i: i["experts"][1].update(id="E1"), "duplicate expert id"),
        (lambda i: i["experts"][0].update(skills="neuro"), "list of strings"),
        (lambda i: i.update(sites=[]), "non-empty"),
    ],
)
def test_malformed_instances_are_refused_with_a_clear_message(mutate, message):
    inst = tiny()
    mutate(inst)
    with pytest.raises(MalformedError, match=message):
        parse_instance(inst)


def test_unknown_keys_are_ignored():
    inst = tiny()
    inst["meta"] = {"size": "tiny"}
    inst["experts"][0]["kind"] = "flexible"
    assert parse_instance(inst).experts[0].id == "E1"


@pytest.mark.parametrize(
    "plan, message",
    [
        ({}, "missing key 'assignments'"),
        ({"assignments": {}}, "must be a list"),
        ({"assignments": [{"demand": "D1", "expert": "E1"}]}, "missing key 'start'"),
        ({"assignments": [{"demand": "D9", "expert": "E1", "start": 1}]}, "unknown demand"),
        ({"assignments": [{"demand": "D1", "expert": "E9", "start": 1}]}, "unknown expert"),
        ({"assignments": [{"demand": "D1", "expert": "E1", "start": 1.0}]}, "integer"),
        ({"assignments": [{"demand": "D1", "expert": "E1", "start": True}]}, "integer"),
        (
            {"assignments": [{"demand": "D1", "expert": "E1", "start": 1}] * 2},
            "more than once",
        ),
    ],
)
def test_malformed_plans_are_refused(plan, message):
    with pytest.raises(MalformedError, match=message):
        check(parse_instance(tiny()), plan)
