from django.contrib import admin

from core.admin import HistoryAdmin
from grassroots.models import DutyGroup, Workstation


@admin.register(Workstation)
class WorkstationAdmin(HistoryAdmin):
    list_display = ["name", "partner_body", "town", "reception_capacity", "is_active"]
    filter_horizontal = ["members"]


@admin.register(DutyGroup)
class DutyGroupAdmin(HistoryAdmin):
    list_display = ["name", "sector", "convenor", "room"]
    filter_horizontal = ["members"]
