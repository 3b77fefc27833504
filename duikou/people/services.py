"""The one door for every write to the people module: scoped, validated, atomic, in history.

For an importer (the 人员 sheet, key 身份证号 + 开始日期) the calls are:

    person, outcome = person_upsert(actor=user, id_number=..., name=..., employer=org,
                                    gender="男"|"女"|"", phone=..., specialty=...)
    batch = batch_resolve("第一批")            # or "1"; None for a blank cell
    posting, outcome = posting_upsert(actor=user, person=person, start_date=...,
                                      kind=..., field=..., sending_org=..., host_org=...,
                                      host_department=..., pairing_city=..., batch=batch,
                                      end_date=..., role=...)

`outcome` is "created", "updated" or "unchanged". Every refusal is a ValidationError keyed by
field (id_number, phone, gender, birth_date, and the Posting field names) whose messages never
quote a whole ID number or phone; PermissionDenied when the actor may not write there.
actor=None is a system load (demo, migrations): no scope checks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from simple_history.utils import bulk_create_with_history

from duikou.accounts.models import User
from duikou.core import crypto, servicekit, uploads
from duikou.core.models import Organisation
from duikou.lib.checkdigits import normalise_code
from duikou.people import scopes
from duikou.people.identity import (
    id_birth_date,
    id_findings,
    id_gender,
    id_messages,
    normalise_id_number,
    normalise_phone,
    phone_problem,
)
from duikou.people.models import (
    CHINESE_DIGITS,
    AccessLog,
    Achievement,
    AvailabilityWindow,
    Batch,
    Person,
    Posting,
    TrainingPlacement,
)
from duikou.people.vocab import AccessAction

PERSON_FIELDS = (
    "name",
    "gender",
    "specialty",
    "employer",
    "photo",
    "user",
    "visit_days_budget",
    "note",
)
POSTING_FIELDS = (
    "person",
    "kind",
    "field",
    "batch",
    "sending_org",
    "pairing_city",
    "host_org",
    "host_department",
    "role",
    "start_date",
    "end_date",
    "note",
)
TRAINING_FIELDS = (
    "person",
    "home_org",
    "host_org",
    "host_unit",
    "programme",
    "field",
    "start_date",
    "end_date",
    "note",
)
BATCH_FIELDS = ("number", "name", "start_date", "end_date", "note")
ACHIEVEMENT_FIELDS = ("kind", "count", "title", "description", "date")
MIN_REASON_LENGTH = 4


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


# People --------------------------------------------------------------------------------------


@sensitive_variables("id_number", "value")
def _set_id_number(
    person: Person, id_number: str, birth_date: dt.date | None, errors: dict[str, list]
) -> bool:
    """Check an ID number and store its ciphertext and hash; True if it changed."""
    value = normalise_id_number(id_number)
    findings = id_findings(value, today=timezone.localdate())
    if findings:
        errors["id_number"] = id_messages(findings)
        return False
    derived = id_gender(value)
    if not person.gender:
        person.gender = derived
    elif person.gender != derived:
        errors["gender"] = [
            _("性别与身份证号不符：按身份证号第 17 位应为“%(gender)s”。") % {"gender": derived}
        ]
    if birth_date and birth_date != id_birth_date(value):
        errors["birth_date"] = [_("出生日期与身份证号中的出生日期不符，请核对。")]
    digest = crypto.blind_index(value)
    if digest == person.id_hash:
        return False
    if Person.objects.filter(id_hash=digest).exclude(pk=person.pk).exists():
        errors["id_number"] = [_("该身份证号已登记在系统中，不能重复登记。")]
        return False
    person.id_hash = digest
    person.id_cipher = crypto.encrypt(value)
    return True


@sensitive_variables("phone", "value")
def _set_phone(person: Person, phone: str, errors: dict[str, list]) -> bool:
    value = normalise_phone(phone)
    if value:
        problem = phone_problem(value)
        if problem:
            errors["phone"] = [problem]
            return False
    if value == person.clear_phone():
        return False
    person.phone_cipher = crypto.encrypt(value)
    return True


def _clean_person(person: Person, errors: dict[str, list]) -> None:
    if not person.id_cipher and "id_number" not in errors:
        errors["id_number"] = [_("请填写身份证号。")]
    try:
        # The hash and the ciphertext were checked above, in the user's terms.
        person.full_clean(exclude=["id_hash", "id_cipher", "phone_cipher"])
    except ValidationError as exc:
        _merge(errors, exc)
    if errors:
        raise ValidationError(errors)


def _store_person(person: Person, *, actor: User | None) -> None:
    try:
        servicekit.store(person, actor=actor)
    except ValidationError as exc:
        if Person.objects.filter(id_hash=person.id_hash).exclude(pk=person.pk).exists():
            raise ValidationError(
                {"id_number": [_("该身份证号已登记在系统中，不能重复登记。")]}
            ) from exc
        raise


SEALED_PHOTO_SUFFIX = ".enc"


def _set_photo(person: Person, photo: Any) -> bool:
    """photo: None = unchanged, False = remove, a file = replace."""
    if photo is None or photo == person.photo:
        return False
    if photo is False:
        person.photo = None
        return True
    # Checked by its content, then stored sealed like the person's other personal data: the
    # file on disk is ciphertext (served decrypted by people:person_photo to those who may
    # see personal data).
    uploads.check_file(photo, kinds=(uploads.IMAGE,))
    photo.seek(0)
    person.photo = ContentFile(crypto.seal(photo.read()), name="photo" + SEALED_PHOTO_SUFFIX)
    return True


@sensitive_variables("id_number", "phone")
@transaction.atomic
def person_create(
    *,
    actor: User | None,
    id_number: str,
    name: str,
    employer: Organisation,
    gender: str = "",
    phone: str = "",
    birth_date: dt.date | None = None,
    specialty: str = "",
    photo: Any = None,
    user: User | None = None,
    visit_days_budget: int | None = None,
    note: str = "",
) -> Person:
    """Register a person. The ID number is checked (GB 11643), and the sex and the birth date,
    when given, against it; the ID number and phone are stored encrypted."""
    if actor is not None and not scopes.can_create_person(actor):
        raise PermissionDenied(_("您没有登记人员的权限。"))
    person = Person(created_by=actor)
    servicekit.apply_fields(
        person,
        PERSON_FIELDS,
        {
            "name": name,
            "gender": gender or "",
            "specialty": specialty or "",
            "employer": employer,
            "user": user,
            "visit_days_budget": visit_days_budget,
            "note": note or "",
        },
    )
    _set_photo(person, photo or None)
    errors: dict[str, list] = {}
    _set_id_number(person, id_number or "", birth_date, errors)
    _set_phone(person, phone or "", errors)
    _clean_person(person, errors)
    _store_person(person, actor=actor)
    return person


@sensitive_variables("id_number", "phone")
@transaction.atomic
def person_update(
    *,
    actor: User | None,
    person: Person,
    id_number: str | None = None,
    phone: str | None = None,
    birth_date: dt.date | None = None,
    photo: Any = None,
    **data: Any,
) -> Person:
    """Change a person. id_number None or "" keeps the number; phone None keeps it, "" clears."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None and not scopes.can_edit_person(actor, current):
        raise PermissionDenied(_("您没有修改该人员的权限。"))
    if actor is not None and "user" in data and not actor.is_headquarters:
        if data["user"] != current.user:
            raise PermissionDenied(_("只有指挥部可以关联登录账号。"))
    changed = bool(servicekit.apply_fields(current, PERSON_FIELDS, data))
    changed |= _set_photo(current, photo)
    errors: dict[str, list] = {}
    if id_number:
        changed |= _set_id_number(current, id_number, birth_date, errors)
    elif birth_date:
        if birth_date != id_birth_date(current.clear_id_number()):
            errors["birth_date"] = [_("出生日期与身份证号中的出生日期不符，请核对。")]
    if phone is not None:
        changed |= _set_phone(current, phone, errors)
    if not changed and not errors:
        return current
    _clean_person(current, errors)
    _store_person(current, actor=actor)
    return current


