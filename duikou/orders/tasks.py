"""Background work of the planning pages (django-tasks): running the planner on a run.

The database backend finds a task again by the module path of its function, so the
decorated function keeps the task's name (`plan_run`).
"""

from __future__ import annotations

from django_tasks import task

from duikou.orders import runs


@task()
def plan_run(run_id: int) -> None:
    """Plan a queued PlanningRun (runs.run_execute), writing its progress as it goes."""
    runs.run_execute(run_id)
