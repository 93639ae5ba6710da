from django import forms
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.config import CONSTANCE_CONFIG, CONSTANCE_CONFIG_FIELDSETS
from core.config_forms import DistrictRulesForm
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


class DistrictRulesPageForm(RequiredMessagesMixin, DistrictRulesForm):
    """规则设置: each rule labelled by what it means, with its default and its name; read-only (no
    reason, nothing to post) for those who only read the rules."""

    def __init__(self, *args, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (default, meaning, *_type) in CONSTANCE_CONFIG.items():
            field = self.fields[name]
            field.label = meaning
            field.help_text = gettext("默认：%(default)s（%(name)s）") % {
                "default": escape(_shown(field, default)),
                "name": name,
            }
            field.disabled = not editable
        if not editable:
            del self.fields["reason"]

    def sections(self) -> list[tuple[str, list]]:
        """The rules in the sections core/config.py groups them in: [(title, [bound fields])]."""
        return [(title, [self[name] for name in names]) for title, names in CONSTANCE_CONFIG_FIELDSETS]

    def service_kwargs(self) -> dict:
        return {"values": self.rule_values(), "reason": self.cleaned_data["reason"]}


def _shown(field, value) -> str:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    # A list of codes is shown with a space after each comma, so that it wraps on a phone.
    describe = getattr(field, "describe", None)
    shown = describe(value) if describe else field.prepare_value(value)
    return str(shown) if shown not in (None, "") else gettext("（空）")
