"""The user's API tokens page (create, list, revoke) and the browsable API docs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.api import services
from duikou.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=60,
        help_text=gettext_lazy("调用接口的系统，如：财政支付系统、商城后台"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own tokens; a new one's secret is shown once, on the page that created it."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("name", message)
        else:
            messages.success(request, _("令牌“%(name)s”已创建。") % {"name": token.name})
            form = TokenForm()
    ctx = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user),
        "max_tokens": services.MAX_ACTIVE_TOKENS,
        "docs_url": reverse("api:docs"),
    }
    return render(request, "api/tokens.html", ctx)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("令牌“%(name)s”已吊销，使用它的系统将无法再访问。") % {"name": token.name}
    )
    return redirect("api:tokens")


@login_required
@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from the vendored assets (no CDN, no inline script): try the API with one's
    own session, or with a token."""
    return render(request, "api/docs.html", {"openapi_url": reverse("api-v1:openapi-json")})
