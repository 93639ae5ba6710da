from django.contrib import admin

from core.admin import CodeListAdmin, HistoryAdmin
from opinions import models


@admin.register(models.AdoptionLevel)
class AdoptionLevelAdmin(CodeListAdmin):
    """Adoption and instruction levels are a configurable list."""

    list_display = ("code", "name", "name_en", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(models.OpinionReport)
class OpinionReportAdmin(HistoryAdmin):
    # The status changes only through core.workflow.perform.
    list_display = ("title", "member", "status", "bulletin", "created_at")
    list_filter = ("status",)
    list_select_related = ("member", "bulletin")
    search_fields = ("title", "member__name")
    readonly_fields = ("status", "bulletin", "signed_by", "signed_at")
    raw_id_fields = ("author", "member", "forwarded_to")


@admin.register(models.Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("__str__", "title", "form", "published_on")
