"""Public-opinion information reports (社情民意信息): one matter per report (domain.md §3)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, VersionedModel


class OpinionReport(TimeStampedModel, VersionedModel):
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=20, default="draft", db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="opinion_reports"
    )
    member = models.ForeignKey(
        "district.Member",
        verbose_name=_("委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_reports",
    )
    # Where the matter came from (an appeal, a workstation visit, a duty-group issue) and who provides it.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    provider_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provider_id = models.PositiveBigIntegerField(null=True, blank=True)
    provider = GenericForeignKey("provider_type", "provider_id")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["provider_type", "provider_id"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.title
