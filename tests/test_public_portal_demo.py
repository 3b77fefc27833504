"""The public portal walked anonymously on the whole demo (issue 15): no ID number or phone,
no name of any person of the demo (posted people, trainees, named participants), no project
that is not published, no alert or note, on any page of any year."""

from __future__ import annotations

import pytest

from duikou.demo.loader import load_demo
from duikou.exchanges.models import Event, Participant
from duikou.people.models import Person
from duikou.projects import services as project_services
from duikou.projects.alerts import compute_alerts
from duikou.projects.models import MoneyFlow, Project
from duikou.reports import views_public
from tests.test_public_portal import check_pages, walk


@pytest.fixture(scope="module")
def demo(shared_demo):
    shared_demo.base(load_demo)


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow,
]


def test_the_portal_on_the_demo_shows_nothing_private(client):
    # Two projects that left 储备 taken off the portal by headquarters, besides the reserve.
    for project in Project.objects.exclude(status="储备").order_by("code")[:2]:
        project_services.project_update(actor=None, project=project, is_public=False)
    hidden = list(Project.objects.filter(is_public=False).values_list("name", flat=True))
    assert len(hidden) >= 2
    published = set(Project.objects.filter(is_public=True).values_list("name", flat=True))
    # A name shared by a published and an unpublished project (a yearly programme) is public.
    hidden = [n for n in hidden if n not in published]
    names = set(Person.objects.values_list("name", flat=True))
    names |= set(Participant.objects.values_list("name", flat=True))
    assert len(names) > 100
    # An event's note that only repeats its (public) title is no secret.
    notes = {
        note
        for title, note in Event.objects.exclude(note="").values_list("title", "note")
        if note not in title
    }
    notes |= set(MoneyFlow.objects.exclude(note="").values_list("note", flat=True))
    alerts = [a.message for a in compute_alerts(Project.objects.all())]
    pages = walk(client, views_public._years())
    assert len(pages) > 60
    check_pages(pages, names=sorted(names), hidden_projects=hidden, alerts=alerts, notes=notes)
