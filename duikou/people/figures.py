"""The people figures (figures.md): postings, trainings and achievements of a year.

Called by duikou.reports.figures.compute. With a user, computed over that user's scope only.
Kinds and fields come in vocabulary order; zeros are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Sum

from duikou.accounts.models import User
from duikou.core.vocab import Field, PersonnelKind
from duikou.people import scopes
from duikou.people.models import Achievement, Posting, TrainingPlacement
from duikou.people.vocab import AchievementKind


def _postings(user: User | None):
    return scopes.postings_for_user(user) if user is not None else Posting.objects.all()


def _trainings(user: User | None):
    if user is not None:
        return scopes.trainings_for_user(user)
    return TrainingPlacement.objects.all()


def _achievements(user: User | None):
    return scopes.achievements_for_user(user) if user is not None else Achievement.objects.all()


def postings(year: int, user: User | None = None) -> dict:
    """Postings whose period overlaps the year (an open end: still posted), by 人员类别, 领域."""
    qs = _postings(user).overlapping_year(year).order_by()
    counts = {
        (r["kind"], r["field"]): r["n"] for r in qs.values("kind", "field").annotate(n=Count("pk"))
    }
    by_kind: dict[str, dict[str, int]] = {}
    for kind in PersonnelKind:
        fields = {
            f.value: counts[(kind.value, f.value)]
            for f in Field
            if counts.get((kind.value, f.value))
        }
        if fields:
            by_kind[kind.value] = fields
    return {"count": sum(counts.values()), "by_kind": by_kind}


def trainings(year: int, user: User | None = None) -> dict:
    """Training placements (跟岗培训) that start in the year."""
    qs = _trainings(user).filter(start_date__year=year).order_by()
    by_field = Counter({r["field"]: r["n"] for r in qs.values("field").annotate(n=Count("pk"))})
    return {
        "count": sum(by_field.values()),
        "by_field": {f.value: by_field[f.value] for f in Field if by_field.get(f.value)},
    }


def achievements(year: int, user: User | None = None) -> dict:
    """Achievements dated in the year: `by_kind` sums their counts (a new technique counts 1,
    surgeries count operations), `records` counts entries, `verified` those checked by HQ."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = _achievements(user).filter(date__gte=start, date__lte=end).order_by()
    rows = {r["kind"]: r for r in qs.values("kind").annotate(n=Count("pk"), total=Sum("count"))}
    return {
        "by_kind": {k.value: rows[k.value]["total"] for k in AchievementKind if k.value in rows},
        "records": {k.value: rows[k.value]["n"] for k in AchievementKind if k.value in rows},
        "verified": qs.filter(verified_at__isnull=False).count(),
    }
