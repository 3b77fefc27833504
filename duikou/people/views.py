"""People pages: people and postings, batches, rotation coverage, trainings, achievements,
the aid staff's own page (/me/) and the log of looks at unmasked personal data.

Personal data rules, enforced here and in the templates: an ID number or phone is shown masked
to those who may see personal data (never to the viewer, not even masked) and unmasked only to
the headquarters, one person at a time, with a reason, logged (AccessLog). Search by full ID
number is a POST (or a GET whose text is never echoed back), so the number reaches neither the
URL, nor the server's access log, nor the page.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.accounts import scopes as account_scopes
from duikou.core import crypto
from duikou.core import scopes as core_scopes
from duikou.core.models import Department, Organisation
from duikou.core.viewutils import apply_service_error, is_htmx, page_of, xlsx_response
from duikou.core.vocab import Field, PersonnelKind, Side
from duikou.lib.xlsx import list_workbook
from duikou.people import rotation, scopes, selectors, services
from duikou.people.forms import (
    AchievementForm,
    AvailabilityForm,
    BatchForm,
    IdLookupForm,
    PeopleFilterForm,
    PersonForm,
    PostingForm,
    ReasonForm,
    TrainingForm,
    VisitBudgetForm,
    haixi_divisions,
)
from duikou.people.history import history_entries, merged_history
from duikou.people.identity import looks_like_id_number, normalise_id_number
from duikou.people.models import (
    AccessLog,
    AvailabilityWindow,
    Batch,
    Person,
    Posting,
    TrainingPlacement,
)
from duikou.people.vocab import LONG_TERM_KINDS, AchievementKind

SECRET_PARAMS = ("id_number", "phone")
KIND_COLOURS = {
    PersonnelKind.CADRE: "#7a5195",
    PersonnelKind.PROFESSIONAL: "#1f5c99",
    PersonnelKind.SHORT_TERM: "#2f9e8f",
    PersonnelKind.FLEXIBLE: "#e0a030",
}


# Helpers -------------------------------------------------------------------------------------


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _get_person_for_user(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(scopes.people_for_user(request.user), pk=pk)


def _get_posting_for_user(request: HttpRequest, pk: int) -> Posting:
    return get_object_or_404(scopes.postings_for_user(request.user), pk=pk)


def _personal(request: HttpRequest) -> bool:
    return scopes.sees_personal_data(request.user)


# People list, search and export --------------------------------------------------------------


def _filter_postings(postings: QuerySet[Posting], data: dict, today: dt.date):
    """Apply the posting filters; returns (postings, whether any filter applied)."""
    applied = False
    if data.get("kind"):
        postings, applied = postings.filter(kind=data["kind"]), True
    if data.get("field"):
        postings, applied = postings.filter(field=data["field"]), True
    if data.get("county"):
        code = data["county"]
        postings = postings.filter(
            Q(host_org__division__code=code) | Q(host_org__division__parent__code=code)
        )
        applied = True
    if data.get("batch"):
        postings, applied = postings.filter(batch__number=data["batch"]), True
    if data.get("current") == "1":
        postings, applied = postings.active_on(today), True
    elif data.get("current") == "0":
        postings, applied = postings.filter(end_date__lt=today), True
    if data.get("year"):
        postings, applied = postings.overlapping_year(data["year"]), True
    return postings, applied


def _search_people(
    people: QuerySet[Person], postings: QuerySet[Posting], q: str, *, personal: bool
) -> QuerySet[Person]:
    """Text search; a full ID number is matched by its keyed hash only, and only for users who
    may see personal data (the viewer cannot link a number to a name)."""
    if looks_like_id_number(q):
        if not personal:
            return people.none()
        return people.filter(id_hash=crypto.blind_index(normalise_id_number(q)))
    hosts = postings.filter(
        Q(host_org__name__icontains=q)
        | Q(host_org__short_name__icontains=q)
        | Q(host_department__name__icontains=q)
        | Q(role__icontains=q)
    ).values("person")
    return people.filter(
        Q(name__icontains=q)
        | Q(specialty__icontains=q)
        | Q(employer__name__icontains=q)
        | Q(employer__short_name__icontains=q)
        | Q(pk__in=hosts)
    )


def _filtered(request: HttpRequest, params: QueryDict):
    today = timezone.localdate()
    form = PeopleFilterForm(params or None)
    people = scopes.people_for_user(request.user)
    postings = scopes.postings_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        postings, applied = _filter_postings(postings, data, today)
        if applied:
            people = people.filter(pk__in=postings.order_by().values("person"))
        q = (data.get("q") or "").strip()
        if q:
            people = _search_people(people, postings, q, personal=_personal(request))
            postings = postings.filter(person__in=people.order_by().values("pk"))
    return form, people.order_by("name", "pk"), postings


def _posting_rows(people_page, postings: QuerySet[Posting], today: dt.date) -> list[dict]:
    shown = defaultdict(list)
    for p in postings.filter(person__in=[person.pk for person in people_page]).order_by(
        "-start_date"
    ):
        shown[p.person_id].append(p)
    rows = []
    for person in people_page:
        items = shown.get(person.pk, [])
        current = next((p for p in items if p.is_current(today)), None)
        rows.append(
            {
                "person": person,
                "posting": current or (items[0] if items else None),
                "current": current is not None,
                "count": len(items),
            }
        )
    return rows


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    if looks_like_id_number(request.GET.get("q", "")):
        # An ID number typed into the text search (the page's script moves it to the POST
        # lookup; this is the fallback): answer at a clean URL, so the number is not echoed
        # in the page (the language switch, the pagination links write back the URL).
        return _found(request, request.GET["q"])
    form, people, postings = _filtered(request, request.GET)
    page = page_of(request, people)
    ctx = {
        "form": form,
        "page": page,
        "rows": _posting_rows(page, postings, timezone.localdate()),
        "total": people.count(),
        "q_value": request.GET.get("q", ""),
        "divisions": haixi_divisions(),
        "batches": Batch.objects.all(),
        "personal": _personal(request),
        "can_create": scopes.can_create_person(request.user),
        "can_create_posting": scopes.can_create_posting(request.user),
        "can_reveal": scopes.can_reveal(request.user),
        "lookup_form": IdLookupForm(),
        "reason_form": ReasonForm(),
        "query": _query_without_page(request.GET),
    }
    template = "people/_person_table.html" if is_htmx(request) else "people/person_list.html"
    return render(request, template, ctx)


def _query_without_page(params: QueryDict) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


@sensitive_post_parameters(*SECRET_PARAMS)
@login_required
@require_POST
def person_find(request: HttpRequest) -> HttpResponse:
    """Find a person by full ID number: POSTed, so the number is in no URL or access log."""
    form = IdLookupForm(request.POST)
    return _found(request, form.cleaned_data["id_number"] if form.is_valid() else "")


def _found(request: HttpRequest, id_number: str) -> HttpResponse:
    person = None
    if id_number and _personal(request):
        person = scopes.people_for_user(request.user).with_id_number(id_number).first()
    if person is None:
        # Same answer whether nobody has the number or someone outside the user's scope has it.
        messages.info(request, _("没有找到该身份证号对应的人员（或不在您的数据范围内）。"))
        url = reverse("people:person_list")
    else:
        url = person.get_absolute_url()
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@sensitive_post_parameters("reason")
@login_required
@require_http_methods(["GET", "POST"])
def person_export(request: HttpRequest) -> HttpResponse:
    """The postings of the list as the 人员 sheet: masked; unmasked for HQ with a reason (POST)."""
    unmasked = request.method == "POST"
    params = request.GET
    if unmasked:
        if not scopes.can_reveal(request.user):
            raise PermissionDenied
        params = QueryDict(request.POST.get("query", ""))
    _form, _people, postings = _filtered(request, params)
    postings = postings.select_related("person").order_by("person__name", "start_date")
    personal = _personal(request)
    headers = selectors.sheet_headers(personal=personal)
    if unmasked:
        reason_form = ReasonForm(request.POST)
        if not reason_form.is_valid():
            messages.error(request, _("未导出：请填写导出理由。"))
            return redirect(
                reverse("people:person_list") + ("?" + params.urlencode() if params else "")
            )
        try:
            services.unmasked_export_log(
                actor=request.user,
                reason=reason_form.cleaned_data["reason"],
                count=postings.count(),
                filters=_loggable(params),
                ip=_ip(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("people:person_list")
        note = _("本文件含完整身份证号和联系电话，导出已记录。请妥善保管，用后删除。")
        content = list_workbook(
            "人员", headers, selectors.sheet_rows(postings, personal=True, unmasked=True), note=note
        )
        return xlsx_response("people-unmasked", content)
    note = (
        _("身份证号、联系电话已脱敏。")
        if personal
        else _("按权限不含身份证号、联系电话等个人信息。")
    )
    content = list_workbook(
        "人员",
        headers,
        selectors.sheet_rows(postings, personal=personal, unmasked=False),
        note=note,
    )
    return xlsx_response("people", content)


def _loggable(params: QueryDict) -> str:
    """The export's filters for the access log, with any ID number left out."""
    parts = []
    for key, value in params.items():
        if key == "q" and looks_like_id_number(value):
            value = _("（身份证号）")
        if value:
            parts.append(f"{key}={value}")
    return " ".join(parts)


