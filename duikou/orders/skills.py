"""The skills a demand may ask for: hospital departments (医疗) and school subjects (教育).

The names are those of the reference vocabulary (duikou/core/data/domain-facts.json), kept
exactly as given (“英语 (外语)”, “重症医学科 (ICU)”): the planner matches an expert's skill to
a demand's by name.
"""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext_lazy as _

from duikou.core import reference
from duikou.orders.models import SkillField


@cache
def _vocabulary() -> dict[str, str]:
    """skill name → SkillField value, departments first, then subjects (reference order)."""
    vocab: dict[str, str] = {}
    for row in reference.hospital_departments():
        vocab.setdefault(row["name"], SkillField.MEDICAL.value)
    for row in reference.school_subjects():
        vocab.setdefault(row["name"], SkillField.EDUCATION.value)
    return vocab


def skills(field: str | None = None) -> list[str]:
    """Every skill name, or those of one field, in the reference order."""
    return [name for name, f in _vocabulary().items() if field is None or f == field]


def field_of(skill: str) -> str | None:
    """The SkillField value of a skill, or None when the skill is not in the vocabulary."""
    return _vocabulary().get((skill or "").strip())


def skill_choices(*, blank: bool = True) -> list:
    """Choices for a <select>, grouped by field (the optgroups 医疗 / 教育)."""
    groups = [
        (str(SkillField.MEDICAL.label), [(s, s) for s in skills(SkillField.MEDICAL)]),
        (str(SkillField.EDUCATION.label), [(s, s) for s in skills(SkillField.EDUCATION)]),
    ]
    return ([("", _("请选择专业"))] if blank else []) + groups


def _forms(name: str) -> list[str]:
    """The ways a vocabulary name is written in people's records: the name itself, the part
    before a parenthesis (“重症医学科 (ICU)” → 重症医学科, “英语 (外语)” → 英语) and each side
    of a slash (“信息科技 / 信息技术” → 信息科技, 信息技术)."""
    forms = [name]
    base = name.split("(")[0].split("（")[0].strip()
    forms.append(base)
    forms.extend(part.strip() for part in base.split("/"))
    return [f for f in forms if f]


@cache
def _aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name in _vocabulary():
        for form in _forms(name):
            aliases.setdefault(form, name)
    return aliases


def canonical(specialty: str) -> str | None:
    """The vocabulary skill a person's specialty stands for (“重症医学科” → “重症医学科 (ICU)”,
    “信息技术” → “信息科技 / 信息技术”), or None when it is not a demand skill (“校长”)."""
    return _aliases().get((specialty or "").strip().replace("（", "(").replace("）", ")"))
