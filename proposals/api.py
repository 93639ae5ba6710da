"""REST API: /api/v1/proposals/ with the shared transitions/history endpoints and the handling operations."""

from django.urls import include, path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.workflow import WorkflowViewSetMixin
from district.models import Body, Department, Member, Party, Sector
from proposals import selectors, services
from proposals.api_filters import ProposalFilter
from proposals.models import ContactMethod, Kind, Proposal


class ProposalSignerSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.name")
    accepted = serializers.BooleanField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)


class ProposalUnitSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.name")
    department_id = serializers.IntegerField()
    role = serializers.CharField(help_text="lead / co / separate")


class ProposalListSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    proposer = serializers.CharField(source="proposer_label", read_only=True)
    status = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    units = ProposalUnitSerializer(source="active_assignments", many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "proposer",
            "status",
            "status_label",
            "units",
            "reply_due",
            "is_key",
            "is_excellent",
            "version",
        ]


class ProposalReplySerializer(serializers.Serializer):
    department = serializers.CharField(source="department.name")
    round = serializers.IntegerField()
    reply_class = serializers.CharField(source="reply_class.code")
    body = serializers.CharField()
    signed_by = serializers.CharField()


class ProposalRatingSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    user = serializers.CharField(source="user.display")
    rating = serializers.CharField(help_text="satisfied / basic / unsatisfied")
    reason = serializers.CharField()


class ProposalDetailSerializer(ProposalListSerializer):
    signers = ProposalSignerSerializer(many=True, read_only=True)
    replies = serializers.SerializerMethodField()
    ratings = serializers.SerializerMethodField()
    rating_result = serializers.SerializerMethodField()
    suggested_departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(ProposalListSerializer.Meta):
        fields = [
            *ProposalListSerializer.Meta.fields,
            "case",
            "analysis",
            "suggestions",
            "suggested_departments",
            "is_urgent",
            "consents_to_conversion",
            "round",
            "reject_ground",
            "conversion",
            "merged_into",
            "cosign_deadline",
            "submitted_at",
            "filed_at",
            "assigned_at",
            "replied_at",
            "signers",
            "replies",
            "ratings",
            "rating_result",
        ]

    @extend_schema_field(ProposalReplySerializer(many=True))
    def get_replies(self, obj):
        # A reply under the office's review is not yet the proposers' (nor other members') to read.
        replies = selectors.replies_for(self.context["request"].user, obj)
        return ProposalReplySerializer(replies, many=True).data

    @extend_schema_field(ProposalRatingSerializer(many=True))
    def get_ratings(self, obj):
        # Each proposer's rating and reason: the handling side and the proposers only (as on the page).
        return ProposalRatingSerializer(selectors.ratings_for(self.context["request"].user, obj), many=True).data

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text=_(
                "提案的评价结果（satisfied / basic / unsatisfied，按统计口径：最近一轮中最低的评价）；未评价时为null"
            ),
        )
    )
    def get_rating_result(self, obj):
        return selectors.rating_result(obj)


class ProposalCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(default=Kind.INDIVIDUAL, help_text="individual / joint / collective")
    title = serializers.CharField(max_length=200)
    case = serializers.CharField(required=False, allow_blank=True, default="")
    analysis = serializers.CharField(required=False, allow_blank=True, default="")
    suggestions = serializers.CharField(required=False, allow_blank=True, default="")
    suggested_departments = serializers.PrimaryKeyRelatedField(
        many=True, required=False, default=list, queryset=Department.objects.filter(is_active=True)
    )
    is_urgent = serializers.BooleanField(required=False, default=False)
    consents_to_conversion = serializers.BooleanField(required=False, default=False)
    org_sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all(), required=False, allow_null=True)
    org_party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False, allow_null=True)
    org_body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all(), required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, help_text=_("app_label.model:pk"))


class ProposalDraftUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("读取时的版本号（乐观锁）"))
    kind = serializers.ChoiceField(
        choices=[(Kind.INDIVIDUAL, Kind.INDIVIDUAL.label)],
        required=False,
        help_text=_("联名提案草稿改为个人提案时传individual（联名人将被移除）"),
    )
    title = serializers.CharField(max_length=200, required=False)
    case = serializers.CharField(required=False, allow_blank=True)
    analysis = serializers.CharField(required=False, allow_blank=True)
    suggestions = serializers.CharField(required=False, allow_blank=True)
    is_urgent = serializers.BooleanField(required=False)
    consents_to_conversion = serializers.BooleanField(required=False)


class ProposalCosignersSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField(), help_text=_("联名委员的ID"))


class ProposalCosignAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class ProposalContactInputSerializer(serializers.Serializer):
    method = serializers.CharField(help_text=" / ".join(ContactMethod.values))
    contacted_on = serializers.DateField()
    proposer_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    summary = serializers.CharField()


class ProposalOpinionInputSerializer(serializers.Serializer):
    opinion = serializers.CharField()


