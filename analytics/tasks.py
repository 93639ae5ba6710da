"""Background work: analyse a new appeal, keep the search index in step.

Enqueued with transaction.on_commit by analytics.signals, so the request that stored the record
never waits for segmentation or prediction.
"""

from django_tasks import task


@task()
def analyse_appeal(appeal_id: int, created: bool = True) -> None:
    """Suggest routing (new appeals), fingerprint and look for duplicates, index for search."""
    from analytics.kinds import appeals_for_analysis
    from analytics.services import duplicates, routing, search

    appeal = appeals_for_analysis().filter(pk=appeal_id).first()
    if appeal is None:
        return
    if created:
        routing.suggest_routing(appeal=appeal)
    duplicates.fingerprint_appeal(appeal=appeal)
    duplicates.record_duplicates(appeal=appeal)
    search.reindex(model_label="intake.Appeal", pk=appeal_id)


@task()
def reindex_record(model_label: str, pk: int) -> None:
    """Re-index one record of a registered kind (and the records that include its text)."""
    from analytics.services import search

    search.reindex(model_label=model_label, pk=pk)
