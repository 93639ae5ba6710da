"""What the signed-in user's home page shows: the items waiting for them, across workflows."""

from django.apps import apps

from core.workflow import all_workflows
from notifications.selectors import notifications_for


def dashboard_for(user) -> dict:
    """Items waiting for user in every workflow, and their latest notifications."""
    queues = []
    for wf in all_workflows():
        qs = wf.inbox_for(user)
        if qs is None:
            continue
        items = list(qs[:8])
        count = len(items) if len(items) < 8 else qs.count()
        if count:
            model = apps.get_model(wf.model)
            queues.append(
                {
                    "title": model._meta.verbose_name_plural,
                    "items": [{"obj": o, "state": wf.state_label(getattr(o, wf.status_field))} for o in items],
                    "count": count,
                }
            )
    return {
        "queues": queues,
        "recent_notifications": list(notifications_for(user)[:6]),
    }
