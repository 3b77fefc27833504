"""Liveness of background tasks (imports, planning runs): a heartbeat and the stale test.

A running task writes `heartbeat_at` on its row every few seconds (its progress callback, and
`beating()` for the stretches without progress: an import's write phase, an undo). A row in a
running status whose heartbeat (or start, if none) is older than DUIKOU_TASK_STALE_SECONDS has
lost its worker (killed, machine restarted): the owning app marks it failed, with STALE_MESSAGE,
when its status is read and in the periodic sweep (`duikou tasks_sweep`). Its work was one
transaction, so a killed worker wrote nothing and the task can be run again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: seconds between two heartbeats written by `beating()`
BEAT_EVERY = 5.0
DEFAULT_STALE_SECONDS = 120

STALE_MESSAGE = _("后台任务已中断（工作进程停止响应），未写入任何数据，可重新运行。")


def stale_seconds() -> int:
    return int(getattr(settings, "DUIKOU_TASK_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Heartbeats older than this moment belong to a dead worker."""
    return (now or timezone.now()) - dt.timedelta(seconds=stale_seconds())


def is_stale(last_sign: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Is the last sign of life (heartbeat, else the start) older than the timeout?"""
    return last_sign is not None and last_sign < stale_before(now)


@contextmanager
def beating(rows: QuerySet, *, every: float = BEAT_EVERY) -> Iterator[None]:
    """Write `heartbeat_at` on `rows` now and every `every` seconds until the block ends.

    The beats come from a thread on its own database connection, so they go on while the
    task's thread is busy (a long transaction). A beat that cannot be written (the row or the
    SQLite file is locked by that very transaction) is skipped: the reader that would mark the
    row stale cannot write either, and sees the beat once the transaction ends.
    """
    rows.update(heartbeat_at=timezone.now())
    stop = threading.Event()
    db = rows.db

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    rows.update(heartbeat_at=timezone.now())
                except DatabaseError:
                    pass
        finally:
            connections[db].close()

    thread = threading.Thread(target=beat, name="duikou-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(every + 10)


#: each app that runs tasks registers how to sweep its rows (AppConfig.ready)
_sweeps: dict[str, Callable[[], int]] = {}


def register_sweep(name: str, sweep: Callable[[], int]) -> None:
    _sweeps[name] = sweep


def sweep_all() -> dict[str, int]:
    """Mark every row whose worker died, app by app (`duikou tasks_sweep`)."""
    return {name: sweep() for name, sweep in sorted(_sweeps.items())}


def mark_stale(mark: Callable[[], int]) -> int:
    """Run a conditional "mark failed" update; a locked database means a writer is alive."""
    try:
        with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
            return mark()
    except DatabaseError:
        return 0