# Person pages --------------------------------------------------------------------------------


@sensitive_post_parameters(*SECRET_PARAMS)
@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_person(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记人员“%(name)s”。") % {"name": person.name})
            if scopes.can_create_posting(request.user):
                return redirect(reverse("people:posting_create") + f"?person={person.pk}")
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@sensitive_post_parameters(*SECRET_PARAMS)
@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    if not scopes.can_edit_person(request.user, person):
        raise PermissionDenied
    form = PersonForm(
        request.POST or None, request.FILES or None, instance=person, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                actor=request.user, person=Person.objects.get(pk=pk), **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存人员“%(name)s”。") % {"name": person.name})
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _person_context(request: HttpRequest, person: Person) -> dict:
    user = request.user
    today = timezone.localdate()
    postings = list(scopes.postings_for_user(user).filter(person=person).order_by("-start_date"))
    own = person.user_id is not None and person.user_id == user.pk
    history_items = [(person, "")] + [(p, p.host_label) for p in postings]
    return {
        "person": person,
        "personal": _personal(request),
        "can_reveal": scopes.can_reveal(user),
        "can_edit": scopes.can_edit_person(user, person),
        "can_create_posting": scopes.can_create_posting(user),
        "postings": postings,
        "current": [p for p in postings if p.is_current(today)],
        "trainings": scopes.trainings_for_user(user).filter(person=person),
        "achievements": scopes.achievements_for_user(user).filter(person=person),
        "availability": (
            scopes.availability_for_user(user).filter(person=person)
            if own or account_scopes.reads_everything(user)
            else []
        ),
        "can_record": scopes.recordable_postings(user).filter(person=person).exists(),
        "history": merged_history(*history_items),
        "reason_form": ReasonForm(),
        "today": today,
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    return render(request, "people/person_detail.html", _person_context(request, person))


@sensitive_post_parameters("reason")
@never_cache
@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The unmasked ID number and phone, for the headquarters with a reason; logged."""
    person = _get_person_for_user(request, pk)
    if not scopes.can_reveal(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.person_reveal(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                ip=_ip(request),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
    ctx = _person_context(request, person)
    ctx.update({"revealed": revealed, "reason_form": form})
    template = "people/_personal_data.html" if is_htmx(request) else "people/person_detail.html"
    response = render(request, template, ctx, status=200 if revealed or form.is_bound else 400)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def person_photo(request: HttpRequest, pk: int) -> FileResponse:
    person = _get_person_for_user(request, pk)
    if not _personal(request) or not person.photo:
        raise Http404
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, filename=os.path.basename(person.photo.name))
    response["Cache-Control"] = "private, max-age=600"
    return response


# Postings ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_posting(request.user):
        raise PermissionDenied
    initial: dict = {}
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        person = scopes.people_for_user(request.user).filter(pk=person_id).first()
        if person is not None:
            initial["person"] = person
            initial["sending_org"] = person.employer if person.side == Side.SUPPORTING else None
    form = PostingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记派驻：%(p)s。") % {"p": posting})
            return redirect(posting.person)
    return render(request, "people/posting_form.html", {"form": form, "posting": None})


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _get_posting_for_user(request, pk)
    if not scopes.can_edit_posting(request.user, posting):
        raise PermissionDenied
    form = PostingForm(request.POST or None, instance=posting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_update(
                actor=request.user, posting=Posting.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存派驻：%(p)s。") % {"p": posting})
            return redirect(posting)
    return render(request, "people/posting_form.html", {"form": form, "posting": posting})


@login_required
@require_GET
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _get_posting_for_user(request, pk)
    return render(
        request,
        "people/posting_detail.html",
        {
            "posting": posting,
            "achievements": scopes.achievements_for_user(request.user).filter(posting=posting),
            "history": history_entries(posting),
            "can_edit": scopes.can_edit_posting(request.user, posting),
            "can_record": scopes.can_record_achievement(request.user, posting),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def department_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the department select for the chosen host organisation (htmx)."""
    org_id = request.GET.get("host_org", "")
    departments = Department.objects.none()
    if org_id.isdigit():
        org = core_scopes.organisations_for_user(request.user).filter(pk=org_id).first()
        if org is not None:
            departments = org.departments.all()
    return render(request, "core/_department_options.html", {"departments": departments})


# Batches -------------------------------------------------------------------------------------


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    postings = scopes.postings_for_user(request.user).order_by()
    totals = dict(postings.values_list("batch").annotate(n=Count("pk")))
    current = dict(postings.active_on(today).values_list("batch").annotate(n=Count("pk")))
    batches = [
        {
            "batch": b,
            "total": totals.get(b.pk, 0),
            "current": current.get(b.pk, 0),
            "running": bool(
                b.start_date
                and b.start_date <= today
                and (b.end_date is None or b.end_date >= today)
            ),
        }
        for b in Batch.objects.order_by("-number")
    ]
    return render(
        request,
        "people/batch_list.html",
        {
            "batches": batches,
            "unbatched": totals.get(None, 0),
            "can_manage": scopes.can_manage_batches(request.user),
            "today": today,
        },
    )


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    today = timezone.localdate()
    postings = list(scopes.postings_for_user(request.user).filter(batch=batch))
    # Who rotates out first comes first; the still-open ones last.
    postings.sort(key=lambda p: (p.end_date is None, p.end_date or dt.date.max, p.person.name))
    rows = [
        {
            "posting": p,
            "current": p.is_current(today),
            "days_left": (p.end_date - today).days if p.end_date and p.end_date >= today else None,
        }
        for p in postings
    ]
    by_kind = defaultdict(int)
    for p in postings:
        by_kind[p.get_kind_display()] += 1
    return render(
        request,
        "people/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "by_kind": dict(by_kind),
            "current_count": sum(1 for r in rows if r["current"]),
            "history": history_entries(batch),
            "can_manage": scopes.can_manage_batches(request.user),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_manage_batches(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已新建批次“%(b)s”。") % {"b": batch})
            return redirect(batch)
    return render(request, "people/batch_form.html", {"form": form, "batch": None})


@login_required
@require_http_methods(["GET", "POST"])
def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    if not scopes.can_manage_batches(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None, instance=batch)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_update(
                actor=request.user, batch=Batch.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存批次“%(b)s”。") % {"b": batch})
            return redirect(batch)
    return render(request, "people/batch_form.html", {"form": form, "batch": batch})


# Coverage ------------------------------------------------------------------------------------


def _ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _lanes(postings: list[Posting], far: dt.date) -> dict[int, int]:
    """Lane of each posting within its row, so overlapping postings do not hide each other."""
    lanes: dict[int, int] = {}
    ends: list[dt.date] = []
    # Long-term postings first, so they keep the top lanes and the short visits stack below.
    for p in sorted(postings, key=lambda p: (p.kind not in LONG_TERM_KINDS, p.start_date, p.pk)):
        end = p.end_date or far
        for i, last in enumerate(ends):
            if last < p.start_date:
                ends[i] = end
                lanes[p.pk] = i
                break
        else:
            ends.append(end)
            lanes[p.pk] = len(ends) - 1
    return lanes


def _coverage_org(request: HttpRequest, postings: QuerySet[Posting]) -> tuple:
    hosts = (
        Organisation.objects.filter(pk__in=postings.order_by().values("host_org"))
        .select_related("division")
        .order_by("division__code", "name")
    )
    chosen = request.GET.get("org", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        org = hosts.filter(pk=chosen).first() or (
            core_scopes.organisations_for_user(request.user)
            .filter(pk=chosen, side=Side.AIDED)
            .first()
        )
        if org is None:
            raise Http404
    else:
        org = hosts.filter(name="海西州人民医院").first() or hosts.first()
    return org, hosts


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Each department of a host organisation: who covered it when, and the gap flags."""
    today = timezone.localdate()
    scoped = scopes.postings_for_user(request.user)
    org, hosts = _coverage_org(request, scoped)
    ctx: dict = {"org": org, "hosts": hosts, "today": today, "thresholds": rotation.thresholds()}
    if org is None:
        return render(request, "people/coverage.html", ctx)
    postings = list(scoped.filter(host_org=org).order_by("start_date", "pk"))
    flagged = {r.posting.pk: r for r in rotation.rotations(scoped.filter(host_org=org), today)}
    departments = list(org.departments.all())
    by_dept: dict[int | None, list[Posting]] = defaultdict(list)
    for p in postings:
        by_dept[p.host_department_id].append(p)

    far = max([today + dt.timedelta(days=180)] + [p.end_date for p in postings if p.end_date])
    start = min([p.start_date for p in postings] or [today - dt.timedelta(days=365)])
    axis_min = dt.date(start.year, 1, 1)
    axis_max = dt.date(far.year, far.month, 1) + dt.timedelta(days=31)

    row_keys: list[int | None] = [d.pk for d in departments if d.pk in by_dept]
    all_keys: list[int | None] = [d.pk for d in departments]
    if None in by_dept:
        row_keys.insert(0, None)
        all_keys.insert(0, None)
    names = {d.pk: d.name for d in departments}
    names[None] = _("（本单位，未分科室）")

    def row(key):
        items = by_dept.get(key, [])
        gap = any(p.pk in flagged and flagged[p.pk].gap for p in items)
        return {"id": key, "label": names[key], "gap": gap, "has": bool(items)}

    chart_items = []
    for key in all_keys:
        items = by_dept.get(key, [])
        lanes = _lanes(items, axis_max)
        n = max(lanes.values(), default=0) + 1
        for p in items:
            rot = flagged.get(p.pk)
            chart_items.append(
                {
                    "row": key,
                    "lane": lanes[p.pk],
                    "lanes": n,
                    "start": _ms(p.start_date),
                    "end": _ms((p.end_date or axis_max) + dt.timedelta(days=1)),
                    "open": p.end_date is None,
                    "name": p.person.name,
                    "kind": p.kind,
                    "colour": KIND_COLOURS.get(p.kind, "#8c8c8c"),
                    "role": p.role,
                    "period": p.period,
                    "sending": p.sending_org.display_short,
                    "url": p.get_absolute_url(),
                    "gap": bool(rot and rot.gap),
                    "leaving": rot is not None,
                }
            )
    chart = {
        "rows": [row(k) for k in all_keys],
        "covered": [str(k) for k in row_keys],
        "items": [{**i, "row": str(i["row"])} for i in chart_items],
        "today": _ms(today),
        "min": _ms(axis_min),
        "max": _ms(axis_max),
        "kinds": [{"name": str(k.label), "colour": KIND_COLOURS[k]} for k in PersonnelKind],
        "labels": {
            "today": _("今天"),
            "gap": _("空缺预警"),
            "ongoing": _("仍在派驻"),
            "role": _("职务"),
            "sending": _("派出单位"),
        },
    }
    for item in chart["rows"]:
        item["id"] = str(item["id"])

    table = []
    for key in all_keys:
        items = by_dept.get(key, [])
        current = [p for p in items if p.is_current(today)]
        upcoming = [p for p in items if p.start_date > today]
        leaving = [flagged[p.pk] for p in items if p.pk in flagged]
        long_term_now = [p for p in current if p.kind in LONG_TERM_KINDS]
        if any(r.gap for r in leaving):
            status = "gap"
        elif long_term_now:
            status = "covered"
        elif current:
            status = "short"
        elif items:
            status = "none"
        else:
            status = "never"
        table.append(
            {
                "label": names[key],
                "current": current,
                "upcoming": upcoming,
                "leaving": leaving,
                "status": status,
                "total": len(items),
            }
        )
    order = {"gap": 0, "covered": 1, "short": 2, "none": 3, "never": 4}
    table.sort(key=lambda r: order[r["status"]])
    never = [r["label"] for r in table if r["status"] == "never"]
    table = [r for r in table if r["status"] != "never"]
    ctx.update(
        {
            "chart": chart,
            "table": table,
            "never": never,
            "gaps": [r for r in flagged.values() if r.gap],
            "leaving": list(flagged.values()),
            "posting_count": len(postings),
            "department_count": len(departments),
        }
    )
    return render(request, "people/coverage.html", ctx)


# Trainings -----------------------------------------------------------------------------------


@login_required
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.trainings_for_user(request.user).order_by("-start_date", "person__name")
    year = request.GET.get("year", "")
    field = request.GET.get("field", "")
    if year.isdigit():
        qs = qs.filter(start_date__year=int(year))
    if field in Field.values:
        qs = qs.filter(field=field)
    return render(
        request,
        "people/training_list.html",
        {
            "page": page_of(request, qs),
            "total": qs.count(),
            "year": year,
            "field": field,
            "fields": Field.choices,
            "years": sorted(
                {
                    d.year
                    for d in scopes.trainings_for_user(request.user).dates("start_date", "year")
                },
                reverse=True,
            ),
            "can_create": scopes.can_manage_trainings(request.user),
            "user_can_edit": scopes.can_manage_trainings(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_manage_trainings(request.user):
        raise PermissionDenied
    initial = {}
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        person = scopes.people_for_user(request.user).filter(pk=person_id).first()
        if person is not None:
            initial = {"person": person, "home_org": person.employer}
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记跟岗培训：%(t)s。") % {"t": training})
            return redirect("people:training_list")
    return render(request, "people/training_form.html", {"form": form, "training": None})


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(scopes.trainings_for_user(request.user), pk=pk)
    if not scopes.can_edit_training(request.user, training):
        raise PermissionDenied
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_update(
                actor=request.user,
                training=TrainingPlacement.objects.get(pk=pk),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存跟岗培训：%(t)s。") % {"t": training})
            return redirect("people:training_list")
    return render(
        request,
        "people/training_form.html",
        {"form": form, "training": training, "history": history_entries(training)},
    )


# Achievements --------------------------------------------------------------------------------


@login_required
@require_GET
def achievement_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.achievements_for_user(request.user).order_by("-date", "-pk")
    year, kind, verified = (request.GET.get(k, "") for k in ("year", "kind", "verified"))
    if year.isdigit():
        qs = qs.filter(date__year=int(year))
    if kind in AchievementKind.values:
        qs = qs.filter(kind=kind)
    if verified == "1":
        qs = qs.filter(verified_at__isnull=False)
    elif verified == "0":
        qs = qs.filter(verified_at__isnull=True)
    return render(
        request,
        "people/achievement_list.html",
        {
            "page": page_of(request, qs),
            "total": qs.count(),
            "year": year,
            "kind": kind,
            "verified": verified,
            "kinds": AchievementKind.choices,
            "years": sorted(
                {d.year for d in scopes.achievements_for_user(request.user).dates("date", "year")},
                reverse=True,
            ),
            "can_verify": scopes.can_verify_achievement(request.user),
            "can_record": scopes.recordable_postings(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def achievement_create(request: HttpRequest) -> HttpResponse:
    recordable = scopes.recordable_postings(request.user)
    if not recordable.exists():
        raise PermissionDenied
    initial = {"date": timezone.localdate()}
    posting_id = request.GET.get("posting", "")
    if posting_id.isdigit():
        initial["posting"] = recordable.filter(pk=posting_id).first()
    form = AchievementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        posting = data.pop("posting")
        try:
            achievement = services.achievement_create(actor=request.user, posting=posting, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已记录成效“%(t)s”。") % {"t": achievement.title})
            return redirect(request.POST.get("next") or "people:achievement_list")
    return render(request, "people/achievement_form.html", {"form": form})


@login_required
@require_POST
def achievement_verify(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(scopes.achievements_for_user(request.user), pk=pk)
    if not scopes.can_verify_achievement(request.user):
        raise PermissionDenied
    achievement = services.achievement_verify(actor=request.user, achievement=achievement)
    if is_htmx(request):
        return render(
            request, "people/_achievement_status.html", {"a": achievement, "can_verify": True}
        )
    messages.success(request, _("已审核成效“%(t)s”。") % {"t": achievement.title})
    return redirect("people:achievement_list")


# Self-service --------------------------------------------------------------------------------


def _own_person_or_none(request: HttpRequest) -> Person | None:
    return scopes.own_person(request.user)


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    ctx: dict = {"person": person, "today": timezone.localdate()}
    if person is not None:
        ctx.update(_me_context(request, person))
    return render(request, "people/me.html", ctx)


def _own_postings(person: Person) -> QuerySet[Posting]:
    return Posting.objects.filter(person=person).select_related(
        "person", "host_org", "host_department"
    )


def _me_context(request: HttpRequest, person: Person, **forms) -> dict:
    postings = person.postings.select_related(
        "host_org", "host_department", "sending_org", "batch"
    ).order_by("-start_date")
    own_postings = _own_postings(person)
    from duikou.orders.scopes import visits_for_user

    return {
        # 我的服务安排: the visits planned for this expert, the coming ones first.
        "my_visits": visits_for_user(request.user)
        .filter(expert=person)
        .order_by("-end_date", "-pk")[:30],
        "postings": postings,
        "achievements": person.achievements.select_related("host_org", "verified_by"),
        "windows": person.availability.all(),
        "achievement_form": forms.get("achievement_form")
        or AchievementForm(
            user=request.user,
            postings=own_postings,
            initial={"date": timezone.localdate(), "posting": postings.first()},
        ),
        "availability_form": forms.get("availability_form") or AvailabilityForm(),
        "budget_form": forms.get("budget_form")
        or VisitBudgetForm(initial={"visit_days_budget": person.visit_days_budget}),
    }


@login_required
@require_POST
def me_achievement(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    if person is None:
        raise Http404
    form = AchievementForm(request.POST, user=request.user, postings=_own_postings(person))
    if form.is_valid():
        data = dict(form.cleaned_data)
        posting = data.pop("posting")
        try:
            services.achievement_create(actor=request.user, posting=posting, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已记录成效。"))
            return redirect(reverse("people:me") + "#achievements")
    ctx = {"person": person, "today": timezone.localdate()}
    ctx.update(_me_context(request, person, achievement_form=form))
    return render(request, "people/me.html", ctx, status=400)


@login_required
@require_POST
def me_availability(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    if person is None:
        raise Http404
    form = AvailabilityForm(request.POST, instance=AvailabilityWindow(person=person))
    if form.is_valid():
        try:
            services.availability_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已申报可出诊时间。"))
            return redirect(reverse("people:me") + "#availability")
    ctx = {"person": person, "today": timezone.localdate()}
    ctx.update(_me_context(request, person, availability_form=form))
    return render(request, "people/me.html", ctx, status=400)


@login_required
@require_POST
def me_visit_budget(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    if person is None:
        raise Http404
    form = VisitBudgetForm(request.POST)
    if form.is_valid():
        try:
            services.visit_budget_set(
                actor=request.user, person=person, days=form.cleaned_data["visit_days_budget"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存每期最多出诊天数。"))
            return redirect(reverse("people:me") + "#availability")
    ctx = {"person": person, "today": timezone.localdate()}
    ctx.update(_me_context(request, person, budget_form=form))
    return render(request, "people/me.html", ctx, status=400)


@login_required
@require_POST
def availability_delete(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(scopes.availability_for_user(request.user), pk=pk)
    if not scopes.can_edit_availability(request.user, window.person):
        raise PermissionDenied
    services.availability_delete(actor=request.user, window=window)
    messages.success(request, _("已删除可出诊时间 %(w)s。") % {"w": window})
    if window.person.user_id == request.user.pk:
        return redirect(reverse("people:me") + "#availability")
    return redirect(window.person)


# Access log ----------------------------------------------------------------------------------


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    if not scopes.can_read_access_log(request.user):
        raise PermissionDenied
    qs = AccessLog.objects.select_related("person", "user")
    return render(
        request,
        "people/access_log.html",
        {"page": page_of(request, qs), "total": qs.count()},
    )
