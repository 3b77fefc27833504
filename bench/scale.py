"""Scale benchmark: figures, pages and lists on the synthetic data set, against hand-written SQL.

    make bench      (or: .venv/bin/python bench/scale.py [--backend sqlite|pg|both] [--runs N]
                     [--data-dir DIR] [--pg-url URL] [--scale F] [--year Y] [--out DIR])

For each item (the figures of a year, the dashboard, the project list with each filter and its
totals row, the funds page, the people list, the sales statistics and the sales list, the
year-end summary build) on each backend: n timed runs after one warm-up, p50 and p95 in ms, the
number of queries (django.test.utils.CaptureQueriesContext, in the warm-up run), and the same
numbers or rows fetched by the minimal SQL a person would write (aggregates with GROUP BY; the
page's LIMIT of rows and its count), timed in the same run; ratio = p50 / SQL p50.

Pages go through django.test.Client as a signed-in headquarters user (force_login). Nothing is
written: the whole run is one transaction rolled back at the end, sessions are signed cookies
and the sign-in does not stamp last_login, so the shared full-size databases can be measured
in place (DUIKOU_DATA_DIR=/work/scale/data, --pg-url …/duikou_scale).

Without data (no project in the database) the benchmark builds it first with
`duikou synth --scale F` into its own data dir / database (never into one that holds data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT / "var" / "bench-scale"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/duikou_bench_scale"


# Timing -------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


@dataclass
class Item:
    name: str
    run: Callable[[], object]
    sql: list[tuple[str, list]] = field(default_factory=list)
    group: str = "page"  # figures | list | page: the aim differs (see docs/performance.md)


# The hand-written SQL ------------------------------------------------------------------------


class Sql:
    """The minimal SQL of each item, portable between SQLite and PostgreSQL."""

    def __init__(self, vendor: str, year: int):
        from duikou.core.vocab import ProjectStatus

        self.vendor = vendor
        self.year = year
        self.start = dt.date(year, 1, 1)
        self.end = dt.date(year + 1, 1, 1)
        self.cancelled = ProjectStatus.CANCELLED.value

    def month(self, col: str) -> str:
        if self.vendor == "postgresql":
            return f"EXTRACT(MONTH FROM {col})"
        return f"CAST(strftime('%%m', {col}) AS INTEGER)"

    # figures.compute: the large tables' parts, and one GROUP BY per small table
    def projects(self) -> list[tuple[str, list]]:
        """Count and aid by county, category and status: every project figure of the year."""
        return [
            (
                "SELECT p.county_id, d.short_name, p.category, p.status, COUNT(*), "
                "SUM(p.aid_amount) FROM projects_project p "
                "JOIN core_division d ON d.id = p.county_id WHERE p.year = %s "
                "GROUP BY p.county_id, d.short_name, p.category, p.status",
                [self.year],
            )
        ]

    def flows(self) -> list[tuple[str, list]]:
        """The year's flows by month and type (flows and flows_by_month), and the flows of the
        year's live projects by county, category and type (the indicators)."""
        return [
            (
                f"SELECT {self.month('date')}, type, SUM(amount) FROM projects_moneyflow "
                "WHERE date >= %s AND date < %s GROUP BY 1, 2",
                [self.start, self.end],
            ),
            (
                "SELECT p.county_id, p.category, f.type, SUM(f.amount) FROM projects_moneyflow f "
                "JOIN projects_project p ON p.id = f.project_id "
                "WHERE p.year = %s AND p.status <> %s GROUP BY p.county_id, p.category, f.type",
                [self.year, self.cancelled],
            ),
        ]

    def sales(self) -> list[tuple[str, list]]:
        y = [self.start, self.end]
        where = "WHERE s.date >= %s AND s.date < %s"
        return [
            (
                f"SELECT c.kind, {self.month('s.date')}, SUM(s.sold), SUM(s.ordered), COUNT(*) "
                f"FROM consumption_sale s JOIN consumption_channel c ON c.id = s.channel_id "
                f"{where} GROUP BY 1, 2",
                y,
            ),
            (
                "SELECT pr.name, SUM(s.sold) AS t FROM consumption_sale s "
                f"JOIN consumption_product pr ON pr.id = s.product_id {where} "
                "GROUP BY pr.name ORDER BY t DESC, pr.name",
                y,
            ),
            (
                "SELECT d.name, SUM(s.sold) AS t FROM consumption_sale s "
                "JOIN consumption_channel c ON c.id = s.channel_id "
                f"LEFT JOIN core_division d ON d.id = c.city_id {where} "
                "GROUP BY d.name ORDER BY t DESC, d.name",
                y,
            ),
            (
                "SELECT c.name, c.kind, SUM(s.sold) AS t FROM consumption_sale s "
                f"JOIN consumption_channel c ON c.id = s.channel_id {where} "
                "GROUP BY c.name, c.kind ORDER BY t DESC, c.name LIMIT 10",
                y,
            ),
            ("SELECT amount FROM consumption_salestarget WHERE year = %s", [self.year]),
            (
                "SELECT kind, COUNT(*) FROM consumption_channel "
                "WHERE (opened_on IS NULL OR opened_on <= %s) "
                "AND (closed_on IS NULL OR closed_on > %s) GROUP BY kind",
                [self.end - dt.timedelta(days=1)] * 2,
            ),
        ]

    def people(self) -> list[tuple[str, list]]:
        last = self.end - dt.timedelta(days=1)
        return [
            (
                "SELECT kind, field, COUNT(*) FROM people_posting WHERE start_date <= %s "
                "AND (end_date IS NULL OR end_date >= %s) GROUP BY kind, field",
                [last, self.start],
            ),
            (
                "SELECT field, COUNT(*) FROM people_trainingplacement "
                "WHERE start_date >= %s AND start_date < %s GROUP BY field",
                [self.start, self.end],
            ),
            (
                "SELECT kind, COUNT(*), SUM(count), COUNT(verified_at) FROM people_achievement "
                "WHERE date >= %s AND date < %s GROUP BY kind",
                [self.start, self.end],
            ),
        ]

    def small(self) -> list[tuple[str, list]]:
        """The small tables of figures.compute: one query each."""
        y = [self.start, self.end]
        return [
            ("SELECT kind, COUNT(*) FROM core_pairing GROUP BY kind", []),
            ("SELECT side, kind, COUNT(*) FROM core_organisation GROUP BY side, kind", []),
            (
                "SELECT d.status, COUNT(*), MIN(v.start_date) FROM orders_demand d "
                "LEFT JOIN orders_visit v ON v.demand_id = d.id "
                "WHERE d.posted_at >= %s AND d.posted_at < %s GROUP BY d.status",
                y,
            ),
            (
                "SELECT county_id, industry_section, COUNT(*), SUM(signed_amount) "
                "FROM investment_deal WHERE signed_on >= %s AND signed_on < %s "
                "GROUP BY county_id, industry_section",
                y,
            ),
            (
                "SELECT kind, COUNT(*), SUM(haixi_count), SUM(zhejiang_count) "
                "FROM exchanges_event WHERE start_date >= %s AND start_date < %s GROUP BY kind",
                y,
            ),
            (
                "SELECT major, SUM(students) FROM exchanges_offsiteclass WHERE intake_year = %s "
                "GROUP BY major",
                [self.year],
            ),
            ("SELECT COUNT(*) FROM exchanges_indicatorvalue WHERE year = %s", [self.year]),
        ]

    def figures(self) -> list[tuple[str, list]]:
        return self.projects() + self.flows() + self.people() + self.sales() + self.small()

    def watched(self) -> list[tuple[str, list]]:
        """The dashboard's alert candidates: the year's and the earlier open projects with their
        last report and 下达/拨付 (grouped subqueries joined once, not one subquery per row)."""
        from duikou.core.vocab import FlowType, ProjectStatus

        return [
            (
                "SELECT p.id, p.code, p.status, p.year, p.planned_start, p.planned_finish, "
                "p.actual_start, p.actual_finish, p.aid_amount + p.local_amount + p.social_amount,"
                " r.last, f.committed, f.disbursed FROM projects_project p "
                "LEFT JOIN (SELECT project_id, MAX(date) AS last FROM projects_progressreport "
                "GROUP BY project_id) r ON r.project_id = p.id "
                "LEFT JOIN (SELECT project_id, "
                "SUM(CASE WHEN type = %s THEN amount END) AS committed, "
                "SUM(CASE WHEN type = %s THEN amount END) AS disbursed "
                "FROM projects_moneyflow GROUP BY project_id) f ON f.project_id = p.id "
                "WHERE p.status <> %s "
                "AND (p.year = %s OR (p.year < %s AND p.status NOT IN (%s, %s)))",
                [
                    FlowType.COMMITMENT.value,
                    FlowType.DISBURSEMENT.value,
                    self.cancelled,
                    self.year,
                    self.year,
                    ProjectStatus.ACCEPTED.value,
                    self.cancelled,
                ],
            )
        ]

    def project_page(self, where: str, params: list, offset: int) -> list[tuple[str, list]]:
        """A page of the project list (25 rows with their 下达/拨付), its count and its totals."""
        from duikou.core.vocab import FlowType

        base = f"FROM projects_project p JOIN core_division d ON d.id = p.county_id {where}"
        return [
            (
                "SELECT p.*, (SELECT SUM(amount) FROM projects_moneyflow "
                "WHERE project_id = p.id AND type = %s), (SELECT SUM(amount) FROM "
                f"projects_moneyflow WHERE project_id = p.id AND type = %s) {base} "
                "ORDER BY p.year DESC, p.code LIMIT 25 OFFSET %s",
                [FlowType.COMMITMENT.value, FlowType.DISBURSEMENT.value, *params, offset],
            ),
            (f"SELECT COUNT(*) {base}", params),
            *self.project_totals(where, params),
        ]

    def project_totals(self, where: str, params: list) -> list[tuple[str, list]]:
        base = f"FROM projects_project p JOIN core_division d ON d.id = p.county_id {where}"
        live = ("AND" if where else "WHERE") + " p.status <> %s"
        return [
            (
                "SELECT COUNT(*), SUM(p.aid_amount), SUM(p.local_amount), SUM(p.social_amount) "
                f"{base} {live}",
                [*params, self.cancelled],
            ),
            (
                "SELECT f.type, SUM(f.amount) FROM projects_moneyflow f "
                f"JOIN projects_project p ON p.id = f.project_id "
                f"JOIN core_division d ON d.id = p.county_id {where} {live} GROUP BY f.type",
                [*params, self.cancelled],
            ),
        ]

    def people_page(self, offset: int) -> list[tuple[str, list]]:
        return [
            (
                "SELECT p.*, (SELECT COUNT(*) FROM people_posting WHERE person_id = p.id) "
                "FROM people_person p ORDER BY p.name, p.id LIMIT 25 OFFSET %s",
                [offset],
            ),
            ("SELECT COUNT(*) FROM people_person", []),
        ]

    def sales_page(self, offset: int) -> list[tuple[str, list]]:
        return [
            (
                "SELECT s.*, c.name, pr.name FROM consumption_sale s "
                "JOIN consumption_channel c ON c.id = s.channel_id "
                "JOIN consumption_product pr ON pr.id = s.product_id "
                "ORDER BY s.date DESC, c.name, pr.name LIMIT 25 OFFSET %s",
                [offset],
            ),
            ("SELECT COUNT(*), SUM(sold), SUM(ordered) FROM consumption_sale", []),
        ]


