"""Hooks into other apps' saves (their models are not ours to change).

- intake.Appeal saved → analyse_appeal (routing suggestion only when created).
- a record of any registered search kind (or one its documents include) saved or deleted →
  reindex_record.
Both are enqueued with the commit of the change (`core.tasks.enqueue_on_commit`).
"""

from django.db.models.signals import post_delete, post_save

from analytics import registry
from core.tasks import enqueue_on_commit

TEXT_FIELDS = {"title", "body"}


def _appeal_saved(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    if raw:
        return
    if not created and update_fields is not None and not (TEXT_FIELDS & set(update_fields)):
        # A status or routing change: the text is the same, only the index's filters may change.
        _enqueue_reindex("intake.Appeal", instance.pk)
        return
    from analytics.tasks import analyse_appeal

    if created and analyse_appeal.module_path in getattr(instance, "_tasks_queued_with_insert", ()):
        return  # queued in the same statement as the appeal (intake.services.submit_appeal)
    enqueue_on_commit(analyse_appeal, instance.pk, created)


def _enqueue_reindex(label: str, pk: int) -> None:
    from analytics.tasks import reindex_record

    enqueue_on_commit(reindex_record, label, pk)


def _record_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    _enqueue_reindex(sender._meta.label, instance.pk)


def connect() -> None:
    """Connect the receivers for every registered kind (called from AnalyticsConfig.ready)."""
    from intake.models import Appeal

    post_save.connect(_appeal_saved, sender=Appeal, dispatch_uid="analytics_appeal_saved")
    post_delete.connect(_record_changed, sender=Appeal, dispatch_uid="analytics_appeal_deleted")
    models = {k.model_class for k in registry.all_kinds()} | {
        registry.apps.get_model(dep) for k in registry.all_kinds() for dep, _get in k.depends_on
    }
    for model in models - {Appeal}:
        uid = f"analytics_index_{model._meta.label_lower}"
        post_save.connect(_record_changed, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=uid + "_delete")
