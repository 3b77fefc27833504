"""`duikou plan` (duikou.planning.cli): exit statuses, messages, the plan it writes, the time
limit and Ctrl-C."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duikou.planning.cli import main
from duikou.planning.instance import load_instance
from duikou.planning.validator import check
from tests.test_planning_validator import tiny

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench" / "planning"


def synthetic(n_experts: int = 40, n_demands: int = 400, seed: int = 1) -> dict:
    """A medium-sized instance in the contract's form (no proof of optimality in seconds)."""
    rng = random.Random(seed)
    sites = ["HZ"] + [f"S{i}" for i in range(8)]
    travel = {a: {b: 0 if a == b else 1 + (sites.index(a) + sites.index(b)) % 2 for b in sites}
              for a in sites}  # fmt: skip
    skills = [f"k{i}" for i in range(6)]
    horizon = 90
    experts = []
    for i in range(n_experts):
        a = rng.randint(0, 40)
        experts.append(
            {
                "id": f"E{i:03d}",
                "skills": rng.sample(skills, rng.randint(1, 2)),
                "home": rng.choice(sites),
                "available": [[a, rng.randint(a + 10, horizon)]],
                "max_days": rng.randint(8, 25),
            }
        )
    demands = []
    for i in range(n_demands):
        dur = rng.randint(1, 8)
        a = rng.randint(0, horizon - dur - 1)
        demands.append(
            {
                "id": f"D{i:04d}",
                "site": rng.choice(sites[1:]),
                "skill": rng.choice(skills),
                "duration": dur,
                "window": [a, min(horizon, a + dur + rng.randint(0, 20))],
                "weight": rng.randint(1, 10),
            }
        )
    return {"horizon": horizon, "sites": [{"id": s} for s in sites], "travel": travel,
            "experts": experts, "demands": demands}  # fmt: skip


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def assert_valid_plan(instance_path: str, plan_path: str) -> dict:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    assert set(plan) == {"assignments"}
    res = check(load_instance(instance_path), plan)
    assert res.valid, res.violations[:3]
    if (SHARED / "validate.py").exists():
        out = subprocess.run(
            [sys.executable, str(SHARED / "validate.py"), instance_path, plan_path],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stdout
        assert f"score={res.score.score} " in out.stdout
    return plan


def broken(mutate) -> dict:
    inst = tiny()
    mutate(inst)
    return inst


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "cannot read instance"),
        ("[1, 2]", "expected an object"),
        (broken(lambda i: i.pop("experts")), "missing key 'experts'"),
        (broken(lambda i: i["demands"][0].update(site="XX")), "unknown site"),
        (broken(lambda i: i["demands"][0].update(preferred=["NOBODY"])), "unknown preferred"),
        (broken(lambda i: i["travel"]["A"].update(C=1)), "not symmetric"),
        (
            broken(lambda i: i["experts"][0].update(available=[[0, 10], [9, 12]])),
            "sorted and disjoint",
        ),
        (broken(lambda i: i["demands"][2].update(weight="5")), "must be an integer"),
    ],
)
def test_a_malformed_instance_gets_one_line_and_status_2(tmp_path, capsys, content, message):
    path = write(tmp_path, "bad.json", content)
    out = tmp_path / "plan.json"
    assert main([path, "--time-limit", "2", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert err.startswith("duikou plan: malformed instance:")
    assert not out.exists()


def test_a_missing_file_gets_status_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.json"), "--time-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read instance" in err


@pytest.mark.parametrize(
    "args",
    [["--time-limit", "0"], ["--time-limit", "-3"], ["--time-limit", "nan"], ["--workers", "0"]],
)
def test_bad_arguments_get_status_2(tmp_path, capsys, args):
    path = write(tmp_path, "i.json", tiny())
    assert main([path, "--time-limit", "1", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args", [[], ["--time-limit", "soon"]])
def test_unusable_command_lines_exit_with_status_2(tmp_path, capsys, args):
    path = write(tmp_path, "i.json", tiny())
    with pytest.raises(SystemExit) as exc:
        main([path, *args])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_plan_goes_to_stdout_without_o(tmp_path, capsys):
    path = write(tmp_path, "i.json", tiny())
    assert main([path, "--time-limit", "2"]) == 0
    cap = capsys.readouterr()
    plan = json.loads(cap.out)
    assert check(load_instance(path), plan).valid
    assert "score=" in cap.err and "optimal=yes" in cap.err


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "duikou.planning", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        **kw,
    )


def test_the_module_entry_point_refuses_a_malformed_instance(tmp_path):
    path = write(tmp_path, "bad.json", broken(lambda i: i["travel"]["A"].update(C=1)))
    out = run_cli(path, "--time-limit", "2", "-o", str(tmp_path / "p.json"))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "not symmetric" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_the_cli_writes_a_valid_plan_within_the_time_limit(tmp_path):
    path = write(tmp_path, "medium.json", synthetic())
    plan_path = str(tmp_path / "plan.json")
    t0 = time.monotonic()
    out = run_cli(path, "--time-limit", "2", "--workers", "2", "-o", plan_path)
    wall = time.monotonic() - t0
    assert out.returncode == 0, out.stderr
    assert wall < 2.0 + 1.5  # the limit, plus starting Python
    plan = assert_valid_plan(path, plan_path)
    assert len(plan["assignments"]) > 100
    summary = out.stdout.strip()
    for key in ("score=", "served=", "bound=", "gap=", "time="):
        assert key in summary
    seconds = float(summary.split("time=")[1].split("s")[0])
    assert seconds <= 2.0


@pytest.mark.skipif(
    not (SHARED / "instances" / "small-1.json").exists(), reason="shared instances absent"
)
def test_the_cli_solves_small_1_to_optimality(tmp_path):
    # The solver stops as soon as optimality is proven (≈1 s); the limit leaves room for a
    # loaded machine running both suites side by side. Speed is measured by make bench.
    plan_path = str(tmp_path / "plan.json")
    inst = str(SHARED / "instances" / "small-1.json")
    out = run_cli(inst, "--time-limit", "10", "-o", plan_path)
    assert out.returncode == 0, out.stderr
    assert_valid_plan(inst, plan_path)
    assert "score=92020 " in out.stdout and "optimal=yes" in out.stdout


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_ctrl_c_stops_cleanly_with_the_best_plan(tmp_path):
    path = write(tmp_path, "medium.json", synthetic(seed=2))
    plan_path = str(tmp_path / "plan.json")
    proc = subprocess.Popen(
        [sys.executable, "-m", "duikou.planning", path, "--time-limit", "60", "-o", plan_path],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=20)
    assert time.monotonic() - t0 < 3.0
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped=interrupted" in stdout
    assert_valid_plan(path, plan_path)
