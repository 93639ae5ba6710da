from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, RequiredMessagesMixin


class CalendarDaysForm(RequiredMessagesMixin, forms.Form):
    """One line of the State Council's holiday notice: a run of days off, or the weekend days worked."""

    KINDS = [("holiday", _("放假")), ("workday", _("调休上班"))]

    first = forms.DateField(label=_("开始日期"), widget=DateInput())
    last = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=DateInput(),
        help_text=_("只录入一天时可不填。"),
    )
    kind = forms.ChoiceField(label=_("安排"), choices=KINDS, widget=forms.RadioSelect, initial="holiday")
    name = forms.CharField(label=_("名称"), max_length=30, help_text=_("如“国庆节”“国庆节调休”"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "first": data["first"],
            "last": data["last"],
            "is_workday": data["kind"] == "workday",
            "name": data["name"],
        }
