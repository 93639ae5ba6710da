"""What the signed-in user's home page shows: the items waiting for them, across workflows."""

from django.apps import apps
from django.urls import reverse

from core.nav import nav_for
from core.workflow import all_workflows
from notifications.selectors import notifications_for

QUEUE_COUNT_CAP = 99


def dashboard_for(user) -> dict:
    """Items waiting for user in every workflow, and their latest notifications."""
    queues = []
    lists_open_to_user = {entry["url"] for entry in nav_for(user, "office")}
    for wf in all_workflows():
        qs = wf.inbox_for(user)
        if qs is None:
            continue
        items = list(qs[:8])
        # Counted up to a cap: on a city-sized table the exact size of a queue costs a full scan.
        count = len(items) if len(items) < 8 else qs.order_by()[: QUEUE_COUNT_CAP + 1].count()
        if count:
            model = apps.get_model(wf.model)
            list_url = reverse(wf.list_url) if wf.list_url else None
            queues.append(
                {
                    "title": model._meta.verbose_name_plural,
                    "items": [{"obj": o, "state": wf.state_label(getattr(o, wf.status_field))} for o in items],
                    "count": count,
                    "count_label": f"{QUEUE_COUNT_CAP}+" if count > QUEUE_COUNT_CAP else str(count),
                    # A queue longer than the card goes on in its list (filtered to the same queue where the
                    # list can be), if the user's menus open that list.
                    "more_url": (f"{list_url}?{wf.inbox_query}" if wf.inbox_query else list_url)
                    if count > len(items) and list_url in lists_open_to_user
                    else None,
                }
            )
    return {
        "queues": queues,
        "recent_notifications": list(notifications_for(user)[:6]),
    }
