"""The production deployment (deploy/, docs/deploy.md): `check --deploy` clean with the example
environment, /healthz, the worker heartbeat, two workers taking each task once, the request log
without personal data, the JSON-lines formatter, the shared cache, the read-replica router."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duikou.core.ops import beat
from duikou.core.ops.models import WorkerBeat
from duikou.core.ops.routers import REPLICA, ReplicaRouter, reading_replica
from duikou.lib.jsonlog import JsonLinesFormatter
from duikou.lib.logfilters import RedactPersonalData

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / "deploy" / "duikou.env.example"
DUIKOU = [sys.executable, "-m", "duikou.cli"]
ID_NUMBER = "632802199001011239"
PHONE = "13812345678"


def example_env() -> dict[str, str]:
    env = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            env[key] = value
    return env


def test_check_deploy_is_clean_with_the_example_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUIKOU_", "DATABASE_"))}
    env.update(example_env())
    # The paths of the example are a server's; here a temporary folder stands in for them.
    env.update(
        DUIKOU_DATA_DIR=str(tmp_path / "data"),
        DUIKOU_STATIC_ROOT=str(tmp_path / "static"),
        PYTHONPATH=str(ROOT),
    )
    run = subprocess.run(
        [*DUIKOU, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout
    # What the example sets is what production needs: HTTPS, manifest static files, JSON logs.
    for key in ("DUIKOU_HTTPS", "DUIKOU_STATIC_MANIFEST", "DUIKOU_SECRET_KEY", "DATABASE_URL"):
        assert example_env()[key], key
    assert example_env()["DUIKOU_LOG_FORMAT"] == "json"


def test_the_gunicorn_config_sizes_workers_by_cores_and_logs_no_query_string(monkeypatch):
    monkeypatch.delenv("DUIKOU_WEB_WORKERS", raising=False)
    conf: dict = {}
    exec(compile((ROOT / "deploy/gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), conf)
    assert conf["workers"] == 2 * os.cpu_count() + 1
    assert conf["timeout"] == 60 and conf["preload_app"] is True
    fmt = conf["access_log_format"]
    # %(U)s is the path alone; %(r)s / %(q)s carry the query string, %(h)s the address,
    # %(a)s / %(f)s the user agent and referrer.
    assert "%(U)s" in fmt
    assert not any(code in fmt for code in ("%(r)s", "%(q)s", "%(h)s", "%(a)s", "%(f)s"))
    from duikou.core.ops.gunicorn_logging import QuietHealthLogger  # the class it names

    assert conf["logger_class"].endswith(QuietHealthLogger.__name__)


# /healthz ----------------------------------------------------------------------------------------


def _beat(seconds_ago: float, worker_id: str = "w1") -> None:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": "web-1", "pid": 4242, "started_at": at, "beat_at": at},
    )


@pytest.mark.django_db
def test_healthz_is_503_without_a_worker_and_200_with_a_fresh_beat(client, settings):
    settings.DUIKOU_WORKER_STALE_SECONDS = 60
    url = reverse("healthz")
    assert url == "/healthz"
    none = client.get(url)
    assert none.status_code == 503
    assert none.json() == {
        "database": "ok",
        "worker": "stale",
        "worker_age_s": None,
        "status": "error",
    }
    _beat(200, "old")
    stale = client.get(url)
    assert stale.status_code == 503 and stale.json()["worker"] == "stale"
    assert stale.json()["worker_age_s"] >= 200
    _beat(3, "fresh")
    ok = client.get(url)
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "ok" and body["worker"] == "ok" and body["worker_age_s"] <= 4
    # Open to anonymous visitors, never cached, names no host or worker.
    assert "no-store" in ok["Cache-Control"] or "max-age=0" in ok["Cache-Control"]
    raw = ok.content.decode()
    assert "web-1" not in raw and "fresh" not in raw and "4242" not in raw
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def lost():
        raise OperationalError("connection refused")

    monkeypatch.setattr(beat, "last_beat_age", lost)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error" and response.json()["status"] == "error"


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_https_is_required(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    _beat(1)
    assert client.get("/healthz").status_code == 200  # exempt: the monitor asks over HTTP
    assert client.get("/public/").status_code == 301  # everything else goes to HTTPS


@pytest.mark.django_db
def test_the_heartbeat_writes_a_row_and_deletes_it_on_a_clean_stop():
    hb = beat.Heartbeat("test-worker", every=0.05).start()
    try:
        first = WorkerBeat.objects.get(worker_id="test-worker").beat_at
        assert beat.last_beat_age() < 5
    finally:
        hb.stop()
    assert not WorkerBeat.objects.filter(worker_id="test-worker").exists()
    assert first <= timezone.now()


# Two workers, each task once ----------------------------------------------------------------


def _worker(worker_id: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [*DUIKOU, "db_worker", "--interval", "0.1", "--no-reload", "--worker-id", worker_id],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_task_exactly_once(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several workers against one PostgreSQL (SKIP LOCKED): the PostgreSQL suite")
    from django_tasks_db.models import DBTaskResult

    from duikou.core.ops.tasks import ping

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    env.update(DUIKOU_DATA_DIR=str(tmp_path), DUIKOU_WORKER_BEAT_SECONDS="0.5")
    env.pop("DUIKOU_TASKS", None)
    workers = [_worker("alpha", env), _worker("beta", env)]
    try:
        # Both up (their first beat is written before they poll), then the tasks: on a busy
        # machine one worker may start seconds after the other.
        deadline = time.monotonic() + 90
        while WorkerBeat.objects.count() < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        # Each task holds its worker 50 ms: one worker alone would need 3 s, so the other,
        # polling every 0.1 s, always gets some (without it one fast worker may take them all).
        ids = [ping.enqueue(n, hold=0.05).id for n in range(60)]
        while time.monotonic() < deadline:
            if DBTaskResult.objects.filter(id__in=ids, status="SUCCESSFUL").count() == len(ids):
                break
            time.sleep(0.3)
        # Both beat while they run: the health check sees them.
        assert set(WorkerBeat.objects.values_list("worker_id", flat=True)) == {"alpha", "beta"}
    finally:
        for w in workers:
            w.terminate()
        errors = [w.communicate(timeout=30)[1] for w in workers]
    rows = list(DBTaskResult.objects.filter(id__in=ids))
    assert len(rows) == 60 and all(r.status == "SUCCESSFUL" for r in rows), errors
    # Each claimed by exactly one worker, run by one process; both took their share.
    assert all(len(r.worker_ids) == 1 for r in rows)
    by_worker = {w: sum(r.worker_ids == [w] for r in rows) for w in ("alpha", "beta")}
    assert all(by_worker.values()), by_worker
    assert sorted(r.return_value["n"] for r in rows) == list(range(60))
    assert len({r.return_value["pid"] for r in rows}) == 2
    # A clean stop deletes the worker's beat.
    assert not WorkerBeat.objects.filter(worker_id__in=["alpha", "beta"]).exists()


# Logs ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_request_log_has_method_path_status_user_id_and_no_personal_data(
    client, caplog, django_user_model
):
    user = django_user_model.objects.create_user(
        username="loguser", password="pw-loguser-123456", role="headquarters", full_name="王小明"
    )
    user.must_change_password = False
    user.save()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="duikou.request"):
        client.get("/projects/", {"q": "王小明", "tel": PHONE})
        client.get("/people/", {"id": ID_NUMBER})
        client.post("/people/find/", {"id_number": ID_NUMBER})
        client.get("/healthz")
    records = [r for r in caplog.records if r.name == "duikou.request"]
    assert [(r.method, r.path) for r in records][:2] == [("GET", "/projects/"), ("GET", "/people/")]
    assert all(r.user_id == user.pk for r in records)
    assert all(isinstance(r.status, int) and r.duration_ms >= 0 for r in records)
    assert not any(r.path == "/healthz" for r in records)  # the monitor's asking is not logged
    assert {r.status for r in records} <= {200, 302}
    assert not any(r.name == "django.request" for r in caplog.records)  # no 503 line either
    text = "\n".join(JsonLinesFormatter().format(r) + r.getMessage() for r in records)
    for secret in (ID_NUMBER, PHONE, "王小明", "loguser", "q=", "tel="):
        assert secret not in text, secret


def test_json_lines_are_one_object_per_line_masked_by_the_filter():
    record = logging.LogRecord(
        "duikou.request", logging.INFO, __file__, 1, "GET %s %s", (f"/x/{ID_NUMBER}/", 200), None
    )
    record.user_id, record.status, record.path = 7, 200, f"/x/{ID_NUMBER}/"
    record.password = "never"  # not a whitelisted field: not written
    RedactPersonalData().filter(record)
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "INFO" and data["logger"] == "duikou.request"
    assert data["user_id"] == 7 and data["status"] == 200
    assert ID_NUMBER not in data["message"] and "password" not in data
    assert data["time"].endswith("+00:00")


def test_json_mode_puts_the_formatter_on_every_handler_and_keeps_the_masking(tmp_path):
    code = (
        "import logging.config, json; from django.conf import settings as s; import django;"
        "django.setup(); c = s.LOGGING;"
        "print(json.dumps({n: [h.get('formatter'), h.get('filters')] "
        "for n, h in c['handlers'].items()}), c['loggers']['duikou.request']['level'])"
    )
    env = {**os.environ, "DUIKOU_LOG_FORMAT": "json", "DUIKOU_DATA_DIR": str(tmp_path)}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="duikou.settings")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    handlers_json, level = out.stdout.rsplit(" ", 1)
    handlers = json.loads(handlers_json)
    assert handlers and all(f == "json" for f, _ in handlers.values()), out.stderr
    assert all("redact_personal_data" in filters for _, filters in handlers.values())
    assert level.strip() == "INFO"


# No state in process memory ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cache_is_shared_through_the_database(settings):
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("deploy-probe", 41)
    # Another process's cache object (a fresh handler) reads the same table.
    other = caches.create_connection("default")
    assert other.get("deploy-probe") == 41
    other.incr("deploy-probe")
    assert cache.get("deploy-probe") == 42
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM duikou_cache")
        assert cur.fetchone()[0] >= 1


# The read replica -------------------------------------------------------------------------------


@pytest.fixture
def replica(transactional_db):
    """The alias "replica" pointing at the test database itself (as DUIKOU_REPLICA_URL does),
    committed data (a transactional test) so that its own connection sees the rows."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    conn = connections[REPLICA]
    # The test case forbids aliases it was not told of; this one is made on purpose.
    for name in (
        "connect",
        "temporary_connection",
        "cursor",
        "chunked_cursor",
        "ensure_connection",
    ):
        conn.__dict__.pop(name, None)
    conn.connect()  # opened here: the test case's guard only stops unopened connections
    try:
        yield conn
    finally:
        connections[REPLICA].close()
        del connections.settings[REPLICA]
        if hasattr(connections._connections, REPLICA):
            delattr(connections._connections, REPLICA)


def test_reports_and_the_portal_read_the_replica_and_everything_else_the_primary(
    replica, client, django_user_model
):
    from duikou.projects.models import Project

    router = ReplicaRouter()
    assert router.db_for_read(Project) is None  # outside a report: the primary
    with reading_replica():
        assert router.db_for_read(Project) == REPLICA
        assert router.db_for_read(django_user_model) is None  # sign-in tables: the primary
    assert router.db_for_write(Project) == "default"
    assert router.allow_migrate(REPLICA, "projects") is False

    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/public/").status_code == 200
    assert any("projects_project" in q["sql"] for q in on_replica.captured_queries)

    user = django_user_model.objects.create_user(
        username="hq-r", password="pw-hq-r-123456789", role="headquarters"
    )
    client.force_login(user)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/projects/").status_code == 200  # a ledger's page: the primary
    assert on_replica.captured_queries == []
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert on_replica.captured_queries, "the dashboard reads the replica"
    assert not any("django_session" in q["sql"] for q in on_replica.captured_queries)
