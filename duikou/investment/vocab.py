"""The investment ledger's vocabularies (templates.md 企业, 政策; the deal pipeline) and the
GB/T 4754-2017 industry sections with their divisions (core reference data)."""

from __future__ import annotations

import re
from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.reference import facts


class EnterpriseSize(models.TextChoices):
    LARGE = "大型", _("大型")
    MEDIUM = "中型", _("中型")
    SMALL = "小型", _("小型")
    MICRO = "微型", _("微型")


class IncentiveKind(models.TextChoices):
    ELECTRICITY = "电价", _("电价")
    LAND = "土地", _("土地")
    TAX = "税收", _("税收")
    SUBSIDY = "补贴", _("补贴")
    TALENT = "人才", _("人才")
    OTHER = "其他", _("其他")


class DealStage(models.TextChoices):
    LEAD = "线索", _("线索")
    TALKS = "洽谈", _("洽谈")
    SIGNED = "签约", _("签约")
    STARTED = "开工", _("开工")
    FUNDED = "资金到位", _("资金到位")
    PRODUCING = "投产", _("投产")
    ENDED = "终止", _("终止")


#: the pipeline in order; 终止 stands outside it
PIPELINE = [
    DealStage.LEAD,
    DealStage.TALKS,
    DealStage.SIGNED,
    DealStage.STARTED,
    DealStage.FUNDED,
    DealStage.PRODUCING,
]
RANK = {s.value: i for i, s in enumerate(PIPELINE)}
#: stages at which a deal counts as signed (签约 or beyond)
SIGNED_STAGES = frozenset(s.value for s in PIPELINE[2:])


def is_backwards(old: str, new: str) -> bool:
    """Does moving from `old` to `new` go back (or reopen an ended deal)?"""
    if old == DealStage.ENDED:
        return new != DealStage.ENDED
    if new == DealStage.ENDED:
        return False
    return RANK[new] < RANK[old]


# Industries (GB/T 4754-2017) -----------------------------------------------------------------


@cache
def sections() -> dict[str, dict]:
    """Section letter → {"name", "name_en", "divisions": ["13", …, "43"]}."""
    out = {}
    for item in facts()["gbt4754_2017_sections"]:
        lo, _sep, hi = item["divisions"].partition("-")
        hi = hi or lo
        out[item["code"]] = {
            "name": item["name"],
            "name_en": item["name_en"],
            "divisions": [f"{n:02d}" for n in range(int(lo), int(hi) + 1)],
        }
    return out


@cache
def division_section() -> dict[str, str]:
    return {d: code for code, s in sections().items() for d in s["divisions"]}


def section_of(division: str) -> str | None:
    return division_section().get(division)


def section_code(raw: str) -> str | None:
    """A section written as its letter (C) or its name (制造业) → the letter."""
    value = (raw or "").strip().replace("\u3000", "")
    if value.upper() in sections():
        return value.upper()
    for code, s in sections().items():
        if value == s["name"]:
            return code
    return None


def division_code(raw) -> str | None:
    """A division written as two digits (03) or a number (3) → "03"; None if unknown."""
    text = str(raw).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"\d{1,2}", text):
        return None
    code = f"{int(text):02d}"
    return code if code in division_section() else None


INDUSTRY_SEPARATORS = re.compile(r"[、,，;；\s]+")


def parse_industries(raw: str) -> tuple[list[str], list[str]]:
    """适用行业 text → (codes: section letters and two-digit divisions, unknown parts)."""
    codes, bad = [], []
    for part in INDUSTRY_SEPARATORS.split((raw or "").strip()):
        if not part:
            continue
        code = section_code(part) or division_code(part)
        if code is None:
            bad.append(part)
        elif code not in codes:
            codes.append(code)
    return codes, bad


def parse_incentives(raw: str) -> tuple[list[str], list[str]]:
    """优惠类型 text → (kinds in the vocabulary's order, unknown parts)."""
    found, bad = set(), []
    for part in INDUSTRY_SEPARATORS.split((raw or "").strip()):
        if not part:
            continue
        if part in IncentiveKind.values:
            found.add(part)
        else:
            bad.append(part)
    return [k for k in IncentiveKind.values if k in found], bad


def industry_label(section: str, division: str = "") -> str:
    s = sections().get(section)
    name = s["name"] if s else section
    return f"{section} {name}" + (f" · {division}" if division else "")
