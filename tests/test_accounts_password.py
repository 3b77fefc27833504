"""Changing one's own password (Django's views, the platform's words), and the change a user
whose password headquarters set must make at the first sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from duikou.accounts import services
from duikou.accounts.models import Role, SecurityEvent, User

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
NEW = "Qaidam-Salt-Lake-2026"


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def change(client, old, new1=NEW, new2=None):
    return client.post(
        PAGE, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
    )


@pytest.mark.parametrize("who", ["hq", "dulan_team", "liaison", "doctor", "viewer"])
def test_every_user_changes_their_own_password(reg, who):
    user = getattr(reg, who)
    client = Client()
    assert sign_in(client, user.username, "pw-" + user.username).status_code == 302
    page = client.get(PAGE).content.decode()
    assert "当前密码" in page and "再次输入新密码" in page and 'id="password-forced"' not in page
    response = change(client, "pw-" + user.username)
    assert response.status_code == 302 and response.url == reverse("reports:dashboard")
    assert "密码已修改。" in client.get(response.url).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password("pw-" + user.username)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PASSWORD_CHANGED, username=user.username
    ).exists()
    assert sign_in(Client(), user.username, NEW).status_code == 302


def test_a_wrong_old_password_is_refused_in_chinese(reg, client_for):
    client = client_for(reg.dulan_team)
    response = change(client, "not-my-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "当前密码不正确，请重新输入。" in body
    assert "未保存" in body and 'aria-invalid="true"' in body
    reg.dulan_team.refresh_from_db()
    assert reg.dulan_team.check_password("pw-dulan")
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


def test_mismatched_and_weak_new_passwords_are_refused_in_chinese(reg, client_for):
    client = client_for(reg.liaison)
    body = change(client, "pw-liaison", NEW, NEW + "x").content.decode()
    assert "两次输入的新密码不一致，请重新输入。" in body
    body = change(client, "pw-liaison", "20262026").content.decode()
    assert "密码" in body and "未保存" in body
    reg.liaison.refresh_from_db()
    assert reg.liaison.check_password("pw-liaison")


def test_a_user_created_by_headquarters_must_change_the_password_first(reg):
    user = services.user_create(
        actor=reg.hq, username="ma.dulan", password="Dulan-Hospital-01", role=Role.LIAISON
    )
    assert user.must_change_password
    client = Client()
    assert sign_in(client, "ma.dulan", "Dulan-Hospital-01").status_code == 302
    for url in ("/", "/start/", "/orders/", "/search/?q=都兰", "/help/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == PAGE, url
    page = client.get(PAGE).content.decode()
    assert 'id="password-forced"' in page and "您的密码由管理员设置" in page
    assert 'id="password-logout"' in page
    # The top bar fetches no to-do count meanwhile: the fragment would be the password page again,
    # swapped into the top bar (a second password form on the page).
    assert 'id="topbar-notices"' not in page
    # Static files and the icon are served meanwhile (a page's assets must not bounce).
    assert client.get("/favicon.ico").status_code == 302
    assert client.get("/favicon.ico").url.endswith("favicon.svg")
    # The old password again is not a change: still forced.
    same = change(client, "Dulan-Hospital-01", "Dulan-Hospital-01").content.decode()
    assert "新密码不能与当前密码相同。" in same
    user.refresh_from_db()
    assert user.must_change_password
    response = change(client, "Dulan-Hospital-01")
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW)
    assert client.get("/orders/").status_code == 200
    assert 'id="topbar-notices"' in client.get("/orders/").content.decode()


def test_a_password_reset_by_headquarters_is_forced_again(reg):
    services.user_password_set(actor=reg.hq, user=reg.viewer, password="Haixi-Reset-2026")
    client = Client()
    sign_in(client, "viewer", "Haixi-Reset-2026")
    assert client.get("/").url == PAGE
    change(client, "Haixi-Reset-2026")
    assert client.get("/").status_code == 200
    assert not User.objects.get(username="viewer").must_change_password


def test_a_forced_user_may_sign_out_instead(reg):
    services.user_create(actor=reg.hq, username="newbie", password="Gelmud-Oasis-77")
    client = Client()
    sign_in(client, "newbie", "Gelmud-Oasis-77")
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(PAGE).status_code == 302  # signed out: to the sign-in page
    assert User.objects.get(username="newbie").must_change_password


def test_the_password_page_speaks_english(reg, client_for):
    client = client_for(reg.viewer)
    client.cookies["django_language"] = "en"
    body = change(client, "wrong").content.decode()
    assert "Current password" in body
    assert "The current password is not correct. Please enter it again." in body
