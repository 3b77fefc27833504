"""`duikou import`: exit 0 imported, 1 workbook errors (nothing written), 2 bad usage."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from duikou.exchange_io.models import ImportBatch
from duikou.projects.models import Project
from tests.test_exchange_support import (
    FLOW_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    flow_row,
    make_book,
    project_row,
    table_counts,
)

ROOT = Path(__file__).resolve().parent.parent


def good(tmp_path):
    return make_book(
        tmp_path / "good.xlsx",
        {"项目": [PROJECT_HEADER, project_row()], "资金": [FLOW_HEADER, flow_row()]},
    )


def bad(tmp_path):
    return make_book(
        tmp_path / "bad.xlsx",
        {
            "项目": [PROJECT_HEADER, project_row(**{"类别": "水利"})],
            "资金": [FLOW_HEADER, flow_row(**{"金额": -3}), flow_row("NOPE-1", "X")],
        },
    )


@pytest.mark.django_db
def test_a_good_workbook_imports_and_exits_0(reg, tmp_path, capsys):
    call_command("import", str(good(tmp_path)), "--user", "zhangsan")
    out = capsys.readouterr().out
    assert "项目：共 1 行，新建 1" in out and "结果：已导入" in out
    assert Project.objects.get().created_by == reg.hq  # acts as headquarters
    batch = ImportBatch.objects.get()
    assert (batch.via, batch.username, batch.user) == ("cli", "zhangsan", reg.hq)
    assert batch.status == ImportBatch.Status.IMPORTED and batch.file


@pytest.mark.django_db
def test_without_any_headquarters_user_it_acts_as_nobody(db, tmp_path):
    call_command("import", str(good(tmp_path)))
    assert Project.objects.get().created_by is None


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_exits_0(reg, tmp_path, capsys):
    before = table_counts()
    call_command("import", str(good(tmp_path)), "--dry-run")
    assert "检查通过（试运行，未写入数据）" in capsys.readouterr().out
    assert table_counts() == before


@pytest.mark.django_db
def test_a_workbook_with_errors_exits_1_writes_nothing_and_marks_the_cells(reg, tmp_path, capsys):
    out_path = tmp_path / "errors.xlsx"
    before = {k: v for k, v in table_counts().items() if "exchange_io" not in k}
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(bad(tmp_path)), "--errors-out", str(out_path))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "项目 第 2 行 “类别*”列：值“水利”" in out
    assert "资金 第 2 行 “金额(万元)*”列：值“-3”：金额不能为负数" in out
    assert "项目编号“NOPE-1”不存在" in out
    assert "未写入任何数据" in out
    assert {k: v for k, v in table_counts().items() if "exchange_io" not in k} == before
    wb = load_workbook(out_path)
    cell = wb["项目"]["D2"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "不是有效的类别" in cell.comment.text
    assert "金额不能为负数" in wb["资金"]["E2"].comment.text
    assert "不存在" in wb["资金"]["A3"].comment.text
    assert wb.sheetnames[0] == "导入错误"
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


@pytest.mark.django_db
def test_a_dry_run_with_errors_also_writes_the_error_workbook(reg, tmp_path):
    out_path = tmp_path / "errors.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(bad(tmp_path)), "--dry-run", "--errors-out", str(out_path))
    assert exit_info.value.code == 1
    assert "不是有效的类别" in load_workbook(out_path)["项目"]["D2"].comment.text
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_not_an_xlsx_exits_1(reg, tmp_path, capsys):
    path = tmp_path / "notes.xlsx"
    path.write_text("just some text")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(path), "--dry-run")
    assert exit_info.value.code == 1
    assert "不是 Excel 工作簿" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_missing_file_is_bad_usage(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import", str(tmp_path / "missing.xlsx"))
    assert error.value.returncode == 2


def _duikou(*args, cwd):
    env = {**os.environ, "DUIKOU_DATA_DIR": str(cwd / "data"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "duikou.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


@pytest.mark.slow
def test_the_console_command_exits_2_on_bad_usage(tmp_path):
    missing = _duikou("import", str(tmp_path / "missing.xlsx"), cwd=tmp_path)
    assert missing.returncode == 2, missing.stderr
    assert "找不到文件" in missing.stderr
    no_args = _duikou("import", cwd=tmp_path)
    assert no_args.returncode == 2, no_args.stderr
    unknown = _duikou("import", "x.xlsx", "--frobnicate", cwd=tmp_path)
    assert unknown.returncode == 2, unknown.stderr
