from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_office
from consultations.models import Attendance
from core.forms import DateInput, DateTimeInput, RequiredMessagesMixin, ReselectFilesMixin
from district.models import Body, Department, Member, Sector
from topics.models import (
    CollectionRound,
    ConsultationFormat,
    ConsultationPlan,
    PlanItem,
    PlanStatus,
    PlanVote,
    SuggestionStatus,
    TopicSuggestion,
    VoteChoice,
)
from topics.selectors import next_item_order, open_rounds
from topics.services.plan import LEAD_POSITIONS, plan_exists_message, round_year_message
from topics.services.suggestions import round_exists_message

DATE = DateInput()


def leaders():
    return Member.objects.filter(is_active=True, position__in=LEAD_POSITIONS).order_by("position", "id")


def special_bodies():
    return Body.objects.filter(kind=Body.Kind.SPECIAL)


def departments():
    return Department.objects.filter(is_active=True)


class RoundForm(RequiredMessagesMixin, forms.ModelForm):
    class Meta:
        model = CollectionRound
        fields = ["year", "title", "deadline", "notice"]
        widgets = {"deadline": DATE, "notice": forms.Textarea(attrs={"rows": 4})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        existing = None if self.instance.pk else CollectionRound.objects.filter(year=year).first()
        if existing:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    round_exists_message(existing),
                    existing.get_absolute_url(),
                    _("打开该议题征集"),
                ),
                code="round_exists",
            )
        return year


