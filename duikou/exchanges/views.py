"""Exchanges pages: events (list with filters, month calendar, detail with participants and
photos, create/edit, xlsx export), off-site classes, and the hand-entered indicators.

Every page starts from the scopes' querysets: a record outside the user's scope is 404, an
action the user may not take 403. The viewer never sees a named participant.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.core import uploads
from duikou.core.history import history_entries, history_entries_many
from duikou.core.viewutils import apply_service_error, page_of
from duikou.exchanges import scopes, services
from duikou.exchanges.forms import (
    EventFilterForm,
    EventForm,
    IndicatorForm,
    IndicatorValueForm,
    OffsiteClassForm,
    ParticipantForm,
    PhotoForm,
)
from duikou.exchanges.models import Event

EVENT_INITIAL = (
    "kind",
    "title",
    "start_date",
    "end_date",
    "organiser_text",
    "haixi_count",
    "zhejiang_count",
    "note",
)


def _forbid(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _events(request: HttpRequest):
    return scopes.events_for_user(request.user).prefetch_related(
        Prefetch("places"), Prefetch("organisers")
    )


def _get_event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(scopes.events_for_user(request.user), pk=pk)


def _filtered_events(request: HttpRequest):
    form = EventFilterForm(request.GET or None)
    qs = _events(request).order_by("-start_date", "title")
    if form.is_valid():
        d = form.cleaned_data
        if d["year"]:
            qs = qs.filter(start_date__year=d["year"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["county"]:
            c = d["county"]
            qs = qs.filter(
                pk__in=Event.objects.filter(
                    Q(places=c) | Q(organisers__division=c) | Q(organisers__division__parent=c)
                ).values("pk")
            )
    return form, qs


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_events(request)
    ctx = {
        "form": form,
        "page": page_of(request, qs),
        "can_create": scopes.can_create_event(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "exchanges/event_list.html", ctx)


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx (built in the background when large)."""
    from duikou.exchange_io import exports

    return exports.respond(request, "exchanges.events", "xlsx")


def events_table(user, params):
    """The filtered list; named participants (masked) only for those who see them."""
    from duikou.exchange_io import exports

    _form, qs = _filtered_events(exports.as_request(user, params))
    with_people = scopes.sees_participants(user)
    if with_people:
        qs = qs.prefetch_related("participants")
    headers = [
        _("活动类型"),
        _("活动名称"),
        _("开始日期"),
        _("结束日期"),
        _("地点"),
        _("主办单位"),
        _("海西参与人数"),
        _("浙江参与人数"),
        _("备注"),
    ]
    if with_people:
        headers.append(_("具名参与人（电话、证件号已脱敏）"))

    def rows():
        for e in exports.chunked(qs):
            organisers = [o.name for o in e.organisers.all()]
            if e.organiser_text:
                organisers.append(e.organiser_text)
            row = [
                e.kind,
                e.title,
                e.start_date,
                e.end_date,
                "、".join(p.name for p in e.places.all()),
                "、".join(organisers),
                e.haixi_count,
                e.zhejiang_count,
                e.note,
            ]
            if with_people:
                row.append(
                    "；".join(
                        " ".join(
                            x
                            for x in (p.name, p.side, p.organisation, p.phone_masked, p.id_masked)
                            if x
                        )
                        for p in e.participants.all()
                    )
                )
            yield row

    return exports.Table(
        title=_("交流活动"), filename="exchange-events", headers=headers, rows=rows, count=qs.count
    )


def _month_param(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "").strip()
    try:
        year, month = (int(x) for x in raw.split("-")) if raw and len(raw) <= 7 else (0, 0)
        if not 1901 <= year <= 2999:  # the grid reaches into the months either side
            raise ValueError(raw)
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        today = timezone.localdate()
        return today.replace(day=1)


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9998:
        return first
    return dt.date(year, month + 1, 1)


