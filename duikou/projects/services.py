"""The one door for every write to projects and funds: scoped, validated, atomic, in history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from duikou.accounts.models import User
from duikou.core import bulk, publicity, servicekit, uploads
from duikou.core.history import history_entries
from duikou.core.vocab import (
    HEADQUARTERS_TRANSITIONS,
    PROJECT_TRANSITIONS,
    FlowType,
    FundingSource,
    ProjectStatus,
)
from duikou.lib.money import format_wan
from duikou.projects import notify, scopes
from duikou.projects.models import (
    AnnualPlan,
    FlowEvidence,
    MoneyFlow,
    ProgressPhoto,
    ProgressReport,
    Project,
    StatusTransition,
)

PROJECT_FIELDS = (
    "code",
    "name",
    "name_en",
    "year",
    "category",
    "county",
    "location_detail",
    "implementer",
    "pairing_city",
    "mode",
    "build_type",
    "description",
    "description_en",
    "aid_amount",
    "local_amount",
    "social_amount",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
)
# Fields an import may also set: old sheets hold projects at every stage.
IMPORT_PROJECT_FIELDS = (*PROJECT_FIELDS, "status")
FLOW_FIELDS = ("date", "type", "source", "amount", "voucher", "note")


class ConcurrentEditError(ValidationError):
    """The record changed since the form was opened; `changes` says what changed."""

    def __init__(self, changes: list[dict]):
        self.changes = changes
        super().__init__(
            _("未保存：您打开此页面后，该项目已被其他人修改。请核对下方的变更后再保存。")
        )


def _fen(value: Decimal | int | str) -> int:
    return int(Decimal(value) * 100)


def _link_annual_plan(project: Project) -> None:
    project.annual_plan = AnnualPlan.objects.filter(year=project.year).first()


def _check_county_scope(actor: User, project: Project) -> None:
    if (
        project.county_id
        and not scopes.project_counties(actor).filter(pk=project.county_id).exists()
    ):
        raise ValidationError({"county": _("所在地超出您的数据范围。")})


def _check_publish(actor: User | None, is_public: bool | None) -> None:
    if is_public is not None and actor is not None and not scopes.can_publish_project(actor):
        raise PermissionDenied(_("只有指挥部可以设置项目是否公开。"))


@transaction.atomic
def project_create(
    *, actor: User | None, via_import: bool = False, is_public: bool | None = None, **data: Any
) -> Project:
    """Create a project; it starts as 储备 unless an import states where it stands.

    `is_public` (公开, headquarters only) defaults to whether the project is out of 储备."""
    if actor is not None and not scopes.can_create_project(actor):
        raise PermissionDenied(_("您没有新建项目的权限。"))
    _check_publish(actor, is_public)
    project = Project(created_by=actor)
    servicekit.apply_fields(project, IMPORT_PROJECT_FIELDS if via_import else PROJECT_FIELDS, data)
    project.is_public = project.status != ProjectStatus.RESERVE if is_public is None else is_public
    if actor is not None:
        _check_county_scope(actor, project)
    _link_annual_plan(project)
    servicekit.save(project, actor=actor, reason=_("导入") if via_import else "")
    if via_import and project.status != ProjectStatus.RESERVE:
        StatusTransition.objects.create(
            project=project,
            from_status=ProjectStatus.RESERVE,
            to_status=project.status,
            by=actor,
            comment=_("导入时设置"),
            via_import=True,
        )
    return project


# Resolved by the caller from preloaded objects, so full_clean need not query them one by one.
_BULK_FK_FIELDS = ["county", "implementer", "pairing_city", "annual_plan", "created_by"]


def project_build(
    *, actor: User | None, plans: dict[int, AnnualPlan] | None = None, **data: Any
) -> Project:
    """A new project for `project_create_many`, validated but not saved (ValidationError).

    For an import of many rows: the relations in `data` are objects the caller has loaded, and
    `plans` (year → AnnualPlan, all of them) links the annual plan without a query per project.
    The permission and the county scope are checked once by `project_create_many`.
    """
    project = Project(created_by=actor)
    servicekit.apply_fields(project, IMPORT_PROJECT_FIELDS, data)
    project.is_public = project.status != ProjectStatus.RESERVE
    if plans is None:
        _link_annual_plan(project)
    else:
        project.annual_plan = plans.get(project.year)
    project.full_clean(exclude=_BULK_FK_FIELDS, validate_unique=False, validate_constraints=False)
    return project


@transaction.atomic
def project_create_many(
    *, actor: User | None, projects: list[Project], reason: str
) -> list[Project]:
    """Create the projects `project_build` made, in bulk with their history; a project not
    created as 储备 gets the status transition an import records (as `project_create`)."""
    if not projects:
        return []
    if actor is not None:
        if not scopes.can_create_project(actor):
            raise PermissionDenied(_("您没有新建项目的权限。"))
        allowed = set(scopes.project_counties(actor).values_list("pk", flat=True))
        for project in projects:
            if project.county_id not in allowed:
                raise ValidationError({"county": _("所在地超出您的数据范围。")})
    bulk_create_with_history(projects, Project, default_user=actor, default_change_reason=reason)
    StatusTransition.objects.bulk_create(
        [
            StatusTransition(
                project=p,
                from_status=ProjectStatus.RESERVE,
                to_status=p.status,
                by=actor,
                comment=_("导入时设置"),
                via_import=True,
            )
            for p in projects
            if p.status != ProjectStatus.RESERVE
        ]
    )
    return projects


@transaction.atomic
def project_update(
    *,
    actor: User | None,
    project: Project,
    expected_version: int | None = None,
    via_import: bool = False,
    is_public: bool | None = None,
    **data: Any,
) -> Project:
    """Update a project. A stale `expected_version` is refused with what changed meanwhile.

    `is_public` (公开) is headquarters' to set; an import that moves a project out of 储备
    publishes it, as an approval does (`project_transition`)."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    if actor is not None and not scopes.can_edit_project(actor, current):
        raise PermissionDenied(_("您没有修改该项目的权限。"))
    _check_publish(actor, is_public)
    if expected_version is not None and expected_version != current.version:
        since = current.history.filter(version__gt=expected_version).count()
        raise ConcurrentEditError(history_entries(current, limit=max(since, 1)))
    old_status = current.status
    changed = servicekit.apply_fields(
        current, IMPORT_PROJECT_FIELDS if via_import else PROJECT_FIELDS, data
    )
    if is_public is None and old_status == ProjectStatus.RESERVE != current.status:
        is_public = True
    if is_public is not None and is_public != current.is_public:
        current.is_public = is_public
        changed.append("is_public")
        publicity.public_changed()
    if not changed:
        return current
    if actor is not None and "county" in changed:
        _check_county_scope(actor, current)
    if "year" in changed:
        _link_annual_plan(current)
    current.version += 1
    servicekit.save(current, actor=actor, reason=_("导入") if via_import else "")
    if via_import and current.status != old_status:
        StatusTransition.objects.create(
            project=current,
            from_status=old_status,
            to_status=current.status,
            by=actor,
            comment=_("导入时设置"),
            via_import=True,
        )
    return current


