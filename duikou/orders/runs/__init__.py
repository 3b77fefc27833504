"""Planning runs: the one door for starting, stopping, editing and confirming a run.

* lifecycle.py: create (the period's instance frozen by planning_data), run the planner in
  the background task, stop, re-run, and the waiting/interrupted states;
* edits.py: manual edits of the current plan, each checked against the five rules of
  design/visit-planning.md by the planner's validator and explained by duikou.planning.explain;
* confirm.py: the current plan into scheduled visits, all or nothing, never double-booking.

Every write is in a transaction and leaves history; refusals are ValidationErrors with a
Chinese message; only `can_plan` users act (actor=None is the system: the demo, the task).
Record ids, names and the wording of the rules are planning_data's (the adapter).
"""

from duikou.orders.runs.common import ACTIVE, EDITABLE, require_planner
from duikou.orders.runs.confirm import run_confirm
from duikou.orders.runs.edits import plan_edit
from duikou.orders.runs.lifecycle import (
    MAX_PERIOD_DAYS,
    PROGRESS_EVERY,
    STALE_AFTER,
    TIME_LIMIT_MAX,
    TIME_LIMIT_MIN,
    is_interrupted,
    is_waiting_long,
    run_create,
    run_execute,
    run_mark_if_stale,
    run_rerun,
    run_stop,
    runs_sweep,
)

__all__ = [
    "ACTIVE",
    "EDITABLE",
    "MAX_PERIOD_DAYS",
    "PROGRESS_EVERY",
    "STALE_AFTER",
    "TIME_LIMIT_MAX",
    "TIME_LIMIT_MIN",
    "is_interrupted",
    "is_waiting_long",
    "plan_edit",
    "require_planner",
    "run_confirm",
    "run_create",
    "run_execute",
    "run_mark_if_stale",
    "run_rerun",
    "run_stop",
    "runs_sweep",
]
