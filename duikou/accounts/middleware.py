"""The steps a signed-in user must finish before using the platform.

- A headquarters account with a TOTP device whose session has not proved a code (signed in
  some other way, or before enrolling) is signed out and sent to the sign-in page.
- A user whose password was set by someone else (`must_change_password`) is sent to the
  password change page until they change it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.accounts.models import Role


def _exempt(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(static) or path in {
        "/favicon.ico",
        reverse("accounts:password_change"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
    }


class SignInStepsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _exempt(request.path_info):
            if (
                user.role == Role.HEADQUARTERS
                and getattr(user, "otp_device", None) is None
                and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            ):
                logout(request)
                messages.info(request, _("该账号已启用动态口令，请重新登录。"))
                return redirect(settings.LOGIN_URL)
            if user.must_change_password:
                messages.info(request, _("您的密码由管理员设置，请先修改密码再继续使用。"))
                return redirect("accounts:password_change")
        return self.get_response(request)
