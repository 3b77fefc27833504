"""Who is calling (a bearer token, or the signed-in session for the browsable docs), how often
they may (a rate per token), and how refusals read (JSON, in the caller's language)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from duikou.api import services


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dk_…`: the token's user, if the token is live and the user active
    and not owing a password change (a password headquarters reset stops the user's tokens too,
    until the user has chosen a new one, as it stops the pages)."""

    openapi_description = "API token created on /accounts/tokens/ (shown once)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.token_user(token)
        if found is None:
            return None
        api_token, user = found
        if user.must_change_password:
            return None
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        return user


class SignedInSession(SessionAuth):
    """The platform's own session (the browsable docs' 试一试). Django's CSRF check applies to
    its writes, as on every page; a token needs none (a browser never sends it by itself)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/h" → (600, 3600)."""
    count, _sep, period = rate.partition("/")
    seconds = SimpleRateThrottle._PERIODS.get(period.strip().lower())
    if not count.strip().isdigit() or seconds is None:
        raise ValueError(f"DUIKOU_API_RATE must look like 600/h, not {rate!r}")
    return int(count), seconds


class TokenRateThrottle(SimpleRateThrottle):
    """settings.DUIKOU_API_RATE requests per token (a session: per user), in Django's cache;
    past it 429 with Retry-After. The rate is read at each request, so settings can change it."""

    scope = "api"

    def __init__(self) -> None:
        super().__init__(rate=settings.DUIKOU_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.DUIKOU_API_RATE
        self.num_requests, self.duration = parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        ident = f"token-{token.pk}" if token is not None else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# Field labels for the error messages: the name an outside system sends, and what a person calls
# it (the ledgers' own field names, in the caller's language).
LABELS = {
    "date": gettext_lazy("日期"),
    "type": gettext_lazy("类型"),
    "source": gettext_lazy("资金来源"),
    "amount": gettext_lazy("金额（元）"),
    "voucher": gettext_lazy("凭证号"),
    "note": gettext_lazy("备注"),
    "progress": gettext_lazy("完成进度（%）"),
    "text": gettext_lazy("进展情况"),
    "channel": gettext_lazy("渠道"),
    "product": gettext_lazy("产品"),
    "supplier": gettext_lazy("供应商"),
    "is_month": gettext_lazy("月度合计"),
    "sold": gettext_lazy("销售额（元）"),
    "ordered": gettext_lazy("订单额（元）"),
    "project": gettext_lazy("项目"),
    "year": gettext_lazy("年度"),
    "limit": gettext_lazy("每页条数"),
    "offset": gettext_lazy("起始位置"),
}


def _error(field: str | None, message: str) -> dict[str, Any]:
    label = str(LABELS[field]) if field in LABELS else field
    return {"field": field, "label": label, "message": message}


def _schema_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("必填。")
    if kind.startswith("int") or kind.startswith("decimal") or kind.startswith("float"):
        if "greater" in kind or "less" in kind:
            return _("数值超出允许范围。")
        return _("应为数字。")
    if kind.startswith("date"):
        return _("日期格式应为 YYYY-MM-DD。")
    if kind.startswith("bool"):
        return _("应为 true 或 false。")
    if kind in ("literal_error", "enum"):
        return _("不是允许的取值。")
    if kind.startswith("string_too_long"):
        return _("内容过长。")
    if kind.startswith("json") or kind == "model_attributes_type":
        return _("请求体应为 JSON 对象。")
    return _("格式不正确。")


def _schema_field(loc: list[Any]) -> str | None:
    # ninja's locations: ["body", "payload", "amount"], ["query", "year"], ["path", "pk"].
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or None


def json_error(api: NinjaAPI, request: HttpRequest, status: int, **body: Any) -> HttpResponse:
    return api.create_response(request, body, status=status)


def install_handlers(api: NinjaAPI) -> None:
    """Every refusal as JSON: 401, 403, 404, 422 naming the field (in the caller's language)."""

    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = json_error(api, request, 401, detail=_("未登录，或接口令牌无效、已吊销。"))
        response["WWW-Authenticate"] = 'Bearer realm="duikou"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return json_error(api, request, 403, detail=str(exc) or _("没有权限。"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return json_error(api, request, 404, detail=_("没有这条记录，或不在您的数据范围内。"))

    @api.exception_handler(SchemaError)
    def bad_input(request: HttpRequest, exc: SchemaError) -> HttpResponse:
        errors = [_error(_schema_field(e.get("loc", [])), _schema_message(e)) for e in exc.errors]
        return json_error(api, request, 422, detail=_("输入有误。"), errors=errors)

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = []
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                name = None if field == NON_FIELD_ERRORS else field
                errors += [_error(name, m) for m in messages]
        else:
            errors = [_error(None, m) for m in exc.messages]
        return json_error(api, request, 422, detail=_("未保存。"), errors=errors)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 429:
            wait = getattr(exc, "wait", None)
            response = json_error(api, request, 429, detail=_("请求过于频繁，请稍后再试。"))
            if wait:
                response["Retry-After"] = str(math.ceil(wait))
            return response
        if exc.status_code == 403:  # ninja's CSRF refusal for a session write
            return json_error(
                api, request, 403, detail=_("会话写入需要 CSRF 令牌；外部系统请用接口令牌。")
            )
        return json_error(api, request, exc.status_code, detail=str(exc))
