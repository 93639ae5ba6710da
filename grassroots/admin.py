from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import CodeListAdmin, HistoryAdmin
from grassroots.models import DutyGroup, Workstation, WorkstationService


@admin.register(WorkstationService)
class WorkstationServiceAdmin(CodeListAdmin):
    """The district's kinds of workstation service (five by default): what residents book and what
    receptions and visits are counted by."""

    list_display = ("code", "name", "name_en", "order", "is_active")
    list_editable = ("order", "is_active")


def _service_choices():
    retired = _("%(cls)s（已停用）")
    return [(s.code, str(s) if s.is_active else retired % {"cls": s}) for s in WorkstationService.objects.all()]


class WorkstationAdminForm(forms.ModelForm):
    """The workstation's admin form (the admin supplies the model and its fields)."""

    # The services it offers, ticked from the district's list (stored as their codes).
    services = forms.MultipleChoiceField(
        label=_("服务项目"), choices=_service_choices, required=False, widget=forms.CheckboxSelectMultiple
    )


@admin.register(Workstation)
class WorkstationAdmin(HistoryAdmin):
    form = WorkstationAdminForm
    list_display = ["name", "partner_body", "town", "reception_capacity", "is_active"]
    filter_horizontal = ["members"]


@admin.register(DutyGroup)
class DutyGroupAdmin(HistoryAdmin):
    list_display = ["name", "sector", "convenor", "room"]
    filter_horizontal = ["members"]
