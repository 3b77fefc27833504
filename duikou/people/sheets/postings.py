"""人员 (postings) — key: 身份证号 + 开始日期; the base of every sheet of people (PersonalHandler).

Rows are written through duikou.people.services: the person by ID number (`person_upsert`),
then the posting (`posting_upsert`). To keep a big sheet fast, the rows of people new to the
database are checked in memory — the ID number, the sex and the phone as the services check
them, the Person and Posting model validation the services run, the data scope — and written in
bulk when nothing is in doubt. Every other row (a change, a person already registered, anything
an in-memory check refuses or cannot decide) goes through the services one by one, so every
refusal is the service's own, in its words, on the cell it names.

A person named on several rows (several postings) is written once, from the rows merged in
start-date order: name and employer from the latest row, sex, specialty and phone from the
latest row that gives them. The employer is left alone when the database already has a later
posting of theirs.

Personal data: 身份证号 and 联系电话 are `PersonalColumn`s. The engine quotes their values
masked in every problem (page, command line, stored errors, error workbook), and the export
writes them masked (people selectors); only the people pages' logged headquarters export is
unmasked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core import crypto
from duikou.core.models import Department, Organisation
from duikou.core.vocab import Field, Gender, PersonnelKind, Side
from duikou.exchange_io import specs
from duikou.exchange_io.engine import Context, chunked, error_messages, to_json
from duikou.exchange_io.reader import ParsedSheet, Row
from duikou.exchange_io.specs import Column
from duikou.lib.masking import mask_id_number, mask_phone
from duikou.people import scopes, selectors
from duikou.people import services as people_services
from duikou.people.identity import (
    id_findings,
    make_id_number,
    normalise_id_number,
    normalise_phone,
)
from duikou.people.models import Batch, Person, Posting


@dataclass(frozen=True)
class PersonalColumn(Column):
    """A column of personal data: wherever the import quotes its value, it is masked."""

    mask: Callable[[str], str] | None = None


def mask_id(text: str) -> str:
    return mask_id_number(normalise_id_number(text))


def mask_tel(text: str) -> str:
    return mask_phone(normalise_phone(text))


def person_columns(*, employer: Column) -> dict[str, Column]:
    """The person's columns, shared by 人员 and 培训 (their employer column differs)."""
    return {
        "name": Column(
            "姓名",
            "name",
            required=True,
            max_length=Person._meta.get_field("name").max_length,
            meaning=gettext_lazy("姓名；同一身份证号在各行中的姓名须一致"),
            example="张伟",
        ),
        # Text, judged by the ID check alone: full-width digits, a lower-case x and spaces
        # inside are normalised as the people services do.
        "id_number": PersonalColumn(
            "身份证号",
            "id_number",
            required=True,
            mask=mask_id,
            meaning=gettext_lazy(
                "18 位公民身份号码，校验码须正确；请把该列设为文本格式（数字格式会丢失末几位）。"
                "加密保存，页面、错误报告和导出中只显示脱敏后的号码"
            ),
            example=make_id_number("330402", dt.date(1985, 6, 15), "123"),
        ),
        "gender": Column(
            "性别",
            "gender",
            specs.CHOICE,
            choices=Gender,
            meaning=gettext_lazy("男或女；空白时按身份证号第 17 位确定，填写时须与身份证号相符"),
            example="男",
        ),
        "employer": employer,
        "phone": PersonalColumn(
            "联系电话",
            "phone",
            max_length=20,
            mask=mask_tel,
            meaning=gettext_lazy(
                "11 位手机号或带区号的固定电话；空白则保留系统中已有的号码。"
                "加密保存，只显示脱敏后的号码"
            ),
            example="13812345678",
        ),
    }


ORG_NAME = Organisation._meta.get_field("name").max_length
_PERSON = person_columns(
    employer=Column(
        "派出单位",
        "sending_org",
        specs.ORG,
        required=True,
        max_length=ORG_NAME,
        side=Side.SUPPORTING,
        meaning=gettext_lazy(
            "浙江派出单位名称或简称（即人员的工作单位）；不存在的单位将作为支援方单位新建"
            "（在结对城市，未填则在浙江省）"
        ),
        example="嘉兴市第一医院",
    )
)

