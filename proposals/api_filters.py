"""The list filters of GET /api/v1/proposals/: checked (a bad value is a 400 naming the field) and
documented in the OpenAPI schema here, then applied by proposals.selectors.proposal_list, as on the
web list (proposals.forms.ListFilterForm)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from proposals import selectors
from proposals.models import Kind, Rating, ReplyClass, Status

MAX_ID = 2**63 - 1  # the largest primary key both databases store; larger numbers are a 400, not a crash
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else is refused instead of read as true."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValidationError(_("请填写 true 或 false。"), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter alone takes decimals)."""

    field_class = forms.IntegerField


class ProposalFilterForm(forms.Form):
    def clean_reply_class(self):
        code = self.cleaned_data.get("reply_class") or ""
        if code and not ReplyClass.objects.filter(code=code).exists():
            raise ValidationError(_("没有代码为“%(code)s”的答复类别。") % {"code": code}, code="invalid_choice")
        return code


class ProposalFilter(django_filters.FilterSet):
    """Validated here; applied by the selector (filter_queryset), which knows what each filter means."""

    q = django_filters.CharFilter(label=_("标题或提案人包含"), max_length=100)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    kind = django_filters.ChoiceFilter(label=_("提案形式"), choices=Kind.choices)
    year = IntegerFilter(label=_("年度"), min_value=1949, max_value=9999)
    session = IntegerFilter(label=_("会次（届次会议的编号）"), min_value=1, max_value=MAX_ID)
    department = IntegerFilter(label=_("承办单位编号（主办、会办或分办）"), min_value=1, max_value=MAX_ID)
    reply_class = django_filters.CharFilter(label=_("答复类别代码，如A、B、C"), max_length=4)
    rating = django_filters.ChoiceFilter(label=_("评价结果"), choices=Rating.choices)
    is_key = BooleanFilter(label=_("true：只看重点提案；false：只看非重点提案"))
    is_excellent = BooleanFilter(label=_("true：只看优秀提案；false：只看非优秀提案"))
    mine = BooleanFilter(label=_("true：只看我提出或联名的提案"))
    overdue = BooleanFilter(label=_("true：只看超过答复期限的提案"))
    extension_pending = BooleanFilter(label=_("true：只看延期申请待审批的提案"))

    class Meta:
        form = ProposalFilterForm

    # Filters that pick the rows with a field's value, so false asks for the others; the rest are
    # switches of the list ("only mine"), so false leaves the list whole.
    ATTRIBUTES = ("is_key", "is_excellent")

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        chosen = {name: value for name, value in data.items() if value not in (None, "", False)}
        proposals = selectors.proposal_list(self.request.user, filters=chosen)
        for name in self.ATTRIBUTES:
            if data.get(name) is False:
                proposals = proposals.filter(**{name: False})
        return proposals
