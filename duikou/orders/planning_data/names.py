"""Days of a period and human names of an instance's ids (sites, experts, demands)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats


def day_of(period_start: dt.date, d: dt.date) -> int:
    """Day number of a date (day 0 is the period's first day)."""
    return (d - period_start).days


def date_of(period_start: dt.date, day: int) -> dt.date:
    return period_start + dt.timedelta(days=day)


def fmt_date(d: dt.date) -> str:
    return formats.date_format(d, "Y-m-d")


class Names:
    """Human names of a run's instance ids: site names, expert names, dates of days."""

    def __init__(self, run: Any):
        self.start: dt.date = run.period_start
        inst = run.instance
        self.sites = {s["id"]: s.get("name", s["id"]) for s in inst.get("sites", [])}
        self.experts = {e["id"]: e.get("name", e["id"]) for e in inst.get("experts", [])}
        self.expert_rows = {e["id"]: e for e in inst.get("experts", [])}
        self.demands = {d["id"]: d for d in inst.get("demands", [])}

    def date(self, day: int) -> dt.date:
        return date_of(self.start, day)

    def days(self, a: int, b: int) -> str:
        """The half-open [a, b) as inclusive dates."""
        if b - a <= 1:
            return fmt_date(self.date(a))
        return f"{fmt_date(self.date(a))}–{fmt_date(self.date(b - 1))}"

    def site(self, sid: str) -> str:
        return self.sites.get(sid, sid)

    def expert(self, eid: str) -> str:
        return self.experts.get(eid, eid)

    def demand(self, did: str) -> str:
        d = self.demands.get(did)
        if d is None:
            return did
        return f"{did}（{self.site(d['site'])} · {d['skill']}）"

    def duration(self, did: str) -> int:
        return self.demands[did]["duration"]
