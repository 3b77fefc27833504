"""Alerts (预警) on lagging projects, computed from records on every read.

Thresholds are settings (DUIKOU_ALERTS) so the headquarters can tune them without code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.fields import MoneyField
from duikou.core.vocab import FlowType, ProjectStatus
from duikou.projects.models import MoneyFlow, ProgressReport, Project

DEFAULTS = {
    "not_started_days": 30,  # no actual start this many days after the planned start
    "no_report_days": 45,  # under construction and no progress report for this many days
    "disbursement_lag_points": 25,  # 拨付/下达 behind the year's elapsed time by more points
}

KINDS = {
    "not_started": gettext_lazy("逾期未开工"),
    "no_report": gettext_lazy("长期未报进度"),
    "slow_disbursement": gettext_lazy("拨付滞后"),
    "finished_late": gettext_lazy("逾期完工"),
    "overdue": gettext_lazy("超期未完工"),
    "over_budget": gettext_lazy("下达超预算"),
}
ACTIVE = [ProjectStatus.RESERVE, ProjectStatus.APPROVED, ProjectStatus.BUILDING]


def thresholds() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "DUIKOU_ALERTS", {})}


@dataclass(frozen=True)
class Alert:
    kind: str
    project: Project
    message: str

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def _year_elapsed(year: int, today: dt.date) -> Decimal:
    """Share of the plan year gone by on `today`, in percent (0 before, 100 after)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(100)
    return Decimal((today - start).days * 100) / Decimal((end - start).days)


def flow_sum(flow_type: str) -> Subquery:
    """Per-project total of one flow type, as a subquery annotation (yuan)."""
    return Subquery(
        MoneyFlow.objects.filter(project=OuterRef("pk"), type=flow_type)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=MoneyField(),
    )


