"""Stopping CP-SAT searches from another thread (Ctrl-C, time-out)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Stopper:
    """Stops the searches running now (CP-SAT, GLOP), from any thread.

    stop() may be called again and again: a search that was just starting when the first
    call came is caught by the next one, and a search that starts after it is not run.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stops: dict[int, Callable[[], object]] = {}
        self.stopped = False

    def attach(self, key: object, stop: Callable[[], object]) -> None:
        """Register `stop` (e.g. a CpSolver's stop_search) while `key` runs."""
        with self._lock:
            self._stops[id(key)] = stop
        if self.stopped:
            stop()

    def detach(self, key: object) -> None:
        with self._lock:
            self._stops.pop(id(key), None)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            stops = list(self._stops.values())
        for stop in stops:
            stop()
