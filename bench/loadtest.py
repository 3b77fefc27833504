"""The load test: two gunicorn masters and two task workers on PostgreSQL, 50 simulated users.

    bench/loadtest.py                       # 5 minutes, 50 users
    bench/loadtest.py --minutes 0.3 --users 5   # a smoke run

Steps: (1) a PostgreSQL database made from a template: the shared synthetic set
`duikou_scale` when /work/scale/README.txt says "COMPLETE pg" (its data dir's keys with it),
else the demo programme loaded once into a template of our own; (2) collectstatic (manifest
storage, as in production); (3) two gunicorn masters (deploy/gunicorn.conf.py, 2 workers each)
on two loopback ports, the users split between them, and two `duikou db_worker`; (4) locust,
headless, for the given time (bench/load/locustfile.py); (5) the checks: no server error (5xx)
in locust's view or in gunicorn's access logs, and no lost update: every edit the server
accepted left its marker in the project's description, every accepted flow entry and every
imported row is in the database once, every planning run finished. Then requests, failures
and p50/p95 per page. Exit status 1 when a check fails.

Needs: `pip install -e ".[load]"` (locust), PostgreSQL (PG_URL, default postgres://postgres@
127.0.0.1:5432). Loopback only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCALE_README = Path("/work/scale/README.txt")
SCALE_DB, SCALE_DATA = "duikou_scale", Path("/work/scale/data")


def sh(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kw)


def pg(url: str, sql: str, db: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(f"{url}/{db}", autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def scale_complete() -> bool:
    """The shared synthetic set is there: a status line "COMPLETE pg" in its README."""
    if not SCALE_README.exists():
        return False
    return any(
        line.strip().startswith("COMPLETE pg") for line in SCALE_README.read_text().splitlines()
    )


def copy_from_template(args, name: str, template: str, wait: float = 180) -> bool:
    """CREATE DATABASE … TEMPLATE needs the template idle: wait a while for other sessions."""
    pg(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    end = time.monotonic() + wait
    while True:
        try:
            pg(args.pg, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return True
        except Exception as exc:
            if "being accessed by other users" not in str(exc) or time.monotonic() > end:
                print(f"cannot copy {template}: {str(exc).splitlines()[0]}", flush=True)
                return False
            time.sleep(5)


def prepare_database(args, base_env: dict) -> tuple[str, Path, str, tuple[str, str]]:
    """(database name, data dir, where the data came from, the sign-in)"""
    name = f"{args.prefix}_load"
    if scale_complete() and not args.demo:
        # The shared set's keys are copied: uploads of the imports must not land in its folder.
        data_dir = ROOT / "var" / "loadtest-scale"
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        for key in ("secret_key", "field_key"):
            if (SCALE_DATA / key).exists():
                shutil.copy2(SCALE_DATA / key, data_dir / key)
        if copy_from_template(args, name, SCALE_DB):
            return (
                name,
                data_dir,
                "the synthetic set duikou_scale",
                ("synth-hq", "synth-scale-2026"),
            )
    template = f"{args.prefix}_load_template"
    data_dir = ROOT / "var" / "loadtest"
    exists = pg(args.pg, f"SELECT 1 FROM pg_database WHERE datname = '{template}'")
    if not exists or args.rebuild:
        pg(args.pg, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        pg(args.pg, f'CREATE DATABASE "{template}"')
        if data_dir.exists():
            shutil.rmtree(data_dir)
        env = {
            **base_env,
            "DATABASE_URL": f"{args.pg}/{template}",
            "DUIKOU_DATA_DIR": str(data_dir),
        }
        print(f"loading the demo into the template {template} …", flush=True)
        sh([str(BIN / "duikou"), "demo", "--no-serve"], env, stdout=subprocess.DEVNULL)
    if not copy_from_template(args, name, template, wait=10):
        raise SystemExit("no database to load")
    return name, data_dir, "the demo programme", ("hq", "duikou2023")


def pick_projects(url: str) -> dict[str, str]:
    rows = pg(
        url.rsplit("/", 1)[0],
        "SELECT id, code FROM projects_project ORDER BY id",
        url.rsplit("/", 1)[1],
    )
    ids = [r[0] for r in rows]
    if len(ids) < 20:
        raise SystemExit("the database holds too few projects for the load test")
    step = max(len(ids) // 40, 1)
    spread = ids[::step]
    return {
        "LOAD_EDIT_PROJECTS": ",".join(map(str, spread[:6])),  # contended on purpose
        "LOAD_FLOW_PROJECTS": ",".join(map(str, spread[6:16])),
        "LOAD_DETAIL_PROJECTS": ",".join(map(str, spread)),
        "LOAD_IMPORT_CODES": ",".join(r[1] for r in rows[::step][16:20]),
    }


def wait_up(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not come up healthy")


def verify(db_url: str, ledger: Path, started_descriptions: dict[int, str]) -> dict:
    base, name = db_url.rsplit("/", 1)
    entries = (
        [json.loads(line) for line in ledger.read_text().splitlines()] if ledger.exists() else []
    )
    by_kind: dict[str, list[dict]] = {}
    for e in entries:
        by_kind.setdefault(e["kind"], []).append(e)
    problems: list[str] = []
    # Edits: each accepted edit's marker is in the final description (a later accepted edit
    # was opened on a version that held it); a refused one's marker is not.
    descriptions = dict(pg(base, "SELECT id, description FROM projects_project", name))
    for e in by_kind.get("edit", []):
        if e["marker"] not in descriptions.get(e["project"], ""):
            problems.append(f"lost edit {e['marker']} of project {e['project']}")
    for e in by_kind.get("edit_refused", []):
        if e["marker"] in descriptions.get(e["project"], ""):
            problems.append(f"refused edit {e['marker']} was written")
    versions = dict(pg(base, "SELECT id, version FROM projects_project", name))
    for pk in {e["project"] for e in by_kind.get("edit", [])}:
        accepted = sum(1 for e in by_kind["edit"] if e["project"] == pk)
        # every accepted save bumps the version once (nothing else edits these projects)
        if versions[pk] - started_descriptions[pk] != accepted:
            problems.append(
                f"project {pk}: version moved {versions[pk] - started_descriptions[pk]}, "
                f"{accepted} saves accepted"
            )
    vouchers: dict[str, int] = dict(
        pg(
            base,
            "SELECT voucher, COUNT(*) FROM projects_moneyflow WHERE voucher LIKE 'LT%' "
            "GROUP BY voucher",
            name,
        )
    )
    expected = [e["voucher"] for e in by_kind.get("flow", [])] + [
        v for e in by_kind.get("import", []) for v in e["vouchers"]
    ]
    for v in expected:
        if vouchers.get(v) != 1:
            problems.append(f"flow {v}: {vouchers.get(v, 0)} rows")
    if len(vouchers) != len(expected):
        problems.append(
            f"{len(vouchers)} load-test flows in the database, {len(expected)} accepted"
        )
    run_ids = [e["run"] for e in by_kind.get("run", [])]
    runs = (
        pg(
            base,
            "SELECT status, COUNT(*) FROM orders_planningrun "
            "WHERE id IN ({}) GROUP BY status".format(",".join(str(int(i)) for i in run_ids)),
            name,
        )
        if run_ids
        else []
    )
    if dict(runs).get("失败"):
        problems.append(f"{dict(runs)['失败']} planning runs failed")
    return {
        "edits_accepted": len(by_kind.get("edit", [])),
        "edits_refused_stale": len(by_kind.get("edit_refused", [])),
        "flows_entered": len(by_kind.get("flow", [])),
        "imports": len(by_kind.get("import", [])),
        "imports_failed": by_kind.get("import_failed", []),
        "planning_runs": len(by_kind.get("run", [])),
        "planning_runs_failed": by_kind.get("run_failed", []),
        "run_statuses": dict(runs),
        "server_errors_seen_by_users": len(by_kind.get("server_error", [])),
        "lost_updates": problems,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--spawn-rate", type=float, default=5.0)
    ap.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per master")
    ap.add_argument("--pg", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--prefix", default="duikou_deploy", help="database names start with it")
    ap.add_argument("--ports", default="8101,8102")
    ap.add_argument("--rebuild", action="store_true", help="reload the demo template")
    ap.add_argument(
        "--demo", action="store_true", help="the demo even when the synthetic set is there"
    )
    ap.add_argument("--out", default=str(ROOT / "var" / "loadtest-out"))
    args = ap.parse_args()
    args.pg = args.pg.rstrip("/")
    if re.search(r"/[^/:]+$", args.pg.split("@")[-1]):
        args.pg = args.pg.rsplit("/", 1)[0]  # a URL naming a database: its server

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DUIKOU_", "DATABASE_URL"))
    }
    base_env["PYTHONPATH"] = str(ROOT)
    t0 = time.monotonic()
    name, data_dir, source, (username, password) = prepare_database(args, base_env)
    db_url = f"{args.pg}/{name}"
    env = {
        **base_env,
        "DATABASE_URL": db_url,
        "DUIKOU_DATA_DIR": str(data_dir),
        "DUIKOU_STATIC_ROOT": str(out / "static"),
        "DUIKOU_STATIC_MANIFEST": "1",
        "DUIKOU_LOG_FORMAT": "json",
        "DUIKOU_WEB_WORKERS": str(args.web_workers),
        "DUIKOU_WORKER_BEAT_SECONDS": "5",
        # 50 simulated users share one address: the per-address sign-in throttle stays off.
        "DUIKOU_SIGNIN_FAILURE_LIMIT": "100000",
    }
    sh([str(BIN / "duikou"), "migrate", "--noinput", "-v0"], env)
    sh([str(BIN / "duikou"), "collectstatic", "--noinput", "-v0"], env)
    print(f"database {name} from {source}, ready in {time.monotonic() - t0:.0f} s", flush=True)

    ports = args.ports.split(",")
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        for i, port in enumerate(ports):
            log = open(out / f"gunicorn-{i + 1}.log", "w")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "-c",
                        str(ROOT / "deploy/gunicorn.conf.py"),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "duikou.wsgi",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for i in range(2):
            log = open(out / f"worker-{i + 1}.log", "w")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "duikou"),
                        "db_worker",
                        "--queue-name=*",
                        "--interval",
                        "0.5",
                        "--no-reload",
                        "--worker-id",
                        f"load-{i + 1}",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        hosts = [f"http://127.0.0.1:{p}" for p in ports]
        for h in hosts:
            wait_up(h)
        before = dict(pg(args.pg, "SELECT id, version FROM projects_project", name))
        ledger = out / "ledger.jsonl"
        load_env = {
            **env,
            **pick_projects(db_url),
            "LOAD_HOSTS": ",".join(hosts),
            "LOAD_LEDGER": str(ledger),
            "LOAD_USER": username,
            "LOAD_PASSWORD": password,
        }
        seconds = max(int(args.minutes * 60), 10)
        load0 = os.getloadavg()
        print(f"locust: {args.users} users, {seconds} s, hosts {', '.join(hosts)}", flush=True)
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench/load/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{seconds}s",
                "--host",
                hosts[0],
                "--csv",
                str(out / "locust"),
                "--only-summary",
                "--stop-timeout",
                "60",
                "--exit-code-on-error",
                "0",
            ],
            env=load_env,
            cwd=ROOT,
            check=False,
            stdout=open(out / "locust.log", "w"),
            stderr=subprocess.STDOUT,
        )
        load1 = os.getloadavg()
        time.sleep(3)  # the last imports' and runs' tasks finish
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()

    result = verify(db_url, ledger, before)
    access_5xx = 0
    for i in range(len(ports)):
        for line in (out / f"gunicorn-{i + 1}.log").read_text(errors="replace").splitlines():
            if re.search(r'" 5\d\d \d+ ', line):
                access_5xx += 1
    rows = list(csv.DictReader(open(out / "locust_stats.csv", encoding="utf-8")))
    print()
    print(f"{'page':36} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
    total = None
    for r in rows:
        line = (
            f"{r['Name'][:36]:36} {r['Request Count']:>9} {r['Failure Count']:>9} "
            f"{r['50%']:>8} {r['95%']:>8}"
        )
        if r["Name"] == "Aggregated":
            total = r
            continue
        print(line)
    if total:
        print(
            f"{'ALL':36} {total['Request Count']:>9} {total['Failure Count']:>9} "
            f"{total['50%']:>8} {total['95%']:>8}   ({float(total['Requests/s']):.1f} req/s)"
        )
    print()
    print(
        f"users {args.users}, duration {seconds} s, data: {source}; 2 gunicorn masters × "
        f"{args.web_workers} workers, 2 db_workers; load average before {load0[0]:.2f}, "
        f"after {load1[0]:.2f} (1 min), {os.cpu_count()} cores"
    )
    print(
        f"server errors: {access_5xx} in the access logs, "
        f"{result['server_errors_seen_by_users']} seen by the users"
    )
    print(
        f"edits accepted {result['edits_accepted']}, refused as stale "
        f"{result['edits_refused_stale']}; flows entered {result['flows_entered']}; imports "
        f"{result['imports']} (failed {len(result['imports_failed'])}); planning runs "
        f"{result['planning_runs']} {result['run_statuses']}"
    )
    print(f"lost updates: {len(result['lost_updates'])}")
    for p in result["lost_updates"][:20]:
        print("   ", p)
    (out / "result.json").write_text(
        json.dumps({**result, "access_5xx": access_5xx}, indent=1, ensure_ascii=False)
    )
    failures = int(total["Failure Count"]) if total else -1
    ok = (
        failures == 0
        and access_5xx == 0
        and result["server_errors_seen_by_users"] == 0
        and not result["lost_updates"]
        and not result["imports_failed"]
        and not result["planning_runs_failed"]
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
