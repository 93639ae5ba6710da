from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from analytics import clustering, intake_bridge, registry
from core.forms import DateInput, RequiredMessagesMixin

# Dates a search or a mining window may name: far dates overflow when turned into UTC instants.
DATE_BOUNDS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


class SearchForm(RequiredMessagesMixin, forms.Form):
    q = forms.CharField(
        label=_("关键词"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("关键词不能超过%(limit_value)d字（现有%(show_value)d字）。")},
    )
    kind = forms.MultipleChoiceField(
        label=_("类型"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("没有“%(value)s”这一类型，请从列出的类型中选择。")},
    )
    town = forms.ModelChoiceField(
        label=_("镇街"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选镇街不存在，请重新选择。")},
    )
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
    category = forms.ModelChoiceField(label=pgettext_lazy("appeal or issue", "类别"), queryset=None, required=False)
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
    """A mining window: since a day, until a day or today; at most MAX_WINDOW_YEARS long."""

    since = forms.DateField(label=_("起始日期"), validators=DATE_BOUNDS, widget=DateInput())
    until = forms.DateField(label=_("截止日期"), required=False, validators=DATE_BOUNDS, widget=DateInput())

    def clean(self):
        data = super().clean()
        since = data.get("since")
        until = data.get("until") or (timezone.localdate() if "until" not in self.errors else None)
        if since and until and since > until:
            if data.get("until"):
                self.add_error("until", _("截止日期不能早于起始日期。"))
            else:  # no end date typed: the window ends today
                self.add_error("since", _("起始日期不能晚于今天（未填截止日期时挖掘到今天为止）。"))
        elif since and until and clustering.window_too_long(since, until):
            self.add_error(None, clustering.window_too_long_message())
        return data

    def error_messages(self) -> list[str]:
        """Every error as one line ("截止日期：…" for a field's), for the message shown after the redirect."""
        lines = [str(e) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name != NON_FIELD_ERRORS:
                lines += [f"{self.fields[name].label}{pgettext('label and value', '：')}{e}" for e in errors]
        return lines
