"""Periodic checks that notify (`duikou notices_sweep`, daily by cron or the demo): a ledger
registers one from its AppConfig.ready(), e.g. projects' sweep of new alerts. Each sweep tells
a user of an event once (`notify(key=…)`), so running it twice tells nobody twice."""

from __future__ import annotations

from collections.abc import Callable

_sweeps: dict[str, Callable[[], int]] = {}


def register(name: str, sweep: Callable[[], int]) -> None:
    """`sweep()` notifies what is new and returns how many notifications it wrote."""
    _sweeps[name] = sweep


def run_all() -> dict[str, int]:
    return {name: sweep() for name, sweep in sorted(_sweeps.items())}