class SuggestionForm(ReselectFilesMixin, RequiredMessagesMixin, forms.ModelForm):
    """A topic suggestion; the version field carries optimistic locking through the edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    material = forms.FileField(label=_("支撑材料"), required=False)
    submit_now = forms.BooleanField(label=_("保存后立即提交"), required=False, initial=True)

    class Meta:
        model = TopicSuggestion
        fields = [
            "round",
            "title",
            "background",
            "why_now",
            "suggested_format",
            "departments",
            "suggested_lead",
            "suggested_body",
            "body",
            "sector",
        ]
        widgets = {
            "background": forms.Textarea(attrs={"rows": 4}),
            "why_now": forms.Textarea(attrs={"rows": 3}),
            "departments": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, suggester=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = open_rounds()
        self.fields["round"].empty_label = None
        self.fields["suggested_format"].queryset = ConsultationFormat.objects.filter(is_active=True)
        self.fields["departments"].queryset = departments()
        self.fields["suggested_lead"].queryset = leaders()
        self.fields["suggested_body"].queryset = special_bodies()
        self.fields["body"].queryset = special_bodies()
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["body"].help_text = _("以委处名义提出时选择")
        self.fields["sector"].help_text = _("以界别名义提出时选择")
        if suggester is not None and not is_office(suggester):
            # Members speak for their own committee and sector only (topics.services._check_speaks_for).
            member = getattr(suggester, "member", None)
            self.fields["body"].queryset = special_bodies().filter(pk=getattr(member, "body_id", None))
            self.fields["sector"].queryset = Sector.objects.filter(pk=getattr(member, "sector_id", None))
        if self.instance.pk:
            self.fields["round"].disabled = True
            self.fields["round"].queryset = CollectionRound.objects.filter(pk=self.instance.round_id)
            self.fields["version"].initial = self.instance.version


class MergeForm(RequiredMessagesMixin, forms.Form):
    into = forms.ModelChoiceField(label=_("并入"), queryset=TopicSuggestion.objects.none())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["into"].queryset = candidates


class MaterialForm(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
    material = forms.FileField(label=_("支撑材料"))


class PlanForm(RequiredMessagesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ConsultationPlan
        fields = ["year", "title", "round", "preamble"]
        widgets = {"preamble": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
            # A draft's round may be corrected (`services.plan.update_plan`); then it is the plan's record.
            if self.instance.status == PlanStatus.DRAFT:
                self.fields["round"].help_text = _("计划提交审定前可以更改。")
            else:
                self.fields["round"].disabled = True
                self.fields["round"].help_text = _("计划已提交审定，不能再更改。")
            self.fields["version"].initial = self.instance.version

    def clean_year(self):
        year = self.cleaned_data["year"]
        existing = None if self.instance.pk else ConsultationPlan.objects.filter(year=year).first()
        if existing:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    plan_exists_message(existing),
                    existing.get_absolute_url(),
                    _("打开%(year)s年度协商计划") % {"year": existing.year},
                ),
                code="plan_exists",
            )
        return year

    def clean(self):
        cleaned = super().clean()
        year, rnd = cleaned.get("year"), cleaned.get("round")
        if rnd is not None and year and rnd.year != year:
            self.add_error("round", round_year_message(rnd, year))
        return cleaned


class ItemForm(RequiredMessagesMixin, forms.ModelForm):
    """One plan item; `version` is the item's version when the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanItem
        fields = [
            "order",
            "title",
            "format",
            "quarter",
            "month",
            "lead_member",
            "lead_body",
            "departments",
            "origins",
            "notes",
        ]
        widgets = {
            "quarter": forms.Select(choices=[("", "—"), (1, "1"), (2, "2"), (3, "3"), (4, "4")]),
            "month": forms.Select(choices=[("", "—")] + [(m, str(m)) for m in range(1, 13)]),
            "departments": forms.SelectMultiple(attrs={"size": 8}),
            "origins": forms.SelectMultiple(attrs={"size": 6}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].queryset = ConsultationFormat.objects.filter(is_active=True)
        self.fields["lead_member"].queryset = leaders()
        self.fields["lead_body"].queryset = special_bodies()
        self.fields["departments"].queryset = departments()
        origins = TopicSuggestion.objects.filter(
            status__in=[SuggestionStatus.SUBMITTED, SuggestionStatus.SHORTLISTED, SuggestionStatus.ADOPTED]
        )
        if plan is not None and plan.pk:
            # A suggestion already listed in another plan is that plan's: it is not offered again.
            elsewhere = TopicSuggestion.objects.filter(status=SuggestionStatus.ADOPTED).exclude(plan_items__plan=plan)
            origins = origins.exclude(pk__in=elsewhere.values("pk"))
        self.fields["origins"].queryset = origins.filter(round=plan.round) if plan and plan.round_id else origins
        self.fields["origins"].required = False
        self.fields["order"].help_text = _("填写已有议题的序号时，本议题排在该位置，原议题及其后的议题依次后移。")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        elif plan is not None and plan.pk:
            # A new item goes last unless the clerk places it (services.plan._place); left empty, last too.
            self.fields["order"].initial = next_item_order(plan)
            self.fields["order"].required = False


class VersionForm(RequiredMessagesMixin, forms.Form):
    note = forms.CharField(
        label=_("修改说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignOffForm(RequiredMessagesMixin, forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("会签意见"),
        choices=[("1", _("同意")), ("0", _("不同意，提出修改意见"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    comment = forms.CharField(label=_("总体意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item_fields = []
        for item in items:
            name = f"item_{item['id']}"
            self.fields[name] = forms.CharField(label=item["title"], required=False, max_length=1000)
            self.item_fields.append(name)

    def item_comments(self) -> dict[int, str]:
        return {int(n[5:]): self.cleaned_data[n] for n in self.item_fields if self.cleaned_data.get(n)}


class OpenVoteForm(RequiredMessagesMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("会议时间"), widget=DateTimeInput())
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    method = forms.ChoiceField(label=_("表决方式"), choices=PlanVote.Method.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class TallyForm(RequiredMessagesMixin, forms.Form):
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0)


class BallotForm(RequiredMessagesMixin, forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=VoteChoice.choices, widget=forms.RadioSelect)


ATTENDANCE_CHOICES = [(Attendance.PRESENT, _("出席")), (Attendance.ABSENT, _("缺席")), (Attendance.DECLINED, _("请假"))]


class PublishForm(RequiredMessagesMixin, forms.Form):
    doc_number = forms.CharField(label=_("发文字号"), max_length=40)
    issued_on = forms.DateField(label=_("印发日期"), widget=DATE)
