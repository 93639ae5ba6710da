import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.utils import timezone

from core.tests.testapp.models import Memo
from core.workflow import perform
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import deliver, deliver_due, record_event, sign

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A real HTTP server on loopback that records POSTs and answers with scripted status codes."""

    def __init__(self):
        self.requests: list[dict] = []
        self.codes: list[int] = []
        self.release = threading.Event()
        self.release.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.release.wait(10)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.release.set()
    r.server.shutdown()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(name="市网格中心", url=receiver.url, secret="s3cret", events=["testapp.memo"])


def wait_for(predicate, timeout=10.0):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_state_change_is_posted_signed(cast, endpoint, receiver):
    memo = Memo.objects.create(title="诉求", body="x", owner=cast.member)
    perform(memo, "submit", actor=cast.member)
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists())
    (req,) = receiver.requests
    body = req["body"]
    assert json.loads(body)["to"] == "submitted"
    expected = sign("s3cret", req["headers"]["X-Xieshang-Timestamp"], body)
    assert req["headers"]["X-Xieshang-Signature"] == expected
    assert sign("wrong", req["headers"]["X-Xieshang-Timestamp"], body) != expected


def test_the_request_that_caused_it_does_not_wait(cast, endpoint, receiver):
    receiver.release.clear()  # the client system hangs
    memo = Memo.objects.create(title="诉求", body="x", owner=cast.member)
    perform(memo, "submit", actor=cast.member)
    memo.refresh_from_db()
    assert memo.status == "submitted"
    assert WebhookDelivery.objects.get().status == "pending"
    receiver.release.set()
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists())


def test_failures_are_retried_with_backoff_until_delivered(endpoint, receiver):
    receiver.codes = [500]
    (delivery,) = [d for d in record_event(label="testapp.memo", event_id="e1", payload={"a": 1})]
    assert wait_for(
        lambda: (
            WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1
            and WebhookDelivery.objects.get(pk=delivery.pk).locked_until is None
        )
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("pending", 500)
    assert deliver_due() == {}  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert deliver_due() == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2


def test_delivery_claimed_by_a_killed_worker_is_picked_up_once(endpoint, receiver):
    # A worker claimed this row and died mid-request: the lock has expired, the status is still pending.
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id="e2",
        payload={},
        next_attempt_at=timezone.now(),
        attempts=1,
        locked_until=timezone.now() - timedelta(seconds=1),
    )
    assert deliver_due() == {"delivered": 1}
    assert deliver_due() == {}
    assert deliver(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_same_event_is_recorded_once_and_only_for_subscribers(cast, endpoint, receiver):
    WebhookEndpoint.objects.create(name="其他", url=receiver.url, secret="x", events=["intake.appeal"])
    record_event(label="testapp.memo", event_id="e3", payload={})
    record_event(label="testapp.memo", event_id="e3", payload={})
    assert WebhookDelivery.objects.filter(event_id="e3").count() == 1
    # Let the delivery's thread finish here, not in the middle of a later test (CI saw it reach the
    # database after this test had ended).
    assert wait_for(lambda: WebhookDelivery.objects.filter(event_id="e3", status="delivered").exists())


def test_an_appeals_event_carries_neither_its_tracking_code_nor_its_contacts(cast, receiver):
    """A receiver hears of every appeal; the code would let it withdraw them, the contacts are personal."""
    from intake.models import Route
    from intake.tests.factories import AppealFactory

    WebhookEndpoint.objects.create(name="网格中心", url=receiver.url, secret="s", events=["intake.appeal"])
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    # Let the delivery finish here, not in a later test's time.
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists())
    payload = WebhookDelivery.objects.get().payload
    assert (payload["kind"], payload["id"], payload["to"]) == ("intake.appeal", appeal.pk, "routed")
    text = json.dumps(payload, ensure_ascii=False)
    assert appeal.tracking_code not in text and appeal.contact_phone not in text and "tracking_code" not in text
