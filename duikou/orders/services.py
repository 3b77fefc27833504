"""The one door for every write to demands and visits: scoped, validated, atomic, in history.

`actor=None` is a system load (the demo, an import): no scope checks, and the rules that only
make sense for a person typing now (a window already over, the default priority) are skipped.

Priority: a demand starts at 5. Only headquarters sets another priority, at creation or later
(`demand_set_priority`); a liaison or county team states urgency in the note, and headquarters
weighs the requests of all counties against each other — a priority every site may raise
itself would soon be 10 everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import servicekit
from duikou.core.models import Organisation
from duikou.core.vocab import DEMAND_ORG_KINDS, Field, Side
from duikou.orders import notify, scopes, skills
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.people.models import Achievement, Person

DEFAULT_PRIORITY = 5
MAX_DAYS = 90
#: a withdrawal's reason is kept in the history row, whose column holds 100 characters
WITHDRAW_REASON_MAX = 80
#: the fields `demand_update` may change (priority only by headquarters)
DEMAND_FIELDS = (
    "organisation",
    "skill",
    "service_kind",
    "days",
    "earliest_start",
    "latest_end",
    "priority",
    "preferred_experts",
    "title",
    "note",
)
EXPERT_FIELDS = (Field.MEDICAL, Field.EDUCATION)


class DemandConflictError(ValidationError):
    """The demand changed since the form was opened; `changes` are the history entries since."""

    def __init__(self, message: str, changes: list[dict]):
        self.changes = changes
        super().__init__(message)


# Checks ----------------------------------------------------------------------------------------


def _check_int(errors: dict, field: str, value: object, low: int, high: int, message: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.setdefault(field, []).append(message)


def _check_demand(
    *,
    actor: User | None,
    organisation: Organisation | None,
    skill: str,
    days: Any,
    earliest_start: dt.date | None,
    latest_end: dt.date | None,
    priority: Any,
    check_past: bool,
) -> dict[str, list]:
    """Every rule of a demand's facts; the errors keyed by field, in Chinese."""
    errors: dict[str, list] = {}
    if organisation is None:
        errors["organisation"] = [_("请选择需求单位。")]
    elif organisation.side != Side.AIDED or organisation.kind not in DEMAND_ORG_KINDS:
        errors["organisation"] = [
            _("“%(org)s”不是海西（受援方）的医院或学校，不能提交服务需求。")
            % {"org": organisation.name}
        ]
    elif actor is not None and not (
        scopes.demand_orgs_for_user(actor).filter(pk=organisation.pk).exists()
    ):
        errors["organisation"] = [_("“%(org)s”超出您的数据范围。") % {"org": organisation.name}]
    if not skill or skills.field_of(skill) is None:
        errors["skill"] = [
            _("“%(skill)s”不在科室/学科目录中，请从列表中选择。") % {"skill": skill}
            if skill
            else _("请选择所需专业。")
        ]
    _check_int(
        errors, "days", days, 1, MAX_DAYS, _("所需天数应为 1 到 %(max)s 天。") % {"max": MAX_DAYS}
    )
    _check_int(errors, "priority", priority, 1, 10, _("优先级应在 1 到 10 之间。"))
    if earliest_start is None:
        errors["earliest_start"] = [_("请填写最早开始日期。")]
    if latest_end is None:
        errors["latest_end"] = [_("请填写最晚结束日期。")]
    if earliest_start and latest_end:
        window = (latest_end - earliest_start).days + 1
        if latest_end < earliest_start:
            errors["latest_end"] = [
                _("最晚结束（%(end)s）早于最早开始（%(start)s）。")
                % {"end": latest_end.isoformat(), "start": earliest_start.isoformat()}
            ]
        elif "days" not in errors and window < days:
            errors["latest_end"] = [
                _(
                    "服务窗口 %(start)s 至 %(end)s 只有 %(window)s 天，少于所需 %(days)s 天。"
                    "请放宽日期或减少天数。"
                )
                % {
                    "start": earliest_start.isoformat(),
                    "end": latest_end.isoformat(),
                    "window": window,
                    "days": days,
                }
            ]
        elif check_past and latest_end < timezone.localdate():
            errors["latest_end"] = [
                _("最晚结束 %(end)s 已经过去，请填写今后的日期。") % {"end": latest_end.isoformat()}
            ]
    return errors


