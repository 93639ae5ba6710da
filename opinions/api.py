"""REST API: /api/v1/reports/ (社情民意信息) with the shared transitions/history endpoints."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.workflow import WorkflowViewSetMixin
from opinions import selectors, services
from opinions.models import OpinionReport


class OpinionReportSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    member = serializers.CharField(source="member.name", default="", read_only=True)
    provider = serializers.SerializerMethodField()
    bulletin = serializers.SerializerMethodField()

    class Meta:
        model = OpinionReport
        fields = [
            "id",
            "title",
            "body",
            "status",
            "status_label",
            "member",
            "provider",
            "is_urgent",
            "submitted_at",
            "signed_at",
            "bulletin",
            "reported_to",
            "feedback",
            "version",
            "created_at",
        ]

    def get_bulletin(self, obj) -> str:
        return str(obj.bulletin) if obj.bulletin_id else ""

    def get_provider(self, obj) -> str:
        return str(obj.provider) if obj.provider_id else ""


class OpinionReportCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    is_urgent = serializers.BooleanField(required=False, default=False)


class OpinionReportUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("读取时的版本号（乐观锁）"))
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class OpinionReportViewSet(
    WorkflowViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """社情民意 reports the caller may see; filters: q, status, year, mine."""

    serializer_class = OpinionReportSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OpinionReport.objects.none()
        params = self.request.query_params
        filters = {k: params.get(k) for k in ("q", "status", "year", "mine") if params.get(k)}
        return selectors.report_list(self.request.user, filters=filters)

    @extend_schema(request=OpinionReportCreateSerializer, responses={201: OpinionReportSerializer})
    def create(self, request):
        payload = OpinionReportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.create_report(actor=request.user, **payload.validated_data)
        return Response(OpinionReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OpinionReportUpdateSerializer, responses=OpinionReportSerializer)
    def partial_update(self, request, pk=None):
        report = self.get_object()
        payload = OpinionReportUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.update_report(
            report=report, actor=request.user, expected_version=data["version"], title=data["title"], body=data["body"]
        )
        return Response(OpinionReportSerializer(selectors.get_report_for(request.user, report.pk)).data)


router = SimpleRouter()
router.register("reports", OpinionReportViewSet, basename="opinionreport")
urlpatterns = [path("", include(router.urls))]
