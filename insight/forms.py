"""Period and filter pickers, the duty-ranking filters and the scoring-rule form."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core.forms import DateInput, StyledFormMixin
from district.models import Body, Sector, Town
from insight.selectors.scope import Period
from intake.models import AppealCategory


class StyledForm(StyledFormMixin, forms.Form):
    """The small Bootstrap widgets of the filter bars."""

    widget_size = "sm"


# The dates a period may take (the years the pickers and the API accept): far dates would overflow
# when turned into the database's UTC instants.
DATE_BOUNDS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


# The longest date range a period may cover (hot-topic mining has the same cap:
# analytics.clustering.MAX_WINDOW_YEARS); years counted as 366 days.
MAX_RANGE_YEARS = 5


class PeriodForm(StyledForm):
    """A year, or a date range within any years; optionally one town and one appeal category."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    start = forms.DateField(label=_("起始日期"), required=False, validators=DATE_BOUNDS, widget=DateInput())
    end = forms.DateField(label=_("截止日期"), required=False, validators=DATE_BOUNDS, widget=DateInput())
    town = forms.ModelChoiceField(
        label=_("镇街"), queryset=Town.objects.all(), required=False, empty_label=_("全部镇街")
    )
    category = forms.ModelChoiceField(
        label=_("诉求类别"), queryset=AppealCategory.objects.all(), required=False, empty_label=_("全部类别")
    )

    def __init__(self, *args, years: list[int], default_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        self.fields["year"].choices = [(y, _("%(y)s年") % {"y": y}) for y in years]
        self.fields["year"].initial = default_year
        self.fields["year"].help_text = _("填写日期范围时按日期范围统计。")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("按日期范围查看时，请同时填写起始日期和截止日期。"))
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        if start and end and (end - start).days > 366 * MAX_RANGE_YEARS:
            self.add_error("end", _("日期范围不能超过五年。"))
        return data

    def period(self) -> Period:
        """The chosen period (the default year when the form is empty or invalid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        filters = {"town": data.get("town"), "category": data.get("category")}
        if data.get("start") and data.get("end"):
            return Period(start=data["start"], end=data["end"], **filters)
        return Period.for_year(data.get("year") or self.default_year, **filters)


class RankingForm(StyledForm):
    """The duty ranking's filters. The page and its Excel export read them with `from_query`, so the
    workbook holds the list the page shows, and a filter the form refuses is refused by both."""

    year = forms.TypedChoiceField(
        label=_("年度"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s”不是可选的年度。")},
    )
    sector = forms.ModelChoiceField(
        label=_("界别"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("全部界别"),
        error_messages={"invalid_choice": _("没有这个界别，请从列表中选择。")},
    )
    body = forms.ModelChoiceField(
        label=_("专委会"),
        queryset=Body.objects.filter(kind=Body.Kind.SPECIAL),
        required=False,
        empty_label=_("全部专委会"),
        error_messages={"invalid_choice": _("没有这个专委会，请从列表中选择。")},
    )
    q = forms.CharField(label=_("姓名"), required=False, max_length=30)

    def __init__(self, *args, years: list[int], default_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        self.fields["year"].choices = [(y, _("%(y)s年") % {"y": y}) for y in years]
        self.fields["year"].initial = default_year

    @classmethod
    def from_query(cls, params) -> "RankingForm":
        """The filters of a query string: a year asked for and offered is the year shown (the default
        year, two lookups, is read only when it is not); an empty query is the default year's list."""
        from core.http import as_int
        from insight.selectors import duty

        years = duty.duty_years()
        asked = as_int(str(params.get("year") or "").strip())
        default = asked if asked in years else duty.default_duty_year()
        params = params.copy()
        if params and not params.get("year"):
            params["year"] = str(default)  # the picker then shows the year the list is for
        return cls(params or None, years=years, default_year=default)

    def refused(self) -> list[str]:
        """The filters the form refused, one "label：reason" each ([] when every filter holds)."""
        if not self.is_bound or self.is_valid():
            return []
        colon = pgettext("label and value", "：")
        return [
            f"{self.fields[name].label}{colon}{error}" if name in self.fields else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]

    def filters(self) -> dict:
        """The filters the form accepts: a refused one (`refused`) is left out, the others are kept."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "year": data.get("year") or self.default_year,
            "sector": data.get("sector"),
            "body": data.get("body"),
            "q": (data.get("q") or "").strip(),
        }


class GradeMarksForm(StyledForm):
    """The grade marks from a year on (earlier years keep theirs)."""

    excellent = forms.IntegerField(label=_("优秀分数线"), min_value=1, max_value=100000)
    good = forms.IntegerField(label=_("良好分数线"), min_value=1, max_value=100000)
    passing = forms.IntegerField(label=_("合格分数线"), min_value=0, max_value=100000)
    effective_year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("依据或说明"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("修改理由"),
        max_length=300,
        help_text=_("记入修改记录，在积分规则页显示。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        marks = [data.get(k) for k in ("excellent", "good", "passing")]
        if None not in marks and not marks[0] > marks[1] > marks[2]:
            raise forms.ValidationError(_("分数线须依次递减：优秀高于良好，良好高于合格。"))
        return data


class ScoringRuleForm(StyledForm):
    """Points of one activity (named by the URL) from a year on; that year's rule is created or replaced."""

    points = forms.DecimalField(label=_("每次分值"), max_digits=6, decimal_places=1, min_value=-1000, max_value=1000)
    cap = forms.DecimalField(
        label=_("年度上限"),
        max_digits=6,
        decimal_places=1,
        min_value=0,
        max_value=10000,
        required=False,
        help_text=_("留空表示不设上限。"),
    )
    effective_year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("依据或说明"), max_length=200, required=False)
    note_en = forms.CharField(
        label=_("依据或说明（英文）"),
        max_length=200,
        required=False,
        help_text=_("英文界面显示的说明；不填则显示中文说明。"),
    )
    reason = forms.CharField(
        label=_("修改理由"),
        max_length=300,
        help_text=_("记入修改记录，在积分规则页显示。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DutyAdjustmentForm(StyledForm):
    """The office corrects or annotates one counted item of a member's year."""

    line = forms.ChoiceField(label=_("履职事项"))
    points = forms.DecimalField(
        label=_("调整分值"),
        max_digits=6,
        decimal_places=1,
        min_value=-1000,
        max_value=1000,
        help_text=_("加分填正数，扣分填负数；仅作备注填0。"),
    )
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from insight.models import ACTIVITIES, activity_label

        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(f"{i}:{v}", activity_label(i, v)) for i, v in ACTIVITIES]

    def item_and_variant(self) -> tuple[str, str]:
        item, _sep, variant = self.cleaned_data["line"].partition(":")
        return item, variant


class DutyQueryForm(StyledForm):
    """A member's question about their record of a year."""

    question = forms.CharField(label=_("疑问"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class DutyAnswerForm(StyledForm):
    """The office's answer to a member's question."""

    answer = forms.CharField(label=_("答复"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