def person_build(
    *,
    actor: User | None,
    id_number: str,
    name: str,
    employer: Any,
    gender: str = "",
    specialty: str | None = None,
    phone: str | None = None,
    id_hash: str | None = None,
) -> Person | None:
    """A new person for `person_create_many`, checked in memory as `person_create` checks one;
    None when a check fails (the caller then goes through `person_upsert`, whose refusal says
    why). `id_number` is normalised and valid (its search hash `id_hash`, when the caller has it
    already); `employer` an organisation the caller has loaded."""
    derived = id_gender(id_number)
    if gender and gender != derived:
        return None
    clear_phone = normalise_phone(phone or "")
    if clear_phone and phone_problem(clear_phone):
        return None
    person = Person(
        created_by=actor,
        name=name,
        gender=gender or derived,
        specialty=specialty or "",
        employer=employer,
        note="",
        id_hash=id_hash or crypto.blind_index(id_number),
        id_cipher=crypto.encrypt(id_number),
        phone_cipher=crypto.encrypt(clear_phone),
    )
    try:
        person.full_clean(
            exclude=["id_hash", "id_cipher", "phone_cipher", "employer", "user", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError:
        return None
    return person


@transaction.atomic
def person_create_many(
    *,
    actor: User | None,
    persons: list[Person],
    records: list[Posting] | list[TrainingPlacement],
    reason: str,
) -> None:
    """Register new people with their postings or trainings (of one kind), in bulk with their
    history: an import of thousands of people. The people come from `person_build`, the records
    validated by the caller against the actor's scope (`scopes.can_create_posting` …)."""
    if not persons:
        return
    if actor is not None and not scopes.can_create_person(actor):
        raise PermissionDenied(_("您没有登记人员的权限。"))
    bulk_create_with_history(persons, Person, default_user=actor, default_change_reason=reason)
    for record in records:
        record.person = record.person  # the person's new primary key
    if records:
        bulk_create_with_history(
            records, type(records[0]), default_user=actor, default_change_reason=reason
        )


def person_find(id_number: str) -> Person | None:
    """The person with this ID number (found by its keyed hash), or None."""
    value = normalise_id_number(id_number)
    if id_findings(value):
        return None
    return Person.objects.filter(id_hash=crypto.blind_index(value)).first()


@sensitive_variables("id_number", "phone")
def person_upsert(
    *,
    actor: User | None,
    id_number: str,
    name: str,
    employer: Organisation,
    gender: str = "",
    phone: str | None = None,
    specialty: str | None = None,
) -> tuple[Person, str]:
    """Find a person by ID number and bring name, sex, employer, phone, specialty up to date,
    or register them. A blank phone or specialty (None) leaves what is stored."""
    existing = person_find(id_number)
    if existing is None:
        person = person_create(
            actor=actor,
            id_number=id_number,
            name=name,
            employer=employer,
            gender=gender,
            phone=phone or "",
            specialty=specialty or "",
        )
        return person, "created"
    data: dict[str, Any] = {"name": name, "employer": employer}
    if gender:
        data["gender"] = gender
    if specialty is not None:
        data["specialty"] = specialty
    diff = {k: v for k, v in data.items() if getattr(existing, k) != v}
    phone_changed = phone is not None and normalise_phone(phone) != existing.clear_phone()
    if not diff and not phone_changed:
        return existing, "unchanged"
    person = person_update(
        actor=actor, person=existing, phone=phone if phone_changed else None, **diff
    )
    return person, "updated"


def person_reveal(
    *, actor: User, person: Person, reason: str, ip: str | None = None
) -> dict[str, Any]:
    """The unmasked ID number and phone, for the headquarters only, with a reason; logged."""
    if not scopes.can_reveal(actor):
        raise PermissionDenied(_("只有指挥部可以查看完整的个人信息。"))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("请填写查看理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_LENGTH}}
        )
    AccessLog.objects.create(
        user=actor,
        username=actor.get_username(),
        action=AccessAction.REVEAL,
        person=person,
        reason=reason,
        detail=_("身份证号、联系电话"),
        ip=ip,
    )
    id_number = person.clear_id_number()
    return {
        "id_number": id_number,
        "phone": person.clear_phone(),
        "birth_date": id_birth_date(id_number) if len(id_number) == 18 else None,
    }


def unmasked_export_log(
    *, actor: User, reason: str, count: int, filters: str = "", ip: str | None = None
) -> AccessLog:
    """Allow and log an export with unmasked ID numbers and phones (headquarters only)."""
    if not scopes.can_reveal(actor):
        raise PermissionDenied(_("只有指挥部可以导出未脱敏的名单。"))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("请填写导出理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_LENGTH}}
        )
    detail = _("导出 %(n)s 条派驻记录") % {"n": count}
    if filters:
        detail = f"{detail}（{filters}）"[:300]
    return AccessLog.objects.create(
        user=actor,
        username=actor.get_username(),
        action=AccessAction.EXPORT,
        reason=reason,
        detail=detail,
        ip=ip,
    )


# Batches -------------------------------------------------------------------------------------

_BATCH = re.compile(r"^第?([0-9]+|[零一二三四五六七八九十]+)批?$")


def batch_parse(text: str) -> int:
    """'第一批', '第1批', '一', '1' → 1. Raises ValidationError naming the accepted forms."""
    value = normalise_code(str(text)).replace("次", "")
    match = _BATCH.match(value)
    number = None
    if match:
        token = match.group(1)
        if token.isdigit():
            number = int(token)
        else:
            number = _chinese_to_int(token)
    if not number:
        raise ValidationError(
            {"batch": _("批次“%(value)s”无法识别：请填写如“第一批”或“1”。") % {"value": text}}
        )
    return number


def _chinese_to_int(token: str) -> int | None:
    if token == "十":
        return 10
    if "十" in token:
        tens, _sep, ones = token.partition("十")
        t = CHINESE_DIGITS.index(tens) if tens else 1
        o = CHINESE_DIGITS.index(ones) if ones else 0
        return t * 10 + o
    if len(token) == 1:
        return CHINESE_DIGITS.index(token) or None
    return None


def batch_resolve(text: str | int | None) -> Batch | None:
    """The batch a cell names ('第一批' or '1'); None for a blank cell; an error if unknown."""
    if text is None or str(text).strip() == "":
        return None
    number = text if isinstance(text, int) else batch_parse(text)
    batch = Batch.objects.filter(number=number).first()
    if batch is None:
        known = "、".join(str(b) for b in Batch.objects.all()) or "—"
        raise ValidationError(
            {
                "batch": _("没有%(name)s；已登记的批次：%(known)s。")
                % {"name": Batch(number=number), "known": known}
            }
        )
    return batch


@transaction.atomic
def batch_create(*, actor: User | None, **data: Any) -> Batch:
    if actor is not None and not scopes.can_manage_batches(actor):
        raise PermissionDenied(_("只有指挥部可以管理批次。"))
    batch = Batch()
    servicekit.apply_fields(batch, BATCH_FIELDS, data)
    servicekit.save(batch, actor=actor)
    return batch


@transaction.atomic
def batch_get_or_create(*, actor: User | None, number: int) -> tuple[Batch, bool]:
    """The batch of that number, registered (number only, no dates) when it is not yet: an
    import naming a batch the platform does not know yet. (batch, created)."""
    batch = Batch.objects.filter(number=number).first()
    if batch is not None:
        return batch, False
    return batch_create(actor=actor, number=number), True


@transaction.atomic
def batch_update(*, actor: User | None, batch: Batch, **data: Any) -> Batch:
    if actor is not None and not scopes.can_manage_batches(actor):
        raise PermissionDenied(_("只有指挥部可以管理批次。"))
    current = Batch.objects.select_for_update().get(pk=batch.pk)
    if servicekit.apply_fields(current, BATCH_FIELDS, data):
        servicekit.save(current, actor=actor)
    return current


# Postings ------------------------------------------------------------------------------------


def _check_posting_scope(actor: User, posting: Posting) -> None:
    if posting.host_org_id and not scopes.can_host_posting_at(actor, posting.host_org):
        raise ValidationError({"host_org": _("受援单位超出您的数据范围。")})


@transaction.atomic
def posting_create(*, actor: User | None, **data: Any) -> Posting:
    """Record a posting. Refused: end before start, a 短期支援 shorter than 3 months or
    without end, a second posting of the person starting the same day, overlapping periods."""
    if actor is not None and not scopes.can_create_posting(actor):
        raise PermissionDenied(_("您没有登记派驻的权限。"))
    posting = Posting(created_by=actor)
    servicekit.apply_fields(posting, POSTING_FIELDS, data)
    if actor is not None:
        _check_posting_scope(actor, posting)
    servicekit.save(posting, actor=actor)
    return posting


@transaction.atomic
def posting_update(*, actor: User | None, posting: Posting, **data: Any) -> Posting:
    current = Posting.objects.select_for_update().get(pk=posting.pk)
    if actor is not None and not scopes.can_edit_posting(actor, current):
        raise PermissionDenied(_("您没有修改该派驻的权限。"))
    if not servicekit.apply_fields(current, POSTING_FIELDS, data):
        return current
    if actor is not None:
        _check_posting_scope(actor, current)
    servicekit.save(current, actor=actor)
    return current


def posting_end(*, actor: User | None, posting: Posting, end_date: dt.date) -> Posting:
    return posting_update(actor=actor, posting=posting, end_date=end_date)


def posting_find(*, id_number: str, start_date: dt.date) -> Posting | None:
    """The posting under the 人员 sheet's natural key: ID number + start date."""
    person = person_find(id_number)
    if person is None:
        return None
    return Posting.objects.filter(person=person, start_date=start_date).first()


def posting_upsert(
    *, actor: User | None, person: Person, start_date: dt.date, **data: Any
) -> tuple[Posting, str]:
    """Create the posting (person, start_date) or bring its other fields up to date."""
    existing = Posting.objects.filter(person=person, start_date=start_date).first()
    if existing is None:
        posting = posting_create(actor=actor, person=person, start_date=start_date, **data)
        return posting, "created"
    diff = {k: v for k, v in data.items() if getattr(existing, k) != v}
    if not diff:
        return existing, "unchanged"
    return posting_update(actor=actor, posting=existing, **diff), "updated"


# Training placements -------------------------------------------------------------------------


def _check_training_scope(actor: User, training: TrainingPlacement) -> None:
    if (
        training.home_org_id
        and not scopes.training_home_orgs(actor).filter(pk=training.home_org_id).exists()
    ):
        raise ValidationError({"home_org": _("所在单位超出您的数据范围。")})


@transaction.atomic
def training_create(*, actor: User | None, **data: Any) -> TrainingPlacement:
    if actor is not None and not scopes.can_manage_trainings(actor):
        raise PermissionDenied(_("您没有登记跟岗培训的权限。"))
    training = TrainingPlacement(created_by=actor)
    servicekit.apply_fields(training, TRAINING_FIELDS, data)
    if actor is not None:
        _check_training_scope(actor, training)
    servicekit.save(training, actor=actor)
    return training


@transaction.atomic
def training_update(
    *, actor: User | None, training: TrainingPlacement, **data: Any
) -> TrainingPlacement:
    current = TrainingPlacement.objects.select_for_update().get(pk=training.pk)
    if actor is not None and not scopes.can_edit_training(actor, current):
        raise PermissionDenied(_("您没有修改该跟岗培训的权限。"))
    if not servicekit.apply_fields(current, TRAINING_FIELDS, data):
        return current
    if actor is not None:
        _check_training_scope(actor, current)
    servicekit.save(current, actor=actor)
    return current


# Achievements --------------------------------------------------------------------------------


@transaction.atomic
def achievement_create(
    *,
    actor: User | None,
    posting: Posting | None = None,
    person: Person | None = None,
    host_org: Organisation | None = None,
    **data: Any,
) -> Achievement:
    """Record an achievement of a posting (or, for the headquarters, of a person and host)."""
    if actor is not None:
        if posting is not None:
            if not scopes.can_record_achievement(actor, posting):
                raise PermissionDenied(_("您不能为该派驻记录成效。"))
        elif not actor.is_headquarters:
            raise PermissionDenied(_("请选择派驻记录。"))
    achievement = Achievement(
        posting=posting,
        person=posting.person if posting is not None else person,
        host_org=host_org or (posting.host_org if posting is not None else None),
        recorded_by=actor,
    )
    servicekit.apply_fields(achievement, ACHIEVEMENT_FIELDS, data)
    servicekit.save(achievement, actor=actor)
    return achievement


@transaction.atomic
def achievement_verify(*, actor: User | None, achievement: Achievement) -> Achievement:
    if actor is not None and not scopes.can_verify_achievement(actor):
        raise PermissionDenied(_("只有指挥部可以审核成效。"))
    current = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if current.verified_at is None:
        current.verified_by = actor
        current.verified_at = timezone.now()
        servicekit.save(current, actor=actor, reason=_("审核通过"))
    return current


# Availability --------------------------------------------------------------------------------


@transaction.atomic
def availability_create(
    *,
    actor: User | None,
    person: Person,
    start_date: dt.date,
    end_date: dt.date,
    note: str = "",
) -> AvailabilityWindow:
    """Declare dates the person can travel for visits; windows of one person never overlap."""
    if actor is not None and not scopes.can_edit_availability(actor, person):
        raise PermissionDenied(_("只能申报本人的可出诊时间。"))
    window = AvailabilityWindow(
        person=person, start_date=start_date, end_date=end_date, note=(note or "").strip()
    )
    servicekit.save(window, actor=actor)
    return window


@transaction.atomic
def visit_budget_set(*, actor: User | None, person: Person, days: int | None) -> Person:
    """The most days the person can serve away in one planning period (None: the run's
    default). Set by the person themself or the headquarters, like availability."""
    if actor is not None and not scopes.can_edit_availability(actor, person):
        raise PermissionDenied(_("只能设置本人的出诊天数上限。"))
    if days is not None and not 1 <= days <= 90:
        raise ValidationError({"visit_days_budget": [_("每期最多出诊天数应在 1 到 90 天之间。")]})
    if person.visit_days_budget != days:
        person.visit_days_budget = days
        servicekit.save(person, actor=actor)
    return person


@transaction.atomic
def availability_delete(*, actor: User | None, window: AvailabilityWindow) -> None:
    if actor is not None and not scopes.can_edit_availability(actor, window.person):
        raise PermissionDenied(_("只能修改本人的可出诊时间。"))
    servicekit.stamp(window, actor=actor)
    window.delete()


# Keys ----------------------------------------------------------------------------------------


@transaction.atomic
def people_rekey() -> int:
    """Re-encrypt every stored ID number and phone (history too) under the first field key and
    recompute the search hashes; run after putting a new key in front of DUIKOU_FIELD_KEY."""
    n = 0
    for person in Person.objects.select_for_update().order_by("pk"):
        id_number = person.clear_id_number()
        Person.objects.filter(pk=person.pk).update(
            id_cipher=crypto.rotate(person.id_cipher),
            phone_cipher=crypto.rotate(person.phone_cipher),
            # An erased person keeps its placeholder: no number, nothing to hash.
            id_hash=crypto.blind_index(id_number) if id_number else person.id_hash,
        )
        n += 1
    for record in Person.history.all().order_by("pk").iterator():
        Person.history.filter(pk=record.pk).update(
            id_cipher=crypto.rotate(record.id_cipher),
            phone_cipher=crypto.rotate(record.phone_cipher),
        )
    return n


# A person's own request (PIPL art. 45 copy, art. 47 erasure) -----------------------------------

ERASED_NAME = "已删除人员#%(pk)s"
ERASED_HASH = "erased-%(pk)s"  # never a hex digest: no ID number ever finds it


def is_erased(person: Person) -> bool:
    return person.id_hash == ERASED_HASH % {"pk": person.pk}


def _request_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("请填写理由（至少 %(n)s 个字），例如本人申请的日期和编号。")
                % {"n": MIN_REASON_LENGTH}
            }
        )
    return reason


