"""/api/v1/ for text analytics: routing suggestions, duplicate pairs, hot topics, search (read; workflow actions).

Every list goes through the same selectors as the office pages, so the API shows no more than the
pages do: suggestions, pairs and topics are office work (topics also for the committee's leaders),
search returns only records the caller may open in their own app.
"""

import django_filters
from django.db.models import Q
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter

from analytics import intake_bridge, registry, selectors
from analytics.forms import DATE_BOUNDS
from analytics.models import DuplicateCandidate, HotTopic, RoutingSuggestion
from core.api.workflow import WorkflowViewSetMixin

STATE_HELP = _("状态代码，见 GET transitions/ 与文档")
MAX_ID = 2**63 - 1  # the largest primary key both databases store; larger numbers are a 400, not a crash


def _id_filter(label, **kwargs):
    return django_filters.NumberFilter(label=label, min_value=1, max_value=MAX_ID, **kwargs)


class RoutingSuggestionSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    category_name_en = serializers.CharField(
        source="category.name_en",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("类别的英文名称（未设置时为空）"),
    )
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True, default=None)
    handler_name = serializers.SerializerMethodField()
    model_version = serializers.IntegerField(source="model_version.number", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATE_HELP)

    class Meta:
        model = RoutingSuggestion
        fields = [
            "id",
            "appeal",
            "category",
            "category_name",
            "category_name_en",
            "category_confidence",
            "department",
            "department_name",
            "department_confidence",
            "handler",
            "handler_name",
            "handler_confidence",
            "model_version",
            "predict_ms",
            "status",
            "created_at",
        ]

    def get_handler_name(self, obj) -> str:
        return str(intake_bridge.handler_label(obj.handler)) if obj.handler else ""


class RoutingSuggestionFilter(django_filters.FilterSet):
    appeal = _id_filter(_("诉求编号"), field_name="appeal_id")
    status = django_filters.ChoiceFilter(choices=RoutingSuggestion._meta.get_field("status").choices)

    class Meta:
        model = RoutingSuggestion
        fields = ["appeal", "status"]


class RoutingSuggestionViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Routing suggestions (分派建议), one per appeal: filter with ?appeal=<id>; accept or correct via transitions/."""

    serializer_class = RoutingSuggestionSerializer
    filterset_class = RoutingSuggestionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoutingSuggestion.objects.none()
        return selectors.suggestions_visible_to(self.request.user).order_by("-created_at", "-id")


class DuplicateFilter(django_filters.FilterSet):
    appeal = _id_filter(_("涉及该诉求（任一方）"), method="involving")
    status = django_filters.ChoiceFilter(choices=DuplicateCandidate._meta.get_field("status").choices)

    class Meta:
        model = DuplicateCandidate
        fields = ["appeal", "status"]

    def involving(self, queryset, name, value):
        return queryset.filter(Q(appeal_id=value) | Q(original_id=value))


class DuplicateCandidateSerializer(serializers.ModelSerializer):
    appeal_title = serializers.CharField(source="appeal.title", read_only=True)
    original_title = serializers.CharField(source="original.title", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATE_HELP)

    class Meta:
        model = DuplicateCandidate
        fields = [
            "id",
            "appeal",
            "appeal_title",
            "original",
            "original_title",
            "similarity",
            "status",
            "merged_in_intake",
            "created_at",
        ]


class DuplicateCandidateViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Near-duplicate pairs (疑似重复): ?appeal=<id> gives an appeal's pairs; merge or dismiss via transitions/."""

    serializer_class = DuplicateCandidateSerializer
    filterset_class = DuplicateFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DuplicateCandidate.objects.none()
        return selectors.duplicates_visible_to(self.request.user).order_by("-similarity", "-id")


class HotTopicSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=STATE_HELP)
    since = serializers.DateTimeField(source="run.since", read_only=True)
    until = serializers.DateTimeField(source="run.until", read_only=True)
    suggestion = serializers.IntegerField(source="suggestion_id", read_only=True, allow_null=True)
    recent = serializers.IntegerField(read_only=True, help_text=_("近期（挖掘时段后一半）的件数"))
    earlier = serializers.IntegerField(read_only=True, help_text=_("前期（挖掘时段前一半）的件数"))
    change = serializers.ChoiceField(
        choices=["up", "flat", "down"],
        read_only=True,
        help_text=_("近期较前期：up 增长、flat 持平、down 下降（按两半的件数）"),
    )
    growth = serializers.FloatField(read_only=True, help_text=_("平滑后的增长指数（近期+1）/（前期+1），仅用于排序"))

    class Meta:
        model = HotTopic
        fields = [
            "id",
            "run",
            "rank",
            "title",
            "keywords",
            "score",
            "volume",
            "recent",
            "earlier",
            "change",
            "growth",
            "spread",
            "support",
            "status",
            "since",
            "until",
            "suggestion",
        ]


class HotTopicEvidenceSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("记录类型（appeal、opinion_report 等）"))
    id = serializers.IntegerField(help_text=_("记录编号"))
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    similarity = serializers.FloatField(help_text=_("与主题中心的相似度"))
    url = serializers.CharField(help_text=_("记录页面"))


