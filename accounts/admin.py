from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from core.admin import HistoryAdmin
from core.third_party import package_text, permission_label


class PermissionLabelsMixin:
    """The permission choices named in the reader's language (Django stores their names in English)."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.remote_field.model is Permission:
            formfield.label_from_instance = permission_label
        return formfield


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, HistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("协商平台"), {"fields": ("full_name", "department", "body", "email_digest")}),
    )
    list_display = ("username", "full_name", "department", "is_active")
    list_select_related = ("department",)
    search_fields = ("username", "full_name")
    # Facts, not settings: nobody edits them (last_login is not in the edit history).
    readonly_fields = ("last_login", "date_joined")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "scope", "created_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, BaseGroupAdmin):
    pass


# django-otp's and django-axes' admin pages with the English they write outside gettext handed to it
# (core.third_party; the Chinese is in locale/zh_Hans).
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(BaseTOTPDeviceAdmin):
    search_help_text = format_lazy(
        package_text("Search by user's {} or {}"),
        User._meta.get_field(User.USERNAME_FIELD).verbose_name,
        User._meta.get_field("email").verbose_name,
    )

    def get_fieldsets(self, request, obj=None):
        return [
            (package_text(name) if name else name, options) for name, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=package_text("QR Code"))
    def qrcode_link(self, device):
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, package_text("qrcode"))


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    @admin.display(description=package_text("Status"))
    def status(self, obj):
        return super().status(obj)
