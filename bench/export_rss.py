"""Benchmark: export 100k and 1M money flows as CSV and xlsx, and measure the peak memory.

    make bench            (or: .venv/bin/python bench/export_rss.py [--flows N] [--keep DIR])

A scratch SQLite database is filled with N flows (default 1,000,000) for 1,000 projects over ten
years (bulk_create: 100k flows a year), and a headquarters user. Each export then runs in a fresh
child process through the registered export ("projects.flows", the funds list's export) exactly
as the background task builds it: the user's scoped queryset, read in chunks, CSV written to
/dev/null and xlsx (openpyxl write-only) to a temporary file. The child reports its peak RSS
(getrusage ru_maxrss) and its RSS before the export: the increase should stay flat from 100k
(one year's filter) to 1M rows (no filter).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROJECTS = 1000
YEARS = list(range(2017, 2027))


def setup(data_dir: Path, migrate: bool) -> None:
    os.environ["DUIKOU_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    os.environ["DUIKOU_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def fill(n_flows: int) -> None:
    from decimal import Decimal

    from duikou.accounts.models import Role, User
    from duikou.core.models import Division
    from duikou.projects.models import MoneyFlow, Project

    User.objects.create(username="bench-hq", role=Role.HEADQUARTERS)
    counties = list(Division.objects.filter(code__startswith="6328").exclude(code="632800")[:7])
    projects = Project.objects.bulk_create(
        [
            Project(
                code=f"ZJHX-{YEARS[i % 10]}-{i:05d}",
                name=f"基准项目 {i}",
                year=YEARS[i % 10],
                category="产业支援",
                county=counties[i % len(counties)],
                aid_amount=Decimal("5000000.00"),
                status="在建",
            )
            for i in range(PROJECTS)
        ]
    )
    per_project = n_flows // PROJECTS
    started = time.perf_counter()
    batch: list = []
    types = ["下达", "拨付", "支出"]
    for p in projects:
        day = dt.date(p.year, 1, 1)
        for j in range(per_project):
            batch.append(
                MoneyFlow(
                    project=p,
                    date=day + dt.timedelta(days=j % 360),
                    type=types[j % 3],
                    source="援助资金",
                    amount=Decimal(100 + j),
                    voucher=f"{p.code}-{j:05d}",
                    note='=HYPERLINK("x")' if j == 0 else "",
                )
            )
            if len(batch) >= 20000:
                MoneyFlow.objects.bulk_create(batch)
                batch = []
    if batch:
        MoneyFlow.objects.bulk_create(batch)
    took = time.perf_counter() - started
    n = MoneyFlow.objects.count()
    print(f"filled {n:,} flows in {took:.0f} s ({n / took:,.0f} rows/s)", flush=True)


def child(fmt: str, year: str) -> None:
    """One export in this fresh process; prints a JSON line with its numbers."""
    from django.http import QueryDict

    from duikou.accounts.models import User
    from duikou.exchange_io import exports

    user = User.objects.get(username="bench-hq")
    params = QueryDict(f"year={year}" if year else "")
    table = exports.get("projects.flows").build(user, params)
    before = rss_mb()
    high = {"rss": before, "at_100k": 0.0}

    def sample(n: int) -> None:
        high["rss"] = max(high["rss"], rss_mb())
        if n and n <= 100_000:
            high["at_100k"] = high["rss"]
        if n // 100_000 > high.get("shown", 0):
            high["shown"] = n // 100_000
            took = time.perf_counter() - started
            print(f"  {fmt} {n:,} rows, {took:.0f} s, RSS {rss_mb():.1f} MB", file=sys.stderr)

    started = time.perf_counter()
    rows = 0
    size = 0
    if fmt == "csv":
        with open(os.devnull, "wb") as out:
            for piece in exports.table_csv(table):
                out.write(piece)
                size += len(piece)
                rows += piece.count(b"\n")
                sample(rows)
        rows -= 1  # the header
    else:
        with tempfile.TemporaryFile() as out:
            rows = exports.write_xlsx(table, out, sample)
            sample(0)
            size = out.tell()
    took = time.perf_counter() - started
    sample(0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(
        json.dumps(
            {
                "fmt": fmt,
                "rows": rows,
                "seconds": round(took, 1),
                "size_mb": round(size / 2**20, 1),
                "rss_before_mb": round(before, 1),
                "max_rss_mb": round(high["rss"], 1),
                "rss_at_100k_mb": round(high["at_100k"], 1),
                "peak_rss_mb": round(peak, 1),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="a data dir to reuse (filled once) instead of a temp one")
    parser.add_argument("--child", nargs=3, metavar=("DIR", "FMT", "YEAR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data_dir, fmt, year = args.child
        setup(Path(data_dir), migrate=False)
        child(fmt, year if year != "-" else "")
        return
    tmp = None
    if args.keep:
        data_dir = Path(args.keep)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="duikou-export-bench-")
        data_dir = Path(tmp.name)
    fresh = not (data_dir / "duikou.sqlite3").exists()
    setup(data_dir, migrate=True)
    if fresh:
        fill(args.flows)
    total = __import__("duikou.projects.models", fromlist=["MoneyFlow"]).MoneyFlow.objects.count()
    print(
        f"{'export':<8}{'rows':>11}{'s':>8}{'rows/s':>10}{'MB':>8}{'RSS before':>12}"
        f"{'at 100k':>9}{'max RSS':>9}{'growth':>8}{'ru_maxrss':>11}"
    )
    for year in (str(YEARS[0]), "-"):
        for fmt in ("csv", "xlsx"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(data_dir), fmt, year],
                stdout=subprocess.PIPE,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            growth = r["max_rss_mb"] - r["rss_before_mb"]
            speed = r["rows"] / max(r["seconds"], 0.1)
            print(
                f"{fmt:<8}{r['rows']:>11,}{r['seconds']:>8}{speed:>10,.0f}{r['size_mb']:>8}"
                f"{r['rss_before_mb']:>12}{r['rss_at_100k_mb']:>9}{r['max_rss_mb']:>9}"
                f"{growth:>8.1f}{r['peak_rss_mb']:>11}",
                flush=True,
            )
    print(
        f"(database: {total:,} flows; RSS in MB, sampled from /proc during the export; growth ="
        " max − before the export; ru_maxrss: the child's lifetime peak, Django's start included)"
    )
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
