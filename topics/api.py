"""/api/v1/ for the annual plan: rounds, suggestions, plans, items, votes (with transitions and history)."""

import django_filters
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.settings import api_settings

from consultations.models import Attendance
from core.api.workflow import RECORD_LIST_ACTION, WorkflowViewSetMixin
from district.models import Body, Department, Member
from topics import predicates as p
from topics import selectors
from topics.diff import diff_items
from topics.models import (
    CollectionRound,
    ConsultationFormat,
    ConsultationPlan,
    PlanItem,
    PlanVersion,
    PlanVote,
    TopicSuggestion,
    VoteChoice,
)
from topics.models.plan import Office
from topics.services import plan as plan_services
from topics.services import publication, suggestions, votes

STATE_HELP = _("状态代码，见 GET transitions/ 与文档")


class TopicRoundSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=STATE_HELP)

    class Meta:
        model = CollectionRound
        fields = ["id", "year", "title", "notice", "deadline", "status"]


class TopicSuggestionSerializer(serializers.ModelSerializer):
    suggested_format = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    proposer = serializers.CharField(source="proposer_label", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATE_HELP)

    class Meta:
        model = TopicSuggestion
        fields = [
            "id",
            "round",
            "title",
            "background",
            "why_now",
            "suggested_format",
            "departments",
            "proposer",
            "status",
            "merged_into",
            "rejection_reason",
            "submitted_at",
            "version",
        ]


class TopicSuggestionCreateSerializer(serializers.Serializer):
    round = serializers.PrimaryKeyRelatedField(queryset=CollectionRound.objects.all())
    title = serializers.CharField(max_length=120)
    background = serializers.CharField()
    why_now = serializers.CharField(required=False, allow_blank=True, default="")
    suggested_format = serializers.SlugRelatedField(
        slug_field="code", queryset=ConsultationFormat.objects.filter(is_active=True), required=False, allow_null=True
    )
    departments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.filter(is_active=True), required=False
    )
    submit = serializers.BooleanField(required=False, default=False)


class RoundViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Collection rounds (议题征集)."""

    serializer_class = TopicRoundSerializer
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CollectionRound.objects.none()
        return selectors.rounds_visible_to(self.request.user).order_by("-year")


class SuggestionViewSet(WorkflowViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Topic suggestions; POST creates one (optionally submitted at once)."""

    serializer_class = TopicSuggestionSerializer
    filterset_fields = ["round", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TopicSuggestion.objects.none()
        return selectors.suggestion_list(self.request.user)

    def get_serializer_class(self):
        return TopicSuggestionCreateSerializer if self.action == "create" else TopicSuggestionSerializer

    @extend_schema(request=TopicSuggestionCreateSerializer, responses={201: TopicSuggestionSerializer})
    def create(self, request, *args, **kwargs):
        payload = TopicSuggestionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        submit = data.pop("submit")
        suggestion = suggestions.create_suggestion(**data, suggester=request.user, submit=submit)
        return Response(TopicSuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


class PlanItemSerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=ConsultationPlan.objects.all())
    format = serializers.SlugRelatedField(slug_field="code", queryset=ConsultationFormat.objects.all())
    lead_member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    lead_body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all(), required=False, allow_null=True)
    departments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.filter(is_active=True), required=False
    )
    origins = serializers.PrimaryKeyRelatedField(many=True, queryset=TopicSuggestion.objects.all(), required=False)
    timing = serializers.CharField(read_only=True)
    version = serializers.IntegerField(
        required=False, help_text=_("修改时必填：读取时的版本号；他人已保存更新版本时返回409。")
    )
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("编制备注：仅计划的编制与审议者可见，其他人读到空字符串。"),
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "order",
            "title",
            "format",
            "quarter",
            "month",
            "timing",
            "lead_member",
            "lead_body",
            "departments",
            "origins",
            "notes",
            "version",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("sees_notes", False):
            data["notes"] = ""
        return data


