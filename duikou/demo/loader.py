"""Load the whole demo programme: the registry, then each ledger's part, in one transaction.

The registry (duikou.core.demo) comes first: every ledger's loader finds its organisations and
users there. Projects, people and orders follow, in that order (orders plans the people's
experts). Each loader is idempotent, so the whole load is too. The registry's counts are
printed last, as they always were.

The demo's users have a public password, so the demo is loaded only into a demo database:
an empty one (the marker DemoDatabase is then written), or one already marked whose users are
all the demo's. Any other database is refused (NotADemoDatabase) unless forced, and then no
public password is set and no existing user is touched (duikou.core.demo).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.consumption import demo as consumption_demo
from duikou.core.demo import DEMO_PASSWORD, DEMO_USERNAMES, load_registry_demo
from duikou.core.models import Organisation
from duikou.demo.models import DemoDatabase
from duikou.exchanges import demo as exchanges_demo
from duikou.investment import demo as investment_demo
from duikou.notices import sweeps as notices_sweeps
from duikou.orders import demo as orders_demo
from duikou.people import demo as people_demo
from duikou.people.models import Person
from duikou.projects import demo as projects_demo
from duikou.projects.models import Project

__all__ = ["DEMO_PASSWORD", "NotADemoDatabase", "database_state", "load_demo"]


class NotADemoDatabase(Exception):
    """The database holds data that is not the demo's: loading would mix them."""


@dataclass(frozen=True)
class DatabaseState:
    kind: str  # "empty", "demo" or "other"
    reason: str = ""


def database_state() -> DatabaseState:
    """Is this database empty, a demo one, or one with other data?"""
    others = list(
        User.objects.exclude(username__in=DEMO_USERNAMES)
        .order_by("username")
        .values_list("username", flat=True)[:3]
    )
    if others:
        return DatabaseState(
            "other", _("有非演示账号（%(names)s 等）") % {"names": "、".join(others)}
        )
    marked = DemoDatabase.objects.exists()
    users = list(User.objects.all())
    if not marked and not users and not _holds_records():
        return DatabaseState("empty")
    if marked:
        return DatabaseState("demo")
    # Loaded before the marker existed: still a demo database if every user is a demo user
    # with the public password (nothing on it is secret then).
    if users and all(u.check_password(DEMO_PASSWORD) for u in users):
        return DatabaseState("demo")
    if users:
        return DatabaseState("other", _("演示账号的密码已被修改，且没有演示数据库标记"))
    return DatabaseState("other", _("已有业务数据，且没有演示数据库标记"))


def _holds_records() -> bool:
    return Organisation.objects.exists() or Project.objects.exists() or Person.objects.exists()


def load_demo(stdout=None, *, force: bool = False) -> list[dict]:
    """Load the demo programme; return the demo sign-ins (username, password, role, scope).

    Refuses (NotADemoDatabase) a database with other data unless `force`; forced, the demo
    goes in beside that data without the public password (new demo users get random ones)."""
    with transaction.atomic():
        state = database_state()
        if state.kind == "other" and not force:
            raise NotADemoDatabase(state.reason)
        demo_database = state.kind != "other"
        registry = load_registry_demo(stdout=stdout, demo_database=demo_database)
        # Looked up on their modules at call time, so a test may stand one of them in.
        projects_demo.load_projects_demo(stdout=stdout)
        people_demo.load_people_demo(stdout=stdout)
        orders_demo.load_orders_demo(stdout=stdout)
        investment_demo.load_investment_demo(stdout=stdout)
        consumption_demo.load_consumption_demo(stdout=stdout)
        exchanges_demo.load_exchanges_demo(stdout=stdout)
        # The daily checks that notify (new project alerts): the bell is not empty on day one;
        # the confirmed plan's visits and the delivered ones notified as they were written.
        notices_sweeps.run_all()
        if demo_database:
            marker = DemoDatabase.objects.first() or DemoDatabase()
            marker.save()
    registry.report()
    return registry.signins
