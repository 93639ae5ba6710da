"""REST API: research groups, reports, meetings, participants, outcome items (+ transitions/history)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from consultations import selectors, services
from consultations.models import (
    ConsultationReport,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    OutcomeItem,
    ParticipantRole,
    ResearchGroup,
)
from core.api.workflow import RECORD_LIST_ACTION, WorkflowViewSetMixin
from district.models import Department, Member


class ResearchGroupSerializer(serializers.ModelSerializer):
    lead = serializers.CharField(source="lead.name")
    subject_type = serializers.SerializerMethodField()

    class Meta:
        model = ResearchGroup
        fields = ["id", "title", "year", "status", "lead", "subject_type", "subject_id", "description", "created_at"]

    def get_subject_type(self, obj) -> str | None:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}" if obj.subject_type_id else None


class ResearchGroupViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Research groups (课题组) the caller may see; experts see only their own."""

    serializer_class = ResearchGroupSerializer
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ResearchGroup.objects.none()
        return selectors.groups_visible_to(self.request.user).order_by("-year", "id")


class ConsultationReportSerializer(serializers.ModelSerializer):
    open_mandatory_comments = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationReport
        fields = ["id", "group", "title", "body", "status", "version", "versions", "open_mandatory_comments"]

    def get_open_mandatory_comments(self, obj) -> int:
        return selectors.open_mandatory_comments(obj).count()

    def get_versions(self, obj) -> int:
        return obj.versions.count()


class ConsultationReportViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Consultation reports (协商议政报告) of groups whose material the caller may read."""

    serializer_class = ConsultationReportSerializer
    filterset_fields = ["status", "group"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationReport.objects.none()
        return selectors.reports_visible_to(self.request.user).order_by("id")


class ConsultationParticipantSerializer(serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = MeetingParticipant
        fields = [
            "id",
            "meeting",
            "role",
            "name",
            "department",
            "member",
            "attendance",
            "deputy_name",
            "reason",
            "responded_at",
            "checked_in_at",
        ]


class ConsultationMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "starts_at",
            "ends_at",
            "place",
            "agenda",
            "conveners",
            "research_group",
            "minutes_summary",
            "ics_sequence",
        ]


class ConsultationMeetingMaterialSerializer(serializers.Serializer):
    """One file of a meeting material (会议材料), downloaded through the same view as on the meeting's page."""

    id = serializers.IntegerField(help_text=_("材料编号"))
    title = serializers.CharField(help_text=_("材料名称"))
    file_name = serializers.CharField(help_text=_("文件名"))
    size = serializers.IntegerField(help_text=_("文件大小（字节）"))
    uploaded_at = serializers.DateTimeField(help_text=_("上传时间"))
    uploaded_by = serializers.CharField(help_text=_("上传人"))
    download_url = serializers.URLField(
        help_text=_("下载地址（接口 /api/v1/files/…，令牌或登录均可，仅限可查看该会议的用户）")
    )


class ConsultationMeetingDetailSerializer(ConsultationMeetingSerializer):
    materials = serializers.SerializerMethodField(
        help_text=_(
            "会议材料：受邀参会人员和会议召集、组织方可见，与会议页面及下载的规则相同，其他人为空列表；"
            "仅会议详情含此项，会议列表不含。"
        )
    )

    class Meta(ConsultationMeetingSerializer.Meta):
        fields = [*ConsultationMeetingSerializer.Meta.fields, "materials"]

    @extend_schema_field(ConsultationMeetingMaterialSerializer(many=True))
    def get_materials(self, meeting) -> list:
        request = self.context["request"]
        rows = [
            {
                "id": material.pk,
                "title": material.title,
                "file_name": f.original_name,
                "size": f.size,
                "uploaded_at": material.created_at,
                "uploaded_by": material.uploaded_by.display,
                "download_url": request.build_absolute_uri(reverse("api-file", args=[f.token])),
            }
            for material in selectors.materials_for(request.user, meeting)
            for f in material.files
        ]
        return ConsultationMeetingMaterialSerializer(rows, many=True).data


class ConsultationMeetingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            MeetingKind.THEMATIC,
            MeetingKind.STANDING,
            MeetingKind.CHAIRS,
            MeetingKind.COUNTERPART,
            MeetingKind.PROPOSAL_HANDLING,
        ],
        default=MeetingKind.THEMATIC,
    )
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    leader_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False, default=list
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(is_active=True), many=True, required=False, default=list
    )
    research_group = serializers.IntegerField(required=False, allow_null=True, default=None)


class ConsultationParticipantInviteSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.MEMBER)
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class ConsultationParticipantReplySerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=["attend", "deputy", "decline"], help_text=_("参加/委托/请假"))
    deputy_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ConsultationMeetingViewSet(WorkflowViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings of every format; creating one convenes a consultation (departments required). A meeting's
    detail lists its materials; the list does not (one query per page, however many meetings)."""

    serializer_class = ConsultationMeetingSerializer
    filterset_fields = ["kind", "status", "research_group"]
    ordering_fields = ["starts_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return selectors.meetings_visible_to(self.request.user).order_by("-starts_at", "-id")

    def get_serializer_class(self):
        return ConsultationMeetingDetailSerializer if self.action == "retrieve" else ConsultationMeetingSerializer

    @extend_schema(request=ConsultationMeetingCreateSerializer, responses=ConsultationMeetingSerializer)
    def create(self, request, *args, **kwargs):
        payload = ConsultationMeetingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        group_id = data.pop("research_group")
        group = selectors.get_group_for(request.user, group_id) if group_id else None
        meeting = services.create_consultation_meeting(actor=request.user, research_group=group, **data)
        return Response(ConsultationMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ConsultationParticipantSerializer(many=True), summary=_("参会人员"))
    @extend_schema(
        methods=["POST"],
        request=ConsultationParticipantInviteSerializer,
        responses=ConsultationParticipantSerializer,
        summary=_("邀请参会人员"),
    )
    @action(detail=True, methods=["get", "post"], url_path="participants", **RECORD_LIST_ACTION)
    def participants(self, request, pk=None):
        meeting = self.get_object()
        if request.method == "GET":
            rows = selectors.participants_of(meeting)
            return Response(ConsultationParticipantSerializer(rows, many=True).data)
        payload = ConsultationParticipantInviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.invite(meeting=meeting, actor=request.user, refuse_existing=True, **payload.validated_data)
        return Response(ConsultationParticipantSerializer(row).data, status=status.HTTP_201_CREATED)


class ConsultationParticipantViewSet(viewsets.ReadOnlyModelViewSet):
    """Invitations; reply (attend / named deputy / decline with reason) and check in."""

    serializer_class = ConsultationParticipantSerializer
    filterset_fields = ["meeting", "attendance", "role"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MeetingParticipant.objects.none()
        visible = selectors.meetings_visible_to(self.request.user)
        return MeetingParticipant.objects.filter(meeting__in=visible).select_related("meeting").order_by("id")

    @extend_schema(
        request=ConsultationParticipantReplySerializer,
        responses=ConsultationParticipantSerializer,
        summary=_("答复会议邀请（参加、请假或委托）"),
    )
    @action(detail=True, methods=["post"], url_path="respond")
    def respond(self, request, pk=None):
        payload = ConsultationParticipantReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.respond_to_invitation(
            participant=self.get_object(), actor=request.user, **payload.validated_data
        )
        return Response(ConsultationParticipantSerializer(row).data)

    @extend_schema(request=None, responses=ConsultationParticipantSerializer, summary=_("会议签到"))
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        row = services.check_in(participant=self.get_object(), actor=request.user)
        return Response(ConsultationParticipantSerializer(row).data)


class ConsultationOutcomeItemSerializer(serializers.ModelSerializer):
    responsible_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False
    )
    responsible_department_name = serializers.CharField(source="responsible_department.name", read_only=True)
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())

    class Meta:
        model = OutcomeItem
        fields = [
            "id",
            "meeting",
            "order",
            "recommendation",
            "responsible_department",
            "responsible_department_name",
            "co_departments",
            "agreed_action",
            "due_date",
        ]
        read_only_fields = ["order"]

    def validate_meeting(self, meeting):
        if not selectors.meetings_visible_to(self.context["request"].user).filter(pk=meeting.pk).exists():
            raise serializers.ValidationError(_("未找到该会议。"))
        return meeting


class ConsultationOutcomeItemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Outcome items (协商成果事项): recommendation, responsible department, agreed action, due date."""

    serializer_class = ConsultationOutcomeItemSerializer
    filterset_fields = ["meeting", "responsible_department"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutcomeItem.objects.none()
        return selectors.outcome_items_visible_to(self.request.user).order_by("meeting", "order", "id")

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.record_outcome_item(actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        payload = self.get_serializer(item, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = {
            "recommendation": item.recommendation,
            "responsible_department": item.responsible_department,
            "agreed_action": item.agreed_action,
            "due_date": item.due_date,
            "co_departments": list(item.co_departments.all()),
            **payload.validated_data,
        }
        data.pop("meeting", None)
        item = services.update_outcome_item(item=item, actor=request.user, **data)
        return Response(self.get_serializer(item).data)


router = SimpleRouter()
router.register("research-groups", ResearchGroupViewSet, basename="research-group")
router.register("consultation-reports", ConsultationReportViewSet, basename="consultation-report")
router.register("meetings", ConsultationMeetingViewSet, basename="meeting")
router.register("meeting-participants", ConsultationParticipantViewSet, basename="meeting-participant")
router.register("outcome-items", ConsultationOutcomeItemViewSet, basename="outcome-item")
urlpatterns = [path("", include(router.urls))]
