from django.contrib import admin

from core.admin import CodeListAdmin, HistoryAdmin, PersonalDataAdmin
from district import models


@admin.register(models.Member)
class MemberAdmin(HistoryAdmin):
    list_display = ("name", "sector", "party", "body", "is_standing", "position", "is_active")
    list_filter = ("sector", "party", "is_standing", "position")
    list_select_related = ("sector", "party", "body")
    search_fields = ("name",)
    raw_id_fields = ("user",)


@admin.register(models.Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ("name", "kind", "head_name", "is_active")
    list_filter = ("kind",)


for model in (
    models.Committee,
    models.Term,
    models.Session,
    models.PartyLeader,
):
    admin.site.register(model)

# Experts' phones and ID numbers: opening one is recorded (core.admin.PersonalDataAuditMixin).
admin.site.register(models.Expert, PersonalDataAdmin)


@admin.register(models.CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


# The district's own lists (委处, 界别, 党派团体, 镇街, 社区/村): every edit kept old → new with who, when and why.
for model in (models.Body, models.Sector, models.Party, models.Town, models.Community):
    admin.site.register(model, CodeListAdmin)
