"""Visit-planning benchmark: the planner against greedy.py and the best known scores.

    .venv/bin/python bench/planning_bench.py                 # every public instance
    .venv/bin/python bench/planning_bench.py small-1 medium-2 --quick
    .venv/bin/python bench/planning_bench.py --json var/planning-bench.json

For each instance it runs, in this one run, the shared baseline `greedy.py` (in process,
timed) and the planner as a subprocess (`python -m duikou.planning INSTANCE --time-limit T
--workers 2`), checks the plan with the shared `validate.py` and with the package's
validator, and reports score / best known, score / greedy, the gap to the bound of
best-known.json, the planner's own bound, wall time, and peak memory: the largest sum of
the resident sizes of the planner and its helper processes, sampled every 20 ms from
/proc (and, as a cross-check, the largest single process from getrusage(RUSAGE_CHILDREN)).

The time limits are the aims of the issue: small 5 s, medium 10 s, large 60 s, xl 300 s
(`--quick` divides them by 5).  The machine's load average is printed before and after:
the box is shared, so compare ratios, not seconds.  The shared folder is found at
../shared/bench/planning beside the repository (or --shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from duikou.planning.instance import load_instance  # noqa: E402
from duikou.planning.validator import check  # noqa: E402

INSTANCES = ["small-1", "small-2", "medium-1", "medium-2", "large-1", "xl-1"]
LIMITS = {"small": 5.0, "medium": 10.0, "large": 60.0, "xl": 300.0}
AIMS = {
    "small": "optimal in 5 s",
    "medium": ">= 99.5% of best known in 10 s",
    "large": ">= 100% of best known in 60 s, 2 GB",
    "xl": "valid in 5 min, 4 GB, >= 1.03 x greedy",
}


def rss_tree_kb(pid: int) -> int:
    """Resident size (kB) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss[int(entry)] = int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, ()))
    return total


