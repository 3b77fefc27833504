"""The 人员 and 培训 sheets: people found by ID number, postings and trainings written through
the people services, all or nothing, idempotent, scoped — and no ID number or phone in clear
anywhere outside the people module: not in a report, not in the stored errors, not on the page,
not in a stored file."""

import datetime as dt
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from duikou.core import crypto
from duikou.core import services as core_services
from duikou.core.models import Department, Division, Organisation
from duikou.exchange_io import blanks, services, specs
from duikou.exchange_io.exports import csv_bytes, sheet_response
from duikou.exchange_io.models import ImportBatch, ImportChange
from duikou.lib.checkdigits import ID_CHECK, ID_WEIGHTS
from duikou.lib.masking import mask_id_number, mask_phone
from duikou.people import selectors
from duikou.people import services as people_services
from duikou.people.identity import make_id_number
from duikou.people.models import Batch, Person, Posting, TrainingPlacement
from tests.test_exchange_support import (
    exchange_settings,  # noqa: F401
    make_book,
    messages,
    run,
    template_as_filled,
)
from tests.test_people_common import (
    LI_ID,
    MA_ID,
    PHONE,
    PHONE_2,
    SUN_ID,
    ZHAO_ID,
    field_key,  # noqa: F401
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

PEOPLE_HEADER = [
    "姓名*",
    "身份证号*",
    "性别",
    "人员类别*",
    "领域*",
    "专业",
    "派出单位*",
    "结对城市",
    "受援单位*",
    "受援科室",
    "批次",
    "开始日期*",
    "结束日期",
    "联系电话",
    "挂职职务",
]
TRAINING_HEADER = [
    "姓名*",
    "身份证号*",
    "性别",
    "所在单位*",
    "培训单位*",
    "跟岗科室",
    "培训项目*",
    "领域",
    "开始日期*",
    "结束日期*",
    "联系电话",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(header: list[str], values: dict, over: dict) -> list:
    """Override cells by header or by its bare name (姓名 for 姓名*)."""
    for key, value in over.items():
        if key not in values:
            matches = [h for h in values if h.rstrip("*") == key]
            if len(matches) != 1:
                raise KeyError(key)
            key = matches[0]
        values[key] = value
    return [values[h] for h in header]


def person_row(id_number=LI_ID, **over):
    return _row(
        PEOPLE_HEADER,
        {
            "姓名*": "李明",
            "身份证号*": id_number,
            "性别": None,
            "人员类别*": "专业技术人才",
            "领域*": "医疗",
            "专业": "神经内科",
            "派出单位*": "嘉兴市第一医院",
            "结对城市": "嘉兴市",
            "受援单位*": "都兰县人民医院",
            "受援科室": "神经内科",
            "批次": None,
            "开始日期*": dt.date(2023, 3, 1),
            "结束日期": dt.date(2024, 8, 31),
            "联系电话": PHONE,
            "挂职职务": "挂职副主任",
        },
        over,
    )


def training_row(id_number=MA_ID, **over):
    return _row(
        TRAINING_HEADER,
        {
            "姓名*": "马丽",
            "身份证号*": id_number,
            "性别": None,
            "所在单位*": "都兰县人民医院",
            "培训单位*": "嘉兴市第一医院",
            "跟岗科室": "神经内科",
            "培训项目*": "海西州骨干医师浙江跟岗培训（第一期）",
            "领域": "医疗",
            "开始日期*": dt.date(2023, 4, 10),
            "结束日期*": dt.date(2023, 7, 9),
            "联系电话": PHONE_2,
        },
        over,
    )


def people_book(tmp_path, *rows, name="people.xlsx"):
    return make_book(tmp_path / name, {"人员": [PEOPLE_HEADER, *rows]})


def with_check(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def wrong_check(id_number: str) -> str:
    return id_number[:17] + ("1" if id_number[17] != "1" else "2")


def counts() -> dict[str, int]:
    """Rows of every table a people import may write, with their history."""
    from django.apps import apps

    found = {}
    for label in ("core", "people", "projects"):
        for model in apps.get_app_config(label).get_models():
            found[model._meta.label] = model._default_manager.count()
    return found


def dump(result) -> str:
    """Everything a run reports: its text and its problems as stored on a batch."""
    return (
        result.text(limit=None)
        + json.dumps(result.problems_json(result.errors), ensure_ascii=False)
        + json.dumps(result.problems_json(result.warnings), ensure_ascii=False)
    )


def only_error(result):
    assert not result.ok and not result.written
    assert len(result.errors) == 1, messages(result)
    return result.errors[0]


# A registry to spread 2,000 postings over ---------------------------------------------------

SENDERS = ["嘉兴市第一医院", "湖州市中心医院", "浙江大学医学院附属第一医院"]
DEPARTMENTS = ["内科", "外科", "儿科", "妇产科", "急诊科"]


def spread(reg) -> list[tuple[str, list[str]]]:
    """A host hospital with five departments in every Haixi county, besides the registry's."""
    hosts = [
        (reg.dulan_hospital.name, ["神经内科"]),
        (reg.wulan_hospital.name, ["心血管内科"]),
        (reg.prefecture_hospital.name, ["重症医学科"]),
    ]
    for county in Division.objects.filter(parent__code="632800").order_by("code"):
        org = core_services.organisation_create(
            actor=None,
            name=f"{county.name}第二人民医院",
            kind="医院",
            side="受援方",
            division=county,
        )
        for name in DEPARTMENTS:
            core_services.department_create(actor=None, organisation=org, name=name)
        hosts.append((org.name, DEPARTMENTS))
    for number in (1, 2, 3):
        people_services.batch_create(actor=None, number=number)
    return hosts


KINDS = ["专业技术人才", "党政干部", "柔性帮扶", "短期支援"]
FIELDS = ["医疗", "教育", "农牧", "规划建设", "经济", "其他"]
ADDRESSES = ["330402", "330502", "330106", "330203"]


def many_rows(hosts, n=2000) -> list[list]:
    """n postings of n different people: valid, unique, fictional ID numbers."""
    rows = []
    first = dt.date(1960, 1, 1)
    for i in range(n):
        born = first + dt.timedelta(days=7 * i)
        id_number = make_id_number(ADDRESSES[i % 4], born, f"{(i * 37) % 1000:03d}")
        host, departments = hosts[i % len(hosts)]
        kind = KINDS[i % 4]
        start = dt.date(2021, 1, 1) + dt.timedelta(days=i % 700)
        end = start + dt.timedelta(days=200 if kind == "短期支援" else 900)
        rows.append(
            person_row(
                id_number,
                姓名=f"测试{i:04d}",
                性别=("男" if int(id_number[16]) % 2 else "女") if i % 2 else None,
                人员类别=kind,
                领域=FIELDS[i % 6],
                专业=DEPARTMENTS[i % 5],
                派出单位=SENDERS[i % 3],
                结对城市=["嘉兴市", "湖州市", "杭州市"][i % 3],
                受援单位=host,
                受援科室=departments[(i // len(hosts)) % len(departments)],
                批次=["第一批", "2", None, "第三批"][i % 4],
                开始日期=start,
                结束日期=end if i % 5 else None if kind != "短期支援" else end,
                联系电话=f"139{i:08d}",
                挂职职务="" if i % 3 else "挂职副院长",
            )
        )
    return rows


# A good sheet ------------------------------------------------------------------------------


def test_a_people_sheet_registers_people_and_their_postings(reg, tmp_path):
    people_services.batch_create(actor=None, number=1)
    path = people_book(
        tmp_path,
        person_row(批次="第一批"),
        person_row(
            MA_ID,
            姓名="马　丽",
            人员类别="短期支援",
            领域="教育",
            专业="数学",
            派出单位="宁波市第二中学",
            结对城市="宁波市",
            受援单位="格尔木市第一中学",
            受援科室="数学组",
            开始日期="2023/9/1",
            结束日期="2023年12月1日",
            联系电话="０９７９-８４１２３４５",
            挂职职务=None,
        ),
        person_row(ZHAO_ID, 姓名="赵敏", 受援科室="骨科", 批次=1, 联系电话=None),
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert result.written
    assert (result.sheets["人员"].created, result.sheets["人员"].rows) == (3, 3)
    li = Person.objects.get(name="李明")
    assert li.clear_id_number() == LI_ID and li.gender == "男"  # from the 17th digit
    assert li.clear_phone() == PHONE and li.specialty == "神经内科"
    assert LI_ID not in li.id_cipher and PHONE not in li.phone_cipher
    assert li.employer == reg.jiaxing_hospital and li.created_by == reg.hq
    posting = Posting.objects.get(person=li)
    assert posting.host_org == reg.dulan_hospital and posting.host_department == reg.dulan_neuro
    assert posting.batch.number == 1 and posting.pairing_city == reg.jiaxing
    assert posting.role == "挂职副主任" and posting.end_date == dt.date(2024, 8, 31)
    ma = Person.objects.get(id_hash=crypto.blind_index(MA_ID))
    assert ma.name == "马丽" and ma.gender == "女" and ma.clear_phone() == "0979-8412345"
    short = Posting.objects.get(person=ma)
    assert short.kind == "短期支援" and short.end_date == dt.date(2023, 12, 1)
    # New organisations on the side their column implies, a new department on its host.
    sender = Organisation.objects.get(name="宁波市第二中学")
    assert (sender.side, sender.division.code) == ("支援方", "330200")
    host = Organisation.objects.get(name="格尔木市第一中学")
    assert (host.side, host.division.code) == ("受援方", "632800")
    assert Department.objects.filter(organisation=reg.dulan_hospital, name="骨科").exists()
    warned = "\n".join(w.text() for w in result.warnings)
    assert "新建单位“宁波市第二中学”" in warned and "新增科室“骨科”" in warned
    # History names the import, as for every other sheet.
    record = li.history.get()
    assert record.history_type == "+" and record.history_user == reg.hq
    assert "导入" in record.history_change_reason
    assert "导入" in posting.history.get().history_change_reason


def test_the_same_workbook_twice_changes_nothing_and_a_change_updates(reg, tmp_path):
    path = people_book(tmp_path, person_row(), person_row(MA_ID, 姓名="马丽"))
    assert run(path, reg.hq).ok
    before = counts()
    again = run(path, reg.hq)
    assert again.ok and again.sheets["人员"].unchanged == 2, again.text()
    assert counts() == before
    changed = people_book(
        tmp_path,
        person_row(结束日期=dt.date(2024, 12, 31), 联系电话=PHONE_2),
        person_row(MA_ID, 姓名="马丽"),
        name="changed.xlsx",
    )
    result = run(changed, reg.hq)
    assert result.ok, result.text()
    summary = result.sheets["人员"]
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    li = Person.objects.get(name="李明")
    assert li.clear_phone() == PHONE_2 and li.history.count() == 2
    posting = Posting.objects.get(person=li)
    assert posting.end_date == dt.date(2024, 12, 31) and posting.history.count() == 2
    assert "导入" in posting.history.first().history_change_reason


def test_a_person_with_several_postings_is_written_once_and_stays_unchanged(reg, tmp_path):
    path = people_book(
        tmp_path,
        person_row(
            开始日期=dt.date(2025, 3, 1), 结束日期=None, 派出单位="湖州市中心医院", 联系电话=None
        ),
        person_row(开始日期=dt.date(2019, 3, 1), 结束日期=dt.date(2020, 2, 28)),
    )
    result = run(path, reg.hq)
    assert result.ok and result.sheets["人员"].created == 2, result.text()
    li = Person.objects.get()
    # The employer of the latest posting; the phone from the row that gives one.
    assert li.employer == reg.huzhou_hospital and li.clear_phone() == PHONE
    before = counts()
    assert run(path, reg.hq).sheets["人员"].unchanged == 2
    assert counts() == before


def test_an_export_unmasked_by_headquarters_reimports_unchanged(reg, tmp_path, client_for):
    people_services.batch_create(actor=None, number=2)
    path = people_book(
        tmp_path, person_row(批次="第二批"), person_row(MA_ID, 姓名="马丽", 受援科室=None)
    )
    assert run(path, reg.hq).ok
    response = client_for(reg.hq).post(
        reverse("people:person_export"), {"reason": "核对导入的名单", "query": ""}
    )
    assert response.status_code == 200
    before = counts()
    result = run(response.content, reg.hq)
    assert result.ok and result.sheets["人员"].unchanged == 2, result.text()
    assert {k: v for k, v in counts().items() if k != "people.AccessLog"} == {
        k: v for k, v in before.items() if k != "people.AccessLog"
    }


# 2,000 rows -----------------------------------------------------------------------------


@pytest.mark.slow
def test_2000_rows_import_in_seconds_and_again_change_nothing(reg, tmp_path, capsys):
    rows = many_rows(spread(reg))
    path = people_book(tmp_path, *rows)
    started = time.perf_counter()
    result = run(path, reg.hq)
    took = time.perf_counter() - started
    assert result.ok, result.text(limit=20)
    assert result.sheets["人员"].created == 2000
    assert Person.objects.count() == Posting.objects.count() == 2000
    assert Posting.objects.order_by().values("host_org").distinct().count() == 10
    assert Posting.objects.order_by().values("host_department").distinct().count() == 38
    assert Person.history.count() == Posting.history.count() == 2000
    sample = Person.objects.get(name="测试1234")
    assert sample.clear_id_number() == rows[1234][1]
    assert sample.clear_phone() == "13900001234"
    before = counts()
    started = time.perf_counter()
    again = run(path, reg.hq)
    took_again = time.perf_counter() - started
    assert again.ok and again.sheets["人员"].unchanged == 2000, again.text(limit=20)
    assert counts() == before  # history included: nothing new
    with capsys.disabled():
        print(f"\n人员 2,000 rows: import {took:.2f} s, re-import {took_again:.2f} s")
    assert took < 20 and took_again < 10


@pytest.mark.slow
def test_one_bad_id_number_among_2000_rows_fails_the_workbook_and_marks_its_cell(reg, tmp_path):
    rows = many_rows(spread(reg))
    clear = rows[1234][1]
    bad = wrong_check(clear)
    rows[1234][1] = bad
    path = people_book(tmp_path, *rows)
    before = counts()
    batch = services.batch_create(user=reg.hq, file=path, filename=path.name)
    result = services.batch_run(batch, dry_run=False)
    assert counts() == before
    error = only_error(result)
    assert (error.sheet, error.row, error.column) == ("人员", 1236, "身份证号*")
    assert error.value == mask_id_number(bad) and "校验码不符" in error.message
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert bad not in dump(result) and clear not in dump(result)
    assert bad not in json.dumps(batch.errors, ensure_ascii=False)
    assert mask_id_number(bad) in json.dumps(batch.errors, ensure_ascii=False)
    # The upload and its marked copy are stored sealed; opened, the copy marks the cell.
    for field in (batch.file, batch.error_file):
        raw = open(field.path, "rb").read()
        assert raw.startswith(services.SEALED) and bad.encode() not in raw
    wb = load_workbook(io.BytesIO(services.stored_bytes(batch.error_file)))
    cell = wb["人员"]["B1236"]
    assert cell.value == bad  # the user's own cell, to correct
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "校验码不符" in cell.comment.text and bad not in cell.comment.text
    listed = [[c.value for c in r] for r in wb["导入错误"].iter_rows(min_row=2)]
    assert listed == [["人员", 1236, "身份证号*", mask_id_number(bad), error.message]]


# Bad input ----------------------------------------------------------------------------------

SHORT = {"人员类别": "短期支援", "开始日期": dt.date(2023, 3, 1)}
BAD_BIRTH = with_check("63280219850230123")  # born 30 February 1985
FULL_WIDTH_MA_ID = "".join(chr(ord(c) + 0xFEE0) for c in MA_ID[:17]) + " x"


@pytest.mark.parametrize(
    "rows, where, fragment",
    [
        ([person_row(wrong_check(LI_ID))], (2, "身份证号*"), "校验码不符"),
        ([person_row(BAD_BIRTH)], (2, "身份证号*"), "出生日期 19850230 不存在"),
        ([person_row(LI_ID[:17])], (2, "身份证号*"), "身份证号有误"),
        ([person_row(性别="女")], (2, "性别"), "性别与身份证号不符"),
        (
            [person_row(), person_row(开始日期=dt.date(2024, 1, 1), 结束日期=None)],
            (3, "开始日期*"),
            "派驻期间重叠",
        ),
        (
            [
                person_row(结束日期=None),
                person_row(开始日期=dt.date(2025, 1, 1), 结束日期=dt.date(2025, 12, 31)),
            ],
            (3, "开始日期*"),
            "派驻期间重叠",
        ),
        ([person_row(**SHORT, 结束日期=dt.date(2023, 5, 31))], (2, "结束日期"), "至少 3 个月"),
        ([person_row(**SHORT, 结束日期=None)], (2, "结束日期"), "须填写结束日期"),
        ([person_row(), person_row()], (3, "身份证号*"), "重复"),
        (
            [person_row(MA_ID, 姓名="马丽"), person_row(FULL_WIDTH_MA_ID, 姓名="马丽")],
            (3, "身份证号*"),
            "重复",
        ),
        ([person_row(批次="第X批")], (2, "批次"), "无法识别"),
        ([person_row(联系电话="12345")], (2, "联系电话"), "联系电话格式不正确"),
        ([person_row(派出单位="乌兰县人民医院")], (2, "派出单位*"), "应为浙江（支援方）单位"),
        ([person_row(受援单位="浙大一院")], (2, "受援单位*"), "应为海西（受援方）单位"),
        ([person_row(结束日期=dt.date(2023, 1, 1))], (2, "结束日期"), "不能早于开始日期"),
        (
            [person_row(), person_row(姓名="李敏", 开始日期=dt.date(2025, 1, 1))],
            (3, "姓名*"),
            "姓名不同",
        ),
    ],
    ids=[
        "check-digit",
        "birth-date",
        "length",
        "sex",
        "overlap",
        "open-overlap",
        "short-term",
        "short-term-open",
        "duplicate-key",
        "duplicate-written-differently",
        "batch",
        "phone",
        "sending-side",
        "host-side",
        "end-before-start",
        "name-conflict",
    ],
)
def test_bad_input_is_refused_on_its_cell_and_nothing_is_written(
    reg, tmp_path, rows, where, fragment
):
    before = counts()
    result = run(people_book(tmp_path, *rows), reg.hq)
    assert not result.ok and not result.written
    assert counts() == before
    found = [(e.row, e.column) for e in result.errors if fragment in e.message]
    assert found and found[0] == where, messages(result)
    for row in rows:  # whatever the error, the ID numbers and phones are quoted masked
        for value in (row[1], row[13]):
            if value and len(str(value)) > 4:
                assert str(value) not in dump(result)


def test_an_overlap_with_a_posting_already_recorded(reg, tmp_path):
    li = people_services.person_create(
        actor=None, id_number=LI_ID, name="李明", employer=reg.jiaxing_hospital
    )
    people_services.posting_create(
        actor=None,
        person=li,
        kind="党政干部",
        field="经济",
        sending_org=reg.jiaxing_hospital,
        host_org=reg.wulan_hospital,
        start_date=dt.date(2022, 1, 1),
        end_date=None,
    )
    before = counts()
    error = only_error(run(people_book(tmp_path, person_row()), reg.hq))
    assert (error.row, error.column) == (2, "开始日期*") and "派驻期间重叠" in error.message
    assert counts() == before


def test_an_id_number_typed_as_a_number_is_explained(reg, tmp_path):
    result = run(people_book(tmp_path, person_row(float(LI_ID[:17]) * 10)), reg.hq)
    assert not result.ok
    assert any("数字格式" in e.message and e.column == "身份证号*" for e in result.errors)


def test_phones_and_id_numbers_in_other_cells_are_masked_too(reg, tmp_path):
    # An ID number pasted into 姓名 by mistake: the message quoting it masks it.
    result = run(
        people_book(
            tmp_path,
            person_row(姓名="李明"),
            person_row(姓名=SUN_ID, 开始日期=dt.date(2025, 1, 1)),
            person_row(MA_ID, 姓名="马丽", 联系电话="1381234567"),
        ),
        reg.hq,
    )
    assert not result.ok
    text = dump(result)
    assert SUN_ID not in text and mask_id_number(SUN_ID) in text
    assert "1381234567" not in text and mask_phone("1381234567") in text


# Scope ------------------------------------------------------------------------------------


def test_a_county_team_posts_only_to_hosts_in_its_counties(reg, tmp_path):
    before = counts()
    result = run(
        people_book(
            tmp_path,
            person_row(),
            person_row(MA_ID, 姓名="马丽", 受援单位="乌兰县人民医院", 受援科室=None),
        ),
        reg.dulan_team,
    )
    error = only_error(result)
    assert (error.row, error.column) == (3, "受援单位*")
    assert "超出您的数据范围" in error.message
    assert counts() == before
    ok = run(people_book(tmp_path, person_row(), name="own.xlsx"), reg.dulan_team)
    assert ok.ok, ok.text()
    assert Posting.objects.get().created_by == reg.dulan_team


def test_a_county_team_may_not_change_someone_posted_elsewhere(reg, tmp_path):
    path = people_book(tmp_path, person_row(受援单位="乌兰县人民医院", 受援科室=None))
    assert run(path, reg.hq).ok
    before = counts()
    changed = people_book(
        tmp_path,
        person_row(受援单位="乌兰县人民医院", 受援科室=None, 联系电话=PHONE_2),
        name="changed.xlsx",
    )
    error = only_error(run(changed, reg.dulan_team))
    assert "没有修改该人员的权限" in error.message and error.column == "身份证号*"
    assert counts() == before


def test_viewers_liaisons_and_aid_staff_cannot_register_people(reg, tmp_path):
    for user in (reg.liaison, reg.viewer):
        result = run(people_book(tmp_path, person_row()), user)
        assert not result.ok and "没有登记人员的权限" in messages(result)
    assert not Person.objects.exists()


# Personal data never in clear ------------------------------------------------------------------


def test_the_command_line_masks_and_seals(reg, tmp_path, capsys):
    bad = wrong_check(LI_ID)
    path = people_book(tmp_path, person_row(bad), person_row(MA_ID, 联系电话="139123"))
    out_path = tmp_path / "errors.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(path), "--errors-out", str(out_path))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert bad not in out and mask_id_number(bad) in out
    assert "139123" not in out and mask_phone("139123") in out
    batch = ImportBatch.objects.get()
    stored = json.dumps([batch.errors, batch.warnings, batch.message], ensure_ascii=False)
    assert bad not in stored and "139123" not in stored
    raw = open(batch.file.path, "rb").read()
    assert raw.startswith(services.SEALED) and bad.encode() not in raw
    assert services.stored_bytes(batch.file) == path.read_bytes()
    # No copy kept for the command line: it wrote one from the user's file, as asked.
    assert not batch.error_file
    wb = load_workbook(out_path)
    assert wb["人员"]["B2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert bad not in wb["人员"]["B2"].comment.text
    assert [c.value for c in wb["导入错误"][2]][3] == mask_id_number(bad)


def test_the_page_masks_and_downloads_are_decrypted(reg, tmp_path, client_for):
    bad = wrong_check(LI_ID)
    path = people_book(tmp_path, person_row(bad))
    client = client_for(reg.hq)
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
    client.post(reverse("exchange_io:import"), {"file": data})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "校验码不符" in page and mask_id_number(bad) in page and bad not in page
    for field in (batch.file, batch.error_file):
        raw = open(field.path, "rb").read()
        assert raw.startswith(services.SEALED) and bad.encode() not in raw
    original = client.get(reverse("exchange_io:batch_file", args=[batch.pk]))
    assert b"".join(original.streaming_content) == path.read_bytes()
    response = client.get(reverse("exchange_io:batch_errors", args=[batch.pk]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb["人员"]["B2"].fill.fgColor.rgb.endswith("FFC7CE")


def test_a_workbook_without_personal_data_is_stored_as_it_was(reg, tmp_path):
    from tests.test_exchange_support import PROJECT_HEADER, project_row

    path = make_book(tmp_path / "p.xlsx", {"项目": [PROJECT_HEADER, project_row()]})
    batch = services.batch_create(user=reg.hq, file=path, filename=path.name)
    assert open(batch.file.path, "rb").read() == path.read_bytes()
    assert not services.holds_personal_data(b"not a workbook")


def test_a_personal_workbook_over_the_size_limit_is_sealed_before_it_is_refused(
    reg, tmp_path, settings
):
    settings.DUIKOU_IMPORT_MAX_BYTES = 100
    path = people_book(tmp_path, person_row())
    batch = services.batch_create(user=reg.hq, file=path, filename=path.name)
    assert open(batch.file.path, "rb").read().startswith(services.SEALED)
    result = services.batch_run(batch, dry_run=True)
    assert "文件过大" in result.fatal


def test_a_personal_csv_upload_is_sealed_too(reg, tmp_path):
    text = ",".join(PEOPLE_HEADER) + "\n" + ",".join(str(v or "") for v in person_row()) + "\n"
    batch = services.batch_create(user=reg.hq, file=text.encode(), filename="people.csv")
    raw = open(batch.file.path, "rb").read()
    assert raw.startswith(services.SEALED) and LI_ID.encode() not in raw
    assert services.batch_run(batch, dry_run=False).ok
    assert Person.objects.get().clear_id_number() == LI_ID


def test_undo_removes_what_the_import_created_and_restores_what_it_changed(reg, tmp_path):
    first = people_book(tmp_path, person_row(受援科室="骨科"), name="first.xlsx")
    batch = services.batch_create(user=reg.hq, file=first, filename=first.name)
    assert services.batch_run(batch, dry_run=False).ok
    services.batch_undo(batch, actor=reg.hq)
    assert not Person.objects.exists() and not Posting.objects.exists()
    assert not Department.objects.filter(name="骨科").exists()
    assert services.batch_run(
        services.batch_create(user=reg.hq, file=first, filename=first.name), dry_run=False
    ).ok
    second = people_book(
        tmp_path, person_row(受援科室="骨科", 联系电话=PHONE_2, 挂职职务=None), name="second.xlsx"
    )
    batch = services.batch_create(user=reg.hq, file=second, filename=second.name)
    assert services.batch_run(batch, dry_run=False).ok
    li = Person.objects.get()
    assert li.clear_phone() == PHONE_2 and Posting.objects.get().role == ""
    stored = json.dumps(list(ImportChange.objects.values_list("before", flat=True)))
    assert PHONE not in stored and PHONE_2 not in stored
    services.batch_undo(batch, actor=reg.hq)
    li.refresh_from_db()
    assert li.clear_phone() == PHONE and Posting.objects.get().role == "挂职副主任"


def test_undo_is_refused_once_an_imported_person_has_another_posting(reg, tmp_path):
    path = people_book(tmp_path, person_row())
    batch = services.batch_create(user=reg.hq, file=path, filename=path.name)
    assert services.batch_run(batch, dry_run=False).ok
    people_services.posting_create(
        actor=None,
        person=Person.objects.get(),
        kind="柔性帮扶",
        field="医疗",
        sending_org=reg.jiaxing_hospital,
        host_org=reg.wulan_hospital,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
    )
    with pytest.raises(services.UndoRefused) as refused:
        services.batch_undo(batch, actor=reg.hq)
    assert "又登记了派驻" in str(refused.value) and LI_ID not in str(refused.value)
    assert Person.objects.count() == 1


# Exports and templates -------------------------------------------------------------------


def test_exports_of_the_people_sheet_are_always_masked(reg, tmp_path):
    assert run(people_book(tmp_path, person_row(), person_row(MA_ID, 姓名="马丽")), reg.hq).ok
    spec = specs.get("人员")
    assert [c.name for c in spec.columns] == selectors.sheet_headers()
    response = sheet_response("人员", Posting.objects.all(), "xlsx", "people")
    ws = load_workbook(io.BytesIO(response.content))["人员"]
    assert [c.value for c in ws[1]] == spec.headers
    cells = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert mask_id_number(LI_ID) in cells and mask_phone(PHONE) in cells
    assert LI_ID not in cells and MA_ID not in cells and PHONE not in cells
    text = b"".join(csv_bytes("人员", Posting.objects.all())).decode("utf-8-sig")
    assert mask_id_number(MA_ID) in text and MA_ID not in text and PHONE not in text


def test_the_templates_carry_both_sheets_documented_and_their_examples_import(reg, tmp_path):
    wb = load_workbook(io.BytesIO(blanks.template_workbook(["人员", "培训"])))
    assert wb.sheetnames == ["人员", "培训", "说明"]
    assert [c.value for c in wb["人员"][1]] == [*PEOPLE_HEADER, "示例"]
    assert [c.value for c in wb["培训"][1]] == [*TRAINING_HEADER, "示例"]
    guide = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    documented = {(r[0], r[1]): r[3] for r in guide if r and r[0] in ("人员", "培训")}
    assert len(documented) == len(PEOPLE_HEADER) + len(TRAINING_HEADER)
    assert (
        "浙江" in documented[("培训", "培训单位*")] and "海西" in documented[("培训", "所在单位*")]
    )
    assert "脱敏" in documented[("人员", "身份证号*")]
    lists = [dv.formula1 for dv in wb["人员"].data_validations.dataValidation]
    assert any("短期支援" in f for f in lists) and any("男" in f for f in lists)
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_as_filled(["人员", "培训"]))
    result = run(path, reg.hq)
    assert result.ok and result.sheets["人员"].created == result.sheets["培训"].created == 1


# 培训 ------------------------------------------------------------------------------------------


def training_book(tmp_path, *rows, name="training.xlsx"):
    return make_book(tmp_path / name, {"培训": [TRAINING_HEADER, *rows]})


def test_a_training_sheet_round_trip(reg, tmp_path):
    path = training_book(
        tmp_path,
        training_row(),
        training_row(开始日期=dt.date(2024, 4, 1), 结束日期=dt.date(2024, 6, 30), 领域=None),
        training_row(
            ZHAO_ID,
            姓名="赵敏",
            所在单位="乌兰县第一中学",
            培训单位="杭州学军中学",
            跟岗科室="校长办公室",
            培训项目="海西州中小学校长浙江跟岗研修",
            领域="教育",
            联系电话=None,
        ),
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert result.sheets["培训"].created == 3
    ma = Person.objects.get(name="马丽")
    assert ma.clear_id_number() == MA_ID and ma.gender == "女"
    assert ma.employer == reg.dulan_hospital and ma.clear_phone() == PHONE_2
    assert ma.trainings.count() == 2
    assert ma.trainings.get(start_date=dt.date(2024, 4, 1)).field == ""
    zhao = TrainingPlacement.objects.get(person__name="赵敏")
    assert zhao.home_org.side == "受援方" and zhao.host_org.side == "支援方"
    assert zhao.host_unit == "校长办公室"
    before = counts()
    again = run(path, reg.hq)
    assert again.ok and again.sheets["培训"].unchanged == 3
    assert counts() == before
    changed = training_book(
        tmp_path, training_row(培训项目="骨干医师跟岗培训（第二期）"), name="c.xlsx"
    )
    result = run(changed, reg.hq)
    assert result.ok and result.sheets["培训"].updated == 1, result.text()
    training = ma.trainings.get(start_date=dt.date(2023, 4, 10))
    assert training.programme == "骨干医师跟岗培训（第二期）" and training.history.count() == 2
    response = sheet_response("培训", TrainingPlacement.objects.all(), "xlsx", "trainings")
    ws = load_workbook(io.BytesIO(response.content))["培训"]
    assert [c.value for c in ws[1]] == TRAINING_HEADER
    cells = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert mask_id_number(MA_ID) in cells and MA_ID not in cells and PHONE_2 not in cells


@pytest.mark.parametrize(
    "rows, where, fragment",
    [
        ([training_row(wrong_check(MA_ID))], (2, "身份证号*"), "校验码不符"),
        ([training_row(性别="男")], (2, "性别"), "性别与身份证号不符"),
        (
            [
                training_row(),
                training_row(开始日期=dt.date(2023, 5, 1), 结束日期=dt.date(2023, 9, 1)),
            ],
            (3, "开始日期*"),
            "培训期间重叠",
        ),
        # training_create checks the scope (Haixi organisations) before the model's side rule.
        ([training_row(所在单位="嘉兴市第一医院")], (2, "所在单位*"), "所在单位"),
        ([training_row(结束日期=dt.date(2023, 1, 1))], (2, "结束日期*"), "不能早于开始日期"),
        ([training_row(), training_row()], (3, "身份证号*"), "重复"),
    ],
    ids=["check-digit", "sex", "overlap", "home-side", "end-before-start", "duplicate-key"],
)
def test_bad_training_rows_are_refused(reg, tmp_path, rows, where, fragment):
    before = counts()
    result = run(training_book(tmp_path, *rows), reg.hq)
    assert not result.ok and counts() == before
    found = [(e.row, e.column) for e in result.errors if fragment in e.message]
    assert found and found[0] == where, messages(result)
    assert MA_ID not in dump(result) and wrong_check(MA_ID) not in dump(result)


def test_undo_of_a_training_change(reg, tmp_path):
    assert run(training_book(tmp_path, training_row()), reg.hq).ok
    changed = training_book(tmp_path, training_row(跟岗科室="急诊科"), name="c.xlsx")
    batch = services.batch_create(user=reg.hq, file=changed, filename=changed.name)
    assert services.batch_run(batch, dry_run=False).sheets["培训"].updated == 1
    assert TrainingPlacement.objects.get().host_unit == "急诊科"
    services.batch_undo(batch, actor=reg.hq)
    assert TrainingPlacement.objects.get().host_unit == "神经内科"


def test_a_county_team_trains_only_staff_of_its_counties(reg, tmp_path):
    result = run(training_book(tmp_path, training_row(所在单位="乌兰县人民医院")), reg.dulan_team)
    error = only_error(result)
    assert error.column == "所在单位*" and "超出您的数据范围" in error.message
    ok = run(training_book(tmp_path, training_row(), name="own.xlsx"), reg.dulan_team)
    assert ok.ok, ok.text()


def test_both_sheets_in_one_workbook(reg, tmp_path):
    path = make_book(
        tmp_path / "both.xlsx",
        {"人员": [PEOPLE_HEADER, person_row()], "培训": [TRAINING_HEADER, training_row()]},
    )
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert Person.objects.count() == 2
    assert Batch.objects.count() == 0
