from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from duikou.api import services
from duikou.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Headquarters see every user's tokens (never a secret: only its first characters) and
    revoke them; tokens are created by their owner on /accounts/tokens/."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the history shows who used the API when

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        n = 0
        for token in queryset.filter(revoked_at=None):
            services.token_revoke(actor=request.user, token=token, reason=_("后台吊销"))
            n += 1
        self.message_user(
            request,
            gettext("已吊销 %(n)d 个令牌。") % {"n": n},
            messages.SUCCESS,
        )
