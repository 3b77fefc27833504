"""Projects pages: list, detail with its timeline, forms, alerts, files (the funds page, all
figures, is duikou/reports/views_funds.py).

Every page starts from `scopes.projects_for_user` / `scopes.flows_for_user`: a project outside
the user's scope is 404 on every URL; an action the user may not take is 403.
"""

from __future__ import annotations

import copy
import io
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duikou.core import uploads
from duikou.core.models import Division
from duikou.core.viewutils import apply_service_error, is_htmx, page_of, year_param
from duikou.core.vocab import (
    HEADQUARTERS_TRANSITIONS,
    PROJECT_TRANSITIONS,
    FundingSource,
    ProjectStatus,
)
from duikou.projects import scopes, selectors, services
from duikou.projects.alerts import KINDS, compute_alerts
from duikou.projects.forms import (
    FlowForm,
    ProjectFilterForm,
    ProjectForm,
    ReportForm,
    TransitionForm,
    merge_after_conflict,
)
from duikou.projects.models import FlowEvidence, ProgressPhoto, Project
from duikou.projects.services import ConcurrentEditError

EXPORT_FORMATS = {"xlsx", "csv"}
THUMB_SIZE = (480, 480)


def _get_project_for_user(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(scopes.projects_for_user(request.user), pk=pk)


# The list and its exports --------------------------------------------------------------------


def _filtered_projects(request: HttpRequest) -> tuple[ProjectFilterForm, QuerySet, bool]:
    """The filter form, the user's projects it selects, and whether 取消 was asked for."""
    base = scopes.projects_for_user(request.user)
    years = base.order_by("-year").values_list("year", flat=True).distinct()
    counties = Division.objects.filter(pk__in=base.values("county")).order_by("code")
    form = ProjectFilterForm(request.GET or None, years=list(years), counties=list(counties))
    qs = base.order_by("-year", "code")
    cancelled = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
        if data["year"]:
            qs = qs.filter(year=data["year"])
        if data["category"]:
            qs = qs.filter(category=data["category"])
        if data["county"]:
            qs = qs.filter(county__code=data["county"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
            cancelled = data["status"] == ProjectStatus.CANCELLED
        if data["alert"]:
            qs = selectors.with_alert(qs, data["alert"])
    return form, qs, cancelled


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    form, qs, cancelled = _filtered_projects(request)
    page = page_of(request, selectors.with_flow_sums(qs))
    selectors.decorate_rows(list(page))
    ctx = {
        "form": form,
        "page": page,
        "totals": selectors.list_totals(qs, include_cancelled=cancelled),
        "can_create": scopes.can_create_project(request.user),
        "query": request.GET.urlencode(),
    }
    template = "projects/_project_table.html" if is_htmx(request) else "projects/project_list.html"
    return render(request, template, ctx)


# The exports (registered with the Excel engine in apps.ready): CSV streams, a large xlsx is
# built in the background for the user with the same filters (duikou.exchange_io.exports).


def projects_table(user, params):
    from duikou.exchange_io import exports

    _form, qs, _cancelled = _filtered_projects(exports.as_request(user, params))
    return exports.sheet_table("项目", qs, "projects")


def flows_table(user, params):
    """The money flows of the projects the list's filters select."""
    from duikou.exchange_io import exports

    _form, qs, _cancelled = _filtered_projects(exports.as_request(user, params))
    flows = (
        scopes.flows_for_user(user)
        .filter(project__in=qs.values("pk"))
        .select_related("project")
        .order_by("project__code", "date", "pk")
        # the sheet's columns only: a million flows are a million model instances
        .only("project__code", "date", "type", "source", "amount", "voucher", "note")
    )
    return exports.sheet_table("资金", flows, "flows")


@login_required
@require_GET
def project_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from duikou.exchange_io import exports

    return exports.respond(request, "projects.projects", fmt)


@login_required
@require_GET
def flow_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from duikou.exchange_io import exports

    return exports.respond(request, "projects.flows", fmt)


# One project ---------------------------------------------------------------------------------


def _transition_choices(user, project: Project) -> tuple[list[dict], list]:
    """The transitions this user may make now, and those waiting for headquarters."""
    if not scopes.can_edit_project(user, project):
        return [], []
    allowed = PROJECT_TRANSITIONS.get(project.status, set())
    targets = [s for s in ProjectStatus if s in allowed]
    mine = [s for s in targets if user.is_headquarters or s not in HEADQUARTERS_TRANSITIONS]
    hq_only = [s for s in targets if s not in mine]
    choices = [
        {
            "value": s.value,
            "label": s.label,
            "needs_start": s == ProjectStatus.BUILDING,
            "needs_finish": s == ProjectStatus.COMPLETED,
            "needs_comment": s in {ProjectStatus.SUSPENDED, ProjectStatus.CANCELLED},
            "danger": s == ProjectStatus.CANCELLED,
        }
        for s in mine
    ]
    return choices, hq_only


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    user = request.user
    today = timezone.localdate()
    latest = selectors.latest_report(project)
    choices, hq_only = _transition_choices(user, project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "money": {
                "aid": selectors.wan(project.aid_amount),
                "local": selectors.wan(project.local_amount),
                "social": selectors.wan(project.social_amount),
                "total": selectors.wan(project.total_amount),
            },
            "budget": selectors.budget_rows(project),
            "latest": latest,
            "alerts": compute_alerts(scopes.projects_for_user(user).filter(pk=project.pk)),
            "timeline": selectors.timeline(project),
            "transitions": choices,
            "hq_only": hq_only,
            "can_edit": scopes.can_edit_project(user, project),
            "can_report": scopes.can_report_progress(user, project)
            and project.status not in {ProjectStatus.CANCELLED, ProjectStatus.RESERVE},
            "flow_form": FlowForm(initial={"date": today, "source": FundingSource.AID}),
            "report_form": ReportForm(
                initial={"date": today, "progress": latest.progress if latest else None}
            ),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已新建项目“%(name)s”。") % {"name": project})
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    if not scopes.can_edit_project(request.user, project):
        raise PermissionDenied
    # The form works on a copy: the page keeps showing the record as saved.
    form = ProjectForm(request.POST or None, instance=copy.copy(project), user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        opened_version = form.cleaned_data["version"]
        try:
            project = services.project_update(
                actor=request.user,
                project=Project.objects.get(pk=pk),
                expected_version=opened_version,
                **form.service_data(),
            )
        except ConcurrentEditError as exc:
            current = _get_project_for_user(request, pk)
            opened = (
                current.history.filter(version=opened_version).order_by("-history_date").first()
            )
            form, both = merge_after_conflict(
                form, current, opened.instance if opened is not None else None
            )
            both_message = _("此项在您打开页面后也被他人修改；再次保存将以您填写的为准。")
            for name in both:
                form.add_error(name, both_message)
            conflict = {
                "message": exc.messages[0],
                "changes": selectors.readable_history(exc.changes),
            }
            project = current
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存项目“%(name)s”。") % {"name": project})
            return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    if not scopes.can_edit_project(request.user, project):
        raise PermissionDenied
    choices, hq_only = _transition_choices(request.user, project)
    initial = {
        "to_status": request.GET.get("to", ""),
        "actual_start": project.actual_start,
        "actual_finish": project.actual_finish,
    }
    form = TransitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # PermissionDenied (立项/验收 by a county team) propagates as 403.
            project = services.project_transition(
                actor=request.user,
                project=project,
                to_status=data["to_status"],
                comment=data["comment"].strip(),
                actual_start=data["actual_start"],
                actual_finish=data["actual_finish"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("项目“%(name)s”已变更为“%(status)s”。")
                % {"name": project, "status": project.get_status_display()},
            )
            return redirect(project)
    return render(
        request,
        "projects/transition_form.html",
        {"project": project, "form": form, "transitions": choices, "hq_only": hq_only},
    )


@login_required
@require_http_methods(["GET", "POST"])
def flow_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    if not scopes.can_edit_project(request.user, project):
        raise PermissionDenied
    form = FlowForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": timezone.localdate(), "source": FundingSource.AID},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The flow and its evidence files are saved together or not at all.
            with transaction.atomic():
                flow = services.flow_record(
                    actor=request.user, project=project, **form.service_data()
                )
                for upload in form.cleaned_data["evidence"]:
                    services.flow_add_evidence(actor=request.user, flow=flow, file=upload)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("已录入%(type)s %(amount)s（凭证号 %(voucher)s）。")
                % {
                    "type": flow.get_type_display(),
                    "amount": selectors.wan(flow.amount),
                    "voucher": flow.voucher,
                },
            )
            return redirect(project.get_absolute_url() + "#timeline")
    return render(
        request,
        "projects/flow_form.html",
        {"project": project, "form": form, "budget": selectors.budget_rows(project)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    if not scopes.can_report_progress(request.user, project):
        raise PermissionDenied
    latest = selectors.latest_report(project)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": timezone.localdate(), "progress": latest.progress if latest else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.progress_report_create(
                actor=request.user, project=project, **form.service_data()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            n = report.photos.count()
            messages.success(
                request,
                _("已填报 %(date)s 的进度（%(progress)s%%，照片 %(n)s 张）。")
                % {"date": report.date.isoformat(), "progress": report.progress, "n": n},
            )
            return redirect(project.get_absolute_url() + "#timeline")
    return render(
        request,
        "projects/report_form.html",
        {"project": project, "form": form, "latest": latest},
    )


# Files: served only through the scope check, never from MEDIA_URL -----------------------------


def _thumbnail(photo: ProgressPhoto):
    """A small JPEG of a progress photo, made once and kept beside the uploads."""
    name = f"thumbs/{photo.image.name}.jpg"
    if default_storage.exists(name):
        return default_storage.open(name, "rb")
    from PIL import Image, ImageOps

    try:
        with photo.image.open("rb") as fh, Image.open(fh) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail(THUMB_SIZE)
            buffer = io.BytesIO()
            img.convert("RGB").save(buffer, "JPEG", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    default_storage.save(name, ContentFile(buffer.getvalue()))
    return default_storage.open(name, "rb")


@login_required
@require_GET
def project_file(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    in_scope = scopes.projects_for_user(request.user).values("pk")
    if kind == "evidence":
        item = get_object_or_404(FlowEvidence.objects.filter(flow__project__in=in_scope), pk=pk)
        stored = item.file
    elif kind == "photo":
        item = get_object_or_404(ProgressPhoto.objects.filter(report__project__in=in_scope), pk=pk)
        stored = item.image
    else:
        raise Http404
    filename = os.path.basename(stored.name)
    handle = None
    if kind == "photo" and request.GET.get("size") == "thumb":
        handle = _thumbnail(item)
        if handle is not None:
            filename = os.path.splitext(filename)[0] + ".jpg"
    if handle is not None:
        response = FileResponse(handle, filename=filename, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
    try:
        # By content: an image inline under its own type, anything else as an attachment.
        return uploads.file_response(stored, filename)
    except FileNotFoundError as exc:
        raise Http404 from exc


# Alerts ---------------------------------------------------------------------------------------


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.projects_for_user(request.user)
    counties = Division.objects.filter(pk__in=qs.values("county")).order_by("code")
    county = request.GET.get("county", "")
    kind = request.GET.get("kind", "")
    if county not in {c.code for c in counties}:
        county = ""  # junk (a NUL byte included) never reaches the database
    if county:
        qs = qs.filter(county__code=county)
    # The dashboard links here with its year: the alerts of that year's projects and of the
    # earlier years' projects still open.
    year = year_param(request)
    if year is not None:
        qs = selectors.watched_in_year(qs, year)
    alerts = compute_alerts(qs)
    counts = {g["kind"]: g["count"] for g in selectors.group_alerts(alerts)}
    if kind in KINDS:
        alerts = [a for a in alerts if a.kind == kind]
    return render(
        request,
        "projects/alert_list.html",
        {
            "groups": selectors.group_alerts(alerts),
            "kinds": [
                {"value": k, "label": str(label), "count": counts.get(k, 0)}
                for k, label in KINDS.items()
            ],
            "total": sum(counts.values()),
            "counties": counties,
            "county": county,
            "kind": kind if kind in KINDS else "",
            "year": year,
        },
    )
