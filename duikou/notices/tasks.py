"""Background work of notifications (django-tasks): delivery by e-mail and webhooks.

The database backend finds a task again by the module path of its function, so the
decorated function keeps the task's name (`deliver`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from duikou.notices import delivery

log = logging.getLogger("duikou.notices")

#: the waits before the second, third and fourth tries of a channel that failed
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30))


@task()
def deliver(ids: list[int], attempt: int = 1) -> None:
    """Send the notifications; what a channel failed to carry is tried again later, each retry
    a task of its own (a worker restart loses nothing), up to len(RETRY_AFTER) times."""
    delivery.deliver(ids)
    left = delivery.undelivered(ids)
    if not left:
        return
    if attempt > len(RETRY_AFTER):
        log.warning("%d notices undelivered after %d tries; left to the bell", len(left), attempt)
        return
    retry = deliver
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + RETRY_AFTER[attempt - 1])
    retry.enqueue(left, attempt + 1)


@task()
def sweep() -> None:
    """The periodic checks (`duikou notices_sweep`), for a scheduler that enqueues tasks."""
    from duikou.notices import sweeps

    sweeps.run_all()
