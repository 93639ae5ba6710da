"""Forms for public-opinion reports and bulletins."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RequiredMessagesMixin
from opinions.models import Bulletin, OpinionReport


class ReportForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("一事一报：只反映一件事，写明情况、分析和建议。"),
    )
    is_urgent = forms.BooleanField(label=_("紧急信息"), required=False)
    provider = forms.ChoiceField(label=_("报送名义"), required=False)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {key: obj for key, obj, _label in providers}
        self.fields["provider"].choices = [("", _("以个人名义"))] + [(key, label) for key, _obj, label in providers]


class ReportEditForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class BulletinForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("简报标题"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("编发形式"), choices=Bulletin.Form.choices, widget=forms.RadioSelect)
    reports = forms.ModelMultipleChoiceField(
        label=_("已签批的信息"), queryset=OpinionReport.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["reports"].queryset = queryset
