"""Shared fixtures: a small registry of two Haixi counties and one user of every role.

The cast follows healthchecks' base test case: for each role a user who may get in, and the
test names the one who must not.
"""

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from django.utils import translation

from duikou.accounts.models import Role, User
from duikou.core import services
from duikou.core.models import Division


def make_user(username: str, role: str, *, organisation=None, counties=(), **extra) -> User:
    user = User.objects.create_user(
        username=username, password="pw-" + username, role=role, **extra
    )
    if organisation is not None:
        user.organisation = organisation
        user.save()
    if counties:
        user.counties.set(counties)
    return user


class Registry:
    """Two counties (都兰 by 嘉兴, 乌兰 by 湖州), their hospitals, pairings and users."""

    def __init__(self):
        div = {d.code: d for d in Division.objects.all()}
        self.dulan, self.wulan, self.haixi = div["632822"], div["632821"], div["632800"]
        self.jiaxing, self.huzhou, self.hangzhou = div["330400"], div["330500"], div["330100"]
        org = services.organisation_create
        self.dulan_hospital = org(
            actor=None,
            name="都兰县人民医院",
            short_name="都兰县医院",
            kind="医院",
            side="受援方",
            division=self.dulan,
            credit_code="12632802438800125D",
        )
        self.wulan_hospital = org(
            actor=None,
            name="乌兰县人民医院",
            kind="医院",
            side="受援方",
            division=self.wulan,
        )
        self.prefecture_hospital = org(
            actor=None,
            name="海西州人民医院",
            kind="医院",
            side="受援方",
            division=self.haixi,
        )
        self.jiaxing_hospital = org(
            actor=None,
            name="嘉兴市第一医院",
            kind="医院",
            side="支援方",
            division=self.jiaxing,
        )
        self.huzhou_hospital = org(
            actor=None,
            name="湖州市中心医院",
            kind="医院",
            side="支援方",
            division=self.huzhou,
        )
        self.zju_hospital = org(
            actor=None,
            name="浙江大学医学院附属第一医院",
            short_name="浙大一院",
            kind="医院",
            side="支援方",
            division=self.hangzhou,
        )
        dept = services.department_create
        self.dulan_neuro = dept(actor=None, organisation=self.dulan_hospital, name="神经内科")
        self.wulan_cardio = dept(actor=None, organisation=self.wulan_hospital, name="心血管内科")
        self.pref_icu = dept(actor=None, organisation=self.prefecture_hospital, name="重症医学科")
        pair = services.pairing_create
        start = dt.date(2023, 3, 1)
        self.dulan_pairing = pair(
            actor=None,
            kind="医院-科室",
            zhejiang_org=self.jiaxing_hospital,
            haixi_org=self.dulan_hospital,
            haixi_department=self.dulan_neuro,
            start_date=start,
        )
        self.wulan_pairing = pair(
            actor=None,
            kind="医院-科室",
            zhejiang_org=self.huzhou_hospital,
            haixi_org=self.wulan_hospital,
            haixi_department=self.wulan_cardio,
            start_date=start,
        )
        self.pref_pairing = pair(
            actor=None,
            kind="医院-科室",
            zhejiang_org=self.zju_hospital,
            haixi_org=self.prefecture_hospital,
            haixi_department=self.pref_icu,
            start_date=start,
        )
        self.hq = make_user("hq", Role.HEADQUARTERS, is_staff=True, is_superuser=True)
        self.dulan_team = make_user("dulan", Role.COUNTY_TEAM, counties=[self.dulan])
        self.wulan_team = make_user("wulan", Role.COUNTY_TEAM, counties=[self.wulan])
        self.liaison = make_user("liaison", Role.LIAISON, organisation=self.dulan_hospital)
        self.doctor = make_user("doctor", Role.AID_STAFF, organisation=self.prefecture_hospital)
        self.viewer = make_user("viewer", Role.VIEWER)


def ensure_divisions() -> None:
    """A transactional test (transaction=True) flushes the tables at its end, the divisions the
    migrations loaded included: load them again for the next one."""
    if not Division.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("duikou.core.migrations.0002_load_divisions").load(apps, None)


# The test databases ------------------------------------------------------------------------
#
# The test databases are built from the models (TEST MIGRATE off: Django's syncdb), not by
# running the ~80 migrations, whose state rendering costs each xdist worker ~25 s of CPU. The
# migrations still run, once per suite, into an empty database of their own: on PostgreSQL in
# tests/test_migrations_postgresql.py, on SQLite in test_platform's `duikou migrate`; and
# `make check-migrations` holds the models and the migrations together. The reference data the
# migrations load (the divisions, core.0002) is loaded once per session, below, and again
# after each transactional test, whose flush empties every table.


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = False


