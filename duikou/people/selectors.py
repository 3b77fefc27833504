"""Reads of the people module shared by pages, exports and the Excel exchange."""

from __future__ import annotations

# The 人员 sheet's columns (docs/contracts/templates.md), so an unmasked export can be edited
# and re-imported.
SHEET_HEADERS = [
    "姓名",
    "身份证号",
    "性别",
    "人员类别",
    "领域",
    "专业",
    "派出单位",
    "结对城市",
    "受援单位",
    "受援科室",
    "批次",
    "开始日期",
    "结束日期",
    "联系电话",
    "挂职职务",
]
PERSONAL_COLUMNS = {"身份证号", "联系电话"}


def sheet_headers(*, personal: bool = True) -> list[str]:
    return [h for h in SHEET_HEADERS if personal or h not in PERSONAL_COLUMNS]


def sheet_rows(postings, *, personal: bool = True, unmasked: bool = False):
    """Rows of the 人员 sheet for postings (person, orgs and batch selected): the ID number and
    phone masked; their columns left out when `personal` is False (the viewer, see
    `sheet_headers`); clear only when `unmasked` (the headquarters, after
    services.unmasked_export_log)."""
    keep = [i for i, h in enumerate(SHEET_HEADERS) if personal or h not in PERSONAL_COLUMNS]
    for p in postings:
        person = p.person
        if not personal:
            id_number = phone = ""
        elif unmasked:
            id_number, phone = person.clear_id_number(), person.clear_phone()
        else:
            id_number, phone = person.id_number_masked, person.phone_masked
        row = [
            person.name,
            id_number,
            person.gender,
            p.kind,
            p.field,
            person.specialty,
            p.sending_org.name,
            p.pairing_city.name if p.pairing_city else "",
            p.host_org.name,
            p.host_department.name if p.host_department else "",
            str(p.batch) if p.batch else "",
            p.start_date,
            p.end_date,
            phone,
            p.role,
        ]
        yield [row[i] for i in keep]
