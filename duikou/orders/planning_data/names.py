"""Days of a period and human names of an instance's ids (sites, experts, demands)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def day_of(period_start: dt.date, d: dt.date) -> int:
    """Day number of a date (day 0 is the period's first day)."""
    return (d - period_start).days


def date_of(period_start: dt.date, day: int) -> dt.date:
    return period_start + dt.timedelta(days=day)


def fmt_date(d: dt.date) -> str:
    return formats.date_format(d, "Y-m-d")


def short_days(a: dt.date, b: dt.date) -> str:
    """Inclusive dates for a reader who knows the year: “10月7日–8日”, “10月30日–11月2日”."""
    day = pgettext("short date", "n月j日")
    if a == b:
        return formats.date_format(a, day)
    if (a.year, a.month) == (b.year, b.month):
        same_month = pgettext("day of the same month", "j日")
        return f"{formats.date_format(a, day)}–{formats.date_format(b, same_month)}"
    return f"{formats.date_format(a, day)}–{formats.date_format(b, day)}"


class Names:
    """Human names of a run's instance ids: site names, expert names, dates of days.

    The planner's ids (D12, E7, O3) stay in the instance and plan JSON; every text meant for
    a person names a demand by its organisation and skill and an expert by name.
    """

    def __init__(self, run: Any):
        self.start: dt.date = run.period_start
        inst = run.instance
        self.sites = {s["id"]: s.get("name", s["id"]) for s in inst.get("sites", [])}
        self.experts = {e["id"]: e.get("name", e["id"]) for e in inst.get("experts", [])}
        self.expert_rows = {e["id"]: e for e in inst.get("experts", [])}
        self.demands = {d["id"]: d for d in inst.get("demands", [])}
        # demands that share organisation and skill are told apart by their windows
        seen: dict[tuple[str, str], int] = {}
        for d in self.demands.values():
            key = (d["site"], d["skill"])
            seen[key] = seen.get(key, 0) + 1
        self._ambiguous = {k for k, n in seen.items() if n > 1}

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

    def short(self, a: int, b: int) -> str:
        """The half-open [a, b) as short inclusive dates (“10月7日–8日”)."""
        return short_days(self.date(a), self.date(max(a, b - 1)))

    def demand(self, did: str) -> str:
        """“organisation · skill”, with the window when another demand reads the same."""
        d = self.demands.get(did)
        if d is None:
            return _("（已不在本次排班中的需求）")
        label = f"{self.site(d['site'])} · {d['skill']}"
        if (d["site"], d["skill"]) in self._ambiguous:
            label += _("（窗口 %(w)s）") % {"w": self.short(*d["window"])}
        return label

    def expert_with_skill(self, eid: str) -> str:
        e = self.expert_rows.get(eid)
        if e is None:
            return self.expert(eid)
        return f"{self.expert(eid)}（{'、'.join(e['skills']) or '—'}）"

    def duration(self, did: str) -> int:
        return self.demands[did]["duration"]