def _request_log(
    *, actor: User | None, username: str, person: Person, action: str, reason: str, detail: str
) -> AccessLog:
    if actor is not None and not scopes.can_reveal(actor):
        raise PermissionDenied(_("只有指挥部可以办理个人信息的副本和删除申请。"))
    return AccessLog.objects.create(
        user=actor,
        username=(actor.get_username() if actor is not None else username)[:150],
        action=action,
        person=person,
        reason=reason,
        detail=detail[:300],
    )


def _rows(queryset: Any) -> list[dict[str, Any]]:
    from django.forms.models import model_to_dict

    rows = []
    for obj in queryset:
        row = model_to_dict(obj)
        row["id"] = obj.pk
        for key, value in list(row.items()):
            if isinstance(value, list):  # many-to-many: the related objects' ids
                row[key] = [getattr(v, "pk", v) for v in value]
            elif hasattr(value, "name") and hasattr(value, "storage"):  # a file
                row[key] = value.name or ""
        row["_text"] = str(obj)
        rows.append(row)
    return rows


@sensitive_variables("id_number")
@transaction.atomic
def person_export(
    *, actor: User | None, person: Person, reason: str, username: str = ""
) -> dict[str, Any]:
    """Everything the platform holds about one person, in clear (a copy for the person,
    PIPL art. 45): their record, every record that refers to them (postings, trainings,
    achievements, availability, visits, … found through the relations, whatever app owns
    them), the log of looks at their data and their change history. Logged with who and why;
    the caller writes the copy where the person gets it, and nowhere else."""
    reason = _request_reason(reason)
    _request_log(
        actor=actor,
        username=username,
        person=person,
        action=AccessAction.COPY,
        reason=reason,
        detail=_("本人个人信息副本（个人信息保护法第四十五条）"),
    )
    id_number = person.clear_id_number()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "name": person.name,
            "gender": person.gender,
            "id_number": id_number,
            "birth_date": (id_birth_date(id_number).isoformat() if len(id_number) == 18 else None),
            "phone": person.clear_phone(),
            "specialty": person.specialty,
            "employer": str(person.employer),
            "photo": person.photo.name if person.photo else "",
            "account": person.user.get_username() if person.user is not None else "",
            "visit_days_budget": person.visit_days_budget,
            "note": person.note,
            "erased": is_erased(person),
        },
        "records": {},
        "history": [],
    }
    for relation in Person._meta.related_objects:
        if relation.related_model is Person.history.model:
            continue
        accessor = relation.get_accessor_name() or ""
        model = relation.related_model
        if not accessor or isinstance(model, str):
            continue
        if relation.one_to_one:
            related = getattr(person, accessor, None)
            rows = _rows([related]) if related is not None else []
        else:
            rows = _rows(getattr(person, accessor).all())
        if rows:
            data["records"][model._meta.label_lower] = rows
    for record in person.history.order_by("history_date", "history_id"):
        data["history"].append(
            {
                "when": record.history_date.isoformat(),
                "type": record.history_type,
                "who": str(record.history_user) if record.history_user_id else "",
                "reason": record.history_change_reason or "",
                "name": record.name,
                "id_number": crypto.decrypt(record.id_cipher),
                "phone": crypto.decrypt(record.phone_cipher),
                "specialty": record.specialty,
                "employer_id": record.employer_id,
                "note": record.note,
            }
        )
    return data


