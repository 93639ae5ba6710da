"""Read endpoints for records that had none: grassroots work and the 社情民意 bulletins.

Visibility comes from the owning apps' selectors and predicates; nothing here exposes a resident's
name or phone (appointments are not listed at all).
"""

from datetime import date

from django.utils import timezone
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from accounts.predicates import is_cppcc_leader, is_member, is_office
from grassroots import selectors as grassroots_selectors
from grassroots.models import (
    CommunityConsultation,
    Contact,
    DutyGroup,
    DutyIssue,
    MicroConsultation,
    ReceptionDay,
    Workstation,
)
from insight.api.stats import DutyRecordViewSet, ScoringRuleViewSet
from opinions.models import Bulletin


def _fake(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


def _names(members) -> list[str]:
    return [m.name for m in members.all()]


class GrassrootsWorkstationSerializer(serializers.ModelSerializer):
    town = serializers.StringRelatedField(allow_null=True)
    host_party = serializers.StringRelatedField(allow_null=True)
    service_labels = serializers.SerializerMethodField(help_text="The names of the services it offers that are in use.")
    members = serializers.SerializerMethodField()

    class Meta:
        model = Workstation
        fields = [
            "id",
            "name",
            "host_party",
            "host_name",
            "partner_body",
            "partner_label",
            "town",
            "address",
            "phone",
            "description",
            "services",
            "service_labels",
            "members",
            "reception_starts",
            "reception_ends",
            "is_active",
        ]

    def get_members(self, obj) -> list[str]:
        return _names(obj.members)

    def get_service_labels(self, obj) -> list[str]:
        # The district's service names, read once for the whole page of workstations.
        if "service_names" not in self.context:
            self.context["service_names"] = grassroots_selectors.service_names()
        return obj.service_labels(self.context["service_names"])


class GrassrootsWorkstationViewSet(viewsets.ReadOnlyModelViewSet):
    """Members' workstations (public information)."""

    serializer_class = GrassrootsWorkstationSerializer
    filterset_fields = ["town", "is_active"]
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        if _fake(self):
            return Workstation.objects.none()
        return Workstation.objects.select_related("town", "host_party").prefetch_related("members").order_by("name")


class GrassrootsReceptionDaySerializer(serializers.ModelSerializer):
    workstation = serializers.PrimaryKeyRelatedField(read_only=True)
    on_duty = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionDay
        fields = ["id", "workstation", "date", "starts_at", "ends_at", "capacity", "on_duty", "is_cancelled", "note"]

    def get_on_duty(self, obj) -> list[str]:
        return _names(obj.on_duty)


class GrassrootsReceptionDayViewSet(viewsets.ReadOnlyModelViewSet):
    """Reception days with the members on duty (the public calendar of every workstation)."""

    serializer_class = GrassrootsReceptionDaySerializer
    filterset_fields = {"workstation": ["exact"], "date": ["gte", "lte"], "is_cancelled": ["exact"]}
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        if _fake(self):
            return ReceptionDay.objects.none()
        return ReceptionDay.objects.prefetch_related("on_duty").order_by("date", "id")


class GrassrootsContactSerializer(serializers.ModelSerializer):
    workstation = serializers.PrimaryKeyRelatedField(read_only=True)
    service = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The code of the service, from the district's list."
    )
    members = serializers.SerializerMethodField()
    appeal = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "workstation",
            "kind",
            "date",
            "service",
            "people_count",
            "place",
            "summary",
            "members",
            "appeal",
        ]

    def get_members(self, obj) -> list[str]:
        return _names(obj.members)


