"""The people list, the search by ID number and the list's export (logged when it holds
personal data)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.core import crypto
from duikou.core.viewutils import is_htmx, page_of
from duikou.exchange_io import exports
from duikou.people import scopes, selectors, services
from duikou.people.forms import IdLookupForm, PeopleFilterForm, ReasonForm, haixi_divisions
from duikou.people.identity import looks_like_id_number, normalise_id_number
from duikou.people.models import Batch, Person, Posting
from duikou.people.views.common import SECRET_PARAMS, _ip, _personal


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
        # lookup; PersonalDataInQueryMiddleware refuses it before this): never looked up by
        # GET, refused at a clean URL so the number is not echoed in the page or its links.
        messages.warning(request, _("身份证号请用“按身份证号精确查找”，号码不会出现在网址中。"))
        params = request.GET.copy()
        params.pop("q")
        return redirect(
            reverse("people:person_list") + ("?" + params.urlencode() if params else "")
        )
    form, people, postings = _filtered(request, request.GET)
    page = page_of(request, people)
    ctx = {
        "form": form,
        "page": page,
        "rows": _posting_rows(page, postings, timezone.localdate()),
        "total": page.paginator.count,
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
    if unmasked:
        reason_form = ReasonForm(request.POST)
        if not reason_form.is_valid():
            messages.error(request, _("未导出：请填写导出理由。"))
            return redirect(
                reverse("people:person_list") + ("?" + params.urlencode() if params else "")
            )
        try:
            _form, _people, postings = _filtered(request, params)
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
        return exports.respond(request, "people.postings_unmasked", "xlsx", params)
    return exports.respond(request, "people.postings", "xlsx", params)


def _postings_table(user, params: QueryDict, *, unmasked: bool):
    """The postings of the list as the 人员 sheet, for this user with these filters: masked, or
    (headquarters only) unmasked — the view has logged the unmasked export with its reason."""
    request = exports.as_request(user, params)
    if unmasked and not scopes.can_reveal(user):
        raise PermissionDenied
    _form, _people, postings = _filtered(request, params)
    postings = postings.select_related(
        "person", "sending_org", "pairing_city", "host_org", "host_department", "batch"
    ).order_by("person__name", "start_date", "pk")
    personal = _personal(request)
    if unmasked:
        note = _("本文件含完整身份证号和联系电话，导出已记录。请妥善保管，用后删除。")
    elif personal:
        note = _("身份证号、联系电话已脱敏。")
    else:
        note = _("按权限不含身份证号、联系电话等个人信息。")
    return exports.Table(
        title="人员",
        filename="people-unmasked" if unmasked else "people",
        headers=selectors.sheet_headers(personal=personal or unmasked),
        rows=lambda: selectors.sheet_rows(
            exports.chunked(postings), personal=personal or unmasked, unmasked=unmasked
        ),
        count=postings.count,
        note=note,
    )


def postings_table(user, params: QueryDict):
    return _postings_table(user, params, unmasked=False)


def postings_unmasked_table(user, params: QueryDict):
    return _postings_table(user, params, unmasked=True)


def _loggable(params: QueryDict) -> str:
    """The export's filters for the access log, with any ID number left out."""
    parts = []
    for key, value in params.items():
        if key == "q" and looks_like_id_number(value):
            value = _("（身份证号）")
        if value:
            parts.append(f"{key}={value}")
    return " ".join(parts)
