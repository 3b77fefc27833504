"""Account pages: change one's password, the second factor (headquarters), and headquarters'
security page (locked accounts and addresses with an unlock button, the security events)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from duikou.accounts import scopes, services
from duikou.accounts.forms import OwnPasswordChangeForm, TokenForm
from duikou.accounts.models import SecurityEvent


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes their own password here (and must, after hq set it)."""

    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("reports:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user, request=self.request)
        messages.success(self.request, _("密码已修改。"))
        return response


def _qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, no inline script)."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Headquarters enrol (or remove) a TOTP authenticator: the secret and its QR code, then a
    code from the app to confirm."""
    user = request.user
    if not services.totp_may_enrol(user):
        raise PermissionDenied
    device = services.totp_device(user)
    form = TokenForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            token = form.cleaned_data["otp_token"]
            if services.totp_remove(actor=user, user=user, token=token, request=request):
                messages.success(request, _("已停用动态口令。"))
                return redirect("accounts:two_factor")
            form.add_error("otp_token", _("动态口令不正确，请重新输入。"))
        return render(request, "accounts/two_factor.html", {"device": device, "form": form})
    pending = services.totp_start(actor=user)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        if services.totp_confirm(actor=user, device=pending, token=token, request=request):
            otp_login(request, pending)  # this session has just proved the code
            messages.success(request, _("已启用动态口令：以后登录时需输入验证器应用中的口令。"))
            return redirect("accounts:two_factor")
        form.add_error("otp_token", _("动态口令不正确，请重新输入。"))
    uri = pending.config_url
    secret = uri.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "accounts/two_factor.html",
        {"pending": pending, "form": form, "uri": uri, "secret": secret, "qr": _qr_svg(uri)},
    )


def _require_hq(request: HttpRequest) -> None:
    if not scopes.is_headquarters(request.user):
        raise PermissionDenied


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    """Headquarters: what is locked now, and every sign-in and security event."""
    _require_hq(request)
    events = SecurityEvent.objects.select_related("actor")
    kind = request.GET.get("kind", "")
    if kind in SecurityEvent.Kind.values:
        events = events.filter(kind=kind)
    username = request.GET.get("username", "").strip()[:150]
    if username:
        events = events.filter(username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/security.html",
        {
            "locks": services.locks(),
            "page": page,
            "kinds": SecurityEvent.Kind.choices,
            "kind": kind,
            "username": username,
        },
    )


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    username = request.POST.get("username", "").strip()[:150] or None
    ip_address = request.POST.get("ip_address", "").strip()[:45] or None
    if not username and not ip_address:
        messages.error(request, _("请指定要解锁的账号或地址。"))
        return redirect("accounts:security")
    services.account_unlock(
        actor=request.user, username=username, ip_address=ip_address, request=request
    )
    messages.success(request, _("已解锁：%(what)s。") % {"what": username or ip_address})
    return redirect("accounts:security")