@transaction.atomic
def project_transition(
    *,
    actor: User | None,
    project: Project,
    to_status: str,
    comment: str = "",
    actual_start: dt.date | None = None,
    actual_finish: dt.date | None = None,
) -> Project:
    """Move a project along its lifecycle; the transition is stamped with who, when and why."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    if actor is not None:
        if not scopes.can_edit_project(actor, current):
            raise PermissionDenied(_("您没有修改该项目的权限。"))
        if to_status in HEADQUARTERS_TRANSITIONS and not actor.is_headquarters:
            raise PermissionDenied(
                _("“%(status)s”须由指挥部审批，前方工作组可以提出申请。") % {"status": to_status}
            )
    allowed = PROJECT_TRANSITIONS.get(current.status, set())
    if to_status not in allowed:
        raise ValidationError(
            {
                "status": _("不能从“%(a)s”变更为“%(b)s”；可变更为：%(ok)s。")
                % {
                    "a": current.status,
                    "b": to_status,
                    "ok": "、".join(s for s in ProjectStatus.values if s in allowed) or "—",
                }
            }
        )
    if to_status in {ProjectStatus.SUSPENDED, ProjectStatus.CANCELLED} and not comment.strip():
        raise ValidationError({"comment": _("暂停或取消项目须填写原因。")})
    if actual_start is not None:
        current.actual_start = actual_start
    if actual_finish is not None:
        current.actual_finish = actual_finish
    from_status = current.status
    current.status = to_status
    if from_status == ProjectStatus.RESERVE and to_status != ProjectStatus.CANCELLED:
        # Out of the reserve into the plan: published by default (公开), headquarters may
        # take it off the portal again.
        current.is_public = True
        publicity.public_changed()
    current.version += 1
    servicekit.save(
        current,
        actor=actor,
        reason=_("状态：%(a)s → %(b)s %(c)s") % {"a": from_status, "b": to_status, "c": comment},
    )
    StatusTransition.objects.create(
        project=current, from_status=from_status, to_status=to_status, by=actor, comment=comment
    )
    notify.transition(
        current, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )
    return current


def flow_totals(project: Project, source: str) -> dict[str, Decimal]:
    """Cumulative 下达 / 拨付 / 支出 of one funding source of a project, in yuan."""
    rows = (
        MoneyFlow.objects.filter(project=project, source=source)
        .order_by()
        .values("type")
        .annotate(total=Sum("amount"))
    )
    totals = {t: Decimal("0.00") for t in FlowType.values}
    for row in rows:
        totals[row["type"]] = row["total"] or Decimal("0.00")
    return totals


def check_flow_balance(project: Project, source: str) -> None:
    """Disbursed may not exceed committed, nor spent exceed disbursed, for a funding source."""
    t = flow_totals(project, source)
    if t[FlowType.DISBURSEMENT] > t[FlowType.COMMITMENT]:
        raise ValidationError(
            {
                "amount": _("%(source)s累计拨付将达 %(d)s，超过累计下达 %(c)s（项目 %(code)s）。")
                % {
                    "source": source,
                    "d": format_wan(_fen(t[FlowType.DISBURSEMENT])),
                    "c": format_wan(_fen(t[FlowType.COMMITMENT])),
                    "code": project.code,
                }
            }
        )
    if t[FlowType.EXPENDITURE] > t[FlowType.DISBURSEMENT]:
        raise ValidationError(
            {
                "amount": _("%(source)s累计支出将达 %(e)s，超过累计拨付 %(d)s（项目 %(code)s）。")
                % {
                    "source": source,
                    "e": format_wan(_fen(t[FlowType.EXPENDITURE])),
                    "d": format_wan(_fen(t[FlowType.DISBURSEMENT])),
                    "code": project.code,
                }
            }
        )


@transaction.atomic
def flow_record(
    *, actor: User | None, project: Project, check_balance: bool = True, **data: Any
) -> MoneyFlow:
    """Record a money flow. `check_balance=False` lets an import check once after all its rows."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor is not None and not scopes.can_edit_project(actor, project):
        raise PermissionDenied(_("您没有为该项目录入资金的权限。"))
    if project.status == ProjectStatus.CANCELLED:
        raise ValidationError(
            {"project": _("项目 %(code)s 已取消，不能再录入资金。") % {"code": project.code}}
        )
    flow = MoneyFlow(project=project, created_by=actor)
    servicekit.apply_fields(flow, FLOW_FIELDS, data)
    servicekit.save(flow, actor=actor)
    if check_balance:
        check_flow_balance(project, flow.source)
    return flow