class ProposalReplyInputSerializer(serializers.Serializer):
    reply_class = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("答复类别代码，如A、B、C")
    )
    body = serializers.CharField(max_length=5000)
    signed_by = serializers.CharField(max_length=30)
    contact_name = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("联系人；默认为本单位上一轮答复的联系人，否则为报送人"),
    )
    contact_phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("联系电话；默认为本单位上一轮答复的联系电话，否则为报送人的手机号"),
    )
    sealed_letter = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("可选：加盖单位公章的答复函扫描件（multipart/form-data上传）"),
    )


class ProposalRatingInputSerializer(serializers.Serializer):
    rating = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProposerContactSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk", help_text=_("委员ID"))
    name = serializers.CharField(help_text=_("提案者姓名"))
    phone = serializers.CharField(help_text=_("手机号（完整号码；未登记时为空）"))


class ProposalViewSet(
    WorkflowViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Proposals the caller may see; the list's filters are in proposals.api_filters.ProposalFilter."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ProposalFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        if self.action == "list":
            return selectors.proposal_list(self.request.user)
        return selectors.with_lists(selectors.proposals_visible_to(self.request.user))

    def filter_queryset(self, queryset):
        # The filters are the list's: a detail or an action finds its proposal by id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return ProposalListSerializer if self.action == "list" else ProposalDetailSerializer

    def _detail(self, proposal, code=status.HTTP_200_OK):
        proposal = selectors.with_lists(selectors.proposals_visible_to(self.request.user)).get(pk=proposal.pk)
        return Response(ProposalDetailSerializer(proposal, context={"request": self.request}).data, status=code)

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalDetailSerializer})
    def create(self, request):
        payload = ProposalCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        ref = data.pop("source", "")
        source = services.parse_source(ref, viewer=request.user) if ref else None
        departments = data.pop("suggested_departments")
        proposal = services.create_proposal(actor=request.user, departments=departments, source=source, **data)
        return self._detail(proposal, status.HTTP_201_CREATED)

    @extend_schema(request=ProposalDraftUpdateSerializer, responses=ProposalDetailSerializer)
    def partial_update(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalDraftUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        kind = data.pop("kind", None)
        services.update_draft(proposal=proposal, actor=request.user, expected_version=data.pop("version"), **data)
        if kind and proposal.kind != kind:
            services.make_individual(proposal=proposal, actor=request.user)
        return self._detail(proposal)

    @extend_schema(
        request=ProposalCosignersSerializer,
        responses=ProposalDetailSerializer,
        summary=_("邀请联名委员"),
    )
    @action(detail=True, methods=["post"])
    def cosigners(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalCosignersSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = payload.validated_data["members"]
        found = {m.pk: m for m in Member.objects.filter(pk__in=ids)}
        members = [found.get(i) for i in ids]
        services.set_cosigners(proposal=proposal, members=members, actor=request.user)
        return self._detail(proposal)

    @extend_schema(
        request=ProposalCosignAnswerSerializer,
        responses=ProposalDetailSerializer,
        summary=_("答复联名邀请"),
    )
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalCosignAnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.respond_cosign(proposal=proposal, actor=request.user, accept=payload.validated_data["accept"])
        return self._detail(proposal)

    @extend_schema(
        request=ProposalContactInputSerializer,
        responses={201: ProposalDetailSerializer},
        summary=_("记录办前沟通"),
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalContactInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.record_contact(proposal=proposal, actor=request.user, **payload.validated_data)
        return self._detail(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposalOpinionInputSerializer,
        responses=ProposalDetailSerializer,
        summary=_("提交会办意见"),
    )
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalOpinionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.submit_opinion(proposal=proposal, actor=request.user, **payload.validated_data)
        return self._detail(proposal)

    @extend_schema(
        request=ProposalReplyInputSerializer,
        responses={201: ProposalDetailSerializer},
        summary=_("提交办理答复"),
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalReplyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.submit_reply(proposal=proposal, actor=request.user, **payload.validated_data)
        return self._detail(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposalRatingInputSerializer,
        responses={201: ProposalDetailSerializer},
        summary=_("评价办理答复"),
    )
    @action(detail=True, methods=["post"])
    def ratings(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalRatingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.rate_reply(proposal=proposal, actor=request.user, **payload.validated_data)
        return self._detail(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=ProposerContactSerializer(many=True),
        summary=_("查看提案者联系方式"),
        description=_(
            "正在办理该提案的承办单位联络员（主办、会办或分办单位）在答复获批前查看提案者的完整手机号，"
            "以便办前沟通；每次查看按提案者逐一记入个人信息访问记录。其他人返回403，看不到该提案的返回404。"
        ),
    )
    @action(detail=True, methods=["post"], url_path="proposer-contacts", pagination_class=None, filter_backends=[])
    def proposer_contacts(self, request, pk=None):
        """查看提案者联系方式: the page's logged look (`services.reveal_proposer_contacts`), over the API."""
        proposal = self.get_object()
        contacts = services.reveal_proposer_contacts(proposal=proposal, viewer=request.user)
        response = Response(ProposerContactSerializer(contacts, many=True).data)
        add_never_cache_headers(response)  # full phone numbers: kept by no cache
        return response


router = SimpleRouter()
router.register("proposals", ProposalViewSet, basename="proposal")
urlpatterns = [path("", include(router.urls))]
