"""Creating, revoking and checking API tokens: the one door to the ApiToken table."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active
from duikou.api.models import ApiToken
from duikou.core import servicekit

#: every token starts with this, so a secret scanner (and a person) can tell what it is
TOKEN_PREFIX = "dk_"
#: a user's tokens, at most (revoked ones do not count)
MAX_ACTIVE_TOKENS = 10
#: `last_used_at` is written at most this often per token (not on every request)
TOUCH_EVERY = dt.timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def can_manage_tokens(actor: User, owner: User) -> bool:
    """Users manage their own tokens; headquarters may revoke anyone's."""
    if not active(actor):
        return False
    return actor.pk == owner.pk or actor.role == Role.HEADQUARTERS


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns it and its secret (shown once, never stored)."""
    if not active(actor):
        raise PermissionDenied(_("停用的账号不能创建接口令牌。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途。")})
    if ApiToken.objects.filter(user=actor, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {
                "name": _("每个账号最多 %(n)d 个有效令牌，请先吊销不用的。")
                % {"n": MAX_ACTIVE_TOKENS}
            }
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=name, prefix=secret[:10], key_hash=hash_token(secret))
    servicekit.save(token, actor=actor, reason=_("创建接口令牌"))
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, reason: str = "") -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not can_manage_tokens(actor, token.user):
        raise PermissionDenied(_("您没有吊销该令牌的权限。"))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    servicekit.store(token, actor=actor, reason=reason or _("吊销接口令牌"))
    return token


def token_user(secret: str) -> tuple[ApiToken, User] | None:
    """The live token and its active user for a presented secret, else None. Marks it used."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at=None)
        .first()
    )
    if token is None or not active(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        # A plain UPDATE: no history row for a timestamp (the model excludes it from history).
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, token.user