def _annotated(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects that can raise alerts (not cancelled), with what the checks read."""
    # Subqueries, not joins: joining reports and flows at once would multiply the sums.
    return projects.exclude(status=ProjectStatus.CANCELLED).annotate(
        last_report=Subquery(
            ProgressReport.objects.filter(project=OuterRef("pk"))
            .order_by("-date")
            .values("date")[:1]
        ),
        committed=flow_sum(FlowType.COMMITMENT),
        disbursed=flow_sum(FlowType.DISBURSEMENT),
    )


def _checks(p: Any, today: dt.date, t: dict[str, int]) -> list[tuple[str, str]]:
    """The alerts (kind, message) of one annotated project (a Project or a row of its fields)."""
    found: list[tuple[str, str]] = []
    if (
        p.status in {ProjectStatus.RESERVE, ProjectStatus.APPROVED}
        and p.planned_start
        and not p.actual_start
        and (today - p.planned_start).days > t["not_started_days"]
    ):
        days = (today - p.planned_start).days
        found.append(
            (
                "not_started",
                _("计划 %(date)s 开工，已过 %(days)s 天仍未开工。")
                % {"date": p.planned_start.isoformat(), "days": days},
            )
        )
    if p.status == ProjectStatus.BUILDING:
        since = p.last_report or p.actual_start
        if since and (today - since).days > t["no_report_days"]:
            found.append(
                (
                    "no_report",
                    _("在建项目自 %(date)s 起 %(days)s 天未报送进度。")
                    % {"date": since.isoformat(), "days": (today - since).days},
                )
            )
    committed = p.committed or Decimal(0)
    disbursed = p.disbursed or Decimal(0)
    if committed > 0 and p.status in ACTIVE:
        rate = disbursed * 100 / committed
        elapsed = _year_elapsed(p.year, today)
        if elapsed - rate > t["disbursement_lag_points"]:
            found.append(
                (
                    "slow_disbursement",
                    _("拨付率 %(rate)s%%，落后于年度时间进度 %(elapsed)s%%。")
                    % {"rate": f"{rate:.0f}", "elapsed": f"{elapsed:.0f}"},
                )
            )
    if p.planned_finish:
        if p.actual_finish and p.actual_finish > p.planned_finish:
            found.append(
                (
                    "finished_late",
                    _("计划 %(plan)s 完工，实际 %(actual)s 完工，晚 %(days)s 天。")
                    % {
                        "plan": p.planned_finish.isoformat(),
                        "actual": p.actual_finish.isoformat(),
                        "days": (p.actual_finish - p.planned_finish).days,
                    },
                )
            )
        elif not p.actual_finish and p.status in ACTIVE and today > p.planned_finish:
            found.append(
                (
                    "overdue",
                    _("计划 %(plan)s 完工，已超期 %(days)s 天。")
                    % {
                        "plan": p.planned_finish.isoformat(),
                        "days": (today - p.planned_finish).days,
                    },
                )
            )
    budget = p.total_amount
    if committed > budget:
        found.append(
            (
                "over_budget",
                _("累计下达 %(c)s 元，超过项目预算 %(b)s 元。") % {"c": committed, "b": budget},
            )
        )
    return found


def _sorted(alerts: list[Alert]) -> list[Alert]:
    order = list(KINDS)
    alerts.sort(key=lambda a: (order.index(a.kind), a.project.code))
    return alerts


def compute_alerts(projects: QuerySet[Project], today: dt.date | None = None) -> list[Alert]:
    """Every alert of the given projects (already scoped to the user), worst first."""
    today = today or timezone.localdate()
    t = thresholds()
    alerts = [
        Alert(kind, p, message)
        for p in _annotated(projects)
        for kind, message in _checks(p, today, t)
    ]
    return _sorted(alerts)


#: the fields the checks read, fetched as plain rows by `light_alerts`
_CHECKED = (
    "pk",
    "code",
    "year",
    "status",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "aid_amount",
    "local_amount",
    "social_amount",
    "last_report",
    "committed",
    "disbursed",
)


def light_alerts(projects: QuerySet[Project], today: dt.date | None = None) -> list[Alert]:
    """The alerts of `compute_alerts`, each on a row of the checked fields (pk, code, …) rather
    than a Project: for counting and filtering the alerts of tens of thousands of projects."""
    today = today or timezone.localdate()
    t = thresholds()
    alerts = []
    for row in _annotated(projects).values(*_CHECKED):
        p = SimpleNamespace(
            **row, total_amount=row["aid_amount"] + row["local_amount"] + row["social_amount"]
        )
        alerts.extend(Alert(kind, p, message) for kind, message in _checks(p, today, t))  # type: ignore[arg-type]
    return _sorted(alerts)


def alert_summary(
    projects: QuerySet[Project], worst: int, today: dt.date | None = None
) -> tuple[int, int, list[ProjectAlerts]]:
    """The number of alerts, the number of projects with alerts, and the `worst` projects'
    rows of `by_project` (with their Project and county), without building every project."""
    rows = by_project(light_alerts(projects, today))
    top = rows[:worst]
    found = Project.objects.select_related("county").in_bulk([r.project.pk for r in top])
    worst_rows = []
    for r in top:
        project = found[r.project.pk]
        worst_rows.append(
            ProjectAlerts(project, [Alert(a.kind, project, a.message) for a in r.alerts])
        )
    return sum(len(r.alerts) for r in rows), len(rows), worst_rows


@dataclass(frozen=True)
class ProjectAlerts:
    """One project and all its alerts, worst first (a dashboard row)."""

    project: Project
    alerts: list[Alert]

    @property
    def labels(self) -> list[str]:
        return [a.label for a in self.alerts]


def by_project(alerts: list[Alert]) -> list[ProjectAlerts]:
    """The alerts grouped by project, one entry per project: the projects in the order of
    their worst alert (then by code), each with its alerts in the order of KINDS."""
    grouped: dict[int, list[Alert]] = {}
    for a in alerts:  # compute_alerts sorts worst first, so each list stays in that order
        grouped.setdefault(a.project.pk, []).append(a)
    order = list(KINDS)
    rows = [ProjectAlerts(items[0].project, items) for items in grouped.values()]
    rows.sort(key=lambda r: (order.index(r.alerts[0].kind), r.project.code))
    return rows
