"""Supervision tasks (督办): an agreed outcome, instruction or key item carried out by departments.

Any record may be the source of a task (an outcome item, a public-opinion report with a leader's
instruction, a key proposal, a workstation appeal): create tasks with supervision.services.create_task.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class SupervisionTask(TimeStampedModel):
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    title = models.CharField(_("任务"), max_length=300)
    description = models.TextField(_("要求"), blank=True)
    lead_department = models.ForeignKey(
        "district.Department",
        verbose_name=_("牵头部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tasks",
    )
    co_departments = models.ManyToManyField(
        "district.Department", verbose_name=_("协办部门"), blank=True, related_name="co_tasks"
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=20, default="created", db_index=True)
    is_public = models.BooleanField(_("在公开页展示"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[co_departments])

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["lead_department", "status"]),
        ]

    def __str__(self) -> str:
        return self.title
