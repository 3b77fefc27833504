"""Load the whole demo programme: the registry, then each ledger's part, in one transaction.

The registry (duikou.core.demo) comes first: every ledger's loader finds its organisations and
users there. Projects, people and orders follow, in that order (orders plans the people's
experts). Each loader is idempotent, so the whole load is too. The registry's counts are
printed last, as they always were.
"""

from __future__ import annotations

from django.db import transaction

from duikou.core.demo import DEMO_PASSWORD, load_registry_demo
from duikou.investment import demo as investment_demo
from duikou.orders import demo as orders_demo
from duikou.people import demo as people_demo
from duikou.projects import demo as projects_demo

__all__ = ["DEMO_PASSWORD", "load_demo"]


def load_demo(stdout=None) -> list[dict]:
    """Load the demo programme; return the demo sign-ins (username, password, role, scope)."""
    with transaction.atomic():
        registry = load_registry_demo(stdout=stdout)
        # Looked up on their modules at call time, so a test may stand one of them in.
        projects_demo.load_projects_demo(stdout=stdout)
        people_demo.load_people_demo(stdout=stdout)
        orders_demo.load_orders_demo(stdout=stdout)
        investment_demo.load_investment_demo(stdout=stdout)
    registry.report()
    return registry.signins
