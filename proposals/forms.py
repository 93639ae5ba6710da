"""Forms for proposals: the draft, units, contacts, opinions, replies, ratings, key and excellent proposals."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.forms import DateInput, DateTimeInput, MultipleFileField, RequiredMessagesMixin, ReselectFilesMixin
from core.validators import validate_phone
from district.models import Department
from proposals.models import ContactMethod, HandlingMode, Kind, Proposal, Rating, ReplyClass

# A datetime-local input only accepts "YYYY-MM-DDTHH:MM" (dates are ISO everywhere: config/formats).
DATETIME_INPUT = DateTimeInput()


class DepartmentMultipleField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Department.objects.filter(is_active=True).order_by("order", "id"), **kwargs)


class ProposalForm(RequiredMessagesMixin, forms.ModelForm):
    """A new proposal or its draft; co-signers are typed as names (联名人：洪冬云、张彦)."""

    cosigners = forms.CharField(
        label=_("联名人"),
        required=False,
        help_text=_("联名提案填写，委员姓名之间用顿号或逗号分隔；联名人须为在任政协委员，并在线确认。"),
    )
    suggested_departments = DepartmentMultipleField(
        label=_("建议承办单位"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Proposal
        fields = [
            "kind",
            "title",
            "case",
            "analysis",
            "suggestions",
            "suggested_departments",
            "org_sector",
            "org_party",
            "org_body",
            "is_urgent",
            "consents_to_conversion",
        ]
        widgets = {
            "case": forms.Textarea(attrs={"rows": 5}),
            "analysis": forms.Textarea(attrs={"rows": 5}),
            "suggestions": forms.Textarea(attrs={"rows": 6}),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and "org_sector" in self.fields:
            # Only the organisations the user may speak for (`selectors.proposing_organisations`).
            from proposals.selectors import proposing_organisations

            for name, queryset in proposing_organisations(user).items():
                self.fields[name].queryset = queryset


class DraftForm(ReselectFilesMixin, ProposalForm):
    """The edit page of a draft: the kind and organisation are fixed at creation."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    # Supporting material, attached when the form is saved (the autosave leaves files out).
    attachments = MultipleFileField(
        label=_("添加附件"),
        required=False,
        help_text=_("可选：调研材料、数据等佐证材料，可多选；保存后列于下方，草稿阶段可删除。"),
    )

    class Meta(ProposalForm.Meta):
        fields = [
            "title",
            "case",
            "analysis",
            "suggestions",
            "suggested_departments",
            "is_urgent",
            "consents_to_conversion",
        ]
        widgets = ProposalForm.Meta.widgets


class UnitsForm(RequiredMessagesMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("办理方式"), choices=HandlingMode.choices, widget=forms.RadioSelect, initial="lead"
    )
    lead = forms.ModelChoiceField(
        label=_("主办单位"), queryset=Department.objects.filter(is_active=True), required=False
    )
    co = DepartmentMultipleField(label=_("会办单位"), required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    units = DepartmentMultipleField(label=_("分办单位"), required=False, widget=forms.SelectMultiple(attrs={"size": 5}))

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "mode": data["mode"],
            "lead": data["lead"].pk if data.get("lead") else "",
            "co": ",".join(str(d.pk) for d in data.get("co") or []),
            "units": ",".join(str(d.pk) for d in data.get("units") or []),
        }


class ContactForm(RequiredMessagesMixin, forms.Form):
    method = forms.ChoiceField(label=_("沟通方式"), choices=ContactMethod.choices)
    contacted_on = forms.DateField(label=_("沟通日期"), widget=DateInput())
    proposer_name = forms.CharField(label=_("沟通对象"), max_length=60, required=False)
    summary = forms.CharField(label=_("沟通情况"), widget=forms.Textarea(attrs={"rows": 3}))


class OpinionForm(RequiredMessagesMixin, forms.Form):
    opinion = forms.CharField(label=_("会办意见"), widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
    reply_class = forms.ModelChoiceField(
        label=_("答复类别"),
        queryset=ReplyClass.objects.filter(is_active=True),
        empty_label=_("请选择答复类别"),
        error_messages={"required": _("请选择答复类别（如A、B、C类）。")},
    )
    body = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 10}), max_length=5000)
    signed_by = forms.CharField(label=_("签发人"), max_length=30)
    contact_name = forms.CharField(label=_("联系人"), max_length=30, help_text=_("印在答复函上，供提案者联系。"))
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sealed_letter = forms.FileField(
        label=_("盖章答复函（可选）"),
        required=False,
        help_text=_("已发出的加盖单位公章的答复函扫描件，通常为PDF。"),
    )


class RatingForm(RequiredMessagesMixin, forms.Form):
    rating = forms.ChoiceField(label=_("对答复的评价"), choices=Rating.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("不满意时必填")
    )


class KeyForm(RequiredMessagesMixin, forms.Form):
    supervisor = forms.ModelChoiceField(label=_("督办领导"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            get_user_model()
            .objects.filter(groups__name__in=[Role.CHAIR, Role.VICE_CHAIR], is_active=True)
            .distinct()
            .order_by("id")
        )


class MeetingForm(RequiredMessagesMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_INPUT)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExcellentForm(RequiredMessagesMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class WithdrawExcellentForm(RequiredMessagesMixin, forms.Form):
    reason = forms.CharField(label=_("撤销理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ListFilterForm(RequiredMessagesMixin, forms.Form):
    q = forms.CharField(label=_("标题或提案人"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    kind = forms.ChoiceField(label=_("提案形式"), required=False, choices=[("", _("全部形式")), *Kind.choices])
    year = forms.IntegerField(label=_("年度"), required=False)
    department = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("全部单位"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reply_class = forms.ChoiceField(
        label=_("答复类别"),
        required=False,
        error_messages={"invalid_choice": _("没有答复类别“%(value)s”，已忽略此条件。")},
    )
    first_reply = forms.BooleanField(label=_("按第一轮已审核答复统计"), required=False)
    rating = forms.ChoiceField(
        label=_("评价"),
        required=False,
        choices=[("", _("全部评价")), *Rating.choices],
        help_text=_("按提案的评价结果：以最近一轮评价为准，联名提案任一提案者不满意即为不满意。"),
    )
    is_key = forms.BooleanField(label=_("重点提案"), required=False)
    is_excellent = forms.BooleanField(label=_("优秀提案"), required=False)
    mine = forms.BooleanField(label=_("我的提案"), required=False)
    waiting = forms.BooleanField(label=_("待我处理"), required=False)
    overdue = forms.BooleanField(label=_("超过答复期限"), required=False)
    extension_pending = forms.BooleanField(label=_("延期申请待审批"), required=False)

    def __init__(self, *args, **kwargs):
        from proposals.models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *Status.choices]
        from proposals.selectors import filterable_reply_classes

        # Retired classes still class old replies: they stay in the filter, marked (the statistics link to them).
        self.fields["reply_class"].choices = [("", _("全部类别"))] + [
            (c.code, str(c) if c.is_active else _("%(cls)s（已停用）") % {"cls": c}) for c in filterable_reply_classes()
        ]

    def filters(self) -> dict:
        """The valid conditions; an invalid one is reported on its field (form.errors) and left out, the
        others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = dict(self.cleaned_data)
        if data.get("department"):
            data["department"] = data["department"].pk
        return {k: v for k, v in data.items() if v not in (None, "", False)}
