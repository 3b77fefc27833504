"""The year-end summary and the statistical workbook on small data: amounts as summaries write
them, the sections of ledgers built elsewhere (consumption, exchanges) from figures of their
shape, bad input refused clearly, the reports page (build, progress, downloads, edits with
history, regenerate keeping or replacing them) and who may get what."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from duikou.lib.money import format_report
from duikou.reports import figures, render, summary, workbook
from duikou.reports.models import SummaryReport

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "yuan, text",
    [
        ("102000000.00", "1.02亿元"),
        ("330000000.00", "3.3亿元"),
        ("1325000000.00", "13.25亿元"),
        ("54700000.00", "5470万元"),
        ("14070000.00", "1407万元"),
        ("1060000.00", "106万元"),
        ("2835000.00", "283.5万元"),
        ("225701000.00", "22570.1万元"),  # not exact in 亿 to two decimals: 万元
        ("9500.00", "9500元"),
        ("0.00", "0元"),
    ],
)
def test_amounts_read_as_a_government_summary_writes_them(yuan, text):
    assert format_report(Decimal(yuan)) == text


def _figures_of_other_ledgers(year: int) -> dict:
    """The figures of 2023 as the consumption and exchanges ledgers (issue 12) will give them."""
    data = figures.compute(year)
    data["sales"] = {
        "sold": "330000000.00",
        "ordered": "6000000.00",
        "by_channel_kind": {"电商": "280000000.00", "门店": "48940000.00", "展会": "1060000.00"},
    }
    data["outlets"] = {"门店": 139, "电商": 12}
    data["events"] = {"by_kind": {"夏令营": 2, "展览": 1}}
    data["offsite_classes"] = {"count": 3, "students": 118, "majors": ["护理", "电商", "旅游"]}
    data["indicators"] = {
        "浙江游客人次": {
            "value": "1100000",
            "unit": "人次",
            "source": "海西州文旅局2023年统计公报",
            "entered": True,
        }
    }
    return data


def _refs(md: str, figure: str) -> list[int]:
    return [int(n) for n in re.findall(re.escape(figure) + r"〔(\d+)〕", md)]


def test_the_other_ledgers_sections_state_their_figures_with_sources(reg):
    doc = summary.build(2023, _figures_of_other_ledgers(2023))
    md = render.to_markdown(doc)
    for figure in ("139家", "3.3亿元", "106万元", "600万元", "118名", "3个", "2场", "110万人次"):
        refs = _refs(md, figure)
        assert refs, figure
        assert f"〔{refs[0]}〕 " in md.split("## 附录：数据来源")[1]
    by_key = {s["key"]: s for s in doc["sources"]}
    assert by_key["outlets.门店"]["records"] == 139
    assert by_key["indicators.浙江游客人次"]["entered"] is True
    assert "人工录入指标，来源文件：海西州文旅局2023年统计公报" in md
    assert "台账尚未接入" not in md
    assert "消费帮扶分渠道销售情况（万元）" in md and "| 展会 | 106.00 |" in md


def test_a_ledger_without_figures_is_left_out_with_a_note(reg):
    data = figures.compute(2023)
    for key in ("sales", "outlets", "events", "offsite_classes", "indicators"):
        data.pop(key, None)  # as on a platform without the consumption and exchanges ledgers
    md = render.to_markdown(summary.build(2023, data))
    assert "消费帮扶台账尚未接入，销售和门店情况未列入。" in md
    assert "交往交流交融台账尚未接入" in md
    assert "异地班台账尚未接入" in md
    assert "139家" not in md
    # With the exchanges ledger and no record of the year, the section says so.
    md = render.to_markdown(summary.build(2023))
    assert "2023年没有交往交流交融活动或指标记录。" in md
    assert "交往交流交融台账尚未接入" not in md


def test_a_year_without_records_gives_a_short_summary_that_says_so(reg):
    doc = summary.build(2011)
    assert doc["empty"] and not doc["sources"]
    md = render.to_markdown(doc)
    assert "平台中没有2011年的对口支援工作记录" in md
    assert len(md.splitlines()) < 10


def test_every_reference_names_an_appendix_entry_with_key_filter_records_and_link(reg):
    doc = summary.build(2023, _figures_of_other_ledgers(2023))
    numbers = {s["n"] for s in doc["sources"]}
    used = {
        seg["ref"]
        for sec in doc["sections"]
        for para in sec["paragraphs"]
        for seg in para
        if isinstance(seg, dict)
    }
    assert used == numbers
    hospital = next(s for s in doc["sources"] if s["key"] == "pairings.by_kind.医院-科室")
    assert hospital["records"] == 3 and hospital["value"] == "3家"
    assert hospital["filter"] == "年度=2023，类型=医院-科室"
    assert hospital["link"].startswith("/pairings/?year=2023&kind=")


def test_edited_text_keeps_its_references_and_the_generated_text_round_trips(reg):
    doc = summary.build(2023, _figures_of_other_ledgers(2023))
    sec = next(s for s in doc["sections"] if s["id"] == "consumption")
    again = summary.apply_edits(doc, {"consumption": summary.narrative(sec)})["sections"][3]
    assert summary.narrative(again) == summary.narrative(sec)
    numbers = [s for p in again["paragraphs"] for s in p if isinstance(s, dict)]
    assert numbers == [s for p in sec["paragraphs"] for s in p if isinstance(s, dict)]
    ref = _refs(render.to_markdown(doc), "139家")[0]
    edited = summary.apply_edits(doc, {"consumption": f"全年新开门店，年末达139家〔{ref}〕。"})
    md = render.to_markdown(edited)
    assert f"全年新开门店，年末达139家〔{ref}〕。" in md
    assert "推进消费帮扶门店建设" not in md


def test_the_word_file_is_a4_with_east_asian_fonts_page_numbers_and_the_same_text(reg):
    from docx import Document
    from docx.oxml.ns import qn

    doc = summary.build(2023, _figures_of_other_ledgers(2023))
    word = Document(io.BytesIO(render.to_docx(doc)))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    heading = word.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "黑体"
    assert "PAGE" in section.footer._element.xml
    text = "\n".join(p.text for p in word.paragraphs)
    for para in [p for sec in doc["sections"] for p in sec["paragraphs"]]:
        plain = "".join(s if isinstance(s, str) else s["t"] + f"〔{s['ref']}〕" for s in para)
        assert plain in text
    captions = [p.text for p in word.paragraphs if p.text.startswith("消费帮扶分渠道销售情况")]
    assert captions and word.tables  # the demo adds postings and funds by category and county


def test_the_command_refuses_an_unknown_format_or_a_year_out_of_range(reg, tmp_path):
    out = str(tmp_path / "x")
    with pytest.raises(CommandError, match="未知的格式 rtf：可选 md、html、docx、pdf"):
        call_command("report", "summary", "--year", "2023", "--format", "rtf", "-o", out)
    with pytest.raises(CommandError, match="年度 1999 不在 2000–2100 之间"):
        call_command("report", "summary", "--year", "1999", "--format", "md", "-o", out)
    with pytest.raises(CommandError, match="月份 13 不在 1–12 之间"):
        call_command("report", "workbook", "--year", "2023", "--month", "13", "-o", out)
    with pytest.raises(CommandError, match="季度 5 不在 1–4 之间"):
        call_command("report", "workbook", "--year", "2023", "--quarter", "5", "-o", out)


def test_the_command_writes_md_and_html(reg, tmp_path):
    call_command(
        "report", "summary", "--year", "2023", "--format", "md", "-o", str(tmp_path / "s.md")
    )
    call_command(
        "report", "summary", "--year", "2023", "--format", "html", "-o", str(tmp_path / "s.html")
    )
    assert "3家〔" in (tmp_path / "s.md").read_text(encoding="utf-8")
    assert 'id="src-1"' in (tmp_path / "s.html").read_text(encoding="utf-8")


# The workbook ---------------------------------------------------------------------------------


def _person_with_posting(reg, phone="13812345678"):
    from duikou.people import services as people_services

    person = people_services.person_create(
        actor=reg.hq,
        name="王明",
        gender="男",
        id_number="33010219800101123X",
        phone=phone,
        employer=reg.jiaxing_hospital,
    )
    people_services.posting_create(
        actor=reg.hq,
        person=person,
        kind="专业技术人才",
        field="医疗",
        sending_org=reg.jiaxing_hospital,
        host_org=reg.dulan_hospital,
        start_date=dt.date(2023, 3, 1),
        end_date=dt.date(2024, 8, 31),
    )
    return person


def test_the_workbook_has_a_cover_the_other_ledgers_sheets_and_a_masked_roster(reg):
    _person_with_posting(reg)
    data = _figures_of_other_ledgers(2023)
    wb = load_workbook(io.BytesIO(workbook.build(2023, data=data)))
    assert wb.sheetnames == [
        "封面",
        "项目进度",
        "资金流水",
        "人员名册",
        "跟岗培训",
        "专家点单",
        "招商项目",
        "消费帮扶",
        "交流活动",
    ]
    roster = wb["人员名册"]
    assert roster.freeze_panes == "A2" and roster.print_title_rows == "$1:$1"
    assert roster.page_setup.orientation == "landscape" and roster.page_setup.paperSize == 9
    row = [c.value for c in roster[2]]
    assert "138****5678" in row and "13812345678" not in row
    assert [c.value for c in roster[3]][:2] == ["合计", "1人次"]
    sales = wb["消费帮扶"]
    assert sales.cell(sales.max_row, 2).value == 33000
    assert sales.cell(2, 2).number_format == "#,##0.00"
    cover = [c.value for c in wb["封面"]["B"]]
    assert "2023年" in cover


def test_the_viewers_roster_has_no_personal_column(reg, client_for):
    _person_with_posting(reg)
    response = client_for(reg.viewer).get("/reports/workbook.xlsx?year=2023")
    assert response.status_code == 200
    roster = load_workbook(io.BytesIO(response.content))["人员名册"]
    assert "联系电话（脱敏）" not in [c.value for c in roster[1]]
    assert not any("****" in str(c.value) for row in roster.iter_rows() for c in row)
    hq = client_for(reg.hq).get("/reports/workbook.xlsx?year=2023&quarter=1")
    assert hq.status_code == 200
    assert b"13812345678" not in hq.content


def test_a_quarter_or_month_out_of_range_is_no_workbook(reg, client_for):
    client = client_for(reg.hq)
    assert client.get("/reports/workbook.xlsx?year=2023&quarter=9").status_code == 200  # ignored
    assert client.get("/reports/workbook.xlsx?year=2023&month=2").status_code == 200


# The reports page -------------------------------------------------------------------------------


@pytest.fixture
def immediate(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The PDF conversion (LibreOffice) is tested on the demo; here a stand-in keeps it fast.
    monkeypatch.setattr(render, "docx_to_pdf", lambda docx, timeout=180: b"%PDF-1.4 stand-in")


def _generate(client, year, django_capture_on_commit_callbacks, edits="replace"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/reports/summary/generate/", {"year": year, "edits": edits})


def test_headquarters_builds_the_summary_and_everyone_allowed_downloads_it(
    reg, client_for, immediate, django_capture_on_commit_callbacks
):
    client = client_for(reg.hq)
    assert "本年度的综述尚未生成" in client.get("/reports/summary/?year=2023").content.decode()
    response = _generate(client, 2023, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    report = SummaryReport.objects.get(year=2023)
    assert report.status == "已完成" and report.progress == 100 and bytes(report.pdf)
    page = client.get("/reports/summary/?year=2023").content.decode()
    assert "3家" in page and 'id="src-1"' in page and "download-pdf" in page
    assert client.get("/reports/summary/2023/progress/").status_code == 200
    viewer = client_for(reg.viewer)
    for fmt in ("md", "html", "docx", "pdf"):
        got = viewer.get(f"/reports/summary/2023/download/?format={fmt}")
        assert got.status_code == 200, fmt
        assert "attachment" in got["Content-Disposition"]
    assert viewer.get("/reports/summary/2023/download/?format=rtf").status_code == 404
    assert viewer.post("/reports/summary/generate/", {"year": 2023}).status_code == 403
    assert viewer.get("/reports/summary/2023/edit/").status_code == 403


@pytest.mark.parametrize("who", ["dulan_team", "liaison", "doctor"])
def test_the_others_find_no_reports_page(reg, client_for, who):
    client = client_for(getattr(reg, who))
    for url in (
        "/reports/summary/",
        "/reports/workbook.xlsx?year=2023",
        "/reports/summary/2023/download/?format=md",
    ):
        assert client.get(url).status_code == 404


def test_a_year_out_of_range_is_refused_with_a_message(reg, client_for, immediate):
    client = client_for(reg.hq)
    response = client.post("/reports/summary/generate/", {"year": "1999"}, follow=True)
    assert "年度 1999 不在 2000–2100 之间" in response.content.decode()
    page = client.get("/reports/summary/?year=abc").content.decode()
    assert "年度须为 2000–2100 之间的数字" in page
    assert not SummaryReport.objects.exists()


def test_edits_are_saved_with_history_and_regenerating_keeps_or_replaces_them(
    reg, client_for, immediate, django_capture_on_commit_callbacks
):
    client = client_for(reg.hq)
    _generate(client, 2023, django_capture_on_commit_callbacks)
    form = client.get("/reports/summary/2023/edit/").content.decode()
    assert "section-overview" in form
    text = "本年度，指挥部统筹推进各项工作。"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/summary/2023/edit/", {"section-overview": text})
    report = SummaryReport.objects.get(year=2023)
    assert report.edits == {"overview": text} and report.edited_by == reg.hq
    assert report.status == "已完成" and bytes(report.pdf)
    assert text in client.get("/reports/summary/2023/download/?format=md").content.decode()
    edit_row = report.history.filter(history_change_reason="编辑正文").get()
    assert edit_row.history_user == reg.hq
    page = client.get("/reports/summary/?year=2023").content.decode()
    assert "regenerate-keep" in page and "regenerate-replace" in page
    assert "summary-stale" not in page
    # A new pairing changes the overview's numbers: kept over the edit, it is flagged.
    from duikou.core import services as core_services

    core_services.pairing_create(
        actor=None,
        kind="医院-科室",
        zhejiang_org=reg.zju_hospital,
        haixi_org=reg.dulan_hospital,
        haixi_department=reg.dulan_neuro,
        start_date=dt.date(2023, 6, 1),
    )
    _generate(client, 2023, django_capture_on_commit_callbacks, edits="keep")
    assert SummaryReport.objects.get(year=2023).edits == {"overview": text}
    page = client.get("/reports/summary/?year=2023").content.decode()
    assert re.search(r'id="summary-stale">[^<]*一、总体情况', page)
    _generate(client, 2023, django_capture_on_commit_callbacks, edits="replace")
    report = SummaryReport.objects.get(year=2023)
    assert report.edits == {}
    reasons = list(report.history.values_list("history_change_reason", flat=True))
    assert "重新生成，保留编辑的正文" in reasons and "重新生成，替换编辑的正文" in reasons
    assert text not in client.get("/reports/summary/2023/download/?format=md").content.decode()


def test_a_build_queued_for_over_a_minute_says_the_worker_may_be_down(reg, client_for):
    from django.utils import timezone

    SummaryReport.objects.create(year=2023, requested_at=timezone.now() - dt.timedelta(minutes=2))
    panel = client_for(reg.viewer).get("/reports/summary/2023/progress/").content.decode()
    assert 'id="summary-queue-stale"' in panel and "every 1s" in panel
