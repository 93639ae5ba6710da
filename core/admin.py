from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.models import Attachment, PersonalDataAccess, StatusChange


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history of a record says that personal data (phone, ID number, address) changed, never
    what it was or became (the fields marked `sensitive`)."""

    def prepare_delta_change_value(self, change, value):
        if getattr(self.model._meta.get_field(change.field), "sensitive", False):
            return "***"
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin whose history pages mask personal data: every admin with a history uses it."""

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)


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


# The sign-in log (who signed in, when, from where) is an audit record too: readable, never deleted from
# the application. Lock-outs (AccessAttempt) stay deletable: deleting one is how an administrator unlocks.
def _read_only_axes_logs() -> None:
    from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessFailureLog, AccessLog

    for model, base in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(f"ReadOnly{base.__name__}", (base,), {"has_delete_permission": _never}))


def _never(self, request, obj=None) -> bool:
    return False


_read_only_axes_logs()
