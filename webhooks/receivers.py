"""Turn committed workflow transitions into webhook events."""

from django.dispatch import receiver
from django.utils import timezone

from core.workflow import transition_committed
from webhooks.services import record_event


@receiver(transition_committed)
def on_transition(sender, instance, change, workflow, **kwargs):
    label = instance._meta.label_lower
    payload = {
        "event": "status_changed",
        "event_id": f"status:{change.pk}",
        "kind": label,
        "id": instance.pk,
        "action": change.action,
        "from": change.from_state,
        "to": change.to_state,
        "to_label": workflow.state_label(change.to_state),
        "at": timezone.localtime(change.created_at).isoformat(),
    }
    # No tracking code and no personal data: the code lets whoever holds it withdraw an appeal or erase
    # its contacts, and a receiver is told of every record of its kinds. It reads more through the API.
    record_event(label=label, event_id=payload["event_id"], payload=payload)
