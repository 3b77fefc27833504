"""`duikou plan INSTANCE.json --time-limit SECONDS [--workers N] [--seed S] -o PLAN.json`,
and `duikou plan INSTANCE.json --check PLAN.json`.

Reads an instance (design/visit-planning.md), plans within the time limit and writes the
best valid plan found.  Exit status: 0 a valid plan was written; 2 the instance (or the
command line) is unusable, with one line on stderr saying why; 1 the plan could not be
written.  Ctrl-C (SIGINT) or SIGTERM stops the search early: the best plan so far is
written and the status is still 0.

`--check PLAN.json` plans nothing: it checks the plan file against the instance with the
package's validator and prints `VALID score=...` (exit 0), or one line per broken rule
(exit 1); a malformed instance or plan gets one line on stderr and exit 2.

The planning runs in a background thread; this (main) thread only waits, so that signals
are handled at once even while CP-SAT or GLOP is searching, and so that the plan is
written at the deadline whatever the planner is doing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType

from .instance import MalformedError, load_instance, read_json
from .solver import Planner, PlanResult

#: seconds before the time limit at which the plan is written whatever the planner does
WRITE_MARGIN_BASE = 0.1
WRITE_MARGIN_PER_DEMAND = 1e-5


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser(prog: str = "duikou plan") -> argparse.ArgumentParser:
    p = _Parser(
        prog=prog,
        description="Plan expert visits (design/visit-planning.md): who serves which demand, "
        "when.  Writes the best valid plan found within the time limit.",
    )
    p.add_argument("instance", help="instance JSON file")
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wall-clock limit for the whole run, writing included (required unless --check)",
    )
    p.add_argument(
        "--check",
        metavar="PLAN.json",
        help="check this plan against the instance (the five rules and the score), plan nothing",
    )
    p.add_argument("--workers", type=int, default=2, metavar="N", help="threads (default 2)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "-o", "--output", metavar="PLAN.json", help="plan file to write (default: stdout)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    return p


def _write_plan(path: str | None, plan: dict[str, object]) -> None:
    text = json.dumps(plan, ensure_ascii=False, indent=1) + "\n"
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".plan-", suffix=".json", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def summary(res: PlanResult, elapsed: float, stopped: str | None) -> str:
    sc = res.score
    parts = [
        f"score={sc.score}",
        f"served={sc.served}/{sc.demands}",
        f"weight={sc.served_weight}/{sc.total_weight}",
        f"travel_days={sc.travel_days}",
        f"preferred={sc.preferred}",
    ]
    if res.bound is not None:
        gap = (res.bound - sc.score) / res.bound * 100 if res.bound > 0 else 0.0
        parts.append(f"bound={res.bound}")
        parts.append(f"gap={gap:.2f}%")
    else:
        parts.append("bound=none")
    parts.append("optimal=yes" if res.optimal else "optimal=no")
    parts.append(f"time={elapsed:.2f}s")
    if stopped:
        parts.append(f"stopped={stopped}")
    return " ".join(parts)


def check_plan(instance_path: str, plan_path: str, prog: str = "duikou plan") -> int:
    """`--check`: 0 and `VALID score=...` for a valid plan, 1 and one line per violation,
    2 and one line on stderr for a malformed instance or plan."""
    from .validator import check

    try:
        inst = load_instance(instance_path)
    except MalformedError as exc:
        print(f"{prog}: malformed instance: {exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{prog}: malformed instance: {instance_path}: nested too deeply", file=sys.stderr)
        return 2
    try:
        result = check(inst, read_json(plan_path, "plan"))
    except MalformedError as exc:
        print(f"{prog}: malformed plan: {exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{prog}: malformed plan: {plan_path}: nested too deeply", file=sys.stderr)
        return 2
    if result.valid:
        print(f"VALID {result.score.line()}", flush=True)
        return 0
    for v in result.violations:
        print(f"INVALID {v}")
    sys.stdout.flush()
    return 1


def main(argv: list[str] | None = None) -> int:
    t0 = time.monotonic()
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = "duikou plan"
    if args.check is not None:
        return check_plan(args.instance, args.check, prog)
    if args.time_limit is None:  # exits with status 2, like any other command-line error
        parser.error("the following arguments are required: --time-limit (or --check PLAN.json)")
    if not (math.isfinite(args.time_limit) and args.time_limit > 0):
        print(f"{prog}: error: --time-limit must be a positive number of seconds", file=sys.stderr)
        return 2
    if args.workers < 1:
        print(f"{prog}: error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        inst = load_instance(args.instance)
    except MalformedError as exc:
        print(f"{prog}: malformed instance: {exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{prog}: malformed instance: {args.instance}: nested too deeply", file=sys.stderr)
        return 2

    planner = Planner(inst, args.time_limit, args.workers, args.seed, args.verbose, start=t0)
    done = threading.Event()  # not Thread.is_alive(): a Ctrl-C inside join() can upset it

    def run() -> None:
        try:
            planner.run()
        finally:
            done.set()

    worker = threading.Thread(target=run, name="planner", daemon=True)
    margin = WRITE_MARGIN_BASE + WRITE_MARGIN_PER_DEMAND * len(inst.demands)
    hard_deadline = t0 + max(0.0, args.time_limit - margin)
    stopped: str | None = None

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    old_term = old_int = None
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        old_term = signal.signal(signal.SIGTERM, on_term)
    try:
        worker.start()
        try:
            while not done.is_set():
                left = hard_deadline - time.monotonic()
                if left <= 0:
                    stopped = "time-limit"
                    break
                done.wait(min(0.05, left))
        except KeyboardInterrupt:
            stopped = "interrupted"
        planner.stop()
        # Let the planner publish its last plan while time remains (briefly if interrupted).
        end = hard_deadline if stopped is None else min(hard_deadline, time.monotonic() + 2.0)
        try:
            while not done.is_set() and time.monotonic() < end:
                done.wait(min(0.05, max(0.0, end - time.monotonic())))
                planner.stop()
        except KeyboardInterrupt:
            stopped = "interrupted"
        res = planner.best()
        if in_main:  # a second Ctrl-C must not cut the plan file short
            old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            _write_plan(args.output, {"assignments": res.assignments(inst)})
        except OSError as exc:
            print(f"{prog}: cannot write {args.output}: {exc}", file=sys.stderr)
            return 1
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        if old_int is not None:
            signal.signal(signal.SIGINT, old_int)
    if planner.error is not None:
        print(
            f"{prog}: warning: planner error ({type(planner.error).__name__}: {planner.error});"
            " wrote the best valid plan found before it",
            file=sys.stderr,
        )
    out = sys.stderr if args.output in (None, "-") else sys.stdout
    print(summary(res, time.monotonic() - t0, stopped), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