def _experts(preferred: Iterable) -> tuple[list[Person], list[str]]:
    """The preferred experts as Persons (given as Persons or ids), and the errors."""
    items = list(preferred or ())
    ids = [p.pk if isinstance(p, Person) else p for p in items]
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        return [], [_("希望的专家无法识别，请从列表中选择。")]
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related("postings")}
    errors = []
    missing = [i for i in ids if i not in found]
    if missing:
        errors.append(
            _("希望的专家中有 %(n)s 人不存在（编号 %(ids)s）。")
            % {"n": len(missing), "ids": "、".join(str(i) for i in missing)}
        )
    people = [found[i] for i in dict.fromkeys(ids) if i in found]
    for p in people:
        if not any(post.field in EXPERT_FIELDS for post in p.postings.all()):
            errors.append(
                _("“%(name)s”没有医疗或教育领域的派驻记录，不能作为希望的专家。") % {"name": p.name}
            )
    return people, errors


def _reason(text: str) -> str:
    """A history change reason: the history column holds 100 characters."""
    return text if len(text) <= 100 else text[:99] + "…"


def _check_reason(reason: str, label: str, limit: int) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写%(what)s。") % {"what": label}})
    if len(reason) > limit:
        raise ValidationError(
            {"reason": _("%(what)s最多 %(n)s 字。") % {"what": label, "n": limit}}
        )
    return reason


# Demands -------------------------------------------------------------------------------------


@transaction.atomic
def demand_create(
    *,
    actor: User | None,
    organisation: Organisation,
    skill: str,
    service_kind: str,
    days: int,
    earliest_start: dt.date,
    latest_end: dt.date,
    priority: int = DEFAULT_PRIORITY,
    preferred_experts: Iterable = (),
    title: str = "",
    note: str = "",
    posted_at: dt.datetime | None = None,
) -> Demand:
    """Post a demand for a Haixi hospital or school (待安排)."""
    if actor is not None and not scopes.can_post_demand(actor):
        raise PermissionDenied(_("您没有提交服务需求的权限。"))
    skill = (skill or "").strip()
    errors = _check_demand(
        actor=actor,
        organisation=organisation,
        skill=skill,
        days=days,
        earliest_start=earliest_start,
        latest_end=latest_end,
        priority=priority,
        check_past=actor is not None,
    )
    if (
        actor is not None
        and priority != DEFAULT_PRIORITY
        and not scopes.can_set_priority(actor)
        and "priority" not in errors
    ):
        errors["priority"] = [_("优先级由指挥部统一调整；如需求紧急，请在“说明”中写明原因。")]
    people, expert_errors = _experts(preferred_experts)
    if expert_errors:
        errors["preferred_experts"] = expert_errors
    if errors:
        raise ValidationError(errors)
    demand = Demand(
        organisation=organisation,
        skill=skill,
        skill_field=skills.field_of(skill) or "",
        service_kind=service_kind,
        days=days,
        earliest_start=earliest_start,
        latest_end=latest_end,
        priority=priority,
        title=(title or "").strip(),
        note=(note or "").strip(),
        posted_by=actor,
        status=DemandStatus.OPEN,
    )
    if posted_at is not None:
        demand.posted_at = posted_at
    servicekit.save(demand, actor=actor)
    if people:
        demand.preferred_experts.set(people)
    return demand


