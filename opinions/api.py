"""REST API: /api/v1/reports/ (社情民意信息) with the shared transitions/history endpoints."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.workflow import WorkflowViewSetMixin
from district.models import Member
from opinions import selectors, services
from opinions.models import OpinionReport, Status


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
    """A new draft. The information office entering a paper report names the member it counts for
    (`member_id`) and/or the group it is given in the name of (`provider`); a member may give their own
    sector, party or special committee as `provider`."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    is_urgent = serializers.BooleanField(required=False, default=False)
    member_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("反映人（委员）的编号，仅信息工作人员代为录入时填写"),
    )
    provider = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=_("报送名义，如 sector:3、party:2、body:5、workstation:1、group:4"),
    )

    def validate_member_id(self, value):
        if value is None:
            return None
        member = Member.objects.filter(pk=value).first()
        if member is None:
            raise serializers.ValidationError(_("所选委员不存在。"))
        return member

    def validate_provider(self, value):
        if not value:
            return None
        options = {key: group for key, group, _label in selectors.provider_options(self.context["request"].user)}
        if value not in options:
            raise serializers.ValidationError(_("所选报送名义无效或不可选。"))
        return options[value]


class OpinionReportUpdateSerializer(serializers.Serializer):
    """What a PATCH changes: the title, the body or both (what is left out stays as it is)."""

    version = serializers.IntegerField(help_text=_("读取时的版本号（乐观锁），必填"))
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False)


class OpinionReportFilterSerializer(serializers.Serializer):
    """The list's filters, checked: a state or a year that is not one is a 400 naming it, not an empty list."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("标题或委员姓名包含"))
    status = serializers.ChoiceField(choices=Status.choices, required=False, help_text=_("状态"))
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999, help_text=_("报送年份"))
    mine = serializers.BooleanField(required=False, help_text=_("只看本人撰写或署名的"))


class OpinionReportViewSet(
    WorkflowViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """社情民意 reports the caller may see; filters: q, status, year, mine."""

    serializer_class = OpinionReportSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OpinionReport.objects.none()
        given = {k: v for k, v in self.request.query_params.items() if k in ("q", "status", "year", "mine") and v}
        params = OpinionReportFilterSerializer(data=given)
        params.is_valid(raise_exception=True)
        filters = {k: v for k, v in params.validated_data.items() if v}
        return selectors.report_list(self.request.user, filters=filters)

    @extend_schema(parameters=[OpinionReportFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OpinionReportCreateSerializer, responses={201: OpinionReportSerializer})
    def create(self, request):
        payload = OpinionReportCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        member = data.pop("member_id", None)
        report = services.create_report(actor=request.user, member=member, **data)
        return Response(OpinionReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OpinionReportUpdateSerializer, responses=OpinionReportSerializer)
    def partial_update(self, request, pk=None):
        report = self.get_object()
        payload = OpinionReportUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.update_report(
            report=report,
            actor=request.user,
            expected_version=data["version"],
            title=data.get("title", report.title),
            body=data.get("body", report.body),
        )
        return Response(OpinionReportSerializer(selectors.get_report_for(request.user, report.pk)).data)


router = SimpleRouter()
router.register("reports", OpinionReportViewSet, basename="opinionreport")
urlpatterns = [path("", include(router.urls))]
