"""Webhook deliveries: recorded on commit, sent off the request path, signed, retried with backoff."""

import hashlib
import hmac
import json
import secrets
import threading
import urllib.error
import urllib.request
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from core.exceptions import Refused
from webhooks.models import WebhookDelivery, WebhookEndpoint

MAX_ATTEMPTS = 8
LOCK_SECONDS = 60
TIMEOUT_SECONDS = 5


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex; receivers recompute it to trust the POST."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def record_event(*, label: str, event_id: str, payload: dict) -> list[WebhookDelivery]:
    """Create one pending delivery per subscribed endpoint (once per event) and dispatch them."""
    created = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if label not in endpoint.events:
            continue
        try:
            with transaction.atomic():
                created.append(
                    WebhookDelivery.objects.create(
                        endpoint=endpoint, event_id=event_id, payload=payload, next_attempt_at=timezone.now()
                    )
                )
        except IntegrityError:
            continue
    for delivery in created:
        dispatch(delivery.pk)
    return created


def dispatch(delivery_id: int) -> None:
    """Hand a delivery to the task backend; the immediate backend gets a thread so no request waits."""
    from webhooks.tasks import deliver_webhook

    if isinstance(task_backends[deliver_webhook.backend], ImmediateBackend):
        threading.Thread(target=deliver, args=(delivery_id,), daemon=True, name=f"webhook-{delivery_id}").start()
    else:
        deliver_webhook.enqueue(delivery_id)


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        WebhookDelivery.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=now),
            pk=delivery_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
        ).update(locked_until=now + timedelta(seconds=LOCK_SECONDS), attempts=F("attempts") + 1)
    )


def deliver(delivery_id: int) -> str:
    """Try one delivery now if it is due and not claimed by another worker; returns the outcome."""
    from django.db import close_old_connections

    try:
        if not _claim(delivery_id):
            return "skipped"
        delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
        code, error = _post(delivery)
        now = timezone.now()
        if code is not None and 200 <= code < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.DELIVERED,
                delivered_at=now,
                last_status_code=code,
                last_error="",
                locked_until=None,
            )
            return "delivered"
        gave_up = delivery.attempts >= MAX_ATTEMPTS
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
            next_attempt_at=now + backoff(delivery.attempts),
            last_status_code=code,
            last_error=error[:300],
            locked_until=None,
        )
        return "failed" if gave_up else "retry"
    finally:
        if threading.current_thread() is not threading.main_thread():
            close_old_connections()


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Xieshang-Webhooks/1",
            "X-Xieshang-Event": delivery.event_id,
            "X-Xieshang-Delivery": str(delivery.delivery_id),
            "X-Xieshang-Timestamp": timestamp,
            "X-Xieshang-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # only URLs the office registered
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc.reason)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return None, str(exc)


def deliver_due(*, limit: int = 500) -> dict[str, int]:
    """Send every due pending delivery (run by `manage.py deliver_webhooks` from cron)."""
    outcomes: dict[str, int] = {}
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    for pk in list(due):
        outcome = deliver(pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def event_choices() -> list[tuple[str, str]]:
    """The kinds of record whose state changes can be subscribed to: every registered workflow."""
    from django.apps import apps

    from core.workflow import all_workflows

    choices = []
    for wf in all_workflows():
        model = apps.get_model(wf.model)
        choices.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return sorted(choices)


@transaction.atomic
def register_endpoint(*, name: str, url: str, events: list[str], actor) -> tuple[WebhookEndpoint, str]:
    """Register a receiver; returns it with its signing secret, which is shown only once."""
    secret = secrets.token_hex(32)
    endpoint = WebhookEndpoint(
        name=(name or "").strip(), url=(url or "").strip(), secret=secret, events=sorted(set(events)), created_by=actor
    )
    endpoint.full_clean(exclude=["created_by"])
    endpoint._history_user = actor
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def deactivate_endpoint(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """Stop sending to a receiver; deliveries still waiting for it are abandoned."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not endpoint.is_active:
        raise Refused(_("该接收端已停用。"))
    endpoint.is_active = False
    endpoint.deactivated_at = timezone.now()
    endpoint._history_user = actor
    endpoint.save(update_fields=["is_active", "deactivated_at"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, last_error="endpoint deactivated", locked_until=None
    )
    return endpoint
