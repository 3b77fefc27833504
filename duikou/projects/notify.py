"""Who projects tells, of what (duikou.notices): an approval (立项/验收) given or refused, an
alert raised. Recipients: the county team of the project's county, and for alerts headquarters.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core.vocab import ProjectStatus
from duikou.notices import recipients, services
from duikou.notices.models import Kind
from duikou.projects.alerts import compute_alerts
from duikou.projects.models import Project


def transition(
    project: Project, *, actor: User | None, from_status: str, to_status: str, comment: str
) -> int:
    """立项 or 验收 given, or 立项 refused (a reserve project cancelled by headquarters)."""
    given = to_status in {ProjectStatus.APPROVED, ProjectStatus.ACCEPTED}
    refused = from_status == ProjectStatus.RESERVE and to_status == ProjectStatus.CANCELLED
    if not (given or refused):
        return 0
    if actor is not None and not actor.is_headquarters:
        return 0  # a county team withdrawing its own reserve project is not a refusal
    facts = {"project": str(project), "a": from_status, "b": to_status, "c": comment}
    if given:
        kind = Kind.APPROVAL_GIVEN
        title = (
            _("立项已批准：%(project)s")
            if to_status == ProjectStatus.APPROVED
            else _("验收已通过：%(project)s")
        ) % facts
    else:
        kind = Kind.APPROVAL_REFUSED
        title = _("立项未通过：%(project)s") % facts
    body = _("状态：%(a)s → %(b)s。") % facts
    if comment:
        body += _("意见：%(c)s") % facts
    who = recipients.users(recipients.county_teams_of(project.county), exclude=actor)
    return len(
        services.notify(
            recipients=who,
            kind=kind,
            title=title,
            body=body,
            link=project.get_absolute_url(),
            source=project,
        )
    )


def alerts_sweep() -> int:
    """Tell the county team and headquarters of every alert not told before (daily)."""
    hq = list(recipients.headquarters())
    teams: dict[int, list[User]] = {}
    events = []
    for alert in compute_alerts(Project.objects.select_related("county")):
        p = alert.project
        if p.county_id not in teams:
            teams[p.county_id] = list(recipients.county_teams_of(p.county))
        events.append(
            services.Event(
                recipients=recipients.users(teams[p.county_id], hq),
                kind=Kind.ALERT_RAISED,
                title=_("新预警（%(label)s）：%(project)s") % {"label": alert.label, "project": p},
                body=alert.message,
                link=p.get_absolute_url(),
                source=p,
                key=f"alert:{alert.kind}:{p.pk}",
            )
        )
    return len(services.notify_many(events))
