"""Writes on supervision tasks."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from supervision.models import SupervisionTask


@transaction.atomic
def create_task(
    *,
    source,
    title: str,
    actor,
    description: str = "",
    lead_department=None,
    co_departments=(),
    due_date: date | None = None,
    is_public: bool = True,
) -> SupervisionTask:
    """Open a supervision task for a source record (outcome item, instruction, key proposal, appeal)."""
    task = SupervisionTask(
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        title=title[:300],
        description=description,
        lead_department=lead_department,
        due_date=due_date,
        is_public=is_public,
        created_by=actor,
    )
    task._history_user = actor
    task.full_clean(exclude=["co_departments"])
    task.save()
    if co_departments:
        task.co_departments.set(co_departments)
    return task


def tasks_for_source(source):
    """Supervision tasks opened from one record."""
    return SupervisionTask.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).select_related("lead_department")
