"""/api/v1/stats/… and /api/v1/duty-records/, /api/v1/scoring-rules/: the figures behind the dashboard."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import StandardPagination
from district.models import Body, Member, Sector, Town
from insight.forms import DATE_BOUNDS
from insight.models import ScoringRule
from insight.selectors import duty, stats
from insight.selectors.dashboard import dashboard_for
from insight.selectors.scope import Period, require_scope
from intake.models import AppealCategory

# ---- serializers ---------------------------------------------------------------------------------


class StatsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.FloatField()
    url = serializers.CharField(help_text=_("图表背后的清单页面（已按同样条件筛选），无则为空"))


class StatsFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    chart = serializers.ChoiceField(choices=["bar", "hbar", "line", "pie"])
    unit = serializers.CharField()
    note = serializers.CharField()
    rows = StatsRowSerializer(many=True)


class StatsHeatCellSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    level = serializers.IntegerField(min_value=0, max_value=4)
    url = serializers.CharField()


class StatsHeatRowSerializer(serializers.Serializer):
    town = serializers.CharField()
    cells = StatsHeatCellSerializer(many=True)
    total = serializers.IntegerField()


class StatsHeatSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField(), help_text=_("诉求类别"))
    rows = StatsHeatRowSerializer(many=True)
    peak = serializers.IntegerField()


class StatsTimelinessSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    avg_days = serializers.FloatField(allow_null=True)
    median_days = serializers.FloatField(allow_null=True)


class StatsPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    year = serializers.IntegerField()
    town = serializers.IntegerField(allow_null=True)
    category = serializers.IntegerField(allow_null=True)


class StatsDashboardSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["all", "department", "member"])
    period = StatsPeriodSerializer()
    figures = StatsFigureSerializer(many=True)
    heat = StatsHeatSerializer(allow_null=True)
    timeliness = StatsTimelinessSerializer(many=True)


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    start = serializers.DateField(required=False, validators=DATE_BOUNDS)
    end = serializers.DateField(required=False, validators=DATE_BOUNDS)
    town = serializers.IntegerField(required=False, min_value=1)
    category = serializers.IntegerField(required=False, min_value=1)

    def validate(self, data):
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise serializers.ValidationError(_("按日期范围查询时，请同时提供 start 和 end。"))
        if start and end and (start > end or (end - start).days > 366 * 5):
            raise serializers.ValidationError({"end": _("截止日期须不早于起始日期，且范围不超过五年。")})
        for key, model in (("town", Town), ("category", AppealCategory)):
            if key in data:
                data[key] = model.objects.filter(pk=data[key]).first()
                if data[key] is None:
                    raise serializers.ValidationError({key: _("没有这个选项。")})
        return data

    def period(self) -> Period:
        data = self.validated_data
        filters = {"town": data.get("town"), "category": data.get("category")}
        if data.get("start"):
            return Period(start=data["start"], end=data["end"], **filters)
        return Period.for_year(data.get("year") or stats.default_year(), **filters)


def _period_data(period: Period) -> dict:
    return {
        "start": period.start,
        "end": period.end,
        "year": period.year,
        "town": period.town.pk if period.town else None,
        "category": period.category.pk if period.category else None,
    }


def _query(request) -> Period:
    params = StatsQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.period()


# ---- views ---------------------------------------------------------------------------------------


class StatsDashboardApi(APIView):
    """Every figure of the caller's dashboard (the district, their department, or their own)."""

    @extend_schema(parameters=[StatsQuerySerializer], responses=StatsDashboardSerializer, summary=_("统计分析"))
    def get(self, request):
        scope = require_scope(request.user)
        period = _query(request)
        data = dashboard_for(request.user, scope, period)
        body = {
            "scope": scope.kind,
            "period": _period_data(period),
            "figures": [f.as_dict() for group in data["figures"].values() for f in group],
            "heat": data.get("heat"),
            "timeliness": [{**t, "label": str(t["label"])} for t in data.get("timeliness", [])],
        }
        return Response(StatsDashboardSerializer(body).data)


class StatsFigureApi(APIView):
    """One figure of the caller's dashboard by its key (e.g. appeals_by_category, overdue)."""

    @extend_schema(parameters=[StatsQuerySerializer], responses=StatsFigureSerializer, summary=_("统计图表"))
    def get(self, request, key: str):
        scope = require_scope(request.user)
        data = dashboard_for(request.user, scope, _query(request))
        for group in data["figures"].values():
            for figure in group:
                if figure.key == key:
                    return Response(StatsFigureSerializer(figure.as_dict()).data)
        raise NotFound(_("没有这个统计图表。"))


class DutyLineSerializer(serializers.Serializer):
    item = serializers.CharField()
    variant = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    points_each = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    cap = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    points = serializers.DecimalField(max_digits=8, decimal_places=1)
    adjusted = serializers.DecimalField(
        max_digits=8, decimal_places=1, help_text=_("政协办公室对该项的调整（已计入总分）")
    )


class DutyRecordSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.name")
    sector = serializers.CharField(source="member.sector.name")
    sector_en = serializers.CharField(source="member.sector.name_en", help_text=_("界别的英文名称（未设置时为空）"))
    body = serializers.CharField(source="member.body.name", allow_null=True, default=None)
    body_en = serializers.CharField(
        source="member.body.name_en", allow_null=True, default=None, help_text=_("专委会的英文名称（未设置时为空）")
    )
    year = serializers.IntegerField()
    rank = serializers.IntegerField(
        help_text=_("排名中的名次（政协办公室和主席会议成员查询列表时）；单个档案和委员本人的记录为0")
    )
    activity_count = serializers.IntegerField()
    adjusted = serializers.DecimalField(
        max_digits=8, decimal_places=1, help_text=_("政协办公室调整的分值合计（已计入总分）")
    )
    total = serializers.DecimalField(max_digits=8, decimal_places=1)
    grade = serializers.ChoiceField(choices=list(duty.GRADES))
    grade_label = serializers.CharField()


class DutyAdjustmentSerializer(serializers.Serializer):
    item = serializers.CharField()
    variant = serializers.CharField()
    label = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=1)
    reason = serializers.CharField()
    created_by = serializers.CharField(source="created_by.display")
    created_at = serializers.DateTimeField()


class DutyRecordDetailSerializer(DutyRecordSerializer):
    lines = serializers.SerializerMethodField()
    adjustments = DutyAdjustmentSerializer(many=True, help_text=_("政协办公室对各项的调整或备注"))

    @extend_schema_field(DutyLineSerializer(many=True))
    def get_lines(self, record) -> list[dict]:
        lines = [
            {
                "item": line.item,
                "variant": line.variant,
                "label": line.label,
                "count": line.count,
                "points_each": line.rule.points if line.rule else None,
                "cap": line.rule.cap if line.rule else None,
                "points": line.points,
                "adjusted": line.adjusted,
            }
            for line in record.lines
        ]
        return DutyLineSerializer(lines, many=True).data


class DutyQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    sector = serializers.IntegerField(required=False, min_value=1)
    body = serializers.IntegerField(required=False, min_value=1)
    q = serializers.CharField(required=False, max_length=30, allow_blank=True)


class DutyRecordViewSet(viewsets.GenericViewSet):
    """Members' duty records for a year: the ranking for the office and leaders, one's own for a member."""

    lookup_field = "member"
    lookup_value_regex = "[0-9]+"
    serializer_class = DutyRecordSerializer
    pagination_class = StandardPagination
    filter_backends: list = []

    def get_queryset(self):
        # Records are computed, not stored: the ranking is built in list(); this only names the model.
        return Member.objects.none()

    def _params(self) -> dict:
        params = DutyQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return {
            "year": data.get("year") or duty.default_duty_year(),
            "sector": Sector.objects.filter(pk=data["sector"]).first() if data.get("sector") else None,
            "body": Body.objects.filter(pk=data["body"]).first() if data.get("body") else None,
            "q": (data.get("q") or "").strip(),
        }

    @extend_schema(
        parameters=[DutyQuerySerializer], responses=DutyRecordSerializer(many=True), summary=_("履职积分排名")
    )
    def list(self, request):
        params = self._params()
        if (self.request.query_params.get("sector") and params["sector"] is None) or (
            self.request.query_params.get("body") and params["body"] is None
        ):
            records = []
        else:
            records = duty.ranking(request.user, **params)
        page = self.paginate_queryset(records)
        return self.get_paginated_response(DutyRecordSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description=_("年度"))],
        responses=DutyRecordDetailSerializer,
        summary=_("委员年度履职档案"),
    )
    def retrieve(self, request, member=None):
        params = DutyQuerySerializer(
            data={"year": request.query_params.get("year")} if request.query_params.get("year") else {}
        )
        params.is_valid(raise_exception=True)
        member_obj = duty.get_member_for(request.user, int(member))
        record = duty.duty_record(member_obj, params.validated_data.get("year") or duty.default_duty_year())
        return Response(DutyRecordDetailSerializer(record).data)


class ScoringRuleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ScoringRule
        fields = ["id", "item", "variant", "label", "points", "cap", "effective_year", "note"]


class ScoringRuleViewSet(viewsets.ReadOnlyModelViewSet):
    """Every version of every scoring rule (the office edits them on the rules page or in the admin)."""

    serializer_class = ScoringRuleSerializer
    filterset_fields = ["item", "variant", "effective_year"]
    ordering_fields = ["effective_year", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not duty.sees_all_records(self.request.user):
            return ScoringRule.objects.none()
        return ScoringRule.objects.order_by("item", "variant", "-effective_year", "id")


urlpatterns = [
    path("stats/dashboard/", StatsDashboardApi.as_view(), name="api-stats-dashboard"),
    path("stats/figures/<slug:key>/", StatsFigureApi.as_view(), name="api-stats-figure"),
]
