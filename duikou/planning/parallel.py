"""Helper processes: more ruin-and-recreate searches, sharing their best plans.

Ruin and recreate is pure Python, so a second thread would only wait for the GIL; extra
workers are therefore separate processes (multiprocessing, "spawn": safe beside the
threads of the parent).  Each helper starts from the parent's plan with its own seed and
runs the same threshold-accepting search.  Every `sync` seconds it reports its best score
(and routes, when they changed) and takes the parent's plan if that is better; the parent
does the same with every helper's report (an island model).  At the end the parent asks
for the final plans and keeps the best.  Helpers never see SIGINT or SIGTERM (blocked, see
solver.run): the parent stops them.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .alns import Search
from .instance import Instance
from .relax import Relaxation
from .routes import Problem, Solution

Items = dict[tuple[int, int], list[int]]


@dataclass(slots=True)
class HelperArgs:
    inst: Instance
    relax: Relaxation | None
    seed: int
    items: Items
    t_start: float  # time.monotonic() of the parent: CLOCK_MONOTONIC is system-wide
    deadline: float
    threshold0: float
    sync: float


def helper_main(conn: Connection, args: HelperArgs) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        prob = Problem(args.inst)
        sol = Solution(prob)
        if sol.try_replace(args.items) is None:
            conn.send(("error", "could not load the starting plan"))
            return
        search = Search(sol, args.relax, random.Random(args.seed))
        span = max(1e-3, args.deadline - args.t_start)
        last_sync = time.monotonic()
        sent = search.best
        conn.send(("ready", search.best, None))
        while True:
            now = time.monotonic()
            if now >= args.deadline:
                break
            threshold = args.threshold0 * max(0.0, 1.0 - (now - args.t_start) / span)
            search.batch(threshold)
            if now - last_sync >= args.sync:
                last_sync = now
                if search.best > sent:
                    sent = search.best
                    conn.send(("best", search.best, dict(search.best_items)))
                stop = False
                while conn.poll():
                    msg = conn.recv()
                    if msg[0] == "adopt":
                        search.adopt(msg[1], msg[2])
                    elif msg[0] == "stop":
                        stop = True
                if stop:
                    break
        conn.send(("final", search.best, dict(search.best_items) if search.best > sent else None))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass
    except BaseException as exc:  # report, never hang the parent
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        except (OSError, ValueError):
            pass
    finally:
        conn.close()


class Helper:
    """The parent's handle on one helper process."""

    def __init__(self, args: HelperArgs) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=helper_main, args=(child, args), daemon=True)
        self.proc.start()
        child.close()
        self.known = -(1 << 62)  # best score the helper is known to hold
        self.error: str | None = None
        self.done = False

    def poll(self) -> list[tuple[int, Items]]:
        """Plans the helper reported since the last poll (score, routes)."""
        out: list[tuple[int, Items]] = []
        try:
            while not self.done and self.conn.poll():
                msg: Any = self.conn.recv()
                kind = msg[0]
                if kind == "error":
                    self.error = msg[1]
                    self.done = True
                    continue
                score, items = msg[1], msg[2]
                self.known = max(self.known, score)
                if items is not None:
                    out.append((score, items))
                if kind == "final":
                    self.done = True
        except (EOFError, OSError):
            self.done = True
        return out

    def offer(self, score: int, items: Items) -> None:
        if self.done or score <= self.known:
            return
        try:
            self.conn.send(("adopt", score, items))
            self.known = score
        except (OSError, ValueError):
            self.done = True

    def finish(self, timeout: float) -> list[tuple[int, Items]]:
        """Ask for the final plan; wait at most `timeout` seconds for it."""
        out: list[tuple[int, Items]] = []
        if not self.done:
            try:
                self.conn.send(("stop",))
            except (OSError, ValueError):
                self.done = True
        end = time.monotonic() + timeout
        while not self.done:
            left = end - time.monotonic()
            if left <= 0:
                break
            try:
                if self.conn.poll(min(left, 0.05)):
                    out.extend(self.poll())
            except (EOFError, OSError):
                break
        self.close()
        return out

    def close(self) -> None:
        self.done = True
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.join(0.05)
        if self.proc.is_alive():
            self.proc.kill()  # SIGTERM may be blocked in helpers (see solver.run)
            self.proc.join(0.5)