@login_required
@require_GET
def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month grid, Monday first; an event spanning days shows on each of them."""
    first = _month_param(request)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    events = list(
        scopes.events_for_user(request.user)
        .filter(start_date__lte=last, end_date__gte=first)
        .order_by("start_date", "title")
    )
    by_day: dict[dt.date, list] = defaultdict(list)
    for e in events:
        day = max(e.start_date, first)
        while day <= min(e.end_date, last):
            by_day[day].append(
                {"event": e, "starts": day == e.start_date, "ends": day == e.end_date}
            )
            day += dt.timedelta(days=1)
    weeks = [
        [{"date": d, "in_month": d.month == first.month, "events": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    ctx = {
        "month": first,
        "weeks": weeks,
        "events": events,
        "prev": _shift(first, -1).strftime("%Y-%m"),
        "next": _shift(first, 1).strftime("%Y-%m"),
        "today": timezone.localdate(),
        # Monday first; pgettext: one character alone is ambiguous.
        "weekdays": [
            pgettext("星期", "一"),
            pgettext("星期", "二"),
            pgettext("星期", "三"),
            pgettext("星期", "四"),
            pgettext("星期", "五"),
            pgettext("星期", "六"),
            pgettext("星期", "日"),
        ],
    }
    return render(request, "exchanges/calendar.html", ctx)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    can_edit = scopes.can_edit_event(request.user, event)
    ctx = {
        "ev": event,
        "places": event.places.all(),
        "organisers": event.organisers.all(),
        "sees_participants": scopes.sees_participants(request.user),
        "participants": scopes.participants_for_user(request.user).filter(event=event),
        "photos": event.photos.all(),
        "can_edit": can_edit,
        "participant_form": ParticipantForm(auto_id="p_%s") if can_edit else None,
        "photo_form": PhotoForm(auto_id="ph_%s") if can_edit else None,
        "history": history_entries(event),
    }
    return render(request, "exchanges/event_detail.html", ctx)


def _event_data(form: EventForm) -> dict:
    data = dict(form.cleaned_data)
    data["places"] = list(data["places"])
    data["organisers"] = list(data["organisers"])
    return data


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_create_event(request.user))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **_event_data(form))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记交流活动。"))
            return redirect(event)
    return render(request, "exchanges/form.html", {"form": form, "title": _("登记交流活动")})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    _forbid(scopes.can_edit_event(request.user, event))
    initial = {f: getattr(event, f) for f in EVENT_INITIAL}
    initial["places"] = list(event.places.all())
    initial["organisers"] = list(event.organisers.all())
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **_event_data(form))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(event)
    title = _("编辑交流活动：%(n)s") % {"n": event.title}
    return render(request, "exchanges/form.html", {"form": form, "title": title, "back": event})


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    _forbid(scopes.can_edit_event(request.user, event))
    form = ParticipantForm(request.POST, auto_id="p_%s")
    if form.is_valid():
        try:
            services.participant_add(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已添加参与人。"))
            return redirect(event.get_absolute_url() + "#participants")
    title = _("添加参与人：%(n)s") % {"n": event.title}
    return render(
        request, "exchanges/form.html", {"form": form, "title": title, "back": event}, status=200
    )


@login_required
@require_http_methods(["GET", "POST"])
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    _forbid(scopes.can_edit_event(request.user, event))
    form = PhotoForm(request.POST or None, request.FILES or None, auto_id="ph_%s")
    if request.method == "POST" and form.is_valid():
        try:
            added = services.event_photos_add(
                actor=request.user,
                event=event,
                photos=form.cleaned_data["photos"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已上传照片 %(n)s 张。") % {"n": len(added)})
            return redirect(event.get_absolute_url() + "#photos")
    title = _("上传活动照片：%(n)s") % {"n": event.title}
    return render(
        request,
        "exchanges/form.html",
        {"form": form, "title": title, "back": event, "multipart": True},
    )


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, only through its event's scope; served by its content, never cached."""
    photo = get_object_or_404(scopes.photos_for_user(request.user), pk=pk)
    try:
        return uploads.file_response(photo.image, os.path.basename(photo.image.name))
    except FileNotFoundError as exc:
        raise Http404 from exc


# Off-site classes ---------------------------------------------------------------------------


@login_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.classes_for_user(request.user)
    by_year = (
        qs.order_by()
        .values("intake_year")
        .annotate(count=Count("pk"), students=Sum("students"))
        .order_by("-intake_year")
    )
    ctx = {
        "classes": qs,
        "by_year": by_year,
        "can_edit": scopes.can_edit_classes(request.user),
    }
    return render(request, "exchanges/class_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_edit_classes(request.user))
    form = OffsiteClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offsite_class_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记异地班。"))
            return redirect("exchanges:class_list")
    return render(request, "exchanges/form.html", {"form": form, "title": _("登记异地班")})


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(scopes.classes_for_user(request.user), pk=pk)
    _forbid(scopes.can_edit_classes(request.user))
    initial = {
        f: getattr(obj, f) for f in ("school", "haixi_org", "major", "intake_year", "students")
    }
    initial["note"] = obj.note
    form = OffsiteClassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.offsite_class_update(
                actor=request.user, offsite_class=obj, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("exchanges:class_list")
    title = _("编辑异地班：%(n)s") % {"n": str(obj)}
    return render(
        request,
        "exchanges/form.html",
        {
            "form": form,
            "title": title,
            "back_url": "exchanges:class_list",
            "history": history_entries(obj),
        },
    )


# Indicators ---------------------------------------------------------------------------------


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    values = scopes.indicator_values_for_user(request.user).order_by("-year", "indicator__name")
    by_year: dict[int, list] = defaultdict(list)
    for v in values:
        by_year[v.year].append(v)
    ctx = {
        "by_year": sorted(by_year.items(), reverse=True),
        "indicators": scopes.indicators_for_user(request.user),
        "can_edit": scopes.can_edit_indicators(request.user),
    }
    return render(request, "exchanges/indicator_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_edit_indicators(request.user))
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已定义填报指标。"))
            return redirect("exchanges:indicator_detail", pk=indicator.pk)
    return render(request, "exchanges/form.html", {"form": form, "title": _("定义填报指标")})


@login_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(scopes.indicators_for_user(request.user), pk=pk)
    values = list(indicator.values.select_related("entered_by").order_by("-year"))
    histories = history_entries_many(values)  # one query, not one per value
    ctx = {
        "ind": indicator,
        "values": values,
        "value_history": [(v, histories[v.pk]) for v in values],
        "can_edit": scopes.can_edit_indicators(request.user),
    }
    return render(request, "exchanges/indicator_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_value(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter or correct the indicator's value for a year (?year= opens that year's value)."""
    indicator = get_object_or_404(scopes.indicators_for_user(request.user), pk=pk)
    _forbid(scopes.can_edit_indicators(request.user))
    initial: dict = {"year": timezone.localdate().year}
    raw_year = request.GET.get("year", "")
    if raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4:
        current = indicator.values.filter(year=int(raw_year)).first()
        initial = {"year": int(raw_year)}
        if current is not None:
            initial.update(value=current.value_text, source=current.source)
    form = IndicatorValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_value_set(
                actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("exchanges:indicator_detail", pk=indicator.pk)
    title = _("填报指标：%(n)s（%(u)s）") % {"n": indicator.name, "u": indicator.unit}
    return render(
        request,
        "exchanges/form.html",
        {"form": form, "title": title, "back": None, "back_url": "exchanges:indicator_list"},
    )
