"""Admin views for support staff; workflow states are read-only here (they move only through perform)."""

from django.contrib import admin

from consultations import models
from core.admin import HistoryAdmin


class MembershipInline(admin.TabularInline):
    model = models.GroupMembership
    extra = 0
    raw_id_fields = ("member", "expert", "user")


@admin.register(models.ResearchGroup)
class ResearchGroupAdmin(HistoryAdmin):
    list_display = ("title", "year", "lead", "status")
    list_filter = ("year", "status")
    list_select_related = ("lead",)
    search_fields = ("title",)
    readonly_fields = ("status",)
    raw_id_fields = ("lead", "created_by")
    inlines = [MembershipInline]


class ParticipantInline(admin.TabularInline):
    model = models.MeetingParticipant
    extra = 0
    raw_id_fields = ("member", "user", "department")


class OutcomeInline(admin.StackedInline):
    model = models.OutcomeItem
    extra = 0
    raw_id_fields = ("recorded_by",)


@admin.register(models.Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ("title", "kind", "starts_at", "status")
    list_filter = ("kind", "status")
    date_hierarchy = "starts_at"
    search_fields = ("title",)
    readonly_fields = ("status", "ics_sequence")
    raw_id_fields = ("created_by", "research_group", "town", "community")
    inlines = [ParticipantInline, OutcomeInline]


@admin.register(models.ConsultationReport)
class ConsultationReportAdmin(HistoryAdmin):
    list_display = ("title", "status", "version")
    readonly_fields = ("group", "title", "body", "status", "version", "finalised_at")


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(HistoryAdmin):
    """Seen and, if an address leaked, deleted here (it stops at once); made only by its owner."""

    list_display = ("user", "prefix", "created_at", "last_used_at", "second_factor")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    readonly_fields = ("user", "key_hash", "prefix", "created_at", "last_used_at", "second_factor")

    def has_add_permission(self, request):
        return False
