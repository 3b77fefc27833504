"""What the run services share: who may act, and which statuses allow what."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from duikou.orders.models import RunStatus
from duikou.orders.scopes import can_plan

#: a run whose plan can be edited and confirmed
EDITABLE = (RunStatus.DONE, RunStatus.STOPPED)
#: a run the planner has not finished
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def require_planner(actor) -> None:
    """Only `can_plan` users act; actor=None is the system (the demo, the task)."""
    if actor is not None and not can_plan(actor):
        raise PermissionDenied(_("只有指挥部可以发起、调整和确认排班。"))