@transaction.atomic
def person_erase(*, actor: User | None, person: Person, reason: str, username: str = "") -> Person:
    """Erase a person's personal data on request (PIPL art. 47) and keep the records.

    Gone: the ID number (and with it the birth date), the phone, the photo, the note, the link
    to a login account, the declared availability; the name becomes "已删除人员#<id>"; the
    change history keeps its rows (who changed what, when) but loses the old names and
    ciphertexts. Kept, now pointing at the pseudonym: postings, trainings, achievements,
    visits and every figure built on them (money records never refer to a person).
    """
    reason = _request_reason(reason)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        raise ValidationError(_("该人员的个人信息已删除。"))
    _request_log(
        actor=actor,
        username=username,
        person=person,
        action=AccessAction.ERASE,
        reason=reason,
        detail=_("删除身份证号、联系电话、照片、备注、可出诊时间，姓名改为编号"),
    )
    pseudonym = ERASED_NAME % {"pk": person.pk}
    if person.photo:
        person.photo.delete(save=False)
    person.name = pseudonym
    person.id_cipher = ""
    person.phone_cipher = ""
    person.id_hash = ERASED_HASH % {"pk": person.pk}
    person.photo = None
    person.note = ""
    person.user = None
    servicekit.store(person, actor=actor, reason=_("删除个人信息（本人申请）"))
    Person.history.filter(id=person.pk).update(
        id_cipher="", phone_cipher="", name=pseudonym, photo="", note=""
    )
    windows = AvailabilityWindow.objects.filter(person=person)
    AvailabilityWindow.history.filter(person_id=person.pk).delete()
    windows.delete()
    AvailabilityWindow.history.filter(person_id=person.pk).delete()  # the deletion rows too
    from duikou.exchange_io.models import ImportChange

    # The values an import replaced, kept to undo it: the old name and ciphertexts go too.
    for change in ImportChange.objects.filter(model="people.person", object_id=person.pk):
        before = {
            k: v
            for k, v in (change.before or {}).items()
            if k not in {"name", "id_cipher", "phone_cipher", "id_hash", "photo", "note"}
        }
        ImportChange.objects.filter(pk=change.pk).update(before=before or None)
    return person
