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

    def __init__(self, *args, providers=(), members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {key: obj for key, obj, _label in providers}
        self.fields["provider"].choices = [("", _("以个人名义"))] + [(key, label) for key, _obj, label in providers]
        if members is not None:
            # The information office entering a paper report: whose it is (the member it counts for), a
            # group's, or both.
            self.fields["member"] = MemberChoiceField(
                label=_("反映人（委员）"),
                queryset=members,
                required=False,
                empty_label=_("不署委员个人（以报送单位名义）"),
                help_text=_("代委员或报送单位录入纸质信息时选择；信息计入该委员的报送统计和履职档案。"),
            )
            self.fields["provider"].choices = [("", _("不以单位名义"))] + self.fields["provider"].choices[1:]
            self.order_fields(["member", "provider"])

    def clean(self):
        data = super().clean()
        named = data.get("member") or data.get("provider") or self.has_error("member") or self.has_error("provider")
        if "member" in self.fields and not named:
            self.add_error("member", _("请选择反映人（委员）或报送单位。"))
        return data


class MemberChoiceField(forms.ModelChoiceField):
    """A member named with their sector (two members may share a name)."""

    def label_from_instance(self, obj) -> str:
        return _("%(name)s（%(sector)s）") % {"name": obj.name, "sector": obj.sector}


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
