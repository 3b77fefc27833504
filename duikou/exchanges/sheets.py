"""The exchanges sheet of the import engine: 活动 (events, key 活动名称 + 开始日期), written
through the ledger's services, with its undo hooks. Registered from ExchangesConfig.ready().

Places are Haixi counties and/or Zhejiang cities by name (都兰县 or 都兰), separated by 、 or
a comma; organisers are registry organisations by name, and a name the registry does not know
is kept as free text (其他主办单位) with a warning. Named participants stay out of the sheet:
they are personal data and entered on the event's page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.accounts.models import User
from duikou.core.models import Division, Organisation
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, to_json
from duikou.exchange_io.reader import ParsedSheet
from duikou.exchange_io.specs import Column
from duikou.exchanges import scopes, services
from duikou.exchanges.models import Event, EventPhoto, Participant
from duikou.exchanges.vocab import EventKind

SEPARATORS = re.compile(r"[、,，;；/\n]+")
PLAIN_FIELDS = ("kind", "end_date", "haixi_count", "zhejiang_count", "note")
MAX_COUNT = 1_000_000

EVENT_COLUMNS = [
    Column(
        "活动类型",
        "kind",
        specs.CHOICE,
        required=True,
        choices=EventKind,
        example="夏令营",
        meaning=gettext_lazy("活动类型"),
    ),
    Column(
        "活动名称",
        "title",
        required=True,
        max_length=200,
        example="“浙里石榴红”海西青少年夏令营",
        meaning=gettext_lazy("活动名称"),
    ),
    Column(
        "开始日期",
        "start_date",
        specs.DATE,
        required=True,
        example="2023-08-01",
        meaning=gettext_lazy("开始日期"),
    ),
    Column(
        "结束日期",
        "end_date",
        specs.DATE,
        required=True,
        example="2023-08-07",
        meaning=gettext_lazy("结束日期（不早于开始日期）"),
    ),
    Column(
        "地点",
        "places",
        example="杭州市、嘉兴市",
        meaning=gettext_lazy("海西州的县市和/或浙江省的城市，多个以顿号分隔"),
    ),
    Column(
        "主办单位",
        "organisers",
        example="浙江省援青指挥部",
        meaning=gettext_lazy("主办单位名称，多个以顿号分隔；平台没有的单位记为其他主办单位"),
    ),
    Column(
        "海西参与人数",
        "haixi_count",
        specs.INTEGER,
        min_value=0,
        max_value=MAX_COUNT,
        unit_word="人",
        example=60,
        meaning=gettext_lazy("海西参与人数"),
    ),
    Column(
        "浙江参与人数",
        "zhejiang_count",
        specs.INTEGER,
        min_value=0,
        max_value=MAX_COUNT,
        unit_word="人",
        example=45,
        meaning=gettext_lazy("浙江参与人数"),
    ),
    Column("备注", "note", example="", meaning=gettext_lazy("备注")),
]


def _split(raw: Any) -> list[str]:
    return [p.strip() for p in SEPARATORS.split(str(raw or "")) if p.strip()]


class EventsHandler(specs.SheetHandler):
    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        places_by_name: dict[str, Division] = {}
        for d in scopes.event_places():
            places_by_name.setdefault(d.name, d)
            if d.short_name:
                places_by_name.setdefault(d.short_name, d)
        existing = {(e.title, e.start_date): e for e in Event.objects.all()}
        seen: dict[tuple, int] = {}
        for row in sheet.good_rows():
            v = row.values
            title = (v["title"] or "").strip()
            key = (title, v["start_date"])
            if key in seen:
                sheet.error(row, "title", _("与第 %(n)s 行是同一活动。") % {"n": seen[key]})
                continue
            seen[key] = row.number
            data: dict[str, Any] = {"kind": v["kind"], "end_date": v["end_date"]}
            for f in ("haixi_count", "zhejiang_count"):
                if sheet.has(f):
                    data[f] = v.get(f) or 0
            if sheet.has("note"):
                data["note"] = v.get("note") or ""
            places: list[Division] | None = None
            if sheet.has("places"):
                names = _split(v.get("places"))
                unknown = [n for n in names if n not in places_by_name]
                if unknown:
                    sheet.error(
                        row,
                        "places",
                        _("地点“%(p)s”不是海西州的县市或浙江省的城市。")
                        % {"p": "、".join(unknown)},
                    )
                    continue
                places = [places_by_name[n] for n in names]
            organisers: list[Organisation] | None = None
            if sheet.has("organisers"):
                names = _split(v.get("organisers"))
                found = {o.name: o for o in Organisation.objects.filter(name__in=names)}
                organisers = [found[n] for n in names if n in found]
                others = [n for n in names if n not in found]
                data["organiser_text"] = "、".join(others)
                if others:
                    sheet.warn(
                        row,
                        "organisers",
                        _("平台没有单位“%(o)s”：记为其他主办单位。") % {"o": "、".join(others)},
                    )
            event = existing.get(key)
            if event is None:
                try:
                    event = services.event_create(
                        actor=ctx.actor,
                        title=title,
                        start_date=v["start_date"],
                        places=places or [],
                        organisers=organisers or [],
                        **data,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    ctx.fail(sheet, row, exc, default="title")
                    continue
                ctx.created(event)
                ctx.creates(sheet, row, str(event))
                ctx.stamp_history(Event, event.pk)
                existing[key] = event
                summary.created += 1
                continue
            diff = {f: value for f, value in data.items() if getattr(event, f) != value}
            before = {f: to_json(getattr(event, f)) for f in diff}
            old_places = sorted(event.places.values_list("pk", flat=True))
            old_orgs = sorted(event.organisers.values_list("pk", flat=True))
            if places is not None and sorted(p.pk for p in places) != old_places:
                before["places"] = old_places
            else:
                places = None
            if organisers is not None and sorted(o.pk for o in organisers) != old_orgs:
                before["organisers"] = old_orgs
            else:
                organisers = None
            if not before:
                summary.unchanged += 1
                continue
            try:
                event = services.event_update(
                    actor=ctx.actor, event=event, places=places, organisers=organisers, **diff
                )
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(sheet, row, exc, default="title")
                continue
            ctx.updated(event, before, sheet=sheet, row=row)
            summary.updated += 1


def export_events(events: Iterable[Event]) -> Iterable[list]:
    for e in events:
        organisers = [o.name for o in e.organisers.all()]
        if e.organiser_text:
            organisers.append(e.organiser_text)
        yield [
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


EVENTS = specs.SheetSpec(
    name="活动",
    order=75,  # after 销售 (70)
    columns=EVENT_COLUMNS,
    key=("title", "start_date"),
    handler=EventsHandler,
    exporter=export_events,
    description=gettext_lazy("交往交流交融活动：每行一场活动，以活动名称和开始日期识别。"),
)


class ExchangesUndo(specs.UndoHooks):
    order = 75
    delete_order = ("exchanges.event",)

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        problems = []
        for chunk in chunked(created.get("exchanges.event", set())):
            for p in Participant.objects.filter(event_id__in=chunk).select_related("event")[:3]:
                problems.append(_("导入新建的活动之后已登记参与人：%(e)s。") % {"e": p.event})
            for ph in EventPhoto.objects.filter(event_id__in=chunk).select_related("event")[:3]:
                problems.append(_("导入新建的活动之后已上传照片：%(e)s。") % {"e": ph.event})
        return problems

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        if label != "exchanges.event":  # pragma: no cover
            raise ValueError(label)
        services.event_update(actor=actor, event=obj, **before)


def register() -> None:
    """Called from ExchangesConfig.ready()."""
    specs.register(EVENTS)
    specs.register_undo(ExchangesUndo)
