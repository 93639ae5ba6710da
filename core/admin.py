from django.contrib import admin

from core.models import Attachment, PersonalDataAccess, StatusChange


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    """Audit rows can be read in the admin but never changed or deleted from the application."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "content_type", "object_id", "action", "from_state", "to_state", "actor")
    list_filter = ("content_type", "action")
    list_select_related = ("content_type", "actor")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "user", "content_type", "object_id", "fields", "purpose")
    list_select_related = ("user", "content_type")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAuditAdmin):
    list_display = ("original_name", "content_type_detected", "size", "uploaded_by", "created_at")
    list_select_related = ("uploaded_by",)
