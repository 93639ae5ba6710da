from django.urls import include, path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import mark_read


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # Worded in the reader's language (notifications.wording).
    title = serializers.CharField(source="shown_title")
    body = serializers.CharField(source="shown_body")
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's inbox."""

    serializer_class = NotificationSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A token client is authenticated only here, after the middleware that applies the stored
        # language for a browser session: word the inbox in the reader's chosen language too.
        if getattr(request.user, "language", ""):
            translation.activate(request.user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for(self.request.user)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("ReadAllResult", {"marked": serializers.IntegerField()})},
        summary=_("全部标为已读"),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": mark_read(user=request.user)})

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary=_("标为已读"))
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        """Mark one of the caller's notifications read (someone else's is a 404)."""
        notification = self.get_object()
        mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = [path("", include(router.urls))]
