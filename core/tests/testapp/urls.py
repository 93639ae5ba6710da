from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from config.urls import urlpatterns as project_urls
from core.api.workflow import WorkflowViewSetMixin
from core.tests.testapp.models import Memo
from core.tests.testapp.workflow import visible


class MemoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Memo
        fields = ["id", "title", "status"]


class MemoViewSet(WorkflowViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MemoSerializer

    def get_queryset(self):
        return visible(self.request.user)


router = SimpleRouter()
router.register("memos", MemoViewSet, basename="memo")
urlpatterns = [path("api/v1/", include(router.urls)), *project_urls]