@transaction.atomic
def flow_create_many(
    *,
    actor: User | None,
    rows: list[tuple[int, Any, str, str, int, str, str]],
    reason: str,
) -> list[int]:
    """Record many flows at once (an import): `rows` of (project id, date as the database takes
    it, type, source, amount in 分, voucher, note), already checked by the caller — the
    projects editable by the actor and not cancelled, the amounts above 0 (as `flow_record`).
    The balances are left to the caller (`check_flow_balance` once every row is in place).
    Written with multi-row INSERTs and their history rows: an import may hold 100,000 flows.
    Returns the new primary keys in row order."""
    if not rows:
        return []
    user_id = actor.pk if actor is not None else None
    return bulk.insert_with_history(
        MoneyFlow,
        ["project_id", "date", "type", "source", "amount", "voucher", "note"],
        rows,
        user_id=user_id,
        reason=reason,
        constants={"created_by_id": user_id},
    )


@transaction.atomic
def flow_update(
    *, actor: User | None, flow: MoneyFlow, check_balance: bool = True, **data: Any
) -> MoneyFlow:
    flow = MoneyFlow.objects.select_for_update().get(pk=flow.pk)
    if actor is not None and not scopes.can_edit_project(actor, flow.project):
        raise PermissionDenied(_("您没有修改该资金记录的权限。"))
    old_source = flow.source
    if not servicekit.apply_fields(flow, FLOW_FIELDS, data):
        return flow
    servicekit.save(flow, actor=actor)
    if check_balance:
        for source in {old_source, flow.source}:
            check_flow_balance(flow.project, source)
    return flow


@transaction.atomic
def flow_add_evidence(*, actor: User | None, flow: MoneyFlow, file: UploadedFile) -> FlowEvidence:
    if actor is not None and not scopes.can_edit_project(actor, flow.project):
        raise PermissionDenied(_("您没有修改该资金记录的权限。"))
    uploads.check_file(file)
    held = list(flow.evidence.all())
    uploads.check_caps(
        [file.size or 0],
        existing_files=len(held),
        existing_bytes=sum(uploads.stored_size(e.file) for e in held),
    )
    evidence = FlowEvidence(flow=flow, file=file, uploaded_by=actor)
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def progress_report_create(
    *,
    actor: User | None,
    project: Project,
    date: dt.date,
    progress: int,
    text: str,
    photos: Sequence[UploadedFile] = (),
) -> ProgressReport:
    if actor is not None and not scopes.can_report_progress(actor, project):
        raise PermissionDenied(_("您没有为该项目填报进度的权限。"))
    if project.status in {ProjectStatus.CANCELLED, ProjectStatus.RESERVE}:
        raise ValidationError(_("项目状态为“%(s)s”，不能填报进度。") % {"s": project.status})
    if date and date > timezone.localdate():
        raise ValidationError({"date": _("报告日期不能晚于今天。")})
    report = ProgressReport(
        project=project, date=date, progress=progress, text=text, created_by=actor
    )
    uploads.check_caps([photo.size or 0 for photo in photos])
    for photo in photos:
        uploads.check_file(photo, kinds=(uploads.IMAGE,))
    servicekit.save(report, actor=actor)
    for photo in photos:
        item = ProgressPhoto(report=report, image=photo)
        item.full_clean()
        item.save()
    return report


def funding_sources() -> list[str]:
    return list(FundingSource.values)
