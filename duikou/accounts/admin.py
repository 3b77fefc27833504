from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.accounts import security, services
from duikou.accounts.models import Role, SecurityEvent, User
from duikou.accounts.redirects import safe_next


def headquarters_only(request) -> bool:
    """Django admin is for headquarters staff only, whatever other flags a user has."""
    user = request.user
    return user.is_active and user.is_staff and user.role == Role.HEADQUARTERS


def sign_in_through_the_platform(request, extra_context=None):
    """The admin's own sign-in form would skip throttling's message and the second factor:
    everyone signs in on the platform's page, then comes back."""
    return redirect_to_login(safe_next(request, "admin:index"))


admin.site.has_permission = headquarters_only
admin.site.login = sign_in_through_the_platform
admin.site.site_header = _("对口支援协作平台 · 后台管理")
admin.site.site_title = _("对口支援协作平台")


def hide_device_admin() -> None:
    """Devices are enrolled by their owner on /accounts/two-factor/ (and removed with the
    action below); the admin's own device pages would show other people's secrets. Called from
    AccountsConfig.ready(), after every app's admin module has registered."""
    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "full_name",
        "role",
        "organisation",
        "is_active",
        "must_change_password",
    )
    list_filter = ("role", "is_active", "must_change_password")
    search_fields = ("username", "full_name")
    filter_horizontal = ("counties", "groups", "user_permissions")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与数据范围"), {"fields": ("full_name", "role", "organisation", "counties")}),
        (_("登录安全"), {"fields": ("must_change_password",)}),
    )
    actions = ["unlock_accounts", "remove_two_factor"]

    def save_model(self, request, obj, form, change):
        if not change:
            # A password someone else chose: its owner changes it at the first sign-in.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        if not change:
            security.record(
                SecurityEvent.Kind.PASSWORD_SET,
                username=obj.get_username(),
                request=request,
                actor=request.user,
                detail="created",
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk != request.user.pk:
                user.must_change_password = True
                user.save(update_fields=["must_change_password"])
            security.record(
                SecurityEvent.Kind.PASSWORD_SET,
                username=user.get_username() if user else "",
                request=request,
                actor=request.user,
            )
        return response

    @admin.action(description=_("解除所选账号的登录锁定"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            services.account_unlock(actor=request.user, username=user.username, request=request)
        self.message_user(request, _("已解锁 %(n)d 个账号。") % {"n": queryset.count()})

    @admin.action(description=_("停用所选账号的动态口令（手机遗失时）"))
    def remove_two_factor(self, request, queryset):
        for user in queryset:
            services.totp_remove(actor=request.user, user=user, request=request)
        self.message_user(request, _("已停用所选账号的动态口令。"), messages.SUCCESS)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the events are evidence."""

    list_display = ("at", "kind", "username", "ip_address", "actor", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
