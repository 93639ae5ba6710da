"""/api/v1/appeals/: appeals for staff, with workflow transitions, history and audited contact access."""

from django.urls import include, path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.predicates import is_member, is_office
from core.api.pagination import KeysetPagination
from core.api.workflow import WorkflowViewSetMixin
from core.exceptions import DomainError
from core.privacy import masked
from core.validators import validate_phone
from intake import selectors, services
from intake.forms import StaffAppealForm
from intake.models import Appeal, AppealRating, PlanState
from intake.predicates import shows_tracking_code
from intake.services import TITLE_MAX


class AppealRatingSerializer(serializers.ModelSerializer):
    """The citizen's rating of the latest rated handling round (read-only: citizens rate on the tracking page)."""

    class Meta:
        model = AppealRating
        fields = ["round", "rating", "comment", "created_at"]
        read_only_fields = fields


class AppealListSerializer(serializers.ModelSerializer):
    category = serializers.StringRelatedField(allow_null=True)
    town = serializers.StringRelatedField(allow_null=True)
    community = serializers.StringRelatedField(allow_null=True)
    handler = serializers.CharField(source="handler_label", read_only=True)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    # The tracking code (查询码) is the citizen's key to the tracking page: null unless the caller gives it
    # to the citizen or answers the citizen (intake.predicates.shows_tracking_code); `merged_into` is the
    # main case's code under the same rule (null when not merged, or not shown to the caller).
    tracking_code = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField()
    rating = AppealRatingSerializer(source="latest_rating", read_only=True, allow_null=True)
    # The plan of an appeal closed with 制定计划限期解决: "open", "overdue" or "done" ("" for no plan);
    # recorded carried out (and moved) through transitions/ (complete_plan, reschedule_plan).
    plan_state = serializers.ChoiceField(choices=[("", ""), *PlanState.choices], read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "tracking_code",
            "title",
            "body",
            "channel",
            "category",
            "town",
            "community",
            "status",
            "route",
            "handler",
            "department",
            "answer",
            "outcome",
            "outcome_note",
            "plan_due_date",
            "plan_state",
            "plan_done_at",
            "plan_done_note",
            "merged_into",
            "contact_name",
            "contact_phone",
            "created_at",
            "closed_at",
            "rating",
        ]

    def _viewer(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_tracking_code(self, obj) -> str | None:
        shown = getattr(obj, "tracking_code_shown", None)
        if shown is None:
            shown = shows_tracking_code(self._viewer(), obj)
        return obj.tracking_code if shown else None

    def get_merged_into(self, obj) -> str | None:
        main = obj.merged_into if obj.merged_into_id else None
        return main.tracking_code if main is not None and shows_tracking_code(self._viewer(), main) else None

    def get_contact_name(self, obj) -> str:
        return masked(obj.contact_name, "name")

    def get_contact_phone(self, obj) -> str:
        return masked(obj.contact_phone, "phone")


# The staff web form's fields: the API records appeals under the same rules (channels staff may
# record, lengths, phone check, active categories, a town), read from the form rather than restated.
_STAFF_FORM = StaffAppealForm.base_fields


def _max_length(name: str) -> int:
    return _STAFF_FORM[name].max_length


class AppealCreateSerializer(serializers.Serializer):
    """What staff record for a citizen; the same rules as the staff form (intake.forms.StaffAppealForm)."""

    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    channel = serializers.ChoiceField(choices=_STAFF_FORM["channel"].choices)
    category = serializers.PrimaryKeyRelatedField(
        queryset=_STAFF_FORM["category"].queryset, required=False, allow_null=True
    )
    town = serializers.PrimaryKeyRelatedField(queryset=_STAFF_FORM["town"].queryset)
    community = serializers.PrimaryKeyRelatedField(
        queryset=_STAFF_FORM["community"].queryset, required=False, allow_null=True
    )
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=_max_length("address"))
    contact_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=_max_length("contact_name")
    )
    contact_phone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=_max_length("contact_phone"),
        validators=[validate_phone],
    )


class AppealContactSerializer(serializers.Serializer):
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    address = serializers.CharField()


class AppealViewSet(WorkflowViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Appeals the caller may see; contacts are masked (POST {id}/contact/ unmasks for handlers, audited)."""

    serializer_class = AppealListSerializer
    filterset_fields = ["status", "channel", "category", "town", "route"]
    # A city's appeals run into the millions: a cursor on (-created_at, -id) instead of page numbers
    # and a total count; follow `next` to walk the list.
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appeal.objects.none()
        appeals = selectors.appeals_visible_to(self.request.user).select_related("merged_into")
        appeals = selectors.with_tracking_code_shown(appeals, self.request.user)
        return selectors.with_latest_rating(appeals).order_by("-created_at")

    @extend_schema(
        request=AppealCreateSerializer,
        responses={201: AppealListSerializer, 200: AppealListSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        summary=_("登记诉求（工作人员）"),
    )
    def create(self, request, *args, **kwargs):
        if not (is_office(request.user) or is_member(request.user)):
            raise PermissionDenied(_("只有政协办公室和委员可以登记诉求。"))
        payload = AppealCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        appeal, created = services.submit_appeal(
            **payload.validated_data,
            # Scoped to the caller: another user's key finds nothing of theirs.
            idempotency_key=services.retry_key_for(request.headers.get("Idempotency-Key"), caller=request.user),
            actor=request.user,
            recorded_by=request.user,
        )
        data = AppealListSerializer(appeal, context=self.get_serializer_context()).data
        return Response(data, status=201 if created else 200)

    def may_read_history(self, appeal) -> bool:
        # The citizen who sent it follows it on the tracking page, without staff names or notes.
        return selectors.opens_as_staff(self.request.user, appeal)

    @extend_schema(
        request=None,
        responses=AppealContactSerializer,
        summary=_("查看完整联系方式（记录查看）"),
        description=_(
            "办理该诉求的人员（政协办公室、诉求分派到的委员、转交办理中的部门联络员）查看诉求人的完整联系方式；"
            "每次查看记入个人信息访问记录。其他人返回403，看不到该诉求的返回404。"
        ),
    )
    @action(detail=True, methods=["post"], url_path="contact", pagination_class=None, filter_backends=[])
    def contact(self, request, pk=None):
        """查看完整联系方式: a POST, as the page's reveal is (a session call needs the CSRF token: another
        site cannot make a clerk's browser write access-log rows), the answer kept by no cache."""
        appeal = self.get_object()
        try:
            data = services.reveal_contact(appeal=appeal, viewer=request.user, purpose=_("办理诉求（接口）"))
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc
        response = Response(data)
        add_never_cache_headers(response)  # the full phone number and address: kept by no cache
        return response


router = SimpleRouter()
router.register("appeals", AppealViewSet, basename="appeal")
urlpatterns = [path("", include(router.urls))]
