"""The planner: phases, time keeping, stopping, and the best valid plan so far.

`Planner.run()` goes through the phases of the method (see the package docstring) and
*publishes* a plan after each: a published plan has passed the package's validator and
scores higher than the one before.  `Planner.best()` returns the last published plan at
any time, from any thread, so a caller can stop the run (`Planner.stop()`, e.g. on
Ctrl-C) or give up waiting at the deadline and still write a valid plan.  Before the first
publication the best plan is the empty plan, which is always valid.
"""

from __future__ import annotations

import math
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .control import Stopper
from .instance import Instance
from .validator import CheckResult, Score, check_rows

if TYPE_CHECKING:
    from .alns import Search
    from .parallel import Helper
    from .relax import Relaxation
    from .routes import Solution

#: seconds kept free at the end of the time limit for validating and writing the plan
RESERVE_BASE = 0.3
RESERVE_PER_DEMAND = 5e-5

#: the full model is tried when it has at most this many arcs (exact, proves optimality)
FULL_MODEL_MAX_ARCS = 6000
FULL_MODEL_MAX_NODES = 1000

#: rough cost of the relaxation (GLOP on this machine), to skip it when time is short
LP_SECONDS_PER_CANDIDATE = 7e-5

#: ruin and recreate accepts a move that loses at most this much, shrinking to 0 at the end
THRESHOLD0 = 1500.0

#: at most this many seconds at the end go to polishing the best plan
POLISH_SECONDS = 2.0

#: helper processes are started only when at least this many seconds remain
HELPER_MIN_SECONDS = 4.0

#: seconds the parent waits for the helpers' final plans
HELPER_FINISH_SECONDS = 0.3


@dataclass(slots=True)
class PlanResult:
    rows: list[tuple[int, int, int]]  # (demand index, expert index, start)
    score: Score
    bound: int | None  # proven upper bound on the optimum, if the method has one
    optimal: bool
    phase: str  # which phase found the plan
    seconds: float  # from the start of the run to this plan's publication
    log: list[str] = field(default_factory=list)

    def assignments(self, inst: Instance) -> list[dict[str, object]]:
        return [
            {"demand": inst.demands[d].id, "expert": inst.experts[e].id, "start": s}
            for d, e, s in sorted(self.rows, key=lambda r: inst.demands[r[0]].id)
        ]


