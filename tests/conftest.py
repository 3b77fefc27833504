"""Shared fixtures: a small registry of two Haixi counties and one user of every role.

The cast follows healthchecks' base test case: for each role a user who may get in, and the
test names the one who must not.
"""

import datetime as dt

import pytest

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
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (test_accounts checks it); tests hash with MD5 for speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
