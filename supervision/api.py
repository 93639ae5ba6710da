"""/api/v1/supervision-tasks/ and /api/v1/special-reports/: records, progress, replies, transitions, history."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.workflow import RECORD_LIST_ACTION, WorkflowViewSetMixin
from supervision import selectors
from supervision.models import ProgressReport, SpecialReport, SupervisionTask, TaskExtensionRequest, TaskReply
from supervision.predicates import is_lead_liaison
from supervision.services import tasks as task_services


class SupervisionTaskSerializer(serializers.ModelSerializer):
    lead_department = serializers.StringRelatedField(allow_null=True)
    co_departments = serializers.StringRelatedField(many=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    special_report = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    outcome_item = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = SupervisionTask
        fields = [
            "id",
            "title",
            "description",
            "lead_department",
            "co_departments",
            "due_date",
            "status",
            "status_label",
            "progress",
            "was_overdue",
            "rating",
            "assigned_at",
            "replied_at",
            "closed_at",
            "source_withdrawn_at",
            "special_report",
            "outcome_item",
            "is_public",
        ]


class SupervisionProgressSerializer(serializers.ModelSerializer):
    department = serializers.StringRelatedField()
    author = serializers.StringRelatedField()

    class Meta:
        model = ProgressReport
        fields = ["id", "department", "percent", "text", "author", "created_at"]


class SupervisionProgressInputSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=5000)


class ReplyClassCodeField(serializers.CharField):
    """A reply's class by its code; "" while none is chosen."""

    def get_attribute(self, instance):
        return instance.reply_class.code if instance.reply_class_id else ""


class SupervisionReplySerializer(serializers.ModelSerializer):
    classification = ReplyClassCodeField(
        allow_blank=True,
        required=False,
        max_length=20,
        help_text=_("答复类别的代码（本地配置的督办答复类别，默认 solved、planned、cannot）。"),
    )

    class Meta:
        model = TaskReply
        fields = ["id", "round", "classification", "planned_date", "reason", "body", "submitted_at", "rating"]
        read_only_fields = ["id", "round", "submitted_at", "rating"]


class SupervisionExtensionRequestSerializer(serializers.ModelSerializer):
    department = serializers.StringRelatedField()
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField(allow_null=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = TaskExtensionRequest
        fields = [
            "id",
            "round",
            "department",
            "requested_by",
            "created_at",
            "current_due",
            "requested_due",
            "reason",
            "state",
            "state_label",
            "decided_by",
            "decided_at",
            "granted_due",
            "decision_note",
        ]


class SupervisionTaskViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision tasks the caller may see (liaisons: their own department's)."""

    serializer_class = SupervisionTaskSerializer
    filterset_fields = ["status", "lead_department", "special_report"]
    ordering_fields = ["due_date", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupervisionTask.objects.none()
        return (
            selectors.tasks_visible_to(self.request.user).prefetch_related("co_departments").order_by("due_date", "id")
        )

    @extend_schema(methods=["GET"], responses=SupervisionProgressSerializer(many=True), summary=_("办理进展"))
    @extend_schema(
        methods=["POST"],
        request=SupervisionProgressInputSerializer,
        responses=SupervisionProgressSerializer,
        summary=_("报送进展"),
    )
    @action(detail=True, methods=["get", "post"], url_path="progress", **RECORD_LIST_ACTION)
    def progress(self, request, pk=None):
        task = self.get_object()
        if request.method == "GET":
            return Response(SupervisionProgressSerializer(selectors.progress_of(task), many=True).data)
        payload = SupervisionProgressInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = task_services.report_progress(task=task, actor=request.user, **payload.validated_data)
        return Response(SupervisionProgressSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SupervisionExtensionRequestSerializer(many=True), summary=_("延期申请"))
    @action(detail=True, methods=["get"], url_path="extension-requests", **RECORD_LIST_ACTION)
    def extension_requests(self, request, pk=None):
        """The task's extension requests and their decisions; ask and decide through `transitions/`."""
        task = self.get_object()
        return Response(SupervisionExtensionRequestSerializer(selectors.extension_requests_of(task), many=True).data)

    @extend_schema(methods=["GET"], responses=SupervisionReplySerializer, summary=_("答复草稿"))
    @extend_schema(
        methods=["PUT"],
        request=SupervisionReplySerializer,
        responses=SupervisionReplySerializer,
        summary=_("保存答复草稿"),
    )
    @action(detail=True, methods=["get", "put"], url_path="reply-draft")
    def reply_draft(self, request, pk=None):
        """The lead department's draft reply; submit it with the `submit_reply` transition."""
        task = self.get_object()
        if request.method == "GET":
            # The draft is the lead department's work in progress, shown on the page only to them;
            # co-departments, the rater and the offices read the reply once it is submitted.
            if not is_lead_liaison(request.user, task):
                raise NotFound
            draft = selectors.draft_reply_of(task)
            return Response(SupervisionReplySerializer(draft).data if draft else {})
        payload = SupervisionReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = {k: payload.validated_data.get(k) for k in ("classification", "planned_date", "reason", "body")}
        fields = {k: v for k, v in fields.items() if v is not None}
        draft = task_services.save_reply_draft(task=task, actor=request.user, **fields)
        return Response(SupervisionReplySerializer(draft).data)


class SpecialReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    meeting = serializers.StringRelatedField()
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SpecialReport
        fields = [
            "id",
            "number",
            "title",
            "topic_title",
            "meeting",
            "items",
            "status",
            "status_label",
            "year",
            "signed_at",
            "issued_at",
        ]


class SpecialReportViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Special reports (专报件) with their sign-off workflow."""

    serializer_class = SpecialReportSerializer
    filterset_fields = ["status", "year"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SpecialReport.objects.none()
        return selectors.reports_visible_to(self.request.user).prefetch_related("items")


router = SimpleRouter()
router.register("supervision-tasks", SupervisionTaskViewSet, basename="supervision-task")
router.register("special-reports", SpecialReportViewSet, basename="special-report")
urlpatterns = [path("", include(router.urls))]
