"""Signing in: the password step, the second step (a TOTP code) for accounts that enrolled one,
and the page a locked account or address sees.

Throttling is django-axes' (settings: "Sign-in, passwords, two-factor"): its backend refuses a
locked account or address before the password is checked, and its middleware hands the answer
to `lockout_response` here. A wrong code in the second step counts as a failed sign-in too.
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from duikou.accounts import services
from duikou.accounts.forms import SignInForm, TokenForm
from duikou.accounts.models import User
from duikou.accounts.redirects import safe_next

PENDING = "duikou_signin_pending"
PENDING_SECONDS = 300  # the second step must follow the password within five minutes


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # Django checks `next` too; the platform's one helper decides, the same for every view.
        return safe_next(self.request, "") if self._has_next() else ""

    def _has_next(self) -> bool:
        return bool(self.request.POST.get("next") or self.request.GET.get("next"))

    def get_success_url(self) -> str:
        return safe_next(self.request, settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        if services.totp_device(user) is not None:
            # Password right; not signed in until the code is right as well.
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return redirect("accounts:login_token")
        return super().form_valid(form)


def _pending_user(request: HttpRequest) -> tuple[User, dict] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("otp_token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_token(request: HttpRequest) -> HttpResponse:
    """The second step: the six-digit code from the authenticator app."""
    found = _pending_user(request)
    if found is None:
        return redirect("accounts:login")
    user, pending = found
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, None, credentials)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device(user)
        allowed, info = device.verify_is_allowed() if device else (False, None)
        if device is not None and not allowed:
            until = (info or {}).get("locked_until") or timezone.now()
            form.add_error(
                None,
                _("尝试过于频繁，请于 %(time)s 之后再试。")
                % {"time": timezone.localtime(until).strftime("%H:%M:%S")},
            )
        elif device is not None and device.verify_token(form.cleaned_data["otp_token"]):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        else:
            # Counted by axes like a wrong password (the account's and the address's limits).
            user_login_failed.send(
                sender=__name__,
                credentials={**credentials, "otp_token": "********"},
                request=request,
            )
            form.add_error("otp_token", _("动态口令不正确，请重新输入。"))
    return render(request, "accounts/login_token.html", {"form": form, "signin_user": user})


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The sign-in page with the lock explained: the same words whether the account exists or
    not, and whether the account or the address is locked; 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    since = getattr(request, "axes_attempt_time", None) or timezone.now()
    until = timezone.localtime(since + cool_off) if cool_off else None
    message = (
        _(
            "登录失败次数过多，已暂时锁定，请于 %(time)s 之后再试；"
            "如需立即解锁，请联系指挥部管理员。"
        )
        % {"time": until.strftime("%Y-%m-%d %H:%M")}
        if until
        else _("登录失败次数过多，已锁定，请联系指挥部管理员解锁。")
    )
    form = SignInForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_message": message, "next": safe_next(request, "") or ""},
        status=429,
    )
