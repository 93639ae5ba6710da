from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from grassroots.models import DutyGroup, Workstation


@admin.register(Workstation)
class WorkstationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partner_body", "town", "reception_capacity", "is_active"]
    filter_horizontal = ["members"]


@admin.register(DutyGroup)
class DutyGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sector", "convenor", "room"]
    filter_horizontal = ["members"]
