from django.contrib import admin

from core.admin import CodeListAdmin, HistoryAdmin
from supervision import models


@admin.register(models.TaskReplyClass)
class TaskReplyClassAdmin(CodeListAdmin):
    """The district's classes for a department's reply to a supervised task (three by default); each
    class's kind decides what the workflow asks for and does."""

    list_display = ("code", "name", "name_en", "kind", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(models.ReportTemplate)
class ReportTemplateAdmin(HistoryAdmin):
    list_display = ("name", "prefix", "issuer", "is_default")


@admin.register(models.SpecialReport)
class SpecialReportAdmin(HistoryAdmin):
    list_display = ("number", "title", "year", "status")
    list_filter = ("status", "year")
    readonly_fields = ("status", "serial", "number", "signed_by", "signed_at", "issued_at")
    raw_id_fields = ("meeting", "items", "lead", "created_by")


@admin.register(models.SupervisionTask)
class SupervisionTaskAdmin(HistoryAdmin):
    list_display = ("title", "lead_department", "due_date", "status", "progress")
    list_filter = ("status", "lead_department")
    list_select_related = ("lead_department",)
    readonly_fields = ("status",)
    raw_id_fields = ("outcome_item", "special_report", "rater", "created_by")
    search_fields = ("title",)


@admin.register(models.ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("task", "kind", "due_date", "claimed_at", "sent_at", "recipients")
    list_filter = ("kind",)
    raw_id_fields = ("task",)
