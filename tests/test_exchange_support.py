"""Helpers for the exchange tests: workbooks written with openpyxl, table counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from openpyxl import Workbook

PROJECT_HEADER = [
    "项目编号*",
    "项目名称*",
    "年度*",
    "类别*",
    "所在地*",
    "实施单位",
    "结对城市",
    "援助资金(万元)*",
    "地方配套(万元)",
    "社会资金(万元)",
    "状态*",
    "计划开工",
    "计划完工",
    "实际开工",
    "实际完工",
]
FLOW_HEADER = ["项目编号*", "日期*", "类型*", "资金来源*", "金额(万元)*", "凭证号*", "备注"]
PAIRING_HEADER = [
    "结对类型*",
    "支援方单位*",
    "受援方单位*",
    "受援科室",
    "开始日期*",
    "结束日期",
    "协议名称",
]


def project_row(code="ZJHX-2023-001", **over):
    row = {
        "项目编号*": code,
        "项目名称*": "都兰县人民医院急诊楼",
        "年度*": 2023,
        "类别*": "医疗卫生",
        "所在地*": "都兰县",
        "实施单位": "都兰县人民医院",
        "结对城市": "嘉兴市",
        "援助资金(万元)*": 1200,
        "地方配套(万元)": 300.5,
        "社会资金(万元)": None,
        "状态*": "在建",
        "计划开工": dt.date(2023, 4, 1),
        "计划完工": dt.date(2023, 12, 31),
        "实际开工": dt.date(2023, 4, 18),
        "实际完工": None,
    }
    _update(row, over)
    return [row[h] for h in PROJECT_HEADER]


def flow_row(code="ZJHX-2023-001", voucher="V-001", **over):
    row = {
        "项目编号*": code,
        "日期*": dt.date(2023, 6, 1),
        "类型*": "下达",
        "资金来源*": "援助资金",
        "金额(万元)*": 600,
        "凭证号*": voucher,
        "备注": "",
    }
    _update(row, over)
    return [row[h] for h in FLOW_HEADER]


def _update(row: dict, over: dict) -> None:
    """Override cells by header, or by its bare name (状态 for 状态*, 金额 for 金额(万元)*)."""
    for key, value in over.items():
        if key not in row:
            matches = [h for h in row if h.split("(")[0].rstrip("*") == key]
            if len(matches) != 1:
                raise KeyError(key)
            key = matches[0]
        row[key] = value


def make_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a workbook: each sheet is a list of rows, the first the header."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def template_as_filled(names: list[str] | None = None) -> bytes:
    """The blank template with its example rows taken as real data: the 示例 marker cleared
    and the reserved example codes (示例-0001) replaced, as a user filling it in would."""
    import io

    from openpyxl import load_workbook

    from duikou.exchange_io import blanks, specs

    wb = load_workbook(io.BytesIO(blanks.template_workbook(names)))
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if specs.EXAMPLE_COLUMN not in header:
            continue
        marker = header.index(specs.EXAMPLE_COLUMN) + 1
        for row in ws.iter_rows(min_row=2):
            row[marker - 1].value = None
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(specs.EXAMPLE_PREFIX):
                    cell.value = "ZJHX-2099-001"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_counts() -> dict[str, int]:
    """Rows of every table the importer may write (models and their history)."""
    labels = ["core", "projects", "exchange_io"]
    counts = {}
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.fixture(autouse=True)
def exchange_settings(settings, tmp_path):
    """Uploads into a temporary folder; background tasks run inline."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run(path, actor=None, *, dry_run=False):
    from duikou.exchange_io import engine

    name = "" if isinstance(path, bytes) else Path(path).name
    return engine.run(path, actor=actor, dry_run=dry_run, filename=name)


def messages(result) -> str:
    return "\n".join(e.text() for e in result.errors) + (
        "\n" + result.fatal if result.fatal else ""
    )


def assert_refused(result, *fragments, before=None):
    """The import failed, said why (each fragment appears) and wrote nothing."""
    assert not result.ok, result.text()
    assert not result.written
    text = messages(result)
    for fragment in fragments:
        assert fragment in text, text
    if before is not None:
        assert table_counts() == before