# In the order of selectors.SHEET_HEADERS, so that an export (masked or, for the headquarters,
# unmasked) has the template's columns.
COLUMNS = [
    _PERSON["name"],
    _PERSON["id_number"],
    _PERSON["gender"],
    Column(
        "人员类别",
        "kind",
        specs.CHOICE,
        required=True,
        choices=PersonnelKind,
        meaning=gettext_lazy("人员类别；短期支援须填写结束日期，且至少 3 个月"),
        example="专业技术人才",
    ),
    Column(
        "领域",
        "field",
        specs.CHOICE,
        required=True,
        choices=Field,
        meaning=gettext_lazy("支援领域"),
        example="医疗",
    ),
    Column(
        "专业",
        "specialty",
        max_length=Person._meta.get_field("specialty").max_length,
        meaning=gettext_lazy("专业或学科，如 神经内科、数学；空白则保留系统中已有的专业"),
        example="神经内科",
    ),
    _PERSON["employer"],
    Column(
        "结对城市",
        "pairing_city",
        specs.CITY,
        meaning=gettext_lazy("浙江结对城市"),
        example="嘉兴市",
    ),
    Column(
        "受援单位",
        "host_org",
        specs.ORG,
        required=True,
        max_length=ORG_NAME,
        side=Side.AIDED,
        meaning=gettext_lazy(
            "海西受援单位名称或简称；不存在的单位将作为受援方单位新建（海西州）。"
            "县工作组只能登记本县（市）的受援单位"
        ),
        example="都兰县人民医院",
    ),
    Column(
        "受援科室",
        "host_department",
        max_length=Department._meta.get_field("name").max_length,
        meaning=gettext_lazy("受援科室；受援单位没有该科室时将新增"),
        example="神经内科",
    ),
    Column(
        "批次",
        "batch",
        max_length=Batch._meta.get_field("name").max_length,
        meaning=gettext_lazy(
            "援青批次，如 第一批 或 1；系统中还没有的批次将新建（只有序号），可空白"
        ),
        example=None,
    ),
    Column(
        "开始日期",
        "start_date",
        specs.DATE,
        required=True,
        meaning=gettext_lazy("派驻开始日期；同一身份证号加开始日期识别一条派驻，再次导入即更新"),
        example=dt.date(2023, 3, 1),
    ),
    Column(
        "结束日期",
        "end_date",
        specs.DATE,
        meaning=gettext_lazy("派驻结束日期；空白表示仍在派驻。同一人员的派驻期间不能重叠"),
        example=dt.date(2024, 8, 31),
    ),
    _PERSON["phone"],
    Column(
        "挂职职务",
        "role",
        max_length=Posting._meta.get_field("role").max_length,
        meaning=gettext_lazy("挂职职务，如 挂职副院长、副县长"),
        example="挂职副主任",
    ),
]

PERSON_ERROR_COLUMNS = {"birth_date": "id_number"}  # other keys are column fields already
NUMBER_CELL = gettext_lazy(
    "身份证号单元格是数字格式：Excel 的数字只保留 15 位有效数字，18 位号码的末几位已经丢失。"
    "请把该列设为文本格式后重新填写。"
)
NAME_CONFLICT = gettext_lazy(
    "与第 %(n)s 行身份证号相同但姓名不同（“%(a)s”与“%(b)s”）；请核对身份证号或姓名。"
)


def clean_name(name: str) -> str:
    """A name as Person.clean stores it, so that an unchanged name compares equal."""
    return (name or "").strip().replace("\u3000", "")


# The rows of one person ------------------------------------------------------------------


@dataclass
class Line:
    """A row ready to write: the record's fields (model names → values) and the employer."""

    row: Row
    start: dt.date
    data: dict[str, Any]
    employer: Organisation


@dataclass
class Someone:
    id_number: str  # normalised
    digest: str | None  # the search hash; None when the number is not valid
    lines: list[Line] = field(default_factory=list)
    existing: Person | None = None

    def ordered(self) -> list[Line]:
        return sorted(self.lines, key=lambda line: line.start)


@dataclass
class Merged:
    """What the sheet says of the person, and the row each value came from."""

    values: dict[str, Any]
    source: dict[str, Row]


