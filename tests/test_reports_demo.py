"""The year-end summary and the workbook on the demo: the seed's figures stated from records
with their appendix entries, the same text in Word and PDF, the workbook's totals equal to
`duikou figures`, one changed project seen by the summary, the workbook and the dashboard, and
LibreOffice opening the workbook headless."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from duikou.demo.loader import load_demo
from duikou.reports import figures, render, summary, workbook


@pytest.fixture(scope="module")
def demo(shared_demo):
    """The demo without its orders part, loaded once per session for the demo modules
    (tests/conftest.py); each test runs in a savepoint."""
    shared_demo.base(load_demo)


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow,
]

# Seed figure → how the 2023 summary states it and the figure key its appendix entry names.
SEED_2023 = {
    "F02": ("11家", "pairings.by_kind.医院-科室"),
    "F03": ("11名", "postings.by_kind.专业技术人才.医疗"),
    "F04": ("25名", "postings.by_kind.短期支援.医疗"),
    "F05": ("51名", "postings.by_kind.柔性帮扶.医疗"),
    "F06": ("14名", "postings.by_kind.柔性帮扶.教育"),
    "F08": ("1407万元", "projects.by_category.医疗卫生.aid"),
    "F08n": ("6个", "projects.by_category.医疗卫生.count"),
    "F09": ("11名", "trainings.by_field.医疗"),
    "F10": ("9项", "achievements.by_kind.新技术"),
    "F11": ("4730万元", "projects.by_category.教育.aid"),
    "F11n": ("20个", "projects.by_category.教育.count"),
    "F12": ("17名", "trainings.by_field.教育"),
    "F13": ("3对", "pairings.by_kind.学校-学校"),
    "F14": ("12所", "pairings.by_kind.院校-院校"),
    "F15": ("118名", "offsite_classes.students"),
    "F15n": ("3个", "offsite_classes.majors"),
    "F21": ("139家", "outlets.门店"),
    "F22": ("106万元", "sales.by_channel_kind.展会"),
    "F22o": ("600万元", "sales.ordered"),
    "F23": ("3.3亿元", "sales.sold"),
    "F25": ("1.02亿元", "projects.by_category.保障和改善民生.aid"),
    "F26": ("5470万元", "projects.by_category.产业支援.aid"),
    "F26n": ("4个", "projects.by_category.产业支援.count"),
}


@pytest.fixture(scope="module")
def md_2023(demo, tmp_path_factory, django_db_blocker) -> str:
    out = tmp_path_factory.mktemp("summary") / "s.md"
    with django_db_blocker.unblock():
        call_command("report", "summary", "--year", "2023", "--format", "md", "-o", str(out))
    return out.read_text(encoding="utf-8")


def _appendix(md: str) -> dict[int, str]:
    body = md.split("## 附录：数据来源", 1)[1]
    entries = re.split(r"\n(?=〔\d+〕 )", body.strip())
    return {int(re.match(r"〔(\d+)〕", e)[1]): e for e in entries}


@pytest.mark.parametrize("fid", sorted(SEED_2023))
def test_the_2023_summary_states_the_seed_figure_with_its_source(md_2023, fid):
    text, key = SEED_2023[fid]
    appendix = _appendix(md_2023)
    body = md_2023.split("## 附录：数据来源", 1)[0]
    refs = [int(n) for n in re.findall(re.escape(text) + r"〔(\d+)〕", body)]
    named = [n for n in refs if f"数据项：{key}\n" in appendix[n]]
    assert named, (fid, text, key)
    entry = appendix[named[0]]
    assert "口径：" in entry
    assert "筛选条件：年度=2023" in entry or "筛选条件：2023年末" in entry
    assert re.search(r"记录数：\d+", entry) and "平台查询：/" in entry


def test_f26_names_the_four_industry_projects_as_completed(md_2023):
    for name in ("都兰县蔬菜全产业链基地", "乌兰县特色生物产业园", "格尔木市农村电子商务示范工程"):
        assert name in md_2023
    assert "均已初步建成" in md_2023


def test_the_ledgers_of_issue_12_are_in_the_summary(md_2023):
    assert "台账尚未接入" not in md_2023
    # consumption (F21) and exchanges: the off-site classes (F15), the indicators (F16, F20)
    for figure in ("139家", "118名", "110万人次", "70人"):
        assert figure in md_2023, figure
    assert "人工录入指标" in md_2023


def _paragraph_lines(md: str) -> list[str]:
    body = md.split("## 附录：数据来源", 1)[0]
    return [
        line
        for line in body.splitlines()
        if line and not line.startswith(("#", "|", ">", "**", "生成时间"))
    ]


def test_the_word_file_holds_the_same_text(md_2023):
    from docx import Document

    word = Document(io.BytesIO(render.to_docx(summary.build(2023))))
    text = "\n".join(p.text for p in word.paragraphs)
    for line in _paragraph_lines(md_2023):
        assert line in text
    assert len(word.tables) == 4 and len(word.inline_shapes) >= 3  # tables (+ sales) and charts


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_holds_the_same_text(md_2023, tmp_path):
    pdf = render.render(summary.build(2023), "pdf")
    (tmp_path / "s.pdf").write_bytes(pdf)
    subprocess.run(["pdftotext", "-layout", "s.pdf", "s.txt"], cwd=tmp_path, check=True, timeout=60)
    lines = (tmp_path / "s.txt").read_text(encoding="utf-8").splitlines()
    # Page numbers (footer lines of digits alone) may fall inside a paragraph's text.
    text = re.sub(r"\s+", "", "".join(line for line in lines if not line.strip().isdigit()))
    marks = set(re.findall(r"〔\d+〕", text))
    # A superscript mark may wrap to the next line in the text layout: compare without them.
    flat = re.sub(r"〔\d+〕", "", text)
    for line in _paragraph_lines(md_2023):
        assert re.sub(r"\s+|〔\d+〕", "", line) in flat, line
        assert set(re.findall(r"〔\d+〕", line)) <= marks, line


def _sheet_total(wb, sheet: str, col: int):
    ws = wb[sheet]
    return ws.cell(ws.max_row, col).value


def test_the_workbook_totals_equal_the_figures(tmp_path):
    out = tmp_path / "w.xlsx"
    call_command("report", "workbook", "--year", "2023", "-o", str(out))
    data = figures.compute(2023)
    wb = load_workbook(out)
    assert Decimal(str(_sheet_total(wb, "项目进度", 7))) == Decimal(data["projects"]["aid"]) / 10000
    assert (
        wb["项目进度"].cell(wb["项目进度"].max_row, 2).value == f"{data['projects']['count']}个项目"
    )
    assert wb["项目进度"].max_row == data["projects"]["count"] + 2
    flows = wb["资金流水"]
    subtotals = {
        r[0].value[:-2]: Decimal(str(r[3].value))
        for r in flows.iter_rows(min_row=2)
        if str(r[0].value).endswith("小计")
    }
    assert subtotals == {t: Decimal(v) / 10000 for t, v in data["flows"].items()}
    assert _sheet_total(wb, "人员名册", 2) == f"{data['postings']['count']}人次"
    assert _sheet_total(wb, "跟岗培训", 2) == f"{data['trainings']['count']}人"
    assert _sheet_total(wb, "专家点单", 2) == f"发布{data['orders']['posted']}项"
    assert _sheet_total(wb, "招商项目", 2) == f"{data['deals']['signed_count']}个"
    assert Decimal(str(_sheet_total(wb, "招商项目", 7))) == Decimal(data["deals"]["signed"]) / 10000
    assert not any(
        re.fullmatch(r"1[3-9]\d{9}", str(c.value or ""))
        for row in wb["人员名册"].iter_rows()
        for c in row
    )


def test_a_changed_project_shows_in_the_summary_the_workbook_and_the_dashboard(client_for):
    from duikou.accounts.models import User
    from duikou.projects import services as project_services
    from duikou.projects.models import Project

    project = Project.objects.filter(year=2023, category="医疗卫生").order_by("code").first()
    hq = User.objects.get(username="hq")
    project_services.project_update(
        actor=hq, project=project, aid_amount=project.aid_amount + Decimal("1000000")
    )
    md = render.to_markdown(summary.build(2023))
    assert "投入资金1507万元〔" in md
    wb = load_workbook(io.BytesIO(workbook.build(2023)))
    total = Decimal(figures.compute(2023)["projects"]["aid"])
    assert total == Decimal("226701000.00")
    assert Decimal(str(_sheet_total(wb, "项目进度", 7))) == total / 10000
    from duikou.projects.selectors import wan_number

    page = client_for(hq).get("/?year=2023").content.decode()
    shown = re.search(r'id="kpi-aid">([^<]+)<', page)[1]
    assert shown == wan_number(total) and shown.replace(",", "").startswith("22670.1")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_the_workbook_headless(tmp_path):
    (tmp_path / "w.xlsx").write_bytes(workbook.build(2023))
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            "w.xlsx",
        ],
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "w.pdf").stat().st_size > 10_000


def test_the_figures_command_and_the_summary_agree(capsys, md_2023):
    call_command("figures", "--year", "2023")
    data = json.loads(capsys.readouterr().out)
    aid = data["projects"]["by_category"]["保障和改善民生"]["aid"]
    assert aid == "102000000.00" and "1.02亿元〔" in md_2023
