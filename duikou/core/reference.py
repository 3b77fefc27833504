"""Reference data shipped with the code (shared/reference/domain-facts.json, described in
docs/contracts/domain-facts.md)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "domain-facts.json"

SHORT_NAMES = {
    "630000": "青海",
    "630100": "西宁",
    "632800": "海西州",
    "632801": "格尔木",
    "632802": "德令哈",
    "632803": "茫崖",
    "632821": "乌兰",
    "632822": "都兰",
    "632823": "天峻",
    "632857": "大柴旦",
    "330000": "浙江",
}
ALT_CODES = {"632857": "632825"}
LEVELS = {
    "province": "province",
    "prefecture": "prefecture",
    "county": "county",
    "county-equivalent": "county",
}


@cache
def facts() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def division_rows() -> list[dict]:
    """Qinghai, Xining, Haixi and its 7 county-level units, Zhejiang and its 11 cities."""
    rows = []
    for item in facts()["divisions"] + facts()["zhejiang_cities"]:
        code = item["code"]
        if any(r["code"] == code for r in rows):
            continue
        name = item["name"]
        rows.append(
            {
                "code": code,
                "name": name,
                "short_name": item.get("short") or SHORT_NAMES.get(code) or name.removesuffix("市"),
                "name_en": item.get("name_en", ""),
                "level": LEVELS[item["level"]],
                "parent": item.get("parent"),
                "seat": item.get("seat", ""),
                "lat": item.get("lat"),
                "lon": item.get("lon"),
                "non_mca": code == "632857",
                "alt_code": ALT_CODES.get(code, ""),
                "note": item.get("code_note", ""),
            }
        )
    return rows


def city_county_pairs() -> list[tuple[str, str]]:
    """(Zhejiang city code, Haixi county-level code), the 7 pairings since 2010."""
    return [(p["supporter"], p["aided"]) for p in facts()["pairings"] if p["supporter"] != "330000"]


# An editor's note in a reference name, not part of the name users see: "高原病科 (非名录, local)"
# (not in the national catalogue). Chinese or acronym glosses stay: "重症医学科 (ICU)".
_EDITORS_NOTE = re.compile(r"\s*[(（][^()（）]*(?:非名录|\b[a-z]{3,}\b)[^()（）]*[)）]")


def display_name(name: str) -> str:
    """A reference name as users see it: without the editor's notes of the facts file."""
    return _EDITORS_NOTE.sub("", name).strip()


def _named(rows: list[dict]) -> list[dict]:
    return [{**row, "name": display_name(row["name"])} for row in rows]


@cache
def hospital_departments() -> list[dict]:
    """The hospital departments of the facts file, their names as users see them."""
    return _named(facts()["hospital_departments"])


@cache
def school_subjects() -> list[dict]:
    return _named(facts()["school_subjects"])
