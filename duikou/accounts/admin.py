from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import Role, User


def headquarters_only(request) -> bool:
    """Django admin is for headquarters staff only, whatever other flags a user has."""
    user = request.user
    return user.is_active and user.is_staff and user.role == Role.HEADQUARTERS


admin.site.has_permission = headquarters_only
admin.site.site_header = _("对口支援协作平台 · 后台管理")
admin.site.site_title = _("对口支援协作平台")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name")
    filter_horizontal = ("counties", "groups", "user_permissions")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与数据范围"), {"fields": ("full_name", "role", "organisation", "counties")}),
    )
