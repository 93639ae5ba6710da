from django.contrib import admin

from core.admin import CodeListAdmin, HistoryAdmin
from topics.models import (
    CollectionRound,
    ConsultationFormat,
    ConsultationPlan,
    DepartmentReceipt,
    PlanItem,
    PlanVersion,
    TopicSuggestion,
)


@admin.register(ConsultationFormat)
class ConsultationFormatAdmin(CodeListAdmin):
    """The formats are district configuration: the office may rename, add or retire them here."""

    list_display = ("name", "name_en", "code", "short_name", "meeting_kind", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(CollectionRound)
class CollectionRoundAdmin(HistoryAdmin):
    list_display = ("year", "title", "deadline", "status")
    readonly_fields = ("status",)


@admin.register(TopicSuggestion)
class TopicSuggestionAdmin(HistoryAdmin):
    list_display = ("title", "round", "suggester", "status")
    list_filter = ("round", "status")
    list_select_related = ("round", "suggester")
    readonly_fields = ("status", "merged_into", "rejection_reason")


@admin.register(ConsultationPlan)
class ConsultationPlanAdmin(HistoryAdmin):
    list_display = ("year", "title", "status", "doc_number")
    readonly_fields = ("status", "current_version", "doc_number", "published_on")


@admin.register(PlanItem)
class PlanItemAdmin(HistoryAdmin):
    list_display = ("title", "plan", "format", "quarter", "month")
    list_filter = ("plan", "format")
    list_select_related = ("plan", "format")


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    """Versions are immutable snapshots: readable, never editable."""

    list_display = ("plan", "number", "stage", "author", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(DepartmentReceipt)
class DepartmentReceiptAdmin(HistoryAdmin):
    list_display = ("plan", "department", "acknowledged_by", "acknowledged_at")
    list_select_related = ("plan", "department", "acknowledged_by")