_db_blocker = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """pytest-django's test databases, with the reference data loaded once (kept by every
    test that rolls back)."""
    global _db_blocker
    _db_blocker = django_db_blocker
    with django_db_blocker.unblock():
        _record_migrations_applied()
        ensure_divisions()


def _record_migrations_applied() -> None:
    """Mark every migration applied in the model-built test database, as if it had run: a test
    that calls `migrate` (the demo command does) then finds nothing to do, as before."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    applied = set(recorder.applied_migrations())
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    recorder.Migration.objects.bulk_create(
        [
            recorder.Migration(app=app, name=name)
            for app, name in graph.nodes
            if (app, name) not in applied
        ]
    )


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        (
            marker is not None
            and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
        )
        or names & {"transactional_db", "live_server"}
    )


@pytest.fixture
def reg(db) -> Registry:
    ensure_divisions()
    return Registry()


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _default_language():
    # A request through LocaleMiddleware leaves its language active in the thread; each test
    # starts from the default (settings.LANGUAGE_CODE), whatever ran before it on its worker.
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (test_accounts checks it); tests hash with MD5 for speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The demo, loaded once per test session (per xdist worker) ---------------------------------
#
# tests/test_demo.py, test_projects_demo.py, test_people_demo.py and test_orders_demo.py check
# the demo programme, which takes tens of seconds to load. They form one xdist group ("demo",
# run by one worker under --dist loadgroup) and run one after the other, the orders module
# last; the demo is loaded once, in a transaction left open over those modules and rolled back
# after the last of them, before any other test runs. Each test still runs in its own savepoint
# (pytest-django's ``db``), so a test that loads the demo again or changes it leaves nothing.
#
# Two stages, as the modules loaded them before:
#   "base"   - load_demo() without its orders part (a planner run), which test_demo,
#              test_projects_demo and test_people_demo check, load_orders_demo patched out;
#   "orders" - the orders part loaded on top of it in a savepoint, timed on its own, for
#              test_orders_demo.

DEMO_GROUP = "demo"
# load_demo() calls it last; patched out for the "base" stage.
ORDERS_PART = "duikou.orders.demo.load_orders_demo"
DEMO_MODULE_ORDER = [
    "test_demo",
    "test_projects_demo",
    "test_people_demo",
    "test_exchanges_demo",
    "test_reports_demo",
    "test_consumption_demo",
    "test_orders_demo",
]


def _demo_module(item) -> str | None:
    marker = item.get_closest_marker("xdist_group") if hasattr(item, "module") else None
    if marker is None or DEMO_GROUP not in marker.args + tuple(marker.kwargs.values()):
        return None
    return item.module.__name__.rsplit(".", 1)[-1]


def pytest_collection_modifyitems(config, items):
    """The demo modules together, first and in DEMO_MODULE_ORDER: one load serves them all."""

    def rank(item):
        module = _demo_module(item)
        if module is None:
            return len(DEMO_MODULE_ORDER)
        return DEMO_MODULE_ORDER.index(module) if module in DEMO_MODULE_ORDER else 0

    items[:] = sorted(items, key=rank)  # a stable sort: each module keeps its order
    _run_sweeps_once(items)


def _postgresql_reachable() -> bool:
    """Is the PostgreSQL of `make test-pg` (PG_URL) up? Its suite then runs the sweeps."""
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/duikou"))
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 5432), 1):
            return True
    except OSError:
        return False


def _run_sweeps_once(items) -> None:
    """`make test` runs the suite on SQLite and then on PostgreSQL (DUIKOU_SWEEPS=once). The
    long sweeps (every URL × role, every parameter × junk, every export; marked `sweep`) then
    run once, on PostgreSQL, the database of production, where integer overflows and
    transaction errors show; on SQLite only if PostgreSQL is not there. Tests that ignore
    DATABASE_URL (marked `sqlite_once`: a fresh data dir's own SQLite) and tests that touch no
    database at all (the planner, the pure helpers, the workbook reader) run in the SQLite suite
    only: on PostgreSQL they would repeat the same run. Run alone (no DUIKOU_SWEEPS), every
    suite runs everything."""
    if os.environ.get("DUIKOU_SWEEPS") != "once":
        return
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if on_sqlite and _postgresql_reachable():
        skip = pytest.mark.skip(reason="a sweep: run once, in the PostgreSQL suite")
        for item in items:
            if item.get_closest_marker("sweep"):
                item.add_marker(skip)
    if not on_sqlite:
        skip = pytest.mark.skip(reason="its own SQLite: run once, in the SQLite suite")
        no_db = pytest.mark.skip(reason="touches no database: run once, in the SQLite suite")
        for item in items:
            if item.get_closest_marker("sqlite_once"):
                item.add_marker(skip)
            elif not _uses_database(item):
                item.add_marker(no_db)


def _uses_database(item) -> bool:
    """Does the test reach the database (its django_db mark, or a fixture that does)?"""
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        item.get_closest_marker("django_db")
        or names & {"db", "transactional_db", "django_db_setup", "live_server", "demo"}
    )


class SharedDemo:
    """The demo's open transaction and its two stages; see above."""

    def __init__(self, django_db_blocker):
        self.blocker = django_db_blocker
        self.base_stack: ExitStack | None = None
        self.orders_stack: ExitStack | None = None
        self.unpatch_orders: pytest.MonkeyPatch | None = None
        self.signins: list[dict] = []
        self.orders: dict = {}

    def base(self, load_demo: Callable[[], list[dict]]) -> list[dict]:
        """The demo without its orders part, loaded by load_demo; returns the sign-ins."""
        self._close_orders()
        if self.base_stack is None:
            from django.db import transaction
            from django.test import override_settings

            from duikou.core import crypto
            from tests.test_people_common import TEST_KEY

            stack = ExitStack()
            self.base_stack = stack
            mp = stack.enter_context(pytest.MonkeyPatch.context())
            mp.setenv(crypto.ENV_VAR, TEST_KEY)
            crypto.reset_cache()
            stack.callback(crypto.reset_cache)
            stack.enter_context(self.blocker.unblock())
            stack.enter_context(
                override_settings(
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
                )
            )
            stack.enter_context(transaction.atomic())
            stack.callback(transaction.set_rollback, True)
            self._patch_orders_out()
            try:
                self.signins = load_demo()
            except BaseException:
                self.close()
                raise
        elif self.unpatch_orders is None:  # back from the "orders" stage
            self._patch_orders_out()
        return self.signins

    def with_orders(
        self, load_demo: Callable[[], list[dict]], load_orders_demo: Callable[[], dict]
    ) -> dict:
        """The whole demo, its orders part (load_orders_demo, called once the patch that
        keeps it out is undone) loaded and timed on its own: {"seconds", "stats"}."""
        if self.orders_stack is None:
            from django.db import transaction

            from duikou.orders.models import Demand, PlanningRun, Visit
            from duikou.people.models import AvailabilityWindow

            self.base(load_demo)
            assert self.unpatch_orders is not None
            self.unpatch_orders.undo()
            self.unpatch_orders = None
            stack = ExitStack()
            self.orders_stack = stack
            stack.enter_context(transaction.atomic())
            stack.callback(transaction.set_rollback, True)
            # As if the whole demo were loaded and its orders records taken out: the people
            # demo's two windows of 李静 stay.
            Visit.objects.all().delete()
            PlanningRun.objects.all().delete()
            Demand.objects.all().delete()
            li_people_demo = {dt.date(2026, 12, 14), dt.date(2027, 5, 3)}
            AvailabilityWindow.objects.exclude(start_date__in=li_people_demo).delete()
            started = time.monotonic()
            try:
                stats = load_orders_demo()
            except BaseException:
                self.close()
                raise
            self.orders = {"seconds": time.monotonic() - started, "stats": stats}
        return self.orders

    def _patch_orders_out(self) -> None:
        self.unpatch_orders = pytest.MonkeyPatch()
        self.unpatch_orders.setattr(ORDERS_PART, lambda **kwargs: None)

    def _close_orders(self) -> None:
        if self.orders_stack is not None:
            stack, self.orders_stack, self.orders = self.orders_stack, None, {}
            stack.close()

    def close(self) -> None:
        self._close_orders()
        if self.unpatch_orders is not None:
            self.unpatch_orders.undo()
            self.unpatch_orders = None
        if self.base_stack is not None:
            stack, self.base_stack, self.signins = self.base_stack, None, []
            stack.close()


_shared_demo: SharedDemo | None = None


@pytest.fixture(scope="session")
def shared_demo(django_db_setup, django_db_blocker) -> Iterator[SharedDemo]:
    """The session's demo: ``shared_demo.base(load_demo)`` or ``.with_orders(...)``."""
    global _shared_demo
    _shared_demo = SharedDemo(django_db_blocker)
    yield _shared_demo
    _shared_demo.close()
    _shared_demo = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After the last demo test, roll the demo back before the next test (of another module).
    result = yield
    # A transactional test's flush took the divisions with it: back for the tests after it
    # (after the last test the test databases are gone).
    if nextitem is not None and _db_blocker is not None and _transactional(item):
        with _db_blocker.unblock():
            ensure_divisions()
    if _shared_demo is not None and (nextitem is None or _demo_module(nextitem) is None):
        _shared_demo.close()
    return result


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a process-local cache would carry one test's cached
    counts (keyed by user id, which the next test reuses) into the next. A database cache is
    rolled back with the test."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for alias in caches:
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()
    yield
