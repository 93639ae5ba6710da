from django.contrib import admin

from core.admin import CodeListAdmin, HistoryAdmin
from proposals import models


@admin.register(models.ReplyClass)
class ReplyClassAdmin(CodeListAdmin):
    """The district's reply classes (A/B/C by default) are edited here."""

    list_display = ("code", "name", "name_en", "needs_follow_up", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(models.Proposal)
class ProposalAdmin(HistoryAdmin):
    # Workflow fields change only through core.workflow.perform, so they are read-only here.
    list_display = ("title", "kind", "member", "session", "serial", "status", "is_key", "is_excellent")
    list_filter = ("status", "kind", "is_key", "is_excellent", "session")
    list_select_related = ("member", "session__term")
    search_fields = ("title", "member__name")
    readonly_fields = ("status", "serial", "session", "round", "merged_into", "converted_report")
    raw_id_fields = ("author", "member", "key_supervisor")


@admin.register(models.ProposalReminder)
class ProposalReminderAdmin(admin.ModelAdmin):
    """Reminders claimed and sent by `send_proposal_reminders` (read-only: the command writes them)."""

    list_display = ("proposal", "kind", "target", "window", "claimed_at", "sent_at", "recipients")
    list_filter = ("kind",)
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal", "department", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