def _conflict(current: Demand, expected_version: int) -> DemandConflictError:
    from duikou.core.history import history_entries

    since = current.history.filter(version__gt=expected_version).count()
    changes = history_entries(current, limit=max(since, 1))
    last = changes[0] if changes else None
    if last is not None:
        message = _(
            "未保存：您打开此页面后，%(who)s 于 %(when)s 修改了该需求。请核对最新内容后再保存。"
        ) % {
            "who": last["who"],
            "when": timezone.localtime(last["when"]).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        message = _("未保存：您打开此页面后，该需求已被他人修改。请核对最新内容后再保存。")
    return DemandConflictError(message, changes)


@transaction.atomic
def demand_update(
    *,
    actor: User | None,
    demand: Demand,
    expected_version: int | None = None,
    **fields: Any,
) -> Demand:
    """Change an open demand (待安排); a stale `expected_version` is refused with who changed it."""
    unknown = set(fields) - set(DEMAND_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = Demand.objects.select_for_update().get(pk=demand.pk)
    if actor is not None and not scopes.demands_for_user(actor).filter(pk=current.pk).exists():
        raise PermissionDenied(_("您没有修改该需求的权限。"))
    if current.status != DemandStatus.OPEN:
        raise ValidationError(
            _("该需求已“%(status)s”，不能再修改。") % {"status": current.get_status_display()}
        )
    if actor is not None and not scopes.can_edit_demand(actor, current):
        raise PermissionDenied(_("您没有修改该需求的权限。"))
    if expected_version is not None and expected_version != current.version:
        raise _conflict(current, expected_version)
    preferred = fields.pop("preferred_experts", None)
    if "skill" in fields:
        fields["skill"] = (fields["skill"] or "").strip()
    for key in ("title", "note"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    changed = [k for k, v in fields.items() if getattr(current, k) != v]
    if actor is not None and "priority" in changed and not scopes.can_set_priority(actor):
        raise ValidationError(
            {"priority": [_("优先级由指挥部统一调整；如需求紧急，请在“说明”中写明原因。")]}
        )
    merged = {
        k: fields.get(k, getattr(current, k))
        for k in ("organisation", "skill", "days", "earliest_start", "latest_end", "priority")
    }
    errors = _check_demand(
        actor=actor if "organisation" in changed else None,
        check_past=actor is not None
        and bool({"earliest_start", "latest_end", "days"} & set(changed)),
        **merged,
    )
    people = None
    if preferred is not None:
        people, expert_errors = _experts(preferred)
        if expert_errors:
            errors["preferred_experts"] = expert_errors
    if errors:
        raise ValidationError(errors)
    experts_changed = people is not None and {p.pk for p in people} != set(
        current.preferred_experts.values_list("pk", flat=True)
    )
    if not changed and not experts_changed:
        return current
    for key in changed:
        setattr(current, key, fields[key])
    if "skill" in changed:
        current.skill_field = skills.field_of(current.skill) or ""
    current.version += 1
    reason = ""
    if experts_changed and people is not None:
        reason = _("希望的专家：%(names)s") % {
            "names": "、".join(p.name for p in people) or _("无")
        }
    servicekit.save(current, actor=actor, reason=_reason(reason))
    if experts_changed and people is not None:
        current.preferred_experts.set(people)
    return current


@transaction.atomic
def demand_withdraw(*, actor: User | None, demand: Demand, reason: str) -> Demand:
    """An open demand is withdrawn (待安排 → 已撤回); the reason is kept in its history."""
    current = Demand.objects.select_for_update().get(pk=demand.pk)
    if actor is not None and not scopes.demands_for_user(actor).filter(pk=current.pk).exists():
        raise PermissionDenied(_("您没有撤回该需求的权限。"))
    if current.status != DemandStatus.OPEN:
        raise ValidationError(
            {
                "reason": _("只有“待安排”的需求可以撤回；该需求已“%(status)s”。")
                % {"status": current.get_status_display()}
            }
        )
    if actor is not None and not scopes.can_edit_demand(actor, current):
        raise PermissionDenied(_("您没有撤回该需求的权限。"))
    reason = _check_reason(reason, _("撤回原因"), WITHDRAW_REASON_MAX)
    current.status = DemandStatus.WITHDRAWN
    current.version += 1
    servicekit.save(current, actor=actor, reason=_reason(_("撤回：%(r)s") % {"r": reason}))
    return current


@transaction.atomic
def demand_set_priority(
    *, actor: User | None, demand: Demand, priority: int, reason: str = ""
) -> Demand:
    """Headquarters weighs an open demand against the others (1–10, larger first)."""
    if actor is not None and not scopes.can_set_priority(actor):
        raise PermissionDenied(_("只有指挥部可以调整优先级。"))
    current = Demand.objects.select_for_update().get(pk=demand.pk)
    errors: dict[str, list] = {}
    _check_int(errors, "priority", priority, 1, 10, _("优先级应在 1 到 10 之间。"))
    if errors:
        raise ValidationError(errors)
    if current.status != DemandStatus.OPEN:
        raise ValidationError(
            {
                "priority": _("只有“待安排”的需求可以调整优先级；该需求已“%(status)s”。")
                % {"status": current.get_status_display()}
            }
        )
    if current.priority == priority:
        return current
    old = current.priority
    current.priority = priority
    current.version += 1
    text = _("优先级 %(a)s → %(b)s") % {"a": old, "b": priority}
    reason = (reason or "").strip()
    if reason:
        text = f"{text}：{reason}"
    servicekit.save(current, actor=actor, reason=_reason(text))
    return current


# Visits --------------------------------------------------------------------------------------


def _visit_in_scope(actor: User, visit: Visit) -> bool:
    return scopes.visits_for_user(actor).filter(pk=visit.pk).exists()


@transaction.atomic
def visit_confirm_delivery(
    *, actor: User | None, visit: Visit, delivered_days: Any, rating: Any, feedback: str = ""
) -> Visit:
    """The institution confirms a visit that began: days actually served and a 1–5 rating."""
    current = Visit.objects.select_for_update().select_related("demand").get(pk=visit.pk)
    if actor is not None:
        if not _visit_in_scope(actor, current) or not (
            scopes.demand_orgs_for_user(actor).filter(pk=current.demand.organisation_id).exists()
        ):
            raise PermissionDenied(_("只有受援单位、所在县前方工作组或指挥部可以确认服务。"))
    if current.status != VisitStatus.SCHEDULED:
        raise ValidationError(
            _("该服务已“%(status)s”，不能再确认。") % {"status": current.get_status_display()}
        )
    today = timezone.localdate()
    errors: dict[str, list] = {}
    if current.start_date > today:
        errors["delivered_days"] = [
            _("服务定于 %(start)s 开始，开始后才能确认。")
            % {"start": current.start_date.isoformat()}
        ]
    elif delivered_days == 0:
        errors["delivered_days"] = [
            _("实际服务 0 天：如专家未能前来，请联系指挥部取消此次服务，需求将重新排期。")
        ]
    elif isinstance(delivered_days, bool) or not isinstance(delivered_days, int):
        errors["delivered_days"] = [_("请填写实际服务天数。")]
    elif delivered_days < 0:
        errors["delivered_days"] = [_("实际服务天数不能为负数。")]
    elif delivered_days > current.days:
        errors["delivered_days"] = [
            _("实际服务 %(d)s 天，超过安排的 %(n)s 天（%(start)s 至 %(end)s）。")
            % {
                "d": delivered_days,
                "n": current.days,
                "start": current.start_date.isoformat(),
                "end": current.end_date.isoformat(),
            }
        ]
    if rating in (None, ""):
        errors["rating"] = [_("请评价本次服务（1–5 星）。")]
    else:
        _check_int(errors, "rating", rating, 1, 5, _("评价应为 1 到 5 星。"))
    if errors:
        raise ValidationError(errors)
    current.delivered_days = delivered_days
    current.rating = rating
    current.feedback = (feedback or "").strip()
    current.status = VisitStatus.DELIVERED
    current.delivered_by = actor
    current.delivered_at = timezone.now()
    servicekit.save(
        current,
        actor=actor,
        reason=_reason(_("确认服务 %(d)s 天，评价 %(r)s 星") % {"d": delivered_days, "r": rating}),
    )
    demand = Demand.objects.select_for_update().get(pk=current.demand_id)
    if demand.status != DemandStatus.DELIVERED:
        demand.status = DemandStatus.DELIVERED
        demand.version += 1
        servicekit.save(demand, actor=actor, reason=_("专家服务已确认"))
    notify.visit_delivered(current, actor=actor)
    return current


@transaction.atomic
def visit_log(
    *, actor: User | None, visit: Visit, expert_log: str, achievements: Iterable = ()
) -> Visit:
    """The expert (or headquarters) records what was done, with links to their achievements."""
    current = Visit.objects.select_for_update().select_related("expert").get(pk=visit.pk)
    if actor is not None and not _visit_in_scope(actor, current):
        raise PermissionDenied(_("只有服务专家本人或指挥部可以填写工作记录。"))
    if current.status == VisitStatus.CANCELLED:
        raise ValidationError(_("该服务已取消，不能填写工作记录。"))
    if actor is not None and not scopes.can_log_visit(actor, current):
        raise PermissionDenied(_("只有服务专家本人或指挥部可以填写工作记录。"))
    errors: dict[str, list] = {}
    expert_log = (expert_log or "").strip()
    if not expert_log:
        errors["expert_log"] = [_("请填写本次服务做了什么（门诊、手术、讲座、带教等）。")]
    items = list(achievements or ())
    ids = []
    for a in items:
        try:
            ids.append(a.pk if isinstance(a, Achievement) else int(a))
        except (TypeError, ValueError):
            errors["achievements"] = [_("相关成效无法识别，请从列表中选择。")]
            break
    found = {a.pk: a for a in Achievement.objects.filter(pk__in=ids)}
    if "achievements" not in errors:
        wrong = [i for i in ids if i not in found or found[i].person_id != current.expert_id]
        if wrong:
            errors["achievements"] = [
                _("只能关联%(name)s本人的成效记录（%(n)s 条不符）。")
                % {"name": current.expert.name, "n": len(wrong)}
            ]
    if errors:
        raise ValidationError(errors)
    chosen = [found[i] for i in dict.fromkeys(ids)]
    old_ids = set(current.achievements.values_list("pk", flat=True))
    new_ids = {a.pk for a in chosen}
    if current.expert_log == expert_log and old_ids == new_ids:
        return current
    current.expert_log = expert_log
    servicekit.save(
        current,
        actor=actor,
        reason=_("工作记录（关联成效 %(n)s 条）") % {"n": len(chosen)},
    )
    current.achievements.set(chosen)
    return current


@transaction.atomic
def visit_cancel(*, actor: User | None, visit: Visit, reason: str) -> Visit:
    """Headquarters cancels a scheduled visit; its demand is open (待安排) again for planning."""
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if actor is not None and not scopes.can_set_priority(actor):  # headquarters only
        raise PermissionDenied(_("只有指挥部可以取消服务。"))
    if current.status != VisitStatus.SCHEDULED:
        raise ValidationError(
            {
                "reason": _("只有“已安排”的服务可以取消；该服务已“%(status)s”。")
                % {"status": current.get_status_display()}
            }
        )
    reason = _check_reason(reason, _("取消原因"), 200)
    current.status = VisitStatus.CANCELLED
    current.cancel_reason = reason
    servicekit.save(current, actor=actor, reason=_reason(_("取消：%(r)s") % {"r": reason}))
    demand = Demand.objects.select_for_update().get(pk=current.demand_id)
    if demand.status == DemandStatus.SCHEDULED:
        demand.status = DemandStatus.OPEN
        demand.version += 1
        servicekit.save(demand, actor=actor, reason=_("专家服务已取消，重新待安排"))
    notify.visit_cancelled(current, actor=actor, reason=reason)
    return current