class GrassrootsContactViewSet(viewsets.ReadOnlyModelViewSet):
    """Receptions and visits logged by workstations the caller works in (all of them for the office)."""

    serializer_class = GrassrootsContactSerializer
    filterset_fields = {"workstation": ["exact"], "kind": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        if _fake(self):
            return Contact.objects.none()
        workstations = grassroots_selectors.workstations_for(self.request.user)
        return (
            Contact.objects.filter(workstation__in=workstations)
            .select_related("service")
            .prefetch_related("members")
            .order_by("-date", "-id")
        )


class GrassrootsDutyGroupSerializer(serializers.ModelSerializer):
    sector = serializers.StringRelatedField()
    convenor = serializers.StringRelatedField(allow_null=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = DutyGroup
        fields = ["id", "name", "sector", "room", "convenor", "members", "description"]

    def get_members(self, obj) -> list[str]:
        return _names(obj.members)


class GrassrootsDutyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Sector duty groups and their members."""

    serializer_class = GrassrootsDutyGroupSerializer
    filterset_fields = ["sector"]

    def get_queryset(self):
        if _fake(self):
            return DutyGroup.objects.none()
        return grassroots_selectors.groups_for(self.request.user)


class GrassrootsDutyIssueSerializer(serializers.ModelSerializer):
    town = serializers.StringRelatedField(allow_null=True)
    community = serializers.StringRelatedField(allow_null=True)
    department = serializers.StringRelatedField(allow_null=True)
    appeal = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # A plan (制定计划限期解决) carried out: when and what was done, from the audited step.
    plan_completed_on = serializers.SerializerMethodField()
    plan_completion_note = serializers.CharField(source="plan_completed_note", read_only=True, allow_null=True)

    class Meta:
        model = DutyIssue
        fields = [
            "id",
            "group",
            "title",
            "description",
            "source",
            "appeal",
            "town",
            "community",
            "department",
            "collected_on",
            "findings",
            "status",
            "outcome",
            "outcome_note",
            "plan_due_date",
            "plan_completed_on",
            "plan_completion_note",
            "proposal_title",
            "proposal_submitted_on",
        ]

    def get_plan_completed_on(self, obj) -> date | None:
        at = getattr(obj, "plan_completed_at", None)
        return timezone.localdate(at) if at else None


class GrassrootsDutyIssueViewSet(viewsets.ReadOnlyModelViewSet):
    """Livelihood issues collected by duty groups (office, leaders and members)."""

    serializer_class = GrassrootsDutyIssueSerializer
    filterset_fields = {"group": ["exact"], "status": ["exact"], "town": ["exact"], "collected_on": ["gte", "lte"]}
    ordering_fields = ["collected_on", "id"]

    def get_queryset(self):
        if _fake(self):
            return DutyIssue.objects.none()
        issues = grassroots_selectors.issues_visible_to(self.request.user)
        return grassroots_selectors.with_plan_completion(issues).order_by("-collected_on", "-id")


class GrassrootsMicroConsultationSerializer(serializers.ModelSerializer):
    department = serializers.StringRelatedField()
    title = serializers.CharField(source="meeting.title", read_only=True)
    starts_at = serializers.DateTimeField(source="meeting.starts_at", read_only=True)

    class Meta:
        model = MicroConsultation
        fields = [
            "id",
            "meeting",
            "title",
            "starts_at",
            "issue",
            "department",
            "summary",
            "outcome",
            "outcome_note",
            "plan_due_date",
        ]


class GrassrootsMicroConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Micro-consultations on the duty-group issues the caller may see."""

    serializer_class = GrassrootsMicroConsultationSerializer
    filterset_fields = ["issue", "outcome", "department"]

    def get_queryset(self):
        if _fake(self):
            return MicroConsultation.objects.none()
        issues = grassroots_selectors.issues_visible_to(self.request.user)
        return (
            MicroConsultation.objects.filter(issue__in=issues)
            .select_related("meeting", "department")
            .order_by("-meeting__starts_at", "-id")
        )


class GrassrootsCommunityConsultationSerializer(serializers.ModelSerializer):
    community = serializers.StringRelatedField()
    title = serializers.CharField(source="meeting.title", read_only=True)
    starts_at = serializers.DateTimeField(source="meeting.starts_at", read_only=True)

    class Meta:
        model = CommunityConsultation
        fields = [
            "id",
            "meeting",
            "title",
            "starts_at",
            "community",
            "matter",
            "background",
            "agreement_reached",
            "agreement",
        ]


class GrassrootsCommunityConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Community-affairs consultations."""

    serializer_class = GrassrootsCommunityConsultationSerializer
    filterset_fields = ["community", "agreement_reached"]

    def get_queryset(self):
        if _fake(self):
            return CommunityConsultation.objects.none()
        return grassroots_selectors.community_consultations(self.request.user)


class OpinionBulletinSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)
    reports = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = ["id", "label", "year", "issue", "title", "form", "published_on", "reports"]

    def get_reports(self, obj) -> list[int]:
        return [r.pk for r in obj.reports.all()]


class OpinionBulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Issues of the district 《社情民意》 bulletin (the office, leaders and members)."""

    serializer_class = OpinionBulletinSerializer
    filterset_fields = ["year", "form"]
    ordering_fields = ["published_on", "id"]

    def get_queryset(self):
        user = self.request.user
        if _fake(self) or not (is_office(user) or is_cppcc_leader(user) or is_member(user)):
            return Bulletin.objects.none()
        return Bulletin.objects.prefetch_related("reports").order_by("-year", "-issue")


router = SimpleRouter()
router.register("duty-records", DutyRecordViewSet, basename="duty-record")
router.register("scoring-rules", ScoringRuleViewSet, basename="scoring-rule")
router.register("workstations", GrassrootsWorkstationViewSet, basename="workstation")
router.register("reception-days", GrassrootsReceptionDayViewSet, basename="reception-day")
router.register("workstation-contacts", GrassrootsContactViewSet, basename="workstation-contact")
router.register("duty-groups", GrassrootsDutyGroupViewSet, basename="duty-group")
router.register("duty-issues", GrassrootsDutyIssueViewSet, basename="duty-issue")
router.register("micro-consultations", GrassrootsMicroConsultationViewSet, basename="micro-consultation")
router.register("community-consultations", GrassrootsCommunityConsultationViewSet, basename="community-consultation")
router.register("bulletins", OpinionBulletinViewSet, basename="bulletin")
