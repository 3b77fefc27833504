"""What every demo loader shares: a tally of what it created or left unchanged, and the
registry's organisations found by name (the registry demo must be loaded first)."""

from __future__ import annotations

from collections import Counter

from duikou.core.models import Organisation


class DemoLoader:
    def __init__(self, stdout=None) -> None:
        self.stdout = stdout
        self.stats: dict[str, Counter] = {}
        self.orgs: dict[str, Organisation] = {}

    def note(self, what: str, outcome: str) -> None:
        self.stats.setdefault(what, Counter())[outcome] += 1

    def org(self, name: str) -> Organisation:
        if name not in self.orgs:
            org = Organisation.objects.select_related("division").filter(name=name).first()
            if org is None:
                raise LookupError(
                    f"单位“{name}”不存在：请先载入登记库演示数据（duikou.core.demo.load_registry_demo）"
                )
            self.orgs[name] = org
        return self.orgs[name]
