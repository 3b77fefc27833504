"""Writes of the reports app: request a summary build, edit its narrative, record the build."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import servicekit
from duikou.reports import scopes
from duikou.reports.models import SummaryReport, SummaryStatus
from duikou.reports.summary import SECTION_IDS, narrative

YEAR_MIN, YEAR_MAX = 2000, 2100
EDIT_MAX = 20_000  # characters per section


def _require_writer(actor: User | None) -> None:
    if actor is not None and not scopes.can_write_summary(actor):
        raise PermissionDenied(_("只有指挥部可以生成和编辑年度工作综述。"))


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(
            {
                "year": _("年度 %(y)s 不在 %(a)s–%(b)s 之间。")
                % {"y": year, "a": YEAR_MIN, "b": YEAR_MAX}
            }
        )


def _enqueue(report: SummaryReport, regenerate: bool) -> None:
    from duikou.reports import tasks

    pk = report.pk
    transaction.on_commit(lambda: tasks.build_summary.enqueue(pk, regenerate))


@transaction.atomic
def summary_request(*, actor: User | None, year: int, keep_edits: bool = True) -> SummaryReport:
    """Queue a (re)generation of the year's summary from today's records. An edited narrative
    is kept (keep_edits) or replaced by the new text; history names who chose which."""
    _require_writer(actor)
    _check_year(year)
    report, created = SummaryReport.objects.select_for_update().get_or_create(year=year)
    if not created and report.active and report.document is None:
        return report  # the first build is under way
    report.status = SummaryStatus.QUEUED
    report.progress, report.phase, report.error = 0, "", ""
    report.requested_by, report.requested_at = actor, timezone.now()
    reason = _("重新生成，保留编辑的正文") if keep_edits else _("重新生成，替换编辑的正文")
    if not keep_edits and report.edits:
        report.edits, report.edited_by, report.edited_at = {}, actor, timezone.now()
        report.edit_bases = {}
    servicekit.save(report, actor=actor, reason=reason if report.document else _("生成"))
    _enqueue(report, regenerate=True)
    return report


@transaction.atomic
def summary_edit(
    *, actor: User | None, report: SummaryReport, edits: dict[str, str]
) -> SummaryReport:
    """Save headquarters' narrative per section (blank: the generated text) and queue the PDF
    of the edited document."""
    _require_writer(actor)
    if report.document is None:
        raise ValidationError({"edits": _("综述尚未生成，不能编辑。")})
    unknown = set(edits) - set(SECTION_IDS)
    if unknown:
        raise ValidationError({"edits": _("未知的章节：%(s)s") % {"s": "、".join(sorted(unknown))}})
    cleaned = {}
    for sid, text in edits.items():
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > EDIT_MAX:
            raise ValidationError(
                {"edits": _("章节正文不能超过 %(n)s 个字符。") % {"n": f"{EDIT_MAX:,}"}}
            )
        if text:
            cleaned[sid] = text
    if cleaned == (report.edits or {}):
        return report
    generated = {sec["id"]: narrative(sec) for sec in report.document["sections"]}
    bases = dict(report.edit_bases or {})
    for sid in cleaned:
        if cleaned[sid] != (report.edits or {}).get(sid):
            bases[sid] = generated.get(sid, "")
    report.edit_bases = {sid: bases[sid] for sid in cleaned}
    report.edits, report.edited_by, report.edited_at = cleaned, actor, timezone.now()
    report.status, report.progress, report.phase = SummaryStatus.QUEUED, 0, ""
    report.requested_at = timezone.now()  # the PDF of the edited text is built anew
    servicekit.save(report, actor=actor, reason=_("编辑正文"))
    SummaryReport.objects.filter(pk=report.pk).update(pdf=None)
    _enqueue(report, regenerate=False)
    return report


# Publishing locks the year -----------------------------------------------------------------

#: figures that do not belong to one year (the registry's organisations): not compared
UNDATED_FIGURES = frozenset({"year", "organisations"})


def figures_as_published(year: int) -> dict:
    """The year's figures, programme-wide, as a publication keeps them (JSON-ready)."""
    import json

    from duikou.reports import figures

    data = figures.compute(year)
    return json.loads(json.dumps(data, default=str))


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, list):
        flat = {}
        for i, value in enumerate(data, start=1):
            flat.update(_flatten(value, f"{prefix}[{i}]"))
        return flat
    return {prefix: data}


def figures_diff(published: dict | None, today: dict) -> list[tuple[str, Any, Any]]:
    """(figure key, as published, today) for every figure that differs, in key order."""
    before = {
        k: v for k, v in _flatten(published or {}).items() if k.split(".")[0] not in UNDATED_FIGURES
    }
    after = {k: v for k, v in _flatten(today).items() if k.split(".")[0] not in UNDATED_FIGURES}
    return [
        (key, before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


@transaction.atomic
def summary_publish(*, actor: User | None, report: SummaryReport) -> SummaryReport:
    """Publish the year's summary as it reads now: keep its text and the figures, and lock the
    year so that no edit, import or undo changes them (duikou.core.locks)."""
    from duikou.core import locks
    from duikou.reports.tasks import document_of

    _require_writer(actor)
    report = SummaryReport.objects.select_for_update().get(pk=report.pk)
    if report.document is None or report.active:
        raise ValidationError({"year": _("综述尚未生成完成，不能发布。")})
    report.published_document = document_of(report)
    report.published_figures = figures_as_published(report.year)
    report.published_at, report.published_by = timezone.now(), actor
    servicekit.save(report, actor=actor, reason=_("发布并锁定年度"))
    locks.year_lock(
        report.year,
        actor=actor,
        reason=_("发布 %(y)s 年度工作综述") % {"y": report.year},
    )
    return report


@transaction.atomic
def summary_unlock(*, actor: User | None, report: SummaryReport, reason: str) -> SummaryReport:
    """Unlock a published year, with a reason (the lock's history keeps it); the published
    summary and its figures stay as published."""
    from duikou.core import locks

    _require_writer(actor)
    locks.year_unlock(report.year, actor=actor, reason=reason)
    return report
