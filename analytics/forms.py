from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from analytics import intake_bridge, registry
from core.forms import DateInput, RequiredMessagesMixin

# Dates a search or a mining window may name: far dates overflow when turned into UTC instants.
DATE_BOUNDS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


class SearchForm(RequiredMessagesMixin, forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)
    kind = forms.MultipleChoiceField(label=_("类型"), required=False, widget=forms.CheckboxSelectMultiple)
    town = forms.ModelChoiceField(label=_("镇街"), queryset=None, required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, validators=DATE_BOUNDS, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, validators=DATE_BOUNDS, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from district.models import Town

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in registry.all_kinds()]
        self.fields["town"].queryset = Town.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


class CorrectRoutingForm(RequiredMessagesMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("类别"), queryset=None, required=False)
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=None, required=False)
    handler = forms.ChoiceField(label=_("办理主体"), required=False)

    def __init__(self, *args, **kwargs):
        from district.models import Department
        from intake.models import AppealCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = AppealCategory.objects.filter(is_active=True)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["handler"].choices = [("", "—"), *intake_bridge.handler_choices()]


class MineForm(RequiredMessagesMixin, forms.Form):
    since = forms.DateField(label=_("起始日期"), validators=DATE_BOUNDS, widget=DateInput())
    until = forms.DateField(label=_("截止日期"), required=False, validators=DATE_BOUNDS, widget=DateInput())
