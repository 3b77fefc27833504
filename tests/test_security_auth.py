"""Issue 10, rows 1, 5, 6, 9: throttled sign-in with lockout and headquarters' unlock, security
events, the demo that refuses a real database, password rules and changes, the TOTP second
step, and the one safe-redirect helper. Each test names the user who must not get in."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.accounts import services
from duikou.accounts.models import Role, SecurityEvent, User
from duikou.accounts.redirects import safe_next
from duikou.core.demo import DEMO_PASSWORD, KEPT_PASSWORD
from duikou.demo.loader import NotADemoDatabase, load_demo
from duikou.demo.models import DemoDatabase
from tests.conftest import make_user
from tests.test_people_common import field_key  # noqa: F401
from tests.test_people_views import World

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMIT = 30
NEW_PASSWORD = "Chaidamu-Basin-2024"


def sign_in(client, username, password, ip="10.0.0.1", **data):
    return client.post(LOGIN, {"username": username, "password": password, **data}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# 1 · throttling, lockout, unlock, security events ------------------------------------------


def test_thirty_wrong_passwords_lock_the_account_whatever_the_address(reg):
    for i in range(LIMIT):
        response = sign_in(Client(), "hq", f"wrong-{i}", ip=f"10.0.1.{i}")
    assert response.status_code == 429
    client = Client()
    response = sign_in(client, "hq", "pw-hq", ip="10.9.9.9")
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert "登录失败次数过多，已暂时锁定" in page and "联系指挥部管理员" in page
    # The time it opens again: the lock time after the last failure, in Beijing time.
    until = timezone.localtime(timezone.now() + dt.timedelta(minutes=30))
    assert until.strftime("%Y-%m-%d") in page
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED, username="hq").count() == 1


def test_before_the_limit_the_right_password_still_signs_in(reg):
    for i in range(LIMIT - 2):
        assert sign_in(Client(), "hq", f"wrong-{i}").status_code == 200
    client = Client()
    assert sign_in(client, "hq", "pw-hq").status_code == 302 and signed_in(client)


def test_the_lock_says_nothing_about_whether_the_account_exists(reg):
    for i in range(LIMIT):
        sign_in(Client(), "nobody-here", f"wrong-{i}", ip=f"10.0.2.{i}")
        sign_in(Client(), "hq", f"wrong-{i}", ip=f"10.0.3.{i}")
    ghost = sign_in(Client(), "nobody-here", "x", ip="10.8.8.8")
    real = sign_in(Client(), "hq", "x", ip="10.8.8.9")
    assert ghost.status_code == real.status_code == 429

    def message(response):
        text = response.content.decode()
        start = text.index('id="locked-message"')
        return text[start : text.index("</div>", start)]

    assert message(ghost) == message(real)


def test_the_lock_ends_by_itself_after_the_lock_time(reg):
    for i in range(LIMIT):
        sign_in(Client(), "hq", f"wrong-{i}")
    assert sign_in(Client(), "hq", "pw-hq").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    client = Client()
    assert sign_in(client, "hq", "pw-hq").status_code == 302 and signed_in(client)


def test_per_address_lockout_stops_password_spraying(reg):
    for i in range(LIMIT):
        sign_in(Client(), f"guess{i}", "duikou2023", ip="10.0.4.4")
    # Another account's right password from that address is refused…
    client = Client()
    assert sign_in(client, "liaison", "pw-liaison", ip="10.0.4.4").status_code == 429
    assert not signed_in(client)
    # …and accepted from elsewhere.
    assert sign_in(client, "liaison", "pw-liaison", ip="10.0.4.5").status_code == 302


def test_headquarters_unlock_an_account_and_others_may_not(reg, client_for):
    for i in range(LIMIT):
        sign_in(Client(), "dulan", f"wrong-{i}", ip=f"10.0.5.{i}")
    assert sign_in(Client(), "dulan", "pw-dulan", ip="10.7.7.7").status_code == 429
    # A county team (or anyone but headquarters) can neither see the locks nor lift them.
    other = Client()
    other.force_login(reg.wulan_team)
    assert other.get("/accounts/security/").status_code == 403
    assert other.post("/accounts/security/unlock/", {"username": "dulan"}).status_code == 403
    assert sign_in(Client(), "dulan", "pw-dulan", ip="10.7.7.7").status_code == 429
    with pytest.raises(PermissionDenied):
        services.account_unlock(actor=reg.viewer, username="dulan")
    hq = client_for(reg.hq)
    page = hq.get("/accounts/security/").content.decode()
    assert 'id="locks"' in page and "dulan" in page
    assert hq.post("/accounts/security/unlock/", {"username": "dulan"}).status_code == 302
    client = Client()
    assert sign_in(client, "dulan", "pw-dulan", ip="10.7.7.7").status_code == 302
    assert signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert event.username == "dulan" and event.actor == reg.hq
    # The failures stay on record after the unlock.
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.SIGNIN_FAILED, username="dulan"
        ).count()
        >= LIMIT
    )
    assert 'id="no-locks"' in hq.get("/accounts/security/").content.decode()


def test_headquarters_unlock_from_the_admin(reg, client_for):
    for i in range(LIMIT):
        sign_in(Client(), "doctor", f"wrong-{i}", ip=f"10.0.6.{i}")
    response = client_for(reg.hq).post(
        "/admin/accounts/user/",
        {"action": "unlock_accounts", "_selected_action": [reg.doctor.pk]},
    )
    assert response.status_code == 302
    assert sign_in(Client(), "doctor", "pw-doctor").status_code == 302


def test_sign_ins_are_logged_as_security_events(reg, caplog):
    caplog.set_level(logging.INFO, logger="duikou.security")
    sign_in(Client(), "hq", "wrong", ip="10.0.7.1")
    sign_in(Client(), "hq", "pw-hq", ip="10.0.7.2")
    lines = [r.getMessage() for r in caplog.records if r.name == "duikou.security"]
    assert any(line.startswith("signin-failed user=hq ip=10.0.7.1") for line in lines), lines
    assert any(line.startswith("signin-ok user=hq ip=10.0.7.2") for line in lines), lines
    assert all("wrong" not in line and "pw-hq" not in line for line in lines)
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", "username", "ip_address"))
    assert kinds == [
        (SecurityEvent.Kind.SIGNIN_FAILED, "hq", "10.0.7.1"),
        (SecurityEvent.Kind.SIGNIN_OK, "hq", "10.0.7.2"),
    ]


def test_the_security_events_are_in_the_admin_read_only(reg, client_for):
    sign_in(Client(), "hq", "wrong")
    hq = client_for(reg.hq)
    assert hq.get("/admin/accounts/securityevent/").status_code == 200
    event = SecurityEvent.objects.first()
    assert hq.post(f"/admin/accounts/securityevent/{event.pk}/delete/").status_code == 403
    assert hq.get("/admin/axes/accessfailurelog/").status_code == 200


# 5 · the demo never touches a real database ------------------------------------------------


@pytest.fixture
def registry_only(monkeypatch):
    """load_demo with only its registry part (users are what matter here; the rest is slow)."""
    for name in ("projects.demo.load_projects_demo", "people.demo.load_people_demo"):
        monkeypatch.setattr(f"duikou.{name}", lambda **kwargs: None)
    monkeypatch.setattr("duikou.orders.demo.load_orders_demo", lambda **kwargs: None)


def test_demo_refuses_a_database_with_other_data(reg, registry_only):
    # reg's users carry the demo's usernames but their own passwords: not a demo database.
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", "--no-serve")
    hq = User.objects.get(username="hq")
    assert hq.check_password("pw-hq") and not hq.check_password(DEMO_PASSWORD)
    assert not DemoDatabase.objects.exists()


def test_demo_refuses_a_database_with_a_user_of_its_own(db, registry_only):
    make_user("zhangsan", Role.HEADQUARTERS)
    with pytest.raises(NotADemoDatabase):
        load_demo()
    assert not User.objects.filter(username="hq").exists()


def test_forced_demo_never_resets_a_password_nor_sets_the_public_one(db, registry_only):
    hq = make_user("hq", Role.VIEWER)
    make_user("zhangsan", Role.COUNTY_TEAM)
    signins = {s["username"]: s["password"] for s in load_demo(force=True)}
    hq.refresh_from_db()
    assert hq.check_password("pw-hq") and not hq.is_superuser and hq.role == Role.VIEWER
    assert signins["hq"] == KEPT_PASSWORD
    dulan = User.objects.get(username="dulan")
    assert not dulan.check_password(DEMO_PASSWORD) and dulan.check_password(signins["dulan"])
    assert dulan.must_change_password
    assert DEMO_PASSWORD not in signins.values()
    assert not DemoDatabase.objects.exists()


def test_on_a_demo_database_a_changed_password_is_kept(db, registry_only):
    first = {s["username"]: s["password"] for s in load_demo()}
    assert set(first.values()) == {DEMO_PASSWORD} and DemoDatabase.objects.exists()
    hq = User.objects.get(username="hq")
    hq.set_password(NEW_PASSWORD)
    hq.is_superuser = False
    hq.save()
    again = {s["username"]: s["password"] for s in load_demo()}
    hq.refresh_from_db()
    assert hq.check_password(NEW_PASSWORD)
    assert again["hq"] == KEPT_PASSWORD and again["dulan"] == DEMO_PASSWORD
    assert hq.is_superuser  # the demo's role and rights come back, the password does not


# 6 · passwords, the forced change, TOTP ----------------------------------------------------


@pytest.mark.parametrize("password", ["20232023", "short", "password123456", "duikou-hq-user"])
def test_weak_passwords_are_refused_in_chinese(password):
    user = User(username="duikou-hq-user", full_name="陈晓燕")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert all("密码" in message for message in caught.value.messages)


def test_a_good_password_passes():
    validate_password(NEW_PASSWORD, User(username="hq"))


def test_every_user_changes_their_password(reg, client_for):
    assert Client().get("/accounts/password/").status_code == 302  # signed out: to sign-in
    client = client_for(reg.viewer)
    assert 'href="/accounts/password/"' in client.get("/").content.decode()
    weak = client.post(
        "/accounts/password/",
        {"old_password": "pw-viewer", "new_password1": "20232023", "new_password2": "20232023"},
    )
    assert weak.status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-viewer", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in after the change
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()
    assert sign_in(Client(), "viewer", "pw-viewer").status_code == 200  # the old one fails
    assert sign_in(Client(), "viewer", NEW_PASSWORD).status_code == 302


def test_a_password_set_by_headquarters_must_be_changed_first(reg):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=reg.dulan_team, username="newbie", password=NEW_PASSWORD)
    user = services.user_create(
        actor=reg.hq, username="newbie", password="Gelmud-Oasis-77", role=Role.VIEWER
    )
    assert user.must_change_password
    client = Client()
    assert sign_in(client, "newbie", "Gelmud-Oasis-77").status_code == 302
    for url in ("/", "/projects/", "/people/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/accounts/password/", url
    assert client.get("/accounts/password/").status_code == 200
    client.post(
        "/accounts/password/",
        {
            "old_password": "Gelmud-Oasis-77",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_users_added_in_the_admin_must_change_their_password(reg, client_for):
    response = client_for(reg.hq).post(
        "/admin/accounts/user/add/",
        {
            "username": "added",
            "usable_password": "true",
            "password1": "Delingha-Lake-9",
            "password2": "Delingha-Lake-9",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="added").must_change_password
    # The demo's and the fixtures' users are not forced.
    assert not User.objects.filter(must_change_password=True).exclude(username="added").exists()


@pytest.fixture
def no_totp_throttle(settings):
    # django-otp makes a code wait 1 s, 2 s, 4 s… after a wrong one; the test does not wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _token(device, drift=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def _enrol(client) -> TOTPDevice:
    page = client.get("/accounts/two-factor/").content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    assert 'id="totp-secret"' in page and "otpauth://totp/" in page and "<svg" in page
    assert client.post("/accounts/two-factor/", {"otp_token": _token(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_headquarters_enrol_totp_then_sign_in_with_a_code(reg, client_for, no_totp_throttle):
    assert client_for(reg.doctor).get("/accounts/two-factor/").status_code == 403
    device = _enrol(client_for(reg.hq))
    client = Client()
    response = sign_in(client, "hq", "pw-hq")
    assert response.status_code == 302 and response.url == "/accounts/login/token/"
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # not signed in yet
    right = _token(device, drift=1)  # the enrolment used the current step's code
    wrong = "000000" if right != "000000" else "111111"
    response = client.post("/accounts/login/token/", {"otp_token": wrong})
    assert response.status_code == 200 and not signed_in(client)
    assert "动态口令不正确" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_FAILED).count() == 1
    response = client.post("/accounts/login/token/", {"otp_token": right})
    assert response.status_code == 302 and signed_in(client)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_code_is_signed_out(reg, client_for, no_totp_throttle):
    _enrol(client_for(reg.hq))
    client = Client()
    client.force_login(reg.hq)  # e.g. a session from before the enrolment
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not signed_in(client)


def test_the_admin_sign_in_goes_through_the_platform(reg):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# 9 · safe redirects ------------------------------------------------------------------------

EVIL = ["https://evil.example", "//evil.example", "javascript:alert(1)", "https:evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_recording_an_achievement_never_redirects_off_site(reg, field_key, target):  # noqa: F811
    world = World(reg)
    client = Client()
    client.force_login(reg.hq)
    response = client.post(
        "/people/achievements/new/",
        {
            "posting": world.li_posting.pk,
            "kind": "新技术",
            "count": 1,
            "title": "首例取栓",
            "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "next": target,
        },
    )
    assert response.status_code == 302
    assert response.url == "/people/achievements/"


def test_recording_an_achievement_follows_an_on_site_next(reg, field_key):  # noqa: F811
    world = World(reg)
    client = Client()
    client.force_login(reg.hq)
    response = client.post(
        "/people/achievements/new/",
        {
            "posting": world.li_posting.pk,
            "kind": "新技术",
            "count": 1,
            "title": "首例取栓",
            "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "next": f"/people/postings/{world.li_posting.pk}/",
        },
    )
    assert response.url == f"/people/postings/{world.li_posting.pk}/"


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_redirects_off_site(reg, target):
    response = sign_in(Client(), "viewer", "pw-viewer", next=target)
    assert response.status_code == 302 and response.url == reverse("reports:home")
    page = Client().get(LOGIN, {"next": target}).content.decode()
    assert '<input type="hidden" name="next" value="">' in page


def test_sign_in_follows_an_on_site_next(reg):
    response = sign_in(Client(), "viewer", "pw-viewer", next="/projects/?year=2023")
    assert response.url == "/projects/?year=2023"


def test_safe_next_wants_https_on_a_secure_request():
    factory = RequestFactory()
    secure = factory.get("/", {"next": "http://testserver/x"}, secure=True)
    assert safe_next(secure, "/home/") == "/home/"
    plain = factory.get("/", {"next": "http://testserver/x"})
    assert safe_next(plain, "/home/") == "http://testserver/x"
    assert safe_next(factory.get("/", {"next": "/ok/"}), "/home/") == "/ok/"
