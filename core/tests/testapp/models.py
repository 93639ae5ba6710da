from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, VersionedModel


class Memo(TimeStampedModel, VersionedModel):
    title = models.CharField("title", max_length=100)
    body = models.TextField("body", blank=True)
    status = models.CharField(max_length=20, default="draft")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/memo/{self.pk}/"
