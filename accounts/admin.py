from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.models import ApiToken, User


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history of a record says that personal data (phone) changed, never what it was or became."""

    def prepare_delta_change_value(self, change, value):
        if getattr(self.model._meta.get_field(change.field), "sensitive", False):
            return "***"
        return super().prepare_delta_change_value(change, value)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("协商平台"), {"fields": ("full_name", "department", "body", "email_digest")}),
    )
    list_display = ("username", "full_name", "department", "is_active")
    list_select_related = ("department",)
    search_fields = ("username", "full_name")
    # Facts, not settings: nobody edits them (last_login is not in the edit history).
    readonly_fields = ("last_login", "date_joined")

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "scope", "created_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)
