"""`duikou plan INSTANCE.json --check PLAN.json`: validate a plan file, never a traceback."""

from __future__ import annotations

import copy
import json

import pytest

from duikou.planning.cli import main

INSTANCE = {
    "name": "check-1",
    "horizon": 30,
    "sites": [{"id": "A", "name": "都兰"}, {"id": "HZ", "name": "杭州"}],
    "travel": {"A": {"A": 0, "HZ": 2}, "HZ": {"A": 2, "HZ": 0}},
    "experts": [
        {"id": "E1", "skills": ["neuro"], "home": "HZ", "available": [[0, 20]], "max_days": 8},
        {"id": "E2", "skills": ["cardio"], "home": "A", "available": [[5, 30]], "max_days": 10},
    ],
    "demands": [
        {
            "id": "D1",
            "site": "A",
            "skill": "neuro",
            "duration": 5,
            "window": [0, 20],
            "weight": 3,
            "preferred": ["E1"],
        },
        {"id": "D2", "site": "A", "skill": "cardio", "duration": 4, "window": [5, 15], "weight": 2},
        {"id": "D3", "site": "A", "skill": "neuro", "duration": 4, "window": [0, 30], "weight": 1},
    ],
}
VALID = {
    "assignments": [
        {"demand": "D1", "expert": "E1", "start": 2},
        {"demand": "D2", "expert": "E2", "start": 5},
    ]
}


def run(tmp_path, capsys, instance=INSTANCE, plan=VALID, *, raw_instance=None, raw_plan=None):
    ip, pp = tmp_path / "instance.json", tmp_path / "plan.json"
    ip.write_text(raw_instance if raw_instance is not None else json.dumps(instance), "utf-8")
    pp.write_text(raw_plan if raw_plan is not None else json.dumps(plan), "utf-8")
    code = main([str(ip), "--check", str(pp)])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_plan_prints_the_score(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys)
    assert code == 0
    # 1000*(3+2) + 100 (E1 preferred for D1) - 10*(2+2 travel of E1, 0 for E2)
    assert out.strip() == ("VALID score=5060 served=2/3 weight=5/6 travel_days=4 preferred=1")
    assert err == ""


def test_each_violation_on_its_own_line(tmp_path, capsys):
    plan = {
        "assignments": [
            {"demand": "D1", "expert": "E2", "start": 1},  # rule 1, rule 2 ok, rule 3
            {"demand": "D3", "expert": "E1", "start": 15},  # rule 3: 15+4+2 > 20
        ]
    }
    code, out, err = run(tmp_path, capsys, plan=plan)
    assert code == 1
    lines = out.strip().splitlines()
    assert lines and all(line.startswith("INVALID demand ") for line in lines)
    rules = sorted(int(line.split("rule ")[1].split(":")[0]) for line in lines)
    assert 1 in rules and 3 in rules
    assert err == ""


def test_overlap_and_budget_are_named(tmp_path, capsys):
    plan = {
        "assignments": [
            {"demand": "D1", "expert": "E1", "start": 2},
            {"demand": "D3", "expert": "E1", "start": 5},  # overlaps D1 (2..7)
        ]
    }
    code, out, _err = run(tmp_path, capsys, plan=plan)
    assert code == 1
    assert "rule 4" in out and "rule 5" in out  # 5 + 4 days > 8


def malformed_cases():
    missing = copy.deepcopy(INSTANCE)
    del missing["horizon"]
    unknown_home = copy.deepcopy(INSTANCE)
    unknown_home["experts"][0]["home"] = "XX"
    asym = copy.deepcopy(INSTANCE)
    asym["travel"]["A"]["HZ"] = 3
    overlap = copy.deepcopy(INSTANCE)
    overlap["experts"][0]["available"] = [[0, 10], [8, 20]]
    twice = copy.deepcopy(INSTANCE)
    twice["demands"].append(dict(twice["demands"][0]))
    return [
        ("missing key", missing, None, "missing key 'horizon'"),
        ("unknown home", unknown_home, None, "unknown home site 'XX'"),
        ("asymmetric travel", asym, None, "travel is not symmetric"),
        ("overlapping availability", overlap, None, "sorted and disjoint"),
        ("demand twice in the instance", twice, None, "duplicate demand id"),
    ]


@pytest.mark.parametrize("label,instance,_plan,needle", malformed_cases())
def test_malformed_instance_exit_2(tmp_path, capsys, label, instance, _plan, needle):
    code, out, err = run(tmp_path, capsys, instance=instance)
    assert code == 2, label
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("duikou plan: malformed instance:") and needle in err


@pytest.mark.parametrize(
    "plan,needle",
    [
        ({}, "missing key 'assignments'"),
        ({"assignments": [{"demand": "D9", "expert": "E1", "start": 0}]}, "unknown demand id"),
        ({"assignments": [{"demand": "D1", "expert": "E7", "start": 0}]}, "unknown expert id"),
        ({"assignments": [{"demand": "D1", "expert": "E1"}]}, "missing key 'start'"),
        (
            {
                "assignments": [
                    {"demand": "D1", "expert": "E1", "start": 2},
                    {"demand": "D1", "expert": "E1", "start": 9},
                ]
            },
            "assigned more than once",
        ),
        ({"assignments": [{"demand": "D1", "expert": "E1", "start": "2"}]}, "must be an integer"),
    ],
)
def test_malformed_plan_exit_2(tmp_path, capsys, plan, needle):
    code, out, err = run(tmp_path, capsys, plan=plan)
    assert code == 2
    assert out == "" and "Traceback" not in err
    assert err.count("\n") == 1
    assert err.startswith("duikou plan: malformed plan:") and needle in err


def test_unreadable_files_exit_2(tmp_path, capsys):
    code, _out, err = run(tmp_path, capsys, raw_plan="{not json")
    assert code == 2 and err.startswith("duikou plan: malformed plan: cannot read plan")
    code, _out, err = run(tmp_path, capsys, raw_instance="[1, 2")
    assert code == 2 and err.startswith("duikou plan: malformed instance: cannot read instance")
    code = main([str(tmp_path / "nope.json"), "--check", str(tmp_path / "plan.json")])
    assert code == 2 and "cannot read instance" in capsys.readouterr().err


def test_time_limit_is_required_without_check(tmp_path, capsys):
    ip = tmp_path / "instance.json"
    ip.write_text(json.dumps(INSTANCE), "utf-8")
    with pytest.raises(SystemExit) as exc:
        main([str(ip)])
    assert exc.value.code == 2
    assert "required: --time-limit (or --check PLAN.json)" in capsys.readouterr().err
