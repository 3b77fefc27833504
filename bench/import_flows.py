"""Benchmark: import a 资金 sheet of 100,000 rows for 5,000 projects into a fresh SQLite database.

    make bench            (or: .venv/bin/python bench/import_flows.py [--rows N] [--projects M])

The 5,000 projects are created first by importing a 项目 workbook through the same engine
(timed and reported too). Then the 资金 workbook is imported, and imported again unchanged.
Each import is compared with the time python-calamine alone needs to read the same file, in the
same run: the aim is an import within 10× of the bare read and a re-import within 3×.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(data_dir: Path) -> None:
    os.environ["DUIKOU_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    os.environ["DUIKOU_TASKS"] = "immediate"
    os.environ["DUIKOU_IMPORT_MAX_BYTES"] = str(200 * 1024 * 1024)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def write_projects(path: Path, n_projects: int) -> list[str]:
    from openpyxl import Workbook

    counties = ["格尔木市", "德令哈市", "茫崖市", "乌兰县", "都兰县", "天峻县", "大柴旦行委"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目")
    ws.append(["项目编号*", "项目名称*", "年度*", "类别*", "所在地*", "援助资金(万元)*", "状态*"])
    codes = []
    for i in range(n_projects):
        code = f"ZJHX-{2021 + i % 4}-{i:05d}"
        codes.append(code)
        ws.append([code, f"基准项目 {i}", 2021 + i % 4, "产业支援", counties[i % 7], 500, "立项"])
    wb.save(path)
    return codes


def write_flows(path: Path, codes: list[str], n_rows: int) -> None:
    """Rows in triples 下达 a, 拨付 0.8a, 支出 0.5a of one source, so every balance holds."""
    from openpyxl import Workbook

    sources = ["援助资金", "地方配套", "社会资金"]
    types = ["下达", "拨付", "支出"]
    factors = [10, 8, 5]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("资金")
    ws.append(["项目编号*", "日期*", "类型*", "资金来源*", "金额(万元)*", "凭证号*", "备注"])
    per_project = max(n_rows // len(codes), 1)
    start = dt.date(2023, 1, 1)
    row = 0
    for i, code in enumerate(codes):
        for k in range(per_project):
            if row >= n_rows:
                break
            triple, step = divmod(k, 3)
            base = 1 + (i * 7 + triple * 13) % 97  # 万元, one decimal after ×0.8 / ×0.5
            amount = base * factors[step] / 10
            ws.append(
                [
                    code,
                    start + dt.timedelta(days=(k * 5 + i) % 360),
                    types[step],
                    sources[triple % 3],
                    amount,
                    f"{code}-V{k:03d}",
                    "基准" if k % 10 == 0 else None,
                ]
            )
            row += 1
    wb.save(path)


class Clock:
    """Wall-clock and CPU time of a block (CPU time is steadier on a busy machine)."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def calamine_read(path: Path, repeat: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds python-calamine alone takes to read every sheet."""
    from python_calamine import CalamineWorkbook

    walls, cpus = [], []
    for _ in range(repeat):
        with Clock() as clock:
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            book.close()
        walls.append(clock.wall)
        cpus.append(clock.cpu)
    return statistics.median(walls), statistics.median(cpus)


def timed_import(path: Path, actor) -> tuple[Clock, object]:
    """Import as `duikou import` does: a stored batch, run, its outcome recorded."""
    from duikou.exchange_io import services
    from duikou.exchange_io.models import ImportBatch

    batch = services.batch_create(
        user=actor, file=path, filename=path.name, via=ImportBatch.Via.CLI
    )
    with Clock() as clock:
        result = services.batch_run(batch, dry_run=False)
    if not result.ok:
        print(result.text(limit=20))
        raise SystemExit("benchmark workbook did not import cleanly")
    return clock, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="duikou-bench-") as tmp:
        tmp_path = Path(tmp)
        setup(tmp_path / "data")
        from duikou.accounts.models import Role, User
        from duikou.projects.models import MoneyFlow, Project

        actor = User.objects.create_user("bench", role=Role.HEADQUARTERS)
        projects_book = tmp_path / "projects.xlsx"
        flows_book = tmp_path / "flows.xlsx"
        t = time.perf_counter()
        codes = write_projects(projects_book, args.projects)
        write_flows(flows_book, codes, args.rows)
        print(
            f"workbooks written in {time.perf_counter() - t:.1f} s "
            f"(资金 {args.rows:,} rows, {flows_book.stat().st_size / 1e6:.1f} MB)"
        )

        p_clock, _r = timed_import(projects_book, actor)
        print(f"项目: {Project.objects.count():,} projects imported in {p_clock.wall:.2f} s")

        reads = [calamine_read(flows_book)]
        first, result = timed_import(flows_book, actor)
        rows = result.sheets["资金"].created
        assert MoneyFlow.objects.count() == rows == args.rows, (MoneyFlow.objects.count(), rows)
        reads.append(calamine_read(flows_book))
        again, result2 = timed_import(flows_book, actor)
        assert result2.sheets["资金"].unchanged == args.rows, result2.text(limit=5)
        bare_wall = min(r[0] for r in reads)
        bare_cpu = min(r[1] for r in reads)
        n = args.rows
        print(f"python-calamine bare read: {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU")
        for label, clock, aim in (("import", first, 10), ("re-import", again, 3)):
            print(
                f"{label + ':':<11}{clock.wall:6.2f} s wall ({n / clock.wall:,.0f} rows/s) = "
                f"{clock.wall / bare_wall:.1f}× the bare read; CPU {clock.cpu:.2f} s = "
                f"{clock.cpu / bare_cpu:.1f}× (aim ≤ {aim}×)"
            )
        print(f"re-import left all {n:,} rows unchanged")


if __name__ == "__main__":
    main()
