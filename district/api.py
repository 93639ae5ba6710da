from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.privacy import masked
from core.services import log_personal_data_access
from district import selectors
from district.models import Department, Member, Sector, Town


class MemberSerializer(serializers.ModelSerializer):
    sector = serializers.StringRelatedField()
    party = serializers.StringRelatedField()
    body = serializers.StringRelatedField(allow_null=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "name", "gender", "sector", "party", "body", "is_standing", "position", "phone"]

    def get_phone(self, obj) -> str:
        viewer = self.context["request"].user
        if obj.user_id == viewer.pk or self.context.get("unmasked"):
            return obj.phone
        return masked(obj.phone, "phone")


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Members of the committee; contact data masked unless the viewer needs it."""

    serializer_class = MemberSerializer
    filterset_fields = ["sector", "party", "body", "is_standing", "position"]
    ordering_fields = ["id", "name"]

    def get_queryset(self):
        return selectors.members_list()

    def retrieve(self, request, *args, **kwargs):
        """One member; the office and leaders read the full phone here, and the reading is audited
        (the list masks it, so a client cannot copy every member's phone unrecorded)."""
        member = self.get_object()
        unmasked = selectors.may_see_contact(request.user, member) and member.user_id != request.user.pk
        if unmasked:
            log_personal_data_access(
                user=request.user, target=member, fields=["phone"], purpose=_("查看委员联系方式（接口）")
            )
        context = {**self.get_serializer_context(), "unmasked": unmasked}
        return Response(self.get_serializer(member, context=context).data)


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "kind"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Party and government units that receive plans, outcomes and proposals."""

    serializer_class = DepartmentSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.departments_list()


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BilingualNamedSerializer(NamedSerializer):
    name_en = serializers.CharField(read_only=True, help_text=_("英文名称（未设置时为空）"))


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """Sectors (界别)."""

    serializer_class = BilingualNamedSerializer
    queryset = Sector.objects.all()
    pagination_class = None


class TownViewSet(viewsets.ReadOnlyModelViewSet):
    """Towns and streets (镇街)."""

    serializer_class = NamedSerializer
    queryset = Town.objects.all()
    pagination_class = None


router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
router.register("departments", DepartmentViewSet, basename="department")
router.register("sectors", SectorViewSet, basename="sector")
router.register("towns", TownViewSet, basename="town")
urlpatterns = [path("", include(router.urls))]
