"""Background work on appeals, queued with the record it is about (core.tasks, core.fastwrite)."""

from django_tasks import task


@task()
def tell_of_new_appeal(appeal_id: int, to_workstation: bool = False) -> int:
    """Tell who acts next on a new appeal: the clerks who route it, or the workstation it was written to."""
    from intake.services import tell_of_new_appeal as tell

    return tell(appeal_id=appeal_id, to_workstation=to_workstation)
