from django.contrib import admin

from core.admin import HistoryAdmin, ReadOnlyAuditAdmin, ReadOnlyMixin
from insight.models import DutyAdjustment, DutyQuery, GradeMarks, ScoringRule


@admin.register(ScoringRule)
class ScoringRuleAdmin(ReadOnlyMixin, HistoryAdmin):
    """Duty-record scoring rules; a new row with a later effective year replaces a rule from that year on.

    Read here, with their history; changed only on the rules page (insight.services.set_scoring_rule),
    which asks for the reason, keeps it in the rules' change log and leaves past years as they were."""

    list_display = ("item", "variant", "points", "cap", "effective_year", "note")
    list_filter = ("item", "effective_year")
    ordering = ("item", "variant", "-effective_year")


@admin.register(GradeMarks)
class GradeMarksAdmin(ReadOnlyAuditAdmin):
    """The grade marks of the years: set on the rules page, with a reason (insight.services.set_grade_marks)."""

    list_display = ("effective_year", "until_year", "excellent", "good", "passing", "note")


@admin.register(DutyAdjustment)
class DutyAdjustmentAdmin(ReadOnlyAuditAdmin):
    """The office's adjustments of members' records: made on the member's record page, never edited."""

    list_display = ("member", "year", "item", "variant", "points", "reason", "created_by", "created_at")
    list_filter = ("year", "item")
    list_select_related = ("member", "created_by")
    search_fields = ("member__name", "reason")


@admin.register(DutyQuery)
class DutyQueryAdmin(ReadOnlyAuditAdmin):
    """Members' questions about their records and the office's answers (on the member's record page)."""

    list_display = ("member", "year", "asked_by", "created_at", "answered_by", "answered_at")
    list_filter = ("year",)
    list_select_related = ("member", "asked_by", "answered_by")
    search_fields = ("member__name", "question")
