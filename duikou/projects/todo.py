"""Projects' to-dos (duikou.notices.todo), read through the user's scoped querysets:

- county team: projects with alerts; projects under construction whose last progress report
  (or start) is more than a month old; this year's 拨付/支出 flows without a voucher file;
- headquarters: approvals waiting — reserve projects for 立项, completed ones for 验收.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active
from duikou.core.vocab import FlowType, ProjectStatus
from duikou.notices.todo import SHOWN, Record, Todo
from duikou.projects import scopes
from duikou.projects.alerts import compute_alerts
from duikou.projects.models import FlowEvidence, Project

#: a project under construction reports at least monthly
REPORT_EVERY_DAYS = 30


def _project_record(p: Project, note: str = "") -> Record:
    return Record(label=str(p), url=p.get_absolute_url(), note=note)


def reports_due(user: User, today: dt.date) -> list[Project]:
    cutoff = today - dt.timedelta(days=REPORT_EVERY_DAYS)
    qs = (
        scopes.projects_for_user(user)
        .filter(status=ProjectStatus.BUILDING)
        .annotate(last_report=Max("reports__date"))
        .filter(
            Q(last_report__lt=cutoff)
            | Q(last_report=None, actual_start__lt=cutoff)
            | Q(last_report=None, actual_start=None)
        )
        .order_by("code")
    )
    return list(qs)


def flows_without_evidence(user: User, today: dt.date):
    return (
        scopes.flows_for_user(user)
        .filter(type__in=[FlowType.DISBURSEMENT, FlowType.EXPENDITURE], date__year=today.year)
        .filter(~Q(Exists(FlowEvidence.objects.filter(flow=OuterRef("pk")))))
        .select_related("project")
        .order_by("date", "pk")
    )


def provider(user: User) -> list[Todo]:
    if not active(user):
        return []
    today = timezone.localdate()
    group = _("项目资金")
    items: list[Todo] = []
    if user.role == Role.COUNTY_TEAM:
        alerts = compute_alerts(scopes.projects_for_user(user), today)
        flagged: dict[int, list] = {}
        for a in alerts:
            flagged.setdefault(a.project.pk, []).append(a)
        items.append(
            Todo(
                group=group,
                title=_("有预警的项目"),
                count=len(flagged),
                url=reverse("projects:alerts"),
                records=[
                    _project_record(found[0].project, "、".join(a.label for a in found))
                    for found in list(flagged.values())[:SHOWN]
                ],
            )
        )
        due = reports_due(user, today)
        items.append(
            Todo(
                group=group,
                title=_("在建项目超过一个月未报进度"),
                count=len(due),
                url=reverse("projects:project_list")
                + "?"
                + urlencode({"status": ProjectStatus.BUILDING}),
                records=[
                    _project_record(
                        p,
                        _("上次报告 %(d)s") % {"d": p.last_report.isoformat()}
                        if p.last_report
                        else _("尚无进度报告"),
                    )
                    for p in due[:SHOWN]
                ],
            )
        )
        flows = flows_without_evidence(user, today)
        count = flows.count()
        items.append(
            Todo(
                group=group,
                title=_("今年的拨付、支出记录尚未上传凭证"),
                count=count,
                url=reverse("projects:project_list"),
                records=[
                    Record(
                        label=f"{f.project} · {f.type} {f.amount} 元",
                        url=f.project.get_absolute_url(),
                        note=f.date.isoformat(),
                    )
                    for f in flows[:SHOWN]
                ]
                if count
                else [],
            )
        )
    if user.role == Role.HEADQUARTERS:
        projects = scopes.projects_for_user(user)
        for status, title in (
            (ProjectStatus.RESERVE, _("储备项目待立项审批")),
            (ProjectStatus.COMPLETED, _("完工项目待验收")),
        ):
            qs = projects.filter(status=status).order_by("code")
            count = qs.count()
            items.append(
                Todo(
                    group=_("审批"),
                    title=title,
                    count=count,
                    url=reverse("projects:project_list") + "?" + urlencode({"status": status}),
                    records=[_project_record(p) for p in qs[:SHOWN]] if count else [],
                )
            )
    return items
