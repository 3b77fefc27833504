"""The people ledger's sheets: 人员 (postings, postings.py) and 培训 (trainings, trainings.py),
and how the import engine undoes what they wrote. Registered from PeopleConfig.ready().

The undo messages name people by name only: never an ID number.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import crypto
from duikou.exchange_io import specs
from duikou.exchange_io.engine import chunked, elsewhere
from duikou.people import services as people_services
from duikou.people.models import (
    Achievement,
    AvailabilityWindow,
    Person,
    Posting,
    TrainingPlacement,
)
from duikou.people.sheets import postings, trainings


class PeopleUndo(specs.UndoHooks):
    """People, postings, trainings and batches an import wrote."""

    order = 40
    delete_order = (
        "people.trainingplacement",
        "people.posting",
        "people.person",
        "people.batch",
    )

    def dependants(self, created: dict[str, set[int]]) -> list[str]:
        """What refers to the people, postings and trainings a batch created (names only:
        never an ID number)."""
        problems = []
        persons = created.get("people.person", set())
        postings_ = created.get("people.posting", set())
        trainings_ = created.get("people.trainingplacement", set())
        departments = created.get("core.department", set())
        orgs = created.get("core.organisation", set())
        for chunk in chunked(persons):
            for p in elsewhere(
                Posting.objects.filter(person_id__in=chunk).select_related(
                    "person", "host_org", "host_department"
                ),
                postings_,
            ):
                problems.append(_("导入新登记的人员之后又登记了派驻：%(p)s。") % {"p": p})
            for t in elsewhere(
                TrainingPlacement.objects.filter(person_id__in=chunk).select_related("person"),
                trainings_,
            ):
                problems.append(_("导入新登记的人员之后又登记了跟岗培训：%(t)s。") % {"t": t})
            for a in Achievement.objects.filter(person_id__in=chunk).select_related("person")[:5]:
                problems.append(
                    _("导入新登记的人员“%(n)s”之后又记录了成效。") % {"n": a.person.name}
                )
            for w in AvailabilityWindow.objects.filter(person_id__in=chunk).select_related(
                "person"
            )[:5]:
                problems.append(
                    _("导入新登记的人员“%(n)s”之后又申报了可出诊时间。") % {"n": w.person.name}
                )
        for chunk in chunked(postings_):
            for a in Achievement.objects.filter(posting_id__in=chunk).select_related("person")[:5]:
                problems.append(_("导入的派驻（%(n)s）之后又记录了成效。") % {"n": a.person.name})
        for chunk in chunked(departments):
            for p in elsewhere(
                Posting.objects.filter(host_department_id__in=chunk).select_related(
                    "person", "host_org", "host_department"
                ),
                postings_,
            ):
                problems.append(_("导入新增的科室已用于其他派驻：%(p)s。") % {"p": p})
        for chunk in chunked(orgs):
            for p in elsewhere(
                Posting.objects.filter(
                    Q(sending_org_id__in=chunk) | Q(host_org_id__in=chunk)
                ).select_related("person", "host_org", "host_department"),
                postings_,
            ):
                problems.append(_("导入新建的单位已用于其他派驻：%(p)s。") % {"p": p})
            for t in elsewhere(
                TrainingPlacement.objects.filter(
                    Q(home_org_id__in=chunk) | Q(host_org_id__in=chunk)
                ).select_related("person"),
                trainings_,
            ):
                problems.append(_("导入新建的单位已用于其他跟岗培训：%(t)s。") % {"t": t})
            for p in elsewhere(Person.objects.filter(employer_id__in=chunk), persons):
                problems.append(_("导入新建的单位已是其他人员的工作单位：%(n)s。") % {"n": p.name})
        return problems

    def restore(self, label: str, obj: Any, before: dict[str, Any], *, actor: User | None) -> None:
        if label == "people.person":
            # The phone was kept as its ciphertext: the clear number is never in an ImportChange.
            cipher = before.pop("phone_cipher", None)
            phone = crypto.decrypt(cipher) if cipher is not None else None
            people_services.person_update(actor=actor, person=obj, phone=phone, **before)
        elif label == "people.posting":
            people_services.posting_update(actor=actor, posting=obj, **before)
        elif label == "people.trainingplacement":
            people_services.training_update(actor=actor, training=obj, **before)
        else:  # pragma: no cover - the sheets update nothing else
            raise ValueError(label)

    def deletable(self, label: str, pks: set[int]) -> set[int]:
        if label != "people.batch" or not pks:
            return pks
        # A batch the import created stays when something else uses it (the import's own
        # postings are deleted by now): it is a number of the programme, not the import's data.
        used = Posting.objects.filter(batch_id__in=pks).values_list("batch_id", flat=True)
        return pks - set(used)


def register() -> None:
    """Called from PeopleConfig.ready()."""
    specs.register(postings.SPEC)
    specs.register(trainings.SPEC)
    specs.register_undo(PeopleUndo)
