"""Data scopes: for each role, what it must see and what it must not see, by any URL."""

import pytest

from duikou.core import scopes

pytestmark = pytest.mark.django_db


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_headquarters_and_viewer_see_everything(reg):
    for user in (reg.hq, reg.viewer):
        assert scopes.pairings_for_user(user).count() == 3
        assert "乌兰县人民医院" in names(scopes.organisations_for_user(user))


def test_a_county_team_sees_its_county_and_its_partners_only(reg):
    visible = names(scopes.organisations_for_user(reg.dulan_team))
    assert {"都兰县人民医院", "嘉兴市第一医院"} <= visible
    assert "乌兰县人民医院" not in visible
    assert "湖州市中心医院" not in visible
    assert "海西州人民医院" not in visible
    assert list(scopes.pairings_for_user(reg.dulan_team)) == [reg.dulan_pairing]


def test_a_liaison_sees_its_organisation_and_its_partners(reg):
    visible = names(scopes.organisations_for_user(reg.liaison))
    assert visible == {"都兰县人民医院", "嘉兴市第一医院"}
    assert list(scopes.pairings_for_user(reg.liaison)) == [reg.dulan_pairing]


def test_aid_staff_see_their_host_organisation(reg):
    visible = names(scopes.organisations_for_user(reg.doctor))
    assert visible == {"海西州人民医院", "浙江大学医学院附属第一医院"}


def test_an_inactive_or_anonymous_user_sees_nothing(reg):
    from django.contrib.auth.models import AnonymousUser

    reg.hq.is_active = False
    assert scopes.pairings_for_user(reg.hq).count() == 0
    assert scopes.organisations_for_user(AnonymousUser()).count() == 0


def test_a_user_with_a_role_but_no_scope_sees_nothing(reg):
    from tests.conftest import make_user

    lost = make_user("lost", "liaison")
    assert scopes.organisations_for_user(lost).count() == 0
    nowhere = make_user("nowhere", "county_team")
    assert scopes.pairings_for_user(nowhere).count() == 0