class PlanItemFilter(django_filters.FilterSet):
    """`consultation_format` takes the code the items show (`standing`); the old name `format` clashed with
    DRF's ?format= renderer override (every value was a 404) and still works as a hidden alias."""

    consultation_format = django_filters.CharFilter(
        method="filter_format", help_text=_("协商形式代码（与记录中的 format 相同，如 standing）；也接受其编号。")
    )

    class Meta:
        model = PlanItem
        fields = ["plan", "consultation_format", "lead_body"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "format" in data and "consultation_format" not in data:
            value = data.get("format")
            if value not in {r.format for r in api_settings.DEFAULT_RENDERER_CLASSES}:
                data = data.copy()
                data["consultation_format"] = value
        super().__init__(data, *args, **kwargs)

    def filter_format(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(format_id=int(value))
        return queryset.filter(format__code=value)


class FormatAsFilterNegotiation(DefaultContentNegotiation):
    """?format=<a value no renderer answers to> is the plan items' old filter name, not a 404."""

    def filter_renderers(self, renderers, format):
        return [r for r in renderers if r.format == format] or renderers


class PlanItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Items of the plans; writes go to the working copy of an editable plan (optimistic locking)."""

    serializer_class = PlanItemSerializer
    filterset_class = PlanItemFilter
    content_negotiation_class = FormatAsFilterNegotiation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanItem.objects.none()
        return selectors.item_list(self.request.user).prefetch_related("origins")

    def get_serializer_context(self):
        # Asked once per request, not once per item of a list.
        return {**super().get_serializer_context(), "sees_notes": p.sees_plan_deliberations(self.request.user)}

    @extend_schema(request=PlanItemSerializer, responses={201: PlanItemSerializer})
    def create(self, request, *args, **kwargs):
        payload = PlanItemSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("version", None)
        plan = selectors.get_plan_for(request.user, data.pop("plan").pk)
        item = plan_services.add_item(plan=plan, actor=request.user, **data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemSerializer, responses=PlanItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        payload = PlanItemSerializer(item, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("plan", None)
        expected = data.pop("version", item.version)
        item = plan_services.update_item(item=item, expected_version=expected, actor=request.user, **data)
        return Response(self.get_serializer(item).data)

    def destroy(self, request, *args, **kwargs):
        plan_services.delete_item(item=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanVersionSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    stage = serializers.CharField(read_only=True, help_text=STATE_HELP)
    signoffs = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "stage", "note", "author", "created_at", "items", "signoffs"]

    def get_signoffs(self, obj) -> list[dict]:
        return [
            {
                "office": s.office,
                "agreed": s.agreed,
                "comment": s.comment,
                "items": [{"item": c.item_id, "title": c.item_title, "text": c.text} for c in s.item_comments.all()],
            }
            for s in obj.signoffs.all()
        ]


class ConsultationPlanSerializer(serializers.ModelSerializer):
    current_version = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True, help_text=STATE_HELP)

    class Meta:
        model = ConsultationPlan
        fields = ["id", "year", "title", "status", "current_version", "doc_number", "published_on", "version"]


class ConsultationPlanCreateSerializer(serializers.Serializer):
    # A plain field, not the model's unique validator: a taken year is refused by the service, naming the plan.
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=120)
    preamble = serializers.CharField(required=False, allow_blank=True, default="")
    round = serializers.PrimaryKeyRelatedField(
        queryset=CollectionRound.objects.all(), required=False, allow_null=True, default=None
    )


class PlanVersionInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PlanSignOffInputSerializer(serializers.Serializer):
    agreed = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    item_comments = serializers.DictField(child=serializers.CharField(), required=False, default=dict)


class PlanSignOffResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    office = serializers.ChoiceField(choices=Office.choices)


class PlanReceiptSerializer(serializers.Serializer):
    department = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField()


class PlanDiffRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    old = serializers.DictField(allow_null=True)
    new = serializers.DictField(allow_null=True)
    changed = serializers.ListField(child=serializers.CharField())


class PlanViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Annual consultation plans; the approval steps are the shared transitions."""

    serializer_class = ConsultationPlanSerializer
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationPlan.objects.none()
        return selectors.plans_visible_to(self.request.user).select_related("current_version").order_by("-year")

    @extend_schema(
        request=ConsultationPlanCreateSerializer,
        responses={201: ConsultationPlanSerializer},
        summary=_("编制年度协商计划（每个年度一份；已有时返回 409 plan_exists）"),
    )
    def create(self, request, *args, **kwargs):
        payload = ConsultationPlanCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = plan_services.create_plan(**payload.validated_data, actor=request.user)
        return Response(ConsultationPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def may_read_history(self, obj) -> bool:
        """The timeline carries the chairs' and the leader's comments: the plan's deliberations."""
        return p.sees_plan_deliberations(self.request.user)

    def get_deliberated_object(self) -> ConsultationPlan:
        """The plan, for those who may read its deliberations (versions, sign-offs); 404 for others."""
        plan = self.get_object()
        if not self.may_read_history(plan):
            raise NotFound
        return plan

    @extend_schema(responses=PlanVersionSerializer(many=True), summary=_("计划的全部版本与会签"))
    @action(detail=True, methods=["get"], **RECORD_LIST_ACTION)
    def versions(self, request, pk=None):
        return Response(PlanVersionSerializer(selectors.versions_of(self.get_deliberated_object()), many=True).data)

    @extend_schema(
        request=PlanVersionInputSerializer,
        responses={201: PlanVersionSerializer},
        summary=_("把工作稿形成新版本"),
    )
    @action(detail=True, methods=["post"], url_path="versions/new")
    def new_version(self, request, pk=None):
        plan = self.get_object()
        payload = PlanVersionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = plan_services.cut_version(plan=plan, actor=request.user, **payload.validated_data)
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PlanSignOffInputSerializer, responses={201: PlanSignOffResultSerializer}, summary=_("会签当前版本")
    )
    @action(detail=True, methods=["post"])
    def signoff(self, request, pk=None):
        plan = self.get_object()
        payload = PlanSignOffInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signoff = plan_services.sign_off(version=plan.current_version, actor=request.user, **payload.validated_data)
        return Response({"id": signoff.pk, "office": signoff.office}, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=PlanDiffRowSerializer(many=True),
        parameters=[
            OpenApiParameter("a", int, required=True, description=_("旧版本号")),
            OpenApiParameter("b", int, required=True, description=_("新版本号")),
        ],
        summary=_("两个版本的对照（?a=1&b=2）"),
    )
    @action(detail=True, methods=["get"], **RECORD_LIST_ACTION)
    def diff(self, request, pk=None):
        plan = self.get_deliberated_object()
        found = {v.number: v for v in plan.versions.all()}
        a, b = (found.get(_int(request.query_params.get(k))) for k in ("a", "b"))
        if a is None or b is None:
            return Response(
                {"error": {"code": "invalid", "message": str(_("请用a和b指定两个版本号。")), "fields": {}}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        rows = [
            {"kind": r.kind, "old": r.old, "new": r.new, "changed": r.changed} for r in diff_items(a.items, b.items)
        ]
        return Response(rows)

    @extend_schema(request=None, responses={200: PlanReceiptSerializer}, summary=_("部门签收已印发的计划"))
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        receipt = publication.acknowledge_receipt(plan=self.get_object(), actor=request.user)
        return Response({"department": receipt.department_id, "acknowledged_at": receipt.acknowledged_at})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PlanVoteSerializer(serializers.ModelSerializer):
    present = serializers.SerializerMethodField()

    class Meta:
        model = PlanVote
        fields = [
            "id",
            "plan",
            "version",
            "meeting",
            "method",
            "standing_total",
            "present",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "result",
            "opened_at",
            "closed_at",
        ]

    def get_present(self, obj) -> int:
        return votes.outcome_of(obj).present


class PlanVoteOpenSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=PlanVote.Method.choices, default=PlanVote.Method.HANDS)


class PlanVoteAttendanceSerializer(serializers.Serializer):
    attendance = serializers.DictField(
        child=serializers.ChoiceField(choices=[Attendance.PRESENT, Attendance.ABSENT, Attendance.DECLINED]),
        help_text=_("委员ID → present / absent / declined"),
    )


class PlanVoteTallySerializer(serializers.Serializer):
    votes_for = serializers.IntegerField(min_value=0)
    votes_against = serializers.IntegerField(min_value=0)
    votes_abstain = serializers.IntegerField(min_value=0)


class PlanBallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class PlanPaperBallotSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text=_("出席会议但没有可登录账号的常委（委员ID）"))
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class PlanBallotResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class PlanVoteViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Standing-committee votes on plans: open, attendance, tally or ballots, result."""

    serializer_class = PlanVoteSerializer
    filterset_fields = ["plan", "method", "result"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanVote.objects.none()
        return selectors.votes_visible_to(self.request.user).select_related("meeting").order_by("-opened_at")

    @extend_schema(request=PlanVoteOpenSerializer, responses={201: PlanVoteSerializer})
    def create(self, request, *args, **kwargs):
        payload = PlanVoteOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        plan = selectors.get_plan_for(request.user, data.pop("plan"))
        vote = votes.open_vote(plan=plan, actor=request.user, **data)
        return Response(PlanVoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanVoteAttendanceSerializer, responses=PlanVoteSerializer, summary=_("登记出席情况"))
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        payload = PlanVoteAttendanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rows = {_int(k): v for k, v in payload.validated_data["attendance"].items() if _int(k)}
        vote = self.get_object()
        votes.record_attendance(vote=vote, actor=request.user, attendance=rows)
        return Response(PlanVoteSerializer(vote).data)

    @extend_schema(request=PlanVoteTallySerializer, responses=PlanVoteSerializer, summary=_("录入举手表决票数"))
    @action(detail=True, methods=["post"])
    def tally(self, request, pk=None):
        payload = PlanVoteTallySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        vote = votes.record_tally(vote=self.get_object(), actor=request.user, **payload.validated_data)
        return Response(PlanVoteSerializer(vote).data)

    @extend_schema(request=PlanBallotSerializer, responses={201: PlanBallotResultSerializer}, summary=_("常委在线表决"))
    @action(detail=True, methods=["post"])
    def ballot(self, request, pk=None):
        payload = PlanBallotSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ballot = votes.cast_ballot(vote=self.get_object(), actor=request.user, choice=payload.validated_data["choice"])
        return Response({"id": ballot.pk, "choice": ballot.choice}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PlanPaperBallotSerializer, responses={201: PlanBallotResultSerializer}, summary=_("代为录入书面表决票")
    )
    @action(detail=True, methods=["post"], url_path="paper-ballot")
    def paper_ballot(self, request, pk=None):
        payload = PlanPaperBallotSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ballot = votes.record_paper_ballot(
            vote=self.get_object(),
            actor=request.user,
            member_id=payload.validated_data["member"],
            choice=payload.validated_data["choice"],
        )
        return Response({"id": ballot.pk, "choice": ballot.choice}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ConsultationPlanSerializer, summary=_("宣布表决结果"))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        plan = votes.close_vote(vote=self.get_object(), actor=request.user)
        return Response(ConsultationPlanSerializer(plan).data)


router = SimpleRouter()
router.register("plan-rounds", RoundViewSet, basename="plan-round")
router.register("plan-suggestions", SuggestionViewSet, basename="plan-suggestion")
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-items", PlanItemViewSet, basename="plan-item")
router.register("plan-votes", PlanVoteViewSet, basename="plan-vote")
urlpatterns = [path("", include(router.urls))]
