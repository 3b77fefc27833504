"""Security events: every sign-in, failure, lock, unlock, password change and second-factor
change is one line on the 'duikou.security' logger (user, IP, outcome) and one SecurityEvent row
(kept in the database for headquarters' page /accounts/security/ and the admin).

The sign-in signals of django.contrib.auth are caught here, so every way in (the sign-in page,
the token step, the admin) is logged the same way. Passwords and tokens are never logged.
"""

from __future__ import annotations

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from duikou.accounts.models import SecurityEvent, User

log = logging.getLogger("duikou.security")
Kind = SecurityEvent.Kind

# One word per outcome on the log line, stable for whoever greps the logs.
OUTCOME = {
    Kind.SIGNIN_OK: "signin-ok",
    Kind.SIGNIN_FAILED: "signin-failed",
    Kind.TOKEN_FAILED: "token-failed",
    Kind.LOCKED: "locked",
    Kind.UNLOCKED: "unlocked",
    Kind.PASSWORD_CHANGED: "password-changed",
    Kind.PASSWORD_SET: "password-set",
    Kind.TOTP_ENROLLED: "totp-enrolled",
    Kind.TOTP_REMOVED: "totp-removed",
}


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as axes counts it (DUIKOU_PROXY_COUNT behind a proxy)."""
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return ip or None


def record(
    kind: str,
    *,
    username: str = "",
    request: HttpRequest | None = None,
    actor: User | None = None,
    detail: str = "",
    ip_address: str | None = None,
) -> SecurityEvent:
    """Log one security event and keep it."""
    ip = ip_address or client_ip(request)
    username = (username or "")[:150]
    log.log(
        logging.WARNING
        if kind in {Kind.SIGNIN_FAILED, Kind.TOKEN_FAILED, Kind.LOCKED}
        else logging.INFO,
        "%s user=%s ip=%s actor=%s%s",
        OUTCOME.get(kind, kind),
        username or "-",
        ip or "-",
        actor.get_username() if actor is not None else "-",
        f" detail={detail}" if detail else "",
    )
    return SecurityEvent.objects.create(
        kind=kind,
        username=username,
        ip_address=ip,
        actor=actor if actor is not None and actor.pk else None,
        detail=detail[:200],
    )


@receiver(user_logged_in, dispatch_uid="duikou.security.signin_ok")
def _signed_in(sender, request, user, **kwargs) -> None:
    record(Kind.SIGNIN_OK, username=user.get_username(), request=request)


@receiver(user_login_failed, dispatch_uid="duikou.security.signin_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    kind = Kind.TOKEN_FAILED if "otp_token" in credentials else Kind.SIGNIN_FAILED
    record(kind, username=str(credentials.get("username") or ""), request=request)


@receiver(user_locked_out, dispatch_uid="duikou.security.locked")
def _locked(sender, request, username, ip_address, **kwargs) -> None:
    # Sent for every failure past the limit; the one that reaches it is the lock itself (later
    # failures only restart the lock's clock).
    if getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT:
        record(Kind.LOCKED, username=username or "", request=request, ip_address=ip_address)