class HotTopicTrendSerializer(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField()


class HotTopicDetailSerializer(HotTopicSerializer):
    evidence = serializers.SerializerMethodField(help_text=_("调用者有权查看的证据"))
    trend = serializers.SerializerMethodField()

    class Meta(HotTopicSerializer.Meta):
        fields = [*HotTopicSerializer.Meta.fields, "trend", "evidence"]

    @extend_schema_field(HotTopicEvidenceSerializer(many=True))
    def get_evidence(self, obj) -> list[dict]:
        rows = selectors.evidence_of(self.context["request"].user, obj)
        return HotTopicEvidenceSerializer(
            [
                {
                    "kind": e["kind"].key,
                    "id": e["item"].object_id,
                    "title": e["item"].title,
                    "created_at": e["item"].created_at,
                    "similarity": e["item"].similarity,
                    "url": e["url"],
                }
                for e in rows
            ],
            many=True,
        ).data

    @extend_schema_field(HotTopicTrendSerializer(many=True))
    def get_trend(self, obj) -> list[dict]:
        return [{"day": day, "count": n} for day, n in obj.trend]


class HotTopicFilter(django_filters.FilterSet):
    run = _id_filter(_("挖掘记录编号"), field_name="run_id")
    status = django_filters.ChoiceFilter(choices=HotTopic._meta.get_field("status").choices)

    class Meta:
        model = HotTopic
        fields = ["run", "status"]


class HotTopicViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Candidate topics (热点议题) of the latest run unless ?run=<id>; the detail has the trend and evidence."""

    filterset_class = HotTopicFilter

    def get_serializer_class(self):
        return HotTopicDetailSerializer if self.action == "retrieve" else HotTopicSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HotTopic.objects.none()
        if self.action == "retrieve":
            return selectors.topics_visible_to(self.request.user).prefetch_related("items__content_type")
        qs = selectors.topics_visible_to(self.request.user)
        if "run" not in self.request.query_params:
            latest = selectors.latest_run()
            qs = qs.filter(run=latest) if latest else qs.none()
        return qs.order_by("-run__started_at", "rank")


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text=_("关键词（中文分词，所有词都须出现）"))
    kind = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text=_(
            "类型，可重复：appeal、opinion_report、meeting、outcome_item、proposal、topic_suggestion、plan_item"
        ),
    )
    town = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=_("镇街编号"))
    date_from = serializers.DateField(required=False, validators=DATE_BOUNDS)
    date_to = serializers.DateField(required=False, validators=DATE_BOUNDS)

    def validate_kind(self, value):
        known = {k.key for k in registry.all_kinds()}
        unknown = [v for v in value if v not in known]
        if unknown:
            raise serializers.ValidationError(_("未知的类型：%(kinds)s") % {"kinds": "、".join(unknown)})
        return value

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": _("截止日期不能早于起始日期。")})
        return data


class SearchPartSerializer(serializers.Serializer):
    text = serializers.CharField()
    hit = serializers.BooleanField(help_text=_("是否为命中词（界面中高亮）"))


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    id = serializers.IntegerField(help_text=_("记录编号"))
    title = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    title_parts = SearchPartSerializer(many=True)
    snippet_parts = SearchPartSerializer(many=True)


def _parts(parts) -> list[dict]:
    return [{"text": text, "hit": hit} for text, hit in parts]


class SearchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Full-text search (全文检索) over every kind the caller may open, newest first, hits marked."""

    serializer_class = SearchHitSerializer
    filter_backends = []

    def _query(self) -> dict:
        payload = SearchQuerySerializer(data=self.request.query_params)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    def get_queryset(self):
        from analytics.models import SearchDocument

        if getattr(self, "swagger_fake_view", False):
            return SearchDocument.objects.none()
        q = self._query()
        town = None
        if q.get("town"):
            from district.models import Town

            town = Town.objects.filter(pk=q["town"]).first()
            if town is None:
                return SearchDocument.objects.none()
        docs, self.terms = selectors.search_documents(
            self.request.user,
            q["q"],
            kinds=q.get("kind") or None,
            town=town,
            date_from=q.get("date_from"),
            date_to=q.get("date_to"),
        )
        return docs

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchHitSerializer(many=True))
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        hits = selectors.hits_for(list(page), getattr(self, "terms", []))
        rows = [
            {
                "kind": h.kind.key,
                "kind_label": str(h.kind.label),
                "id": h.doc.object_id,
                "title": h.doc.title,
                "url": h.url,
                "created_at": h.doc.created_at,
                "title_parts": _parts(h.title_parts),
                "snippet_parts": _parts(h.snippet_parts),
            }
            for h in hits
        ]
        return self.get_paginated_response(SearchHitSerializer(rows, many=True).data)


router = SimpleRouter()
router.register("analytics/routing-suggestions", RoutingSuggestionViewSet, basename="analytics-routing")
router.register("analytics/duplicates", DuplicateCandidateViewSet, basename="analytics-duplicate")
router.register("analytics/hot-topics", HotTopicViewSet, basename="analytics-topic")
router.register("search", SearchViewSet, basename="search")
urlpatterns = [path("", include(router.urls))]
