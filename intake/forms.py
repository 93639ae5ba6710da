from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, MultipleFileField, MultipleFileInput, ReferenceChoiceField, StyledFormMixin
from core.validators import validate_phone
from district.models import Community, Department, Town
from intake.models import AppealCategory, Channel, Outcome, Route, Satisfaction
from intake.services import RATING_COMMENT_MAX, WITHDRAW_REASON_MAX, check_text, issue_retry_key

MAX_FILES = 5


class CommunityIterator(ModelChoiceIterator):
    """The communities and villages grouped by their town (one <optgroup> each, in the towns' order),
    so that the list reads town by town even without JavaScript."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[int, tuple[str, list]] = {}
        for obj in self.queryset.select_related("town").order_by("town__order", "town_id", "name"):
            groups.setdefault(obj.town_id, (obj.town.name, []))[1].append(self.choice(obj))
        yield from groups.values()  # (town name, its choices)


class CommunitySelect(forms.Select):
    """Each option names its town (data-town), and the list the town field it follows
    (data-town-field): static/js/community-by-town.js then shows only the chosen town's group."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-town-field": "town", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-town"] = str(instance.town_id)
        return option


class CommunityChoiceField(ReferenceChoiceField):
    """A community or village, listed under its town (the town is the group's label, not repeated)."""

    iterator = CommunityIterator
    widget = CommunitySelect

    def label_from_instance(self, obj) -> str:
        return obj.name


class AppealForm(StyledFormMixin, forms.Form):
    """The public appeal form (no account needed)."""

    # Required (marked * like the town), with the service's own words when left empty (check_text).
    title = forms.CharField(
        label=_("标题"),
        error_messages={"required": _("请填写标题，用一句话概括您反映的问题。")},
        help_text=_("用一句话概括您反映的问题。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("发生了什么"),
        error_messages={"required": _("请填写诉求内容：发生了什么、在哪里、希望如何解决。")},
        help_text=_("请写明时间、地点、经过，以及您希望如何解决。"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    town = ReferenceChoiceField(label=_("所在镇街"), queryset=Town.objects.all(), empty_label=_("请选择"))
    community = CommunityChoiceField(
        label=_("社区/村"),
        queryset=Community.objects.select_related("town"),
        required=False,
        empty_label=_("不确定/不选择"),
    )
    address = forms.CharField(label=_("详细地址（选填）"), required=False, max_length=200)
    category = ReferenceChoiceField(
        label=_("问题类别"),
        queryset=AppealCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("不确定，请工作人员判断"),
    )
    contact_name = forms.CharField(label=_("称呼（选填）"), required=False, max_length=50)
    contact_phone = forms.CharField(
        label=_("联系电话（选填）"),
        required=False,
        max_length=20,
        help_text=_("仅办理人员可见，您可随时凭查询码撤回。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    attachments = MultipleFileField(
        label=_("附件（选填，图片或文档，最多5个）"), required=False, widget=MultipleFileInput()
    )
    # A double click or a resent form carries the same key and gets the same appeal back (see
    # intake.services.retry_key_for: the key is signed here and scoped to who sends it).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", issue_retry_key())

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        validate_phone(phone)
        return phone

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("最多上传%(n)s个附件。") % {"n": MAX_FILES})
        return files

    def clean(self):
        data = super().clean()
        for field, message in check_text(title=data.get("title", ""), body=data.get("body", "")).items():
            if field not in self.errors:  # an empty field already says so
                self.add_error(field, message)
        town, community = data.get("town"), data.get("community")
        if town and community and community.town_id != town.pk:
            self.add_error("community", _("所选社区/村不属于所选镇街。"))
        return data


class StaffAppealForm(AppealForm):
    """Staff record an appeal received by letter, phone, WeChat, mailbox, reception day or a visit."""

    # Web and open-interface appeals arrive by themselves; staff record the ones that came another way.
    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=[c for c in Channel.choices if c[0] not in (Channel.WEB, Channel.OPEN311)]
    )
    contact_name = forms.CharField(label=_("诉求人姓名"), required=False, max_length=50)

    field_order = ["channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The public form speaks to the citizen ("您"); here the reader is the one recording for them.
        self.fields["title"].help_text = _("用一句话概括诉求人反映的问题。")
        self.fields["title"].error_messages["required"] = _("请填写标题，用一句话概括诉求人反映的问题。")
        self.fields["body"].help_text = _("写明时间、地点、经过，以及诉求人希望如何解决。")
        self.fields["contact_phone"].help_text = _("仅办理人员可见。请把查询码告知诉求人，诉求人可凭查询码撤回。")


class LookupForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CitizenMessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label=_("补充说明或回复"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class WithdrawAppealForm(StyledFormMixin, forms.Form):
    """The citizen withdraws their appeal; the reason is optional."""

    reason = forms.CharField(
        label=_("撤回原因（选填）"),
        required=False,
        max_length=WITHDRAW_REASON_MAX,
        help_text=_("例如：问题已经自行解决。撤回后将不再办理，也不能再留言。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingForm(StyledFormMixin, forms.Form):
    """The citizen rates the handling of their closed appeal; a comment is required for 不满意."""

    rating = forms.ChoiceField(
        label=_("您对这次办理结果是否满意？"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("意见（选“不满意”时必填）"),
        required=False,
        max_length=RATING_COMMENT_MAX,
        help_text=_("不满意的，请写明原因，工作人员将据此决定是否重新办理。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") == Satisfaction.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("选择“不满意”时请写明原因，以便工作人员了解情况、决定是否重新办理。"))
        return data


class RouteForm(StyledFormMixin, forms.Form):
    route = forms.ChoiceField(label=_("办理主体"), choices=Route.choices)
    workstation = forms.ModelChoiceField(label=_("委员工作室"), queryset=None, required=False)
    duty_group = forms.ModelChoiceField(label=_("履职小组"), queryset=None, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from grassroots.models import DutyGroup, Workstation

        super().__init__(*args, **kwargs)
        self.fields["workstation"].queryset = Workstation.objects.filter(is_active=True)
        self.fields["duty_group"].queryset = DutyGroup.objects.all()


class CloseForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    plan_due_date = forms.DateField(label=_("计划完成日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("办理结果说明"), widget=forms.Textarea(attrs={"rows": 3}))


class CompletePlanForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("落实情况（诉求人可见）"),
        help_text=_("写明计划如何落实、做了什么；诉求人在查询页面可以看到。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReschedulePlanForm(StyledFormMixin, forms.Form):
    plan_due_date = forms.DateField(label=_("新的计划完成日期"), widget=DateInput())
    note = forms.CharField(
        label=_("调整原因"),
        help_text=_("仅办理人员可见；原计划完成日期保留在办理记录中。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(StyledFormMixin, forms.Form):
    into = forms.CharField(label=_("合并到（主诉求的编号或查询码）"), max_length=20)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        # The note is read by the leaders too, who may not see tracking codes (hidden from them if typed).
        help_text=_("审计记录会写明主诉求的编号和标题，说明中无需填写查询码。"),
    )


class ReferForm(StyledFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("转交部门"), queryset=Department.objects.filter(is_active=True))
    due_date = forms.DateField(label=_("办理期限"), required=False, widget=DateInput())


class StaffMessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label=_("回复诉求人"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
