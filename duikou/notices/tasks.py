"""Background work of notifications (django-tasks): delivery by e-mail and webhooks.

The database backend finds a task again by the module path of its function, so the
decorated function keeps the task's name (`deliver`).
"""

from __future__ import annotations

from django_tasks import task

from duikou.notices import delivery


@task()
def deliver(ids: list[int]) -> None:
    delivery.deliver(ids)


@task()
def sweep() -> None:
    """The periodic checks (`duikou notices_sweep`), for a scheduler that enqueues tasks."""
    from duikou.notices import sweeps

    sweeps.run_all()
