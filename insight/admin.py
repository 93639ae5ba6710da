from django.contrib import admin

from core.admin import HistoryAdmin
from insight.models import ScoringRule


@admin.register(ScoringRule)
class ScoringRuleAdmin(HistoryAdmin):
    """Duty-record scoring rules; a new row with a later effective year replaces a rule from that year on."""

    list_display = ("item", "variant", "points", "cap", "effective_year", "note")
    list_filter = ("item", "effective_year")
    ordering = ("item", "variant", "-effective_year")
