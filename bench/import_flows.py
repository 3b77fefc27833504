"""Benchmark: import a 资金 sheet of 100,000 rows for 5,000 projects into a fresh SQLite database.

    make bench            (or: .venv/bin/python bench/import_flows.py [--rows N] [--projects M])

The 5,000 projects are created first by importing a 项目 workbook through the same engine
(timed and reported too). Then the 资金 workbook is imported, and imported again unchanged.
Each import is compared with the time python-calamine alone needs to read the same file, in the
same run: the aim is an import within 10× of the bare read and a re-import within 3×.

At scale (issue 16), the same import into a database that already holds the synthetic data set
(1M flows), never into the shared one itself: a copy of it made first,

    .venv/bin/python bench/import_flows.py --copy-of duikou_scale \
        --into-pg-url postgres://postgres@127.0.0.1:5432/duikou_bench_import \
        --keys /work/scale/data
    .venv/bin/python bench/import_flows.py --into-sqlite /work/scale/data/duikou.sqlite3 \
        --keys /work/scale/data

(--keys: the data dir whose secret_key and field_key go with that data; they are copied into
the run's temporary data dir, where the uploads go.)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


KEY_FILES = ("secret_key", "field_key")


def setup(data_dir: Path, database_url: str | None = None) -> None:
    os.environ["DUIKOU_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
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


@contextlib.contextmanager
def _slowest_queries(show: int = 5):
    """With BENCH_SLOW_QUERIES=1: print the slowest queries of the block (time and SQL)."""
    if not os.environ.get("BENCH_SLOW_QUERIES"):
        yield
        return
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        yield
    queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in queries)
    print(f"  {len(queries)} queries, {total:.2f} s in the database; the slowest:")
    for q in queries[:show]:
        print(f"  {float(q['time']):7.3f} s  {q['sql'][:300]}")


def timed_import(path: Path, actor) -> tuple[Clock, object]:
    """Import as `duikou import` does: a stored batch, run, its outcome recorded."""
    from duikou.exchange_io import services
    from duikou.exchange_io.models import ImportBatch

    batch = services.batch_create(
        user=actor, file=path, filename=path.name, via=ImportBatch.Via.CLI
    )
    with Clock() as clock, _slowest_queries():
        result = services.batch_run(batch, dry_run=False)
    if not result.ok:
        print(result.text(limit=20))
        raise SystemExit("benchmark workbook did not import cleanly")
    return clock, result


def copy_pg_database(source: str, url: str, attempts: int = 60) -> None:
    """(Re)create the database of `url` as a copy of `source` (CREATE DATABASE … TEMPLATE),
    waiting while someone is connected to the source (PostgreSQL refuses to copy it then)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if name == source or name in {"duikou_scale", "postgres"}:
        raise SystemExit(f"refusing to write into {name}: give the copy's own name")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        for attempt in range(attempts):
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == attempts - 1:
                    raise
                time.sleep(5)


def prefill(args: argparse.Namespace, data_dir: Path) -> str | None:
    """The database to import into: a copy of a filled one (returns its URL), or None (a new
    SQLite file in the data dir)."""
    data_dir.mkdir(parents=True)
    if args.keys:
        for name in KEY_FILES:
            if (args.keys / name).exists():
                shutil.copy2(args.keys / name, data_dir / name)
    if args.into_sqlite:
        t = time.perf_counter()
        shutil.copy2(args.into_sqlite, data_dir / "duikou.sqlite3")
        print(f"copied {args.into_sqlite} in {time.perf_counter() - t:.0f} s")
        return None
    if args.copy_of:
        t = time.perf_counter()
        copy_pg_database(args.copy_of, args.into_pg_url)
        print(f"copied {args.copy_of} in {time.perf_counter() - t:.0f} s")
    return args.into_pg_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument(
        "--into-pg-url", help="import into this PostgreSQL database (one that already holds data)"
    )
    parser.add_argument("--copy-of", help="first make --into-pg-url a copy of this database")
    parser.add_argument("--into-sqlite", type=Path, help="import into a copy of this SQLite file")
    parser.add_argument(
        "--keys", type=Path, help="the data dir whose secret_key and field_key go with the data"
    )
    args = parser.parse_args()
    if args.copy_of and not args.into_pg_url:
        parser.error("--copy-of needs --into-pg-url (the copy's URL)")
    with tempfile.TemporaryDirectory(prefix="duikou-bench-") as tmp:
        tmp_path = Path(tmp)
        url = prefill(args, tmp_path / "data")
        setup(tmp_path / "data", url)
        from duikou.accounts.models import Role, User
        from duikou.projects.models import MoneyFlow, Project

        before_flows = MoneyFlow.objects.count()
        if before_flows:
            print(
                f"the database already holds {Project.objects.count():,} projects and "
                f"{before_flows:,} flows"
            )
        actor, _created = User.objects.get_or_create(
            username="bench-import", defaults={"role": Role.HEADQUARTERS}
        )
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
        print(f"项目: {args.projects:,} projects imported in {p_clock.wall:.2f} s")

        reads = [calamine_read(flows_book)]
        first, result = timed_import(flows_book, actor)
        rows = result.sheets["资金"].created
        assert MoneyFlow.objects.count() - before_flows == rows == args.rows, (
            MoneyFlow.objects.count(),
            rows,
        )
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
