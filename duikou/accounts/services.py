"""Writes on accounts: creating users, passwords, unlocking, the second factor.

Each is keyword-only with the `actor`, atomic, and leaves a security event (duikou.security log
line + SecurityEvent row) naming who did it. Sign-in successes and failures are recorded by the
signal receivers in security.py, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.accounts import scopes, security
from duikou.accounts.models import SecurityEvent, User

Kind = SecurityEvent.Kind


def _require_headquarters(actor: User | None) -> None:
    if actor is None or not scopes.is_headquarters(actor):
        raise PermissionDenied(_("只有指挥部可以管理账号。"))


@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str, **data: Any) -> User:
    """A new account with a password set by someone else: its owner must change it at the first
    sign-in. `actor` None is a system load (a script); otherwise headquarters."""
    if actor is not None:
        _require_headquarters(actor)
    user = User(username=username, must_change_password=True, **data)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    security.record(Kind.PASSWORD_SET, username=username, actor=actor, detail="created")
    return user


@transaction.atomic
def user_password_set(*, actor: User | None, user: User, password: str) -> User:
    """Headquarters sets (resets) someone's password: they must change it at the next sign-in.
    Changing one's own password is `password_changed`."""
    if actor is not None:
        _require_headquarters(actor)
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = actor is None or actor.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    security.record(Kind.PASSWORD_SET, username=user.get_username(), actor=actor)
    return user


@transaction.atomic
def password_changed(*, actor: User, request: HttpRequest | None = None) -> User:
    """The user changed their own password (the form set it): the forced change is done."""
    if actor.must_change_password:
        actor.must_change_password = False
        actor.save(update_fields=["must_change_password"])
    security.record(
        Kind.PASSWORD_CHANGED, username=actor.get_username(), request=request, actor=actor
    )
    return actor


# Locks -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lock:
    """A locked account (`username`) or address (`ip_address`) and when it opens by itself."""

    username: str | None
    ip_address: str | None
    failures: int
    last_failure: dt.datetime
    until: dt.datetime


def _cool_off() -> dt.timedelta:
    cool_off = settings.AXES_COOLOFF_TIME
    assert isinstance(cool_off, dt.timedelta)
    return cool_off


def locks() -> list[Lock]:
    """Every account and address locked now (failures within the lock time reaching the limit)."""
    cool_off = _cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    out = []
    for field in ("username", "ip_address"):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        for row in rows:
            out.append(
                Lock(
                    username=row[field] if field == "username" else None,
                    ip_address=row[field] if field == "ip_address" else None,
                    failures=row["failures"],
                    last_failure=row["last"],
                    until=row["last"] + cool_off,
                )
            )
    return out


@transaction.atomic
def account_unlock(
    *,
    actor: User,
    username: str | None = None,
    ip_address: str | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Headquarters lifts a lock on an account or an address: its failed attempts are cleared
    (axes keeps every failure in its failure log all the same) and the unlock is recorded."""
    _require_headquarters(actor)
    if not username and not ip_address:
        raise ValidationError(_("请指定要解锁的账号或地址。"))
    cleared = AxesProxyHandler.reset_attempts(username=username, ip_address=ip_address)
    security.record(
        Kind.UNLOCKED,
        username=username or "",
        ip_address=ip_address,
        actor=actor,
        detail=f"cleared={cleared}" + (f" by={security.client_ip(request)}" if request else ""),
    )
    return int(cleared)


# Second factor (TOTP) --------------------------------------------------------------------------


def totp_may_enrol(user: User) -> bool:
    """The second factor is offered to headquarters (the accounts that can see and change
    everything)."""
    return scopes.is_headquarters(user)


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_start(*, actor: User) -> TOTPDevice:
    """An unconfirmed device (a fresh secret) for the actor to scan; it counts only once
    confirmed with a code (`totp_confirm`)."""
    if not totp_may_enrol(actor):
        raise PermissionDenied(_("只有指挥部账号可以启用动态口令。"))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="TOTP", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(
    *, actor: User, device: TOTPDevice, token: str, request: HttpRequest | None = None
) -> bool:
    """Confirm the enrolment with a code from the app; False when the code is wrong."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    security.record(Kind.TOTP_ENROLLED, username=actor.get_username(), request=request, actor=actor)
    return True


@transaction.atomic
def totp_remove(
    *, actor: User, user: User, token: str = "", request: HttpRequest | None = None
) -> bool:
    """Remove a user's second factor: the user with a current code, or headquarters for
    another account (a lost phone). False when the user's own code is wrong."""
    device = totp_device(user)
    if device is None:
        return True
    if actor.pk == user.pk:
        if not device.verify_token(token):
            return False
    else:
        _require_headquarters(actor)
    TOTPDevice.objects.filter(user=user).delete()
    security.record(Kind.TOTP_REMOVED, username=user.get_username(), request=request, actor=actor)
    return True
