"""constance's Config form as the district uses it, on the 规则设置 page and in the admin alike."""

from constance.forms import ConstanceForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.config import check_rules


class DistrictRulesForm(ConstanceForm):
    """Every rule (constance's fields and checks), the reason for the change, and the checks across rules:
    a save that leaves two rules disagreeing is refused, with the message beside both."""

    reason = forms.CharField(
        label=_("修改理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("记入修改记录，如“区政协办公室2025年第3号通知调整提案答复期限”。"),
    )

    def clean_version(self):
        try:
            return super().clean_version()
        except ValidationError:
            raise ValidationError(_("规则已被他人修改，本次修改未保存：请刷新页面，在最新的规则上重新修改。")) from None

    def clean(self):
        data = super().clean()
        for name, messages in check_rules(data).items():
            for message in messages:
                self.add_error(name, message)
        return data

    def rule_values(self) -> dict:
        """The rules as entered (cleaned), without the reason and the form's version."""
        return {name: value for name, value in self.cleaned_data.items() if name not in ("reason", "version")}