class Planner:
    def __init__(
        self,
        inst: Instance,
        time_limit: float,
        workers: int = 2,
        seed: int = 0,
        verbose: bool = False,
        start: float | None = None,
    ) -> None:
        self.inst = inst
        self.t0 = time.monotonic() if start is None else start
        self.time_limit = time_limit
        reserve = RESERVE_BASE + RESERVE_PER_DEMAND * len(inst.demands)
        self.deadline = self.t0 + max(0.0, time_limit - reserve)
        self.workers = max(1, workers)
        self.seed = seed
        self.verbose = verbose
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.stopper = Stopper()
        empty = check_rows(inst, [])
        self._best = PlanResult([], empty.score, None, False, "empty", 0.0)
        self.bound: int | None = None
        self.log: list[str] = []
        self.error: BaseException | None = None

    # -- control ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the run to finish now with its best plan (safe from any thread, repeatable)."""
        self._stop.set()
        self.stopper.stop()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def should_stop(self) -> bool:
        return self._stop.is_set() or time.monotonic() >= self.deadline

    def note(self, msg: str) -> None:
        line = f"[{self.elapsed():7.2f}s] {msg}"
        self.log.append(line)
        if self.verbose:
            print(line, file=sys.stderr, flush=True)

    # -- the best plan ----------------------------------------------------------------------

    def publish(self, rows: list[tuple[int, int, int]], phase: str) -> bool:
        """Keep `rows` as the best plan if the validator passes it and it scores higher."""
        res: CheckResult = check_rows(self.inst, rows)
        if not res.valid:
            # A bug, never expected: say so and keep the previous plan.
            self.note(f"{phase}: plan rejected by the validator: {res.violations[0]}")
            return False
        with self._lock:
            if res.score.score <= self._best.score.score and self._best.phase != "empty":
                return False
            self._best = PlanResult(
                rows, res.score, self.bound, False, phase, self.elapsed(), self.log
            )
        self.note(f"{phase}: score {res.score.score} served {res.score.served}")
        return True

    def set_bound(self, bound: float, exact: bool = False) -> None:
        """Record a proven upper bound: `exact` for CP-SAT's (integral), otherwise a linear
        program's, rounded up with a margin for its floating-point tolerances."""
        b = math.floor(bound + 1e-6) if exact else math.ceil(bound * (1 + 1e-7) + 1e-6)
        with self._lock:
            if self.bound is None or b < self.bound:
                self.bound = b
            self._best.bound = self.bound

    def proven_optimal(self) -> bool:
        """The best plan reaches a proven upper bound."""
        return self.bound is not None and self._best.score.score >= self.bound

    def best(self) -> PlanResult:
        with self._lock:
            b = self._best
            return PlanResult(
                list(b.rows),
                b.score,
                self.bound,
                self.proven_optimal(),
                b.phase,
                b.seconds,
                list(self.log),
            )

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> None:
        """Run every phase until done, stopped or out of time; never raises."""
        if threading.current_thread() is not threading.main_thread() and hasattr(
            signal, "pthread_sigmask"
        ):
            # Signals are the main thread's business; helper processes started from here
            # inherit the mask, so a Ctrl-C in the terminal reaches only the parent.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self._run()
        except BaseException as exc:  # keep the best plan; the caller reports the error
            self.error = exc
            self.note(f"internal error: {type(exc).__name__}: {exc}")

    def _run(self) -> None:
        from .construct import construct, priced_order
        from .routes import Problem

        inst = self.inst
        prob = Problem(inst)
        self.note(
            f"{len(inst.experts)} experts, {len(inst.demands)} demands, "
            f"{sum(len(c) for c in prob.cands)} candidates"
        )
        if not any(prob.cands):
            self.set_bound(0.0, exact=True)
            self.publish([], "no candidate")
            return
        sol = construct(prob, should_stop=self.should_stop)
        self.publish(sol.rows(), "construct")
        if self.should_stop():
            return

        # The relaxation: bound and day prices (skipped when time is short).
        from .relax import solve_relaxation

        relax = None
        left = self.deadline - time.monotonic()
        if left > 0.1 + 3 * LP_SECONDS_PER_CANDIDATE * sum(len(c) for c in prob.cands):
            relax = solve_relaxation(prob, min(120.0, 0.3 * left), self.should_stop, self.stopper)
        if relax is not None:
            self.set_bound(relax.bound)
            self.note(f"relaxation bound {relax.bound:.0f} in {relax.seconds:.2f}s")
            if self.should_stop():
                return
            priced = construct(prob, priced_order(prob, relax), self.should_stop, relax)
            if priced.objective() > sol.objective():
                sol = priced
                self.publish(sol.rows(), "priced construct")
        if self.should_stop() or self.proven_optimal():
            return

        # Small instances: the exact model of the whole plan, hinted with the plan.
        from .cpsat import SubModel, count_arcs, make_segments

        n_cands = sum(len(c) for c in prob.cands)
        all_routes = [(e.index, k) for e in inst.experts for k in range(len(e.available))]
        segs = make_segments(sol, all_routes, None) if n_cands <= FULL_MODEL_MAX_NODES else []
        if segs and count_arcs(sol, segs) <= FULL_MODEL_MAX_ARCS:
            sub = SubModel(sol, segs)
            left = self.deadline - time.monotonic()
            status = sub.solve(
                min(left, max(1.0, 0.5 * left)),
                workers=self.workers,
                seed=self.seed,
                stopper=self.stopper,
            )
            self.note(f"full model: {status} objective {sub.objective} bound {sub.bound}")
            new = sub.new_routes()
            if new is not None and sol.try_replace(new) is not None:
                self.publish(sol.rows(), "full model")
            if sub.bound is not None and status in ("OPTIMAL", "FEASIBLE"):
                self.set_bound(sub.bound, exact=True)
            if status == "OPTIMAL" or self.proven_optimal():
                return
        if self.should_stop():
            return
        self._improve(sol, relax)

    def _improve(self, sol: Solution, relax: Relaxation | None) -> None:
        """Ruin and recreate here, and in helper processes when there are more workers."""
        from .alns import Search, polish
        from .parallel import Helper, HelperArgs

        search = Search(sol, relax, random.Random(self.seed))
        t_start = time.monotonic()
        # The last moments go to polishing the best plan (single moves, exact gains).
        end = self.deadline - min(POLISH_SECONDS, 0.03 * (self.deadline - t_start))
        span = max(1e-3, end - t_start)
        sync = min(5.0, max(0.5, span / 20))
        helpers: list[Helper] = []
        # A helper needs time to start (and to index the instance) before it pays off.
        if self.workers > 1 and span > HELPER_MIN_SECONDS + 2e-4 * len(self.inst.demands):
            for i in range(1, self.workers):
                try:
                    helper = Helper(
                        HelperArgs(
                            self.inst,
                            relax,
                            self.seed * 1000 + i,
                            dict(search.best_items),
                            t_start,
                            end,
                            THRESHOLD0,
                            sync,
                        )
                    )
                except (OSError, RuntimeError) as exc:  # no processes here: go on alone
                    self.note(f"improve: cannot start a helper process: {exc}")
                    break
                helpers.append(helper)
            self.note(f"improve: {len(helpers)} helper process(es)")
        last_sync = last_publish = time.monotonic()
        try:
            while not self.should_stop():
                now = time.monotonic()
                if now >= end:
                    break
                threshold = THRESHOLD0 * max(0.0, 1.0 - (now - t_start) / span)
                search.batch(threshold)
                if helpers and now - last_sync >= sync:
                    last_sync = now
                    self._exchange(search, helpers)
                if search.at_best() and now - last_publish >= 1.0:
                    last_publish = now
                    self.publish(sol.rows(), "improve")
        finally:
            for h in helpers:
                for score, items in h.finish(HELPER_FINISH_SECONDS):
                    search.adopt(score, items)
                if h.error is not None:
                    self.note(f"helper error: {h.error}")
        if not search.restore_best():
            self.note("could not restore the best plan; keeping the last published one")
            return
        self.note(f"improve: {search.moves} ruin-recreate moves ({search.accepted} accepted)")
        self.publish(sol.rows(), "improve")
        if not self._stop.is_set():
            gained = polish(sol, self.should_stop)
            if gained:
                self.publish(sol.rows(), "polish")

    def _exchange(self, search: Search, helpers: list[Helper]) -> None:
        for h in helpers:
            for score, items in h.poll():
                if search.adopt(score, items):
                    self.note(f"improve: took a helper's plan ({score})")
        if search.at_best():
            for h in helpers:
                h.offer(search.best, dict(search.best_items))


def plan(
    inst: Instance,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    verbose: bool = False,
) -> PlanResult:
    """Plan in the calling thread (no signal handling); return the best plan found."""
    planner = Planner(inst, time_limit, workers, seed, verbose)
    planner.run()
    return planner.best()