class PersonalHandler(specs.SheetHandler):
    """A sheet of one record per row, each of a person found by ID number (人员, 培训).

    Subclasses name the record model, its fields on the sheet, the column that gives the
    person's employer, and how a record is resolved, scoped, compared and written.
    """

    model: type[models.Model]
    record_fields: tuple[str, ...]  # model fields set from same-named columns (not the key)
    employer_field: str  # the column whose organisation becomes the person's employer
    error_default = "start_date"  # where a record error without a column is reported

    def __init__(self) -> None:
        self._may_create_person: bool | None = None
        self._allowed: dict[int, bool] = {}

    # Hooks ---------------------------------------------------------------------------------

    def resolve(self, ctx: Context, sheet: ParsedSheet, row: Row, present: list[str]):
        """The record's fields from the row (organisations resolved), or None on an error."""
        raise NotImplementedError

    def may_create(self, ctx: Context, data: dict[str, Any]) -> bool:
        """Would the service let the actor create this record (checked in memory)?"""
        raise NotImplementedError

    def overlap(self, a: models.Model, b: models.Model) -> bool:
        """Would the model refuse these two records of one person as overlapping?"""
        raise NotImplementedError

    def write(self, ctx: Context, person: Person, line: Line, existing) -> tuple[Any, str]:
        """Create or update the record through the service: (record, outcome)."""
        raise NotImplementedError

    def fk_fields(self) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if f.is_relation]

    # Reading the rows ----------------------------------------------------------------------

    def apply(self, ctx: Context, sheet: ParsedSheet) -> None:
        summary = sheet.summary
        id_pos = sheet.columns.get("id_number")
        if id_pos is not None:
            for row in sheet.rows:
                raw = row.cells[id_pos.index] if id_pos.index < len(row.cells) else None
                if isinstance(raw, int | float) and not isinstance(raw, bool):
                    sheet.error(row, "id_number", str(NUMBER_CELL))
        present = [f for f in self.record_fields if sheet.has(f)]
        today = timezone.localdate()
        people: dict[str, Someone] = {}
        names: dict[str, tuple[str, Row]] = {}
        keys: dict[tuple[str, dt.date], Row] = {}
        for row in sheet.good_rows():
            v = row.values
            data = self.resolve(ctx, sheet, row, present)
            if data is None or row.bad:
                continue
            id_number = normalise_id_number(v["id_number"])
            valid = not id_findings(id_number, today=today)
            digest = crypto.blind_index(id_number) if valid else None
            key = digest or "!" + id_number
            name = clean_name(v["name"])
            first = names.setdefault(key, (name, row))
            if first[0] != name:
                sheet.error(
                    row,
                    "name",
                    str(NAME_CONFLICT) % {"n": first[1].number, "a": first[0], "b": name},
                )
                continue
            prior = keys.setdefault((key, v["start_date"]), row)
            if prior is not row:  # the reader compares the cells; this the numbers as stored
                sheet.error(
                    row,
                    "id_number",
                    _(
                        "与第 %(n)s 行重复（身份证号+开始日期 相同）；"
                        "同一工作簿中每条记录只能出现一次。"
                    )
                    % {"n": prior.number},
                )
                continue
            someone = people.get(key)
            if someone is None:
                someone = people[key] = Someone(id_number=id_number, digest=digest)
            someone.lines.append(Line(row, v["start_date"], data, data[self.employer_field]))
        existing_people, records = self._existing(people.values())
        new_people: list[Person] = []
        new_records: list[models.Model] = []
        one_by_one: list[Someone] = []
        for someone in people.values():
            someone.existing = existing_people.get(someone.digest) if someone.digest else None
            staged = None
            if someone.existing is None:
                staged = self._in_memory(ctx, someone)
            if staged is None:
                one_by_one.append(someone)
                continue
            new_people.append(staged[0])
            new_records.extend(staged[1])
            for line in someone.lines:
                ctx.creates(sheet, line.row, line.row.values.get("name") or "")
        if new_people:
            people_services.person_create_many(
                actor=ctx.actor, persons=new_people, records=new_records, reason=ctx.reason
            )
            ctx.created_many(Person, (p.pk for p in new_people))
            ctx.created_many(self.model, (r.pk for r in new_records))
            summary.created += len(new_records)
        for someone in one_by_one:
            self._one_by_one(ctx, sheet, someone, records)

    def _existing(
        self, people: Iterable[Someone]
    ) -> tuple[dict[str, Person], dict[int, dict[dt.date, models.Model]]]:
        """The people of the sheet already registered (by hash) and their records (by start)."""
        digests = [s.digest for s in people if s.digest]
        found: dict[str, Person] = {}
        for chunk in chunked(digests):
            for person in Person.objects.filter(id_hash__in=chunk):
                found[person.id_hash] = person
        records: dict[int, dict[dt.date, models.Model]] = {}
        for chunk in chunked([p.pk for p in found.values()]):
            for record in self.model.objects.filter(person_id__in=chunk):
                records.setdefault(record.person_id, {})[record.start_date] = record
        return found, records

    # Merging a person's rows ------------------------------------------------------------------

    def merge(self, someone: Someone, records: dict[dt.date, models.Model]) -> Merged:
        lines = someone.ordered()
        latest = lines[-1]
        values: dict[str, Any] = {
            "name": clean_name(latest.row.values["name"]),
            "employer": latest.employer,
            "gender": "",
            "specialty": None,
            "phone": None,
        }
        source = {"name": latest.row, "employer": latest.row}
        for line in lines:
            v = line.row.values
            for key in ("gender", "specialty", "phone"):
                if v.get(key):
                    values[key] = v[key]
                    source[key] = line.row
        existing = someone.existing
        if existing is not None and records and max(records) > latest.start:
            # The database knows a later record of theirs: its employer stands.
            values["employer"] = existing.employer
        return Merged(values, source)

    # New people, checked in memory and written in bulk ----------------------------------------

    def _in_memory(self, ctx: Context, someone: Someone):
        """(person, records) when every check the services would run passes in memory; None
        when a check fails or is in doubt (the rows then go through the services)."""
        if someone.digest is None or not self._person_allowed(ctx):
            return None
        merged = self.merge(someone, {}).values
        person = people_services.person_build(
            actor=ctx.actor, id_number=someone.id_number, id_hash=someone.digest, **merged
        )
        if person is None:
            return None
        records = []
        exclude = self.fk_fields()
        for line in someone.ordered():
            if not self.may_create(ctx, line.data):
                return None
            record = self.model(
                created_by=ctx.actor, person=person, start_date=line.start, **line.data
            )
            try:
                # The person is new, so the model's checks against their other records find
                # none; those among the sheet's rows follow.
                record.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
            except ValidationError:
                return None
            records.append(record)
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if self.overlap(a, b):
                    return None
        return person, records

    def _person_allowed(self, ctx: Context) -> bool:
        if self._may_create_person is None:
            self._may_create_person = ctx.actor is None or scopes.can_create_person(ctx.actor)
        return self._may_create_person

    def allowed(self, org: Organisation, check: Callable[[Organisation], bool]) -> bool:
        if org.pk not in self._allowed:
            self._allowed[org.pk] = check(org)
        return self._allowed[org.pk]

    # Everyone else, through the services --------------------------------------------------

    def _one_by_one(self, ctx: Context, sheet: ParsedSheet, someone: Someone, records) -> None:
        existing = someone.existing
        mine = records.get(existing.pk, {}) if existing is not None else {}
        merged = self.merge(someone, mine)
        person = existing
        person_updated = False
        data_row = merged.source["name"]
        if existing is None or not same_person(existing, merged.values):
            before = person_before(existing, merged.values) if existing is not None else None
            try:
                person, outcome = people_services.person_upsert(
                    actor=ctx.actor, id_number=someone.id_number, **merged.values
                )
            except (ValidationError, PermissionDenied) as exc:
                self._person_failed(ctx, sheet, someone, merged, exc)
                return
            if outcome == "created":
                ctx.created(person)
                ctx.stamp_history(Person, person.pk)
            elif outcome == "updated":
                ctx.updated(person, before or {}, sheet=sheet, row=data_row)
                person_updated = True
        summary = sheet.summary
        for line in someone.ordered():
            record = mine.get(line.start)
            changed = self.changes(record, line.data) if record is not None else None
            if record is not None and not changed:
                if person_updated and line.row is data_row:
                    summary.updated += 1
                else:
                    summary.unchanged += 1
                continue
            try:
                saved, outcome = self.write(ctx, person, line, record)
            except (ValidationError, PermissionDenied) as exc:
                ctx.fail(
                    sheet,
                    line.row,
                    exc,
                    fields={"person": "id_number"},
                    default=self.error_default,
                )
                continue
            if outcome == "created":
                ctx.created(saved)
                ctx.creates(sheet, line.row, line.row.values.get("name") or "")
                ctx.stamp_history(self.model, saved.pk)
                summary.created += 1
            elif outcome == "updated":
                ctx.updated(saved, self.before(record, changed), sheet=sheet, row=line.row)
                summary.updated += 1
            else:  # pragma: no cover - compared above
                summary.unchanged += 1

    def before(self, record: models.Model, names: Iterable[str]) -> dict[str, Any]:
        """The values of the changed fields before the update (for undo)."""
        meta = self.model._meta
        return {name: to_json(getattr(record, meta.get_field(name).attname)) for name in names}

    def changes(self, record: models.Model, data: dict[str, Any]) -> list[str]:
        """The fields whose value in the row differs from the record's."""
        changed = []
        for name, value in data.items():
            f = self.model._meta.get_field(name)
            if f.is_relation:
                if getattr(record, f.attname) != (value.pk if value is not None else None):
                    changed.append(name)
            elif getattr(record, name) != value:
                changed.append(name)
        return changed

    def _person_failed(
        self, ctx: Context, sheet: ParsedSheet, someone: Someone, merged: Merged, exc: Exception
    ) -> None:
        """Report a refusal of the person on the row whose cell gave the value refused."""
        rows = [line.row for line in someone.ordered()]
        columns = {**PERSON_ERROR_COLUMNS, "employer": self.employer_field}
        if not (isinstance(exc, ValidationError) and hasattr(exc, "error_dict")):
            for row in rows:
                ctx.fail(sheet, row, exc, default="id_number")
            return
        for key, errors in exc.error_dict.items():
            if key == "gender" and "id_number" in exc.error_dict and not merged.values["gender"]:
                continue  # a blank sex comes from the number; the number's error says it all
            column = columns.get(key, key)
            if column == "id_number" or key not in merged.source:
                targets = rows  # the number (or the whole person): each of their rows
            else:
                targets = [merged.source[key]]
            for row in targets:
                ctx.fail(
                    sheet, row, ValidationError({key: errors}), fields=columns, default="id_number"
                )