def run_planner(
    instance: Path, limit: float, workers: int, seed: int, out: Path
) -> tuple[int, float, int, str, str]:
    """Run the planner; return (exit status, wall seconds, peak tree RSS kB, stdout, stderr)."""
    cmd = [sys.executable, "-m", "duikou.planning", str(instance), "--time-limit", str(limit),
           "--workers", str(workers), "--seed", str(seed), "-o", str(out), "-v"]  # fmt: skip
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_tree_kb(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.monotonic() - t0
    stop.set()
    sampler.join()
    return proc.returncode, wall, peak, stdout, stderr


def phases(log: str) -> dict[str, object]:
    """Milestones from the planner's -v log: candidates, first plan, relaxation, moves."""
    out: dict[str, object] = {}
    for line in log.splitlines():
        if not line.startswith("["):
            continue
        stamp, _, msg = line[1:].partition("s] ")
        try:
            t = float(stamp)
        except ValueError:
            continue
        if "candidates" in msg and "candidates" not in out:
            out["candidates"] = int(msg.split(", ")[-1].split()[0])
        elif msg.startswith("construct: score"):
            out["first_plan_s"] = t
        elif msg.startswith("relaxation bound"):
            out["relaxation_s"] = float(msg.rsplit(" in ", 1)[1].rstrip("s"))
        elif "ruin-recreate moves" in msg:
            out["moves"] = int(msg.split("improve: ")[1].split()[0])
        elif msg.startswith("full model") and "objective" in msg:
            out["full_model"] = msg.split(": ", 1)[1].split()[0]
    return out


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("instances", nargs="*", default=INSTANCES)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "bench" / "planning")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="time limits divided by 5")
    ap.add_argument("--limit", type=float, help="one time limit for every instance")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    shared: Path = args.shared
    if not (shared / "greedy.py").exists():
        print(f"shared benchmark folder not found: {shared}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(shared))
    import greedy  # type: ignore[import-not-found]
    import validate  # type: ignore[import-not-found]

    best_known = json.loads((shared / "best-known.json").read_text(encoding="utf-8"))
    print(f"# visit-planning bench  workers={args.workers} seed={args.seed}  "
          f"cpus={os.cpu_count()}  load before: {loadavg()}")  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory(prefix="planning-bench-") as tmp:
        for name in args.instances:
            path = shared / "instances" / f"{name}.json"
            size = name.split("-")[0]
            limit = args.limit or LIMITS.get(size, 60.0) / (5 if args.quick else 1)
            raw = validate.load_instance(str(path))
            t0 = time.monotonic()
            g_plan = greedy.solve(raw)
            g_time = time.monotonic() - t0
            g_viol, g_sc = validate.check(raw, g_plan)
            assert not g_viol, "greedy plan invalid?"
            out = Path(tmp) / f"{name}.plan.json"
            status, wall, peak_kb, stdout, stderr = run_planner(
                path, limit, args.workers, args.seed, out
            )
            row: dict[str, object] = {
                "instance": name,
                "demands": len(raw["demands"]),
                "experts": len(raw["experts"]),
                "limit": limit,
                "status": status,
                "wall": round(wall, 2),
                "peak_mb": round(peak_kb / 1024, 1),
                "greedy": g_sc["score"],
                "greedy_seconds": round(g_time, 2),
                "summary": stdout.strip(),
                **phases(stderr),
            }
            if status == 0 and out.exists():
                plan = json.loads(out.read_text(encoding="utf-8"))
                viol, sc = validate.check(raw, plan)
                ours = check(load_instance(path), plan)
                row["valid"] = not viol and ours.valid
                row["validators_agree"] = (not viol) == ours.valid and (
                    sc["score"] == ours.score.score
                )
                row["score"] = sc["score"]
                row["served"] = f"{sc['served']}/{sc['demands']}"
                bk = best_known.get(name, {})
                ref, bound = bk.get("reference_score"), bk.get("reference_bound")
                row["vs_best_known"] = sc["score"] / ref if ref else None
                row["vs_greedy"] = sc["score"] / g_sc["score"]
                row["gap_to_ref_bound"] = (bound - sc["score"]) / bound if bound else None
                own = stdout.split("bound=")[1].split()[0] if "bound=" in stdout else "none"
                row["own_bound"] = None if own == "none" else int(own)
                if row["own_bound"]:
                    ob = int(own)
                    row["gap_to_own_bound"] = (ob - sc["score"]) / ob
            else:
                row["valid"] = False
                row["error"] = stderr.strip().splitlines()[-1:] or ["?"]
            rows.append(row)
            print(f"  {name}: {row.get('summary') or row.get('error')}  [{wall:.1f}s]", flush=True)
    child_max_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"# load after: {loadavg()}   largest single planner process: {child_max_mb:.0f} MB")
    print()
    print("| instance | limit | score | served | / best known | / greedy | gap to ref. bound "
          "| own bound gap | time | peak memory | valid |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")

    def pct(x: object, digits: int = 2) -> str:
        return "—" if x is None else f"{100 * float(x):.{digits}f}%"  # type: ignore[arg-type]

    for r in rows:
        vs_g = r.get("vs_greedy")
        print(
            f"| {r['instance']} | {r['limit']:g} s | {r.get('score', '—')} "
            f"| {r.get('served', '—')} "
            f"| {pct(r.get('vs_best_known'))} | {'—' if vs_g is None else f'{vs_g:.4f}x'} "
            f"| {pct(r.get('gap_to_ref_bound'))} | {pct(r.get('gap_to_own_bound'))} "
            f"| {r['wall']} s | {r['peak_mb']:.0f} MB | {'yes' if r.get('valid') else 'NO'} |"
        )
    print()
    print("Aims: " + "; ".join(f"{k}: {v}" for k, v in AIMS.items()) + ".")
    print()
    print("| instance | demands | candidates | first valid plan | relaxation | full CP-SAT "
          "| ruin-recreate moves (parent) | greedy.py | peak memory |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |")

    def sec(x: object) -> str:
        return "—" if x is None else f"{float(x):.2f} s"  # type: ignore[arg-type]

    for r in rows:
        print(
            f"| {r['instance']} | {r['demands']} | {r.get('candidates', '—')} "
            f"| {sec(r.get('first_plan_s'))} | {sec(r.get('relaxation_s'))} "
            f"| {r.get('full_model', '—')} | {r.get('moves', '—')} | {sec(r['greedy_seconds'])} "
            f"| {r['peak_mb']:.0f} MB |"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r.get("valid") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
