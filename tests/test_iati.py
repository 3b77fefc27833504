"""The IATI 2.03 export (reports/iati.py, `duikou export iati`, /reports/iati.xml).

Each file built here is validated against the 2.03 XSD shipped in reports/data/iati-2.03 and
every coded value against the codelists of the reference data, read here straight from the JSON
(not through the module under test): a project with every optional field empty, one with every
field full, a cancelled one. Then the command, the download and who must not get it.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from duikou.core.vocab import FlowType, OrgKind, ProjectCategory, ProjectStatus
from duikou.lib.masking import ID_LIKE, MOBILE_LIKE
from duikou.projects import services
from duikou.projects.models import Project
from duikou.reports import iati
from tests.test_projects_views import make, project_data, record

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "duikou/core/data/domain-facts.json").read_text("utf-8"))
CODELISTS = {
    name: {c["code"] for c in codes} for name, codes in REFERENCE["iati"]["codelists"].items()
}
DAC = {s["code"]: s for s in REFERENCE["dac_sectors"]}
SEATS = {d["code"]: d for d in REFERENCE["divisions"]}
EN = "{http://www.w3.org/XML/1998/namespace}lang"

# Every coded attribute the export writes → the reference codelist it must come from.
CODED = [
    ("reporting-org", "type", CODELISTS["OrganisationType"]),
    ("participating-org", "type", CODELISTS["OrganisationType"]),
    ("participating-org", "role", CODELISTS["OrganisationRole"]),
    ("activity-status", "code", CODELISTS["ActivityStatus"]),
    ("activity-date", "type", CODELISTS["ActivityDateType"]),
    ("sector", "code", set(DAC)),
    ("budget", "type", CODELISTS["BudgetType"]),
    ("transaction/transaction-type", "code", CODELISTS["TransactionType"]),
    ("transaction/provider-org", "type", CODELISTS["OrganisationType"]),
    ("transaction/receiver-org", "type", CODELISTS["OrganisationType"]),
]


def valid(content: bytes) -> etree._Element:
    """The parsed file, after the XSD and the codelists have accepted it."""
    xsd = etree.XMLSchema(
        etree.parse(str(ROOT / "duikou/reports/data/iati-2.03/iati-activities-schema.xsd"))
    )
    doc = etree.fromstring(content)
    assert xsd.validate(doc), [f"{e.line}: {e.message}" for e in xsd.error_log][:5]
    for act in doc.iterfind("iati-activity"):
        for path, attr, allowed in CODED:
            for el in act.iterfind(path):
                assert el.get(attr) in allowed, (path, attr, el.get(attr))
        assert act.get("default-currency") == "CNY"
        assert act.get(EN) == "zh"
        for sector in act.iterfind("sector"):
            assert sector.get("vocabulary") == "1"  # OECD DAC 5-digit
        for value in act.iterfind(".//value"):
            assert value.get("currency") == "CNY"
            dt.date.fromisoformat(value.get("value-date"))
        for country in act.iterfind("recipient-country"):
            assert country.get("code") == "CN"
    assert iati.problems(content) == []
    return doc


def one(doc, code) -> etree._Element:
    [act] = [
        a for a in doc.iterfind("iati-activity") if a.findtext("iati-identifier").endswith(code)
    ]
    return act


def narratives(el) -> dict[str, str]:
    return {n.get(EN, "zh"): n.text for n in el.iterfind("narrative")}


# The mappings -----------------------------------------------------------------------------------


def test_every_category_status_flow_and_org_kind_maps_into_the_reference():
    assert set(iati.SECTOR) == set(ProjectCategory)
    assert set(iati.SECTOR.values()) <= set(DAC)
    assert set(iati.STATUS) == set(ProjectStatus)
    assert set(iati.STATUS.values()) <= CODELISTS["ActivityStatus"]
    assert iati.STATUS[ProjectStatus.CANCELLED] == "5"
    assert iati.STATUS[ProjectStatus.SUSPENDED] == "6"
    assert iati.STATUS[ProjectStatus.ACCEPTED] == "4"
    assert {str(k): v for k, v in iati.TRANSACTION.items()} == {
        "下达": "2",
        "拨付": "3",
        "支出": "4",
    }
    assert set(iati.TRANSACTION) == set(FlowType)
    assert set(iati.ORGANISATION_TYPE) == set(OrgKind)
    assert set(iati.ORGANISATION_TYPE.values()) <= CODELISTS["OrganisationType"]
    assert {iati.ROLE_FUNDING, iati.ROLE_EXTENDING, iati.ROLE_IMPLEMENTING} == {"1", "3", "4"}


def test_the_identifier_is_the_org_ref_and_the_code_without_forbidden_characters(settings):
    settings.DUIKOU_IATI_ORG_REF = "XI-IATI-TEST"
    assert iati.identifier(Project(code="ZJHX-2023-001")) == "XI-IATI-TEST-ZJHX-2023-001"
    assert iati.identifier(Project(code="A/B 1?")) == "XI-IATI-TEST-A-B-1-"


# A project with every optional field empty ------------------------------------------------------


@pytest.fixture
def bare(reg):
    """Only what a project must have: code, name, year, category, county (amounts 0)."""
    return services.project_create(
        actor=None, code="BARE-1", name="空项目", year=2023, category="其他", county=reg.wulan
    )


def test_a_project_with_every_optional_field_empty_validates(bare):
    doc = valid(iati.build(2023))
    act = one(doc, "BARE-1")
    assert act.findtext("iati-identifier") == "CN-ZJ-AID-BARE-1"
    assert narratives(act.find("title")) == {"zh": "空项目"}  # no English title invented
    text = narratives(act.find("description"))
    assert "2023年度其他类项目，位于乌兰县" in text["zh"]
    assert "Ulan County" in text["en"]
    roles = [(p.get("role"), p.get("ref")) for p in act.iterfind("participating-org")]
    # Zhejiang funds; no pairing city: the headquarters extends; no implementer
    assert roles == [("1", None), ("3", "CN-ZJ-AID")]
    assert act.find("activity-status").get("code") == "1"
    dates = [(d.get("type"), d.get("iso-date")) for d in act.iterfind("activity-date")]
    assert dates == [("1", "2023-01-01")]  # the plan year is the one date it has
    assert act.find("budget") is None and act.find("transaction") is None
    assert act.find("sector").get("code") == "15112"
    pos = act.find("location/point/pos").text
    assert pos == f"{SEATS['632821']['lat']} {SEATS['632821']['lon']}"


# A project with every field full ----------------------------------------------------------------


@pytest.fixture
def full(reg):
    p = make(
        reg,
        "FULL-1",
        name="都兰县人民医院远程会诊中心",
        name_en="Dulan County People's Hospital: tele-consultation centre",
        category="医疗卫生",
        location_detail="察汗乌苏镇",
        implementer=reg.dulan_hospital,
        pairing_city=reg.jiaxing,
        mode="交支票",
        build_type="新建",
        description="建设远程会诊中心",
        description_en="A remote consultation centre.",
        aid_amount=Decimal("1000000.00"),
        local_amount=Decimal("200000.00"),
        social_amount=Decimal("50000.00"),
        planned_start=dt.date(2023, 4, 1),
        planned_finish=dt.date(2023, 10, 31),
        actual_start=dt.date(2023, 4, 10),
        actual_finish=dt.date(2023, 10, 20),
        status="完工",
    )
    # The budget is revised after it was first recorded.
    p = services.project_update(actor=None, project=p, aid_amount=Decimal("1100000.00"))
    record(p, "下达", "1100000.00", "XD-1", date=dt.date(2023, 3, 25))
    record(p, "拨付", "600000.00", "BF-1", date=dt.date(2023, 5, 8))
    record(p, "支出", "550000.00", "ZC-1", date=dt.date(2023, 12, 20))
    record(p, "下达", "200000.00", "XD-2", source="地方配套", date=dt.date(2023, 4, 2))
    record(p, "下达", "50000.00", "XD-3", source="社会资金", date=dt.date(2023, 5, 30))
    record(p, "拨付", "50000.00", "BF-2", source="社会资金", date=dt.date(2023, 6, 1))
    services.flow_record(
        actor=None,
        project=p,
        date=dt.date(2023, 7, 1),
        type="拨付",
        source="援助资金",
        amount=Decimal("100000.00"),
        voucher="BF-3",
        note="联系人 张三 13812345678 身份证 632802198506151239",
    )
    services.progress_report_create(
        actor=None, project=p, date=dt.date(2023, 8, 1), progress=60, text="电话 13812345678"
    )
    return p


def test_a_project_with_every_field_full_validates(full, reg):
    content = iati.build(2023)
    act = one(valid(content), "FULL-1")
    assert act.get("last-updated-datetime")
    assert narratives(act.find("title")) == {
        "zh": "都兰县人民医院远程会诊中心",
        "en": "Dulan County People's Hospital: tele-consultation centre",
    }
    assert narratives(act.find("description")) == {
        "zh": "建设远程会诊中心",
        "en": "A remote consultation centre.",
    }
    orgs = [
        (p.get("role"), p.get("type"), narratives(p)["zh"])
        for p in act.iterfind("participating-org")
    ]
    assert orgs == [
        ("1", "11", "浙江省人民政府"),
        ("1", "11", "都兰县（地方配套资金）"),
        ("1", "90", "社会资金（企业和社会捐赠）"),
        ("3", "11", "嘉兴市人民政府"),
        ("4", "15", "都兰县人民医院"),
    ]
    assert narratives(act.findall("participating-org")[3])["en"] == "People's Government of Jiaxing"
    assert act.find("activity-status").get("code") == "3"  # 完工: finalisation
    dates = {d.get("type"): d.get("iso-date") for d in act.iterfind("activity-date")}
    assert dates == {"1": "2023-04-01", "2": "2023-04-10", "3": "2023-10-31", "4": "2023-10-20"}
    location = act.find("location")
    assert narratives(location.find("name"))["zh"] == "都兰县 察汗乌苏镇"
    assert location.find("point").get("srsName") == iati.SRS_NAME
    assert location.find("point/pos").text == f"{SEATS['632822']['lat']} {SEATS['632822']['lon']}"
    sector = act.find("sector")
    assert sector.get("code") == "12191"
    assert narratives(sector)["en"] == DAC["12191"]["name"]
    budgets = [
        (
            b.get("type"),
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.find("value").text,
        )
        for b in act.iterfind("budget")
    ]
    assert budgets == [
        ("1", "2023-01-01", "2023-12-31", "1250000.00"),
        ("2", "2023-01-01", "2023-12-31", "1350000.00"),
    ]
    assert {b.get("status") for b in act.iterfind("budget")} == {"2"}
    txs = [
        (
            t.get("ref"),
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.find("value").get("value-date"),
            t.find("value").text,
        )
        for t in act.iterfind("transaction")
    ]
    assert txs == [
        ("XD-1", "2", "2023-03-25", "2023-03-25", "1100000.00"),
        ("XD-2", "2", "2023-04-02", "2023-04-02", "200000.00"),
        ("BF-1", "3", "2023-05-08", "2023-05-08", "600000.00"),
        ("XD-3", "2", "2023-05-30", "2023-05-30", "50000.00"),
        ("BF-2", "3", "2023-06-01", "2023-06-01", "50000.00"),
        ("BF-3", "3", "2023-07-01", "2023-07-01", "100000.00"),
        ("ZC-1", "4", "2023-12-20", "2023-12-20", "550000.00"),
    ]
    local = act.findall("transaction")[1]
    assert narratives(local.find("provider-org"))["zh"] == "都兰县（地方配套资金）"
    assert narratives(local.find("receiver-org"))["zh"] == "都兰县人民医院"
    spent = act.findall("transaction")[-1]
    assert narratives(spent.find("provider-org"))["zh"] == "都兰县人民医院"
    assert spent.find("receiver-org") is None


def test_the_file_holds_no_personal_data(full):
    text = iati.build(2023).decode()
    assert not ID_LIKE.findall(text) and not MOBILE_LIKE.findall(text)
    assert "张三" not in text and "联系人" not in text


def test_a_cancelled_project_is_exported_with_its_status(reg):
    make(reg, "CANC-1", status="取消")
    make(reg, "SUSP-1", status="暂停")
    doc = valid(iati.build(2023))
    assert one(doc, "CANC-1").find("activity-status").get("code") == "5"
    assert one(doc, "SUSP-1").find("activity-status").get("code") == "6"


def test_only_the_years_projects_and_none_is_no_file(reg, bare):
    make(reg, "Y2024", year=2024)
    doc = valid(iati.build(2024))
    assert [a.findtext("iati-identifier") for a in doc] == ["CN-ZJ-AID-Y2024"]
    with pytest.raises(iati.NothingToExport):
        iati.build(2022)


# The checks can fail ----------------------------------------------------------------------------


def test_the_checks_catch_a_wrong_code_and_a_missing_element(bare):
    content = iati.build(2023)
    wrong = content.replace(b'<activity-status code="1"/>', b'<activity-status code="9"/>')
    assert any("activity-status/@code='9'" in p for p in iati.problems(wrong))
    wrong = content.replace(b'code="15112"', b'code="99999"')
    assert any("sector/@code='99999'" in p for p in iati.problems(wrong))
    missing = content.replace(b'<activity-status code="1"/>', b"")
    assert any("activity-status" in p for p in iati.schema_errors(missing))
    twice = (
        content.replace(b"</iati-activities>", b"")
        + content.split(b"?>", 1)[1].split(b"<iati-activities", 1)[1].split(b">", 1)[1]
    )
    assert any("used 2 times" in p for p in iati.problems(twice))


# The command ------------------------------------------------------------------------------------


def test_the_command_writes_a_valid_file(full, tmp_path, capsys):
    out = tmp_path / "f.xml"
    call_command("export", "iati", "--year", "2023", "-o", str(out))
    valid(out.read_bytes())
    err = capsys.readouterr().err
    assert "1 个活动，7 笔交易" in err and "DUIKOU_IATI_ORG_REF" in err


def test_the_command_writes_to_stdout_and_takes_the_configured_reference(
    full, capsysbinary, settings
):
    settings.DUIKOU_IATI_ORG_REF = "XI-IATI-ZJHX"
    call_command("export", "iati", "--year", "2023")
    captured = capsysbinary.readouterr()
    doc = valid(captured.out)
    assert doc.find("iati-activity/iati-identifier").text == "XI-IATI-ZJHX-FULL-1"
    assert doc.find("iati-activity/reporting-org").get("ref") == "XI-IATI-ZJHX"
    assert "DUIKOU_IATI_ORG_REF" not in captured.err.decode()


def test_the_command_refuses_a_year_without_projects_and_a_junk_year(reg, tmp_path):
    out = tmp_path / "f.xml"
    with pytest.raises(CommandError, match="没有项目"):
        call_command("export", "iati", "--year", "2019", "-o", str(out))
    with pytest.raises(CommandError, match="2000–2100"):
        call_command("export", "iati", "--year", "1999", "-o", str(out))
    assert not out.exists()


def test_the_command_writes_no_invalid_file(full, tmp_path, monkeypatch):
    monkeypatch.setitem(iati.SECTOR, ProjectCategory.MEDICAL, "99999")
    out = tmp_path / "f.xml"
    with pytest.raises(CommandError, match=r"不符合 IATI 2\.03"):
        call_command("export", "iati", "--year", "2023", "-o", str(out))
    assert not out.exists()


# The download -----------------------------------------------------------------------------------


def test_the_download_is_refused_to_everyone_but_headquarters_and_viewers(full, reg, client_for):
    url = "/reports/iati.xml?year=2023"
    for user in (reg.dulan_team, reg.wulan_team, reg.liaison, reg.doctor):
        assert client_for(user).get(url).status_code == 404, user.username
    client_for(reg.hq).logout()
    r = client_for(reg.hq).get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/xml; charset=utf-8"
    assert 'filename="iati-activities-2023.xml"' in r["Content-Disposition"]
    valid(r.content)
    r = client_for(reg.viewer).get(url)
    assert r.status_code == 200 and iati.summary(r.content)["activities"] == 1
    assert client_for(reg.hq).post(url).status_code == 405


def test_the_download_of_an_empty_or_junk_year(reg, client_for):
    c = client_for(reg.hq)
    r = c.get("/reports/iati.xml?year=2019", follow=True)
    assert "2019 年度没有项目" in r.content.decode()
    assert c.get("/reports/iati.xml?year=abc").status_code == 404
    assert c.get("/reports/iati.xml?year=1999").status_code == 404


def test_the_reports_page_links_the_download(reg, client_for):
    body = client_for(reg.viewer).get("/reports/summary/?year=2023").content.decode()
    assert 'href="/reports/iati.xml?year=2023"' in body


# English fields on the project ------------------------------------------------------------------


def test_the_project_form_and_page_show_the_english_fields(full, reg, client_for):
    c = client_for(reg.hq)
    form = c.get(f"/projects/{full.pk}/edit/").content.decode()
    assert 'name="name_en"' in form and 'name="description_en"' in form
    page = c.get(f"/projects/{full.pk}/").content.decode()
    assert "Dulan County People&#x27;s Hospital: tele-consultation centre" in page


def test_a_county_team_saves_the_english_fields_and_the_export_states_them(reg, client_for):
    data = project_data(
        reg,
        name_en="  Dulan County: a new clinic ",
        description_en="A clinic for herders.",
    )
    assert client_for(reg.dulan_team).post("/projects/new/", data).status_code == 302
    p = Project.objects.get(code="DL-NEW")
    assert (p.name_en, p.description_en) == ("Dulan County: a new clinic", "A clinic for herders.")
    assert p.history.first().name_en == "Dulan County: a new clinic"
    act = one(valid(iati.build(2024)), "DL-NEW")
    assert narratives(act.find("title"))["en"] == "Dulan County: a new clinic"
    assert narratives(act.find("description"))["en"] == "A clinic for herders."
