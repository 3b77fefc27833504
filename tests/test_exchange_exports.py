"""Exports write the template's columns, so that an export re-imports unchanged."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from duikou.core.models import Pairing
from duikou.exchange_io.exports import sheet_response, wan
from duikou.projects import services as project_services
from duikou.projects.models import MoneyFlow, Project
from tests.test_exchange_support import (
    FLOW_HEADER,
    PAIRING_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    project_row,
    run,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(reg, tmp_path):
    path = make_book(
        tmp_path / "seed.xlsx",
        {
            "项目": [
                PROJECT_HEADER,
                project_row(**{"援助资金": "1234.567891", "社会资金": "0.000001"}),
                project_row(
                    "ZJHX-2023-002", 实施单位=None, 结对城市=None, 状态="储备", 实际开工=None
                ),
            ],
            "资金": [FLOW_HEADER, flow_row(**{"金额": "0.01", "备注": "首笔, 含逗号"})],
        },
    )
    assert run(path, reg.hq).ok
    project_services.flow_record(
        actor=reg.hq,
        project=Project.objects.get(code="ZJHX-2023-001"),
        date=dt.date(2023, 7, 1),
        type="下达",
        source="地方配套",
        amount=Decimal("99999999999.99"),  # 17 significant digits: beyond a double
        voucher="BIG",
    )


def test_wan_is_exact():
    assert wan(Decimal("12345678.91")) == Decimal("1234.567891")
    assert wan(Decimal("10000000.00")) == Decimal("1000")
    assert str(wan(Decimal("0.01"))) == "0.000001"


def test_xlsx_export_has_the_template_columns_and_reimports_unchanged(reg, records, tmp_path):
    response = sheet_response("项目", Project.objects.all(), "xlsx", "projects")
    assert response["Content-Disposition"].startswith('attachment; filename="projects-')
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["项目"]
    assert [c.value for c in ws[1]] == PROJECT_HEADER
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    first = rows["ZJHX-2023-001"]
    assert first[7].value == pytest.approx(1234.567891) and first[9].value == pytest.approx(1e-06)
    assert first[13].is_date and first[13].number_format == "yyyy-mm-dd"
    flows = sheet_response("资金", MoneyFlow.objects.all(), "xlsx", "flows")
    path = tmp_path / "export.xlsx"
    book = load_workbook(io.BytesIO(flows.content))
    book.create_sheet("项目")
    for row in ws.iter_rows(values_only=True):
        book["项目"].append(row)
    book.save(path)
    before = table_counts()
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert all(s.created == s.updated == 0 for s in result.sheets.values()), result.text()
    assert table_counts() == before


def test_csv_export_starts_with_a_bom_and_reimports(reg, records, tmp_path):
    response = sheet_response("资金", MoneyFlow.objects.order_by("voucher"), "csv", "flows")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(FLOW_HEADER)
    assert "ZJHX-2023-001,2023-07-01,下达,地方配套,9999999.999999,BIG," in text
    assert '援助资金,0.01,V-001,"首笔, 含逗号"' in text
    path = tmp_path / "flows.csv"
    path.write_bytes(content)
    before = table_counts()
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert result.sheets["资金"].unchanged == 2
    assert table_counts() == before


def test_pairings_export_reimports_unchanged(reg, tmp_path):
    response = sheet_response("结对", Pairing.objects.all(), "csv", "pairings")
    path = tmp_path / "pairings.csv"
    path.write_bytes(b"".join(response.streaming_content))
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(PAIRING_HEADER)
    result = run(path, reg.hq)
    assert result.ok, result.text()
    assert result.sheets["结对"].unchanged == 3


def test_a_list_of_records_exports_too(reg, records):
    projects = list(Project.objects.select_related("county", "implementer", "pairing_city"))
    response = sheet_response("项目", projects, "csv", "projects")
    assert b"ZJHX-2023-002" in b"".join(response.streaming_content)


def test_unknown_format_is_an_error(reg):
    with pytest.raises(ValueError):
        sheet_response("项目", [], "pdf", "x")