def same_person(person: Person, merged: dict[str, Any]) -> bool:
    """Would person_upsert find nothing to change? (Its comparison, made in memory.)"""
    if person.name != merged["name"] or person.employer_id != merged["employer"].pk:
        return False
    if merged["gender"] and person.gender != merged["gender"]:
        return False
    if merged["specialty"] is not None and person.specialty != merged["specialty"]:
        return False
    phone = merged["phone"]
    return phone is None or normalise_phone(phone) == person.clear_phone()


def person_before(person: Person, merged: dict[str, Any]) -> dict[str, Any]:
    """The changed fields' values before the update, for undo: the phone as its ciphertext."""
    before: dict[str, Any] = {}
    if person.name != merged["name"]:
        before["name"] = person.name
    if person.employer_id != merged["employer"].pk:
        before["employer"] = person.employer_id
    if merged["gender"] and person.gender != merged["gender"]:
        before["gender"] = person.gender
    if merged["specialty"] is not None and person.specialty != merged["specialty"]:
        before["specialty"] = person.specialty
    phone = merged["phone"]
    if phone is not None and normalise_phone(phone) != person.clear_phone():
        before["phone_cipher"] = person.phone_cipher
    return before


# 人员 ------------------------------------------------------------------------------------


class PostingsHandler(PersonalHandler):
    model = Posting
    record_fields = (
        "kind",
        "field",
        "sending_org",
        "pairing_city",
        "host_org",
        "host_department",
        "batch",
        "end_date",
        "role",
    )
    employer_field = "sending_org"

    def __init__(self) -> None:
        super().__init__()
        self._batches: dict[str, Batch | ValidationError] = {}  # by the cell's text
        self._numbers: dict[int, Batch | ValidationError] = {}  # by the batch's number

    def _batch(self, ctx: Context, sheet: ParsedSheet, row: Row) -> tuple[bool, Batch | None]:
        text = row.values.get("batch")
        if not text:
            return True, None
        if text not in self._batches:
            try:
                number = people_services.batch_parse(text)
            except ValidationError as exc:
                self._batches[text] = exc
            else:
                self._batches[text] = self._by_number(ctx, sheet, row, number)
        found = self._batches[text]
        if isinstance(found, ValidationError):
            for message in found.messages:
                sheet.error(row, "batch", message)
            return False, None
        return True, found

    def _by_number(
        self, ctx: Context, sheet: ParsedSheet, row: Row, number: int
    ) -> Batch | ValidationError:
        """The batch of that number; one the platform does not know yet is registered (its
        number only) and listed as a warning on the first row naming it, like organisations."""
        if number not in self._numbers:
            try:
                batch, created = people_services.batch_get_or_create(actor=ctx.actor, number=number)
            except (ValidationError, PermissionDenied) as exc:
                name = Batch(number=number)
                self._numbers[number] = ValidationError(
                    [
                        _("无法新建批次“%(n)s”：%(m)s") % {"n": name, "m": m}
                        for m in error_messages(exc)
                    ]
                )
            else:
                if created:
                    ctx.created(batch)
                    ctx.stamp_history(Batch, batch.pk)
                    sheet.warn(
                        row,
                        "batch",
                        _("新建批次“%(n)s”（系统中没有该批次）。") % {"n": batch},
                    )
                self._numbers[number] = batch
        return self._numbers[number]

    def resolve(self, ctx: Context, sheet: ParsedSheet, row: Row, present: list[str]):
        v = row.values
        sending = ctx.orgs.resolve(
            sheet, row, "sending_org", side=Side.SUPPORTING, city=v.get("pairing_city")
        )
        host = ctx.orgs.resolve(sheet, row, "host_org", side=Side.AIDED)
        ok, batch = self._batch(ctx, sheet, row)
        if not ok or sending is None or host is None or row.bad:
            return None
        department = None
        if v.get("host_department"):
            department = ctx.orgs.department(sheet, row, "host_department", host)
            if department is None:
                return None
        resolved = {
            "sending_org": sending,
            "host_org": host,
            "host_department": department,
            "batch": batch,
        }
        data = {}
        for name in present:
            if name in resolved:
                data[name] = resolved[name]
            elif name == "role":
                data[name] = v.get(name) or ""
            else:
                data[name] = v.get(name)
        return data

    def may_create(self, ctx: Context, data: dict[str, Any]) -> bool:
        actor = ctx.actor
        if actor is None:
            return True
        return scopes.can_create_posting(actor) and self.allowed(
            data["host_org"], lambda org: scopes.can_host_posting_at(actor, org)
        )

    def overlap(self, a: Posting, b: Posting) -> bool:
        # PostingQuerySet.overlapping: the other runs on or after this start, starts by its end.
        return (a.end_date is None or a.end_date >= b.start_date) and (
            b.end_date is None or a.start_date <= b.end_date
        )

    def write(self, ctx: Context, person: Person, line: Line, existing) -> tuple[Any, str]:
        return people_services.posting_upsert(
            actor=ctx.actor, person=person, start_date=line.start, **line.data
        )


def export_rows(postings: Iterable[Posting]) -> Iterable[list]:
    """The 人员 sheet of postings, ID numbers and phones always masked (people selectors)."""
    yield from selectors.sheet_rows(postings, personal=True, unmasked=False)


SPEC = specs.SheetSpec(
    name="人员",
    order=40,
    columns=COLUMNS,
    key=("id_number", "start_date"),
    handler=PostingsHandler,
    exporter=export_rows,
    export_related=(
        "person",
        "batch",
        "sending_org",
        "pairing_city",
        "host_org",
        "host_department",
    ),
    description=gettext_lazy(
        "援青人员派驻：每行一段派驻，以身份证号加开始日期识别；身份证号和联系电话加密保存。"
    ),
    place="host_org",
)
