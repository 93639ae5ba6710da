"""Background work of the grassroots platforms: telling the members on duty of a booking, out of the public
booking request (which only queues this)."""

from django_tasks import task


@task()
def tell_members_on_duty(appointment_id: int, event: str, actor_id: int | None = None) -> int:
    """Tell the members on duty of a booking made or cancelled on their reception day."""
    from grassroots.services import tell_members_on_duty as tell

    return tell(appointment_id=appointment_id, event=event, actor_id=actor_id)