# The items ----------------------------------------------------------------------------------


def _last_page(count: int, size: int = 25) -> int:
    return max(math.ceil(count / size), 1)


def build_items(client, user, year: int, vendor: str) -> list[Item]:
    from django.db.models import Count

    from duikou.consumption.models import Sale
    from duikou.core.vocab import ProjectStatus
    from duikou.people.models import Person
    from duikou.projects import selectors
    from duikou.projects.models import Project
    from duikou.reports import figures, summary

    sql = Sql(vendor, year)

    def page(url: str) -> Callable[[], object]:
        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            return response

        return get

    projects = Project.objects.count()
    top = (
        Project.objects.order_by()
        .values("category", "county__code", "status")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    category, county, status = top["category"], top["county__code"], ProjectStatus.BUILDING.value
    n_year = Project.objects.filter(year=year).count()
    n_cat = Project.objects.filter(category=category).count()
    n_county = Project.objects.filter(county__code=county).count()
    n_status = Project.objects.filter(status=status).count()
    word = (Project.objects.order_by("pk").values_list("name", flat=True).first() or "项目")[:2]

    def project_list(label, query, where, params, count, last=False):
        offset = (_last_page(count) - 1) * 25 if last else 0
        q = f"{query}&page={_last_page(count)}" if last else query
        return Item(
            f"project list {label}",
            page(f"/projects/?{q}"),
            sql.project_page(where, params, offset),
            "list",
        )

    people = Person.objects.count()
    sales = Sale.objects.count()
    items = [
        Item("figures --year", lambda: figures.compute(year), sql.figures(), "figures"),
        Item("dashboard", page(f"/?year={year}"), sql.figures() + sql.watched()),
        project_list("(all)", "", "", [], projects),
        project_list("(all) last page", "", "", [], projects, last=True),
        project_list("?year", f"year={year}", "WHERE p.year = %s", [year], n_year),
        project_list(
            "?year last page", f"year={year}", "WHERE p.year = %s", [year], n_year, last=True
        ),
        project_list(
            "?category", f"category={category}", "WHERE p.category = %s", [category], n_cat
        ),
        project_list("?county", f"county={county}", "WHERE d.code = %s", [county], n_county),
        project_list("?status", f"status={status}", "WHERE p.status = %s", [status], n_status),
        Item(
            "project list ?q",
            page(f"/projects/?q={word}"),
            sql.project_page(
                "WHERE (p.code LIKE %s OR p.name LIKE %s)", [f"%{word}%", f"%{word}%"], 0
            ),
            "list",
        ),
        Item(
            "project list ?alert",
            page("/projects/?alert=overdue"),
            sql.watched(),
            "list",
        ),
        Item(
            "project totals row",
            lambda: selectors.list_totals(Project.objects.all()),
            sql.project_totals("", []),
            "figures",
        ),
        Item(
            "funds page",
            page(f"/projects/funds/?year={year}"),
            sql.projects() + sql.flows(),
        ),
        Item("people list", page("/people/"), sql.people_page(0), "list"),
        Item(
            "people list last page",
            page(f"/people/?page={_last_page(people)}"),
            sql.people_page((_last_page(people) - 1) * 25),
            "list",
        ),
        Item("sales stats page", page(f"/consumption/stats/?year={year}"), sql.sales()),
        Item("sales list", page("/consumption/sales/"), sql.sales_page(0), "list"),
        Item(
            "sales list last page",
            page(f"/consumption/sales/?page={_last_page(sales)}"),
            sql.sales_page((_last_page(sales) - 1) * 25),
            "list",
        ),
        Item("year-end summary build", lambda: summary.build(year), sql.figures(), "figures"),
    ]
    return items


# One backend, in its own process -------------------------------------------------------------


def child(args: argparse.Namespace) -> dict:
    os.environ["DUIKOU_DATA_DIR"] = str(args.data_dir)
    if args.backend == "pg":
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DUIKOU_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import user_logged_in
    from django.contrib.auth.models import update_last_login
    from django.db import connection, transaction
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from duikou.accounts.models import Role, User
    from duikou.reports import figures

    setup_test_environment()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.ALLOWED_HOSTS = ["testserver"]
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")

    from duikou.projects.models import MoneyFlow, Project

    if not _has_data():
        build(args)
    year = args.year or min(
        Project.objects.aggregate(y=Max("year"))["y"] or figures.current_year(),
        figures.current_year(),
    )
    sizes = {
        "projects": Project.objects.count(),
        "flows": MoneyFlow.objects.count(),
        **_other_sizes(),
    }
    print(f"[{args.backend}] {connection.vendor}, year {year}, " + _sizes_text(sizes), flush=True)
    results = []
    with transaction.atomic():
        user = User.objects.filter(role=Role.HEADQUARTERS, is_active=True).order_by(
            "pk"
        ).first() or User.objects.create_user("bench-hq", role=Role.HEADQUARTERS)
        if getattr(user, "must_change_password", False):
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            user.must_change_password = False
        client = Client()
        client.force_login(user)
        for item in build_items(client, user, year, connection.vendor):
            if args.only and not any(s in item.name for s in args.only):
                continue
            with CaptureQueriesContext(connection) as ctx:
                item.run()
            queries = len(ctx.captured_queries)  # read now: the next request resets the log
            times = timed(item.run, args.runs)
            sql_times: list[float] = []
            if item.sql:

                def run_sql(statements=item.sql):
                    with connection.cursor() as cursor:
                        for text, params in statements:
                            cursor.execute(text, params)
                            cursor.fetchall()

                run_sql()
                sql_times = timed(run_sql, args.runs)
            row = {
                "item": item.name,
                "group": item.group,
                "backend": args.backend,
                "p50": statistics.median(times),
                "p95": p95(times),
                "queries": queries,
                "sql_p50": statistics.median(sql_times) if sql_times else None,
                "sql_statements": len(item.sql),
            }
            row["ratio"] = row["p50"] / row["sql_p50"] if row["sql_p50"] else None
            print(_line(row), flush=True)
            results.append(row)
        transaction.set_rollback(True)
    return {"backend": args.backend, "year": year, "sizes": sizes, "rows": results}


def _has_data() -> bool:
    from django.db.utils import OperationalError, ProgrammingError

    from duikou.projects.models import Project

    try:
        return Project.objects.exists()
    except (OperationalError, ProgrammingError):
        return False


def build(args: argparse.Namespace) -> None:
    """An empty database of our own: migrate, then `duikou synth --scale F`."""
    from django.core.management import call_command, get_commands

    if Path(args.data_dir).resolve() == Path("/work/scale/data"):
        raise SystemExit("the shared data dir holds no data yet: build it with `duikou synth`")
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    if "synth" in get_commands():
        print(f"[{args.backend}] building the data set: duikou synth --scale {args.scale}")
        call_command("synth", scale=args.scale, seed=1)
    else:  # a branch without synth: the demo programme
        from django.db import transaction

        from duikou.demo.loader import load_demo

        print(f"[{args.backend}] no synth command: loading the demo programme")
        with transaction.atomic():
            load_demo(force=True)
    print(f"[{args.backend}] data built in {time.perf_counter() - t:.0f} s", flush=True)


def _other_sizes() -> dict[str, int]:
    from duikou.consumption.models import Sale
    from duikou.people.models import Person, Posting

    return {
        "people": Person.objects.count(),
        "postings": Posting.objects.count(),
        "sales": Sale.objects.count(),
    }


def _sizes_text(sizes: dict[str, int]) -> str:
    return ", ".join(f"{v:,} {k}" for k, v in sizes.items())


# Output -------------------------------------------------------------------------------------

HEADER = (
    f"{'item':<30} {'backend':<7} {'p50 ms':>9} {'p95 ms':>9} {'queries':>7} "
    f"{'SQL p50':>9} {'ratio':>7}"
)


def _line(row: dict) -> str:
    sql = f"{row['sql_p50']:9.1f}" if row["sql_p50"] is not None else f"{'-':>9}"
    ratio = f"{row['ratio']:6.2f}×" if row["ratio"] is not None else f"{'-':>7}"
    return (
        f"{row['item']:<30} {row['backend']:<7} {row['p50']:9.1f} {row['p95']:9.1f} "
        f"{row['queries']:>7} {sql} {ratio}"
    )


def table(reports: list[dict]) -> str:
    lines = [HEADER, "-" * len(HEADER)]
    by_item: dict[str, list[dict]] = {}
    for report in reports:
        for row in report["rows"]:
            by_item.setdefault(row["item"], []).append(row)
    for rows in by_item.values():
        lines.extend(_line(r) for r in rows)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument(
        "--scale", type=float, default=0.01, help="synth scale when the data must be built"
    )
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--only", action="append", help="only the items whose name holds this")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        report = child(args)
        args.json.write_text(json.dumps(report, default=str))
        return

    backends = ["sqlite", "pg"] if args.backend == "both" else [args.backend]
    if "pg" in backends:
        _ensure_pg_database(args.pg_url)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    reports = []
    load_before = _load()
    for backend in backends:
        out = args.out / f"scale-{stamp}-{backend}.json"
        cmd = [sys.executable, __file__, "--child", "--backend", backend, "--json", str(out)]
        cmd += ["--runs", str(args.runs), "--data-dir", str(args.data_dir)]
        cmd += ["--pg-url", args.pg_url, "--scale", str(args.scale)]
        cmd += ["--year", str(args.year)] if args.year else []
        for only in args.only or []:
            cmd += ["--only", only]
        subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        reports.append(json.loads(out.read_text()))
    text = [
        f"Scale benchmark {stamp} UTC, {args.runs} runs per item, {platform.node()}",
        f"load before: {load_before}; after: {_load()}",
        *(f"{r['backend']}: year {r['year']}, {_sizes_text(r['sizes'])}" for r in reports),
        "",
        table(reports),
    ]
    print("\n" + "\n".join(text))
    (args.out / f"scale-{stamp}.txt").write_text("\n".join(text) + "\n")


def _load() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def _ensure_pg_database(url: str) -> None:
    """Create the benchmark's own PostgreSQL database when it does not exist (never the shared
    one: that is built by `duikou synth`)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            if name == "duikou_scale":
                raise SystemExit("duikou_scale does not exist yet: it is built by `duikou synth`")
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
