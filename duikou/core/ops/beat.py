"""The worker heartbeat: each `duikou db_worker` rewrites its WorkerBeat row every
DUIKOU_WORKER_BEAT_SECONDS, from a thread on its own connection (so a long task does not stop
the beats); /healthz calls the workers stale when the freshest beat is older than
DUIKOU_WORKER_STALE_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Max
from django.utils import timezone

from duikou.core.ops.models import WorkerBeat

DEFAULT_BEAT_SECONDS = 15
DEFAULT_STALE_SECONDS = 60
#: rows of workers that stopped without deleting theirs are dropped after a day
PRUNE_AFTER = dt.timedelta(days=1)


def beat_seconds() -> float:
    return float(getattr(settings, "DUIKOU_WORKER_BEAT_SECONDS", DEFAULT_BEAT_SECONDS))


def stale_seconds() -> float:
    return float(getattr(settings, "DUIKOU_WORKER_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def beat(worker_id: str, started_at: dt.datetime) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def last_beat_age(now: dt.datetime | None = None) -> float | None:
    """Seconds since the freshest beat of any worker (None: no worker ever beat). One query."""
    last = WorkerBeat.objects.aggregate(last=Max("beat_at"))["last"]
    if last is None:
        return None
    return max(0.0, ((now or timezone.now()) - last).total_seconds())


class Heartbeat:
    """Started by the worker command; `stop()` deletes the row (a clean stop is no failure)."""

    def __init__(self, worker_id: str, every: float | None = None) -> None:
        self.worker_id = worker_id
        self.every = every if every is not None else beat_seconds()
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="duikou-worker-beat", daemon=True)

    def start(self) -> Heartbeat:
        beat(self.worker_id, self.started_at)  # at once: /healthz sees a new worker at start
        WorkerBeat.objects.filter(beat_at__lt=timezone.now() - PRUNE_AFTER).delete()
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    beat(self.worker_id, self.started_at)
                except DatabaseError:
                    # The database is away (restart): the next beat reconnects.
                    connections["default"].close()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.every + 5)
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            pass
