"""培训 (shadow training of Haixi staff in Zhejiang) — key: 身份证号 + 开始日期.

Haixi staff (所在单位, a Haixi organisation: the person's employer) trained at a Zhejiang
organisation (培训单位). The person is found or registered by ID number (`person_upsert`); the
people services have no training upsert, so the placement is found here by person and start
date and written with `training_create` or `training_update` — new people in bulk after the
same in-memory checks as the 人员 sheet (see people/sheets/postings.py), everything else one by one
through the services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy

from duikou.core.vocab import Field, Side
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context
from duikou.exchange_io.reader import ParsedSheet, Row
from duikou.exchange_io.specs import Column
from duikou.people import scopes
from duikou.people import services as people_services
from duikou.people.identity import make_id_number
from duikou.people.models import Person, TrainingPlacement
from duikou.people.sheets.postings import ORG_NAME, Line, PersonalHandler, person_columns


def _max(name: str) -> int:
    return TrainingPlacement._meta.get_field(name).max_length


_PERSON = person_columns(
    employer=Column(
        "所在单位",
        "home_org",
        specs.ORG,
        required=True,
        max_length=ORG_NAME,
        side=Side.AIDED,
        meaning=gettext_lazy(
            "受训人员所在的海西单位（即人员的工作单位）名称或简称；不存在的单位将作为受援方单位"
            "新建（海西州）。县工作组只能登记本县（市）单位的人员"
        ),
        example="都兰县人民医院",
    )
)

COLUMNS = [
    _PERSON["name"],
    dataclasses.replace(
        _PERSON["id_number"], example=make_id_number("632822", dt.date(1990, 3, 8), "024")
    ),
    dataclasses.replace(_PERSON["gender"], example="女"),
    _PERSON["employer"],
    Column(
        "培训单位",
        "host_org",
        specs.ORG,
        required=True,
        max_length=ORG_NAME,
        side=Side.SUPPORTING,
        meaning=gettext_lazy(
            "接收跟岗培训的浙江单位名称或简称；不存在的单位将作为支援方单位新建（浙江省）"
        ),
        example="嘉兴市第一医院",
    ),
    Column(
        "跟岗科室",
        "host_unit",
        max_length=_max("host_unit"),
        meaning=gettext_lazy("跟岗的科室或岗位，如 神经内科、校长办公室"),
        example="神经内科",
    ),
    Column(
        "培训项目",
        "programme",
        required=True,
        max_length=_max("programme"),
        meaning=gettext_lazy("培训项目名称"),
        example="海西州骨干医师浙江跟岗培训（第一期）",
    ),
    Column(
        "领域",
        "field",
        specs.CHOICE,
        choices=Field,
        meaning=gettext_lazy("培训领域，可空白"),
        example="医疗",
    ),
    Column(
        "开始日期",
        "start_date",
        specs.DATE,
        required=True,
        meaning=gettext_lazy("培训开始日期；同一身份证号加开始日期识别一次培训，再次导入即更新"),
        example=dt.date(2023, 4, 10),
    ),
    Column(
        "结束日期",
        "end_date",
        specs.DATE,
        required=True,
        meaning=gettext_lazy("培训结束日期；同一人员的培训期间不能重叠"),
        example=dt.date(2023, 7, 9),
    ),
    dataclasses.replace(_PERSON["phone"], example="13912345678"),
]
TEXT_FIELDS = ("host_unit", "field")  # blank is "" in the model


class TrainingsHandler(PersonalHandler):
    model = TrainingPlacement
    record_fields = ("home_org", "host_org", "host_unit", "programme", "field", "end_date")
    employer_field = "home_org"

    def resolve(self, ctx: Context, sheet: ParsedSheet, row: Row, present: list[str]):
        home = ctx.orgs.resolve(sheet, row, "home_org", side=Side.AIDED)
        host = ctx.orgs.resolve(sheet, row, "host_org", side=Side.SUPPORTING)
        if home is None or host is None or row.bad:
            return None
        v = row.values
        data: dict[str, Any] = {}
        for name in present:
            if name == "home_org":
                data[name] = home
            elif name == "host_org":
                data[name] = host
            elif name in TEXT_FIELDS:
                data[name] = v.get(name) or ""
            else:
                data[name] = v.get(name)
        return data

    def may_create(self, ctx: Context, data: dict[str, Any]) -> bool:
        actor = ctx.actor
        if actor is None:
            return True
        return scopes.can_manage_trainings(actor) and self.allowed(
            data["home_org"],
            lambda org: scopes.training_home_orgs(actor).filter(pk=org.pk).exists(),
        )

    def overlap(self, a: TrainingPlacement, b: TrainingPlacement) -> bool:
        # TrainingPlacement.clean: a training of the person within the other's period.
        return a.start_date <= b.end_date and a.end_date >= b.start_date

    def write(self, ctx: Context, person: Person, line: Line, existing) -> tuple[Any, str]:
        """The upsert the people services lack: find by person and start date, then write."""
        if existing is None:
            training = people_services.training_create(
                actor=ctx.actor, person=person, start_date=line.start, **line.data
            )
            return training, "created"
        diff = {name: line.data[name] for name in self.changes(existing, line.data)}
        training = people_services.training_update(actor=ctx.actor, training=existing, **diff)
        return training, "updated"


def export_rows(trainings: Iterable[TrainingPlacement]) -> Iterable[list]:
    """The 培训 sheet, ID numbers and phones always masked."""
    for t in trainings:
        person = t.person
        yield [
            person.name,
            person.id_number_masked,
            person.gender,
            t.home_org.name,
            t.host_org.name,
            t.host_unit,
            t.programme,
            t.field,
            t.start_date,
            t.end_date,
            person.phone_masked,
        ]


SPEC = specs.SheetSpec(
    name="培训",
    order=50,
    columns=COLUMNS,
    key=("id_number", "start_date"),
    handler=TrainingsHandler,
    exporter=export_rows,
    export_related=("person", "home_org", "host_org"),
    description=gettext_lazy(
        "跟岗培训：海西人员赴浙江跟岗培训，每行一次培训，以身份证号加开始日期识别；"
        "身份证号和联系电话加密保存。"
    ),
    place="home_org",
)
