"""send_proposal_reminders: units before and after the reply deadline, proposers who have not rated;
idempotence, crash safety, finished work left alone, configuration honoured."""

import datetime as dt

import pytest
import time_machine
from constance.test import override_config
from django.core.management import call_command
from django.utils import timezone

from core.workflow import perform
from notifications.models import Notification
from proposals import services
from proposals.models import ProposalReminder
from proposals.services import reminders
from proposals.tests.factories import contact, in_progress, replied

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)
DUE = START + dt.timedelta(days=90)  # PROPOSAL_REPLY_DAYS


def at(day: dt.date, hour=9, minute=0):
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()), tick=False
    )


@pytest.fixture
def handling(cast):
    with at(START):
        return in_progress(cast)


def run_at(day: dt.date, capture, minute=0):
    with at(day, 8, minute), capture(execute=True):
        call_command("send_proposal_reminders", stdout=open("/dev/null", "w"))


def reminders_to(user, proposal):
    return list(
        Notification.objects.filter(
            recipient=user, object_id=proposal.pk, event_key__startswith="proposal-reminder:"
        ).order_by("id")
    )


def test_the_unit_is_reminded_once_before_the_deadline_however_often_it_runs(
    handling, cast, django_capture_on_commit_callbacks
):
    run_at(DUE - dt.timedelta(days=20), django_capture_on_commit_callbacks)
    assert reminders_to(cast.liaison, handling) == []
    for day in (DUE - dt.timedelta(days=7), DUE - dt.timedelta(days=7), DUE - dt.timedelta(days=2), DUE):
        run_at(day, django_capture_on_commit_callbacks)
    notes = reminders_to(cast.liaison, handling)
    assert len(notes) == 1 and "即将到期" in notes[0].title
    assert ProposalReminder.objects.get().recipients == 1
    # Only the unit the proposal was handed to is chased.
    assert reminders_to(cast.other_liaison, handling) == []


def test_overdue_units_are_chased_once_per_window(handling, cast, django_capture_on_commit_callbacks):
    for day in (1, 2, 7):  # the first window: days 1-7 after the deadline
        run_at(DUE + dt.timedelta(days=day), django_capture_on_commit_callbacks)
    overdue = [n for n in reminders_to(cast.liaison, handling) if "已逾期" in n.title]
    assert len(overdue) == 1
    run_at(DUE + dt.timedelta(days=8), django_capture_on_commit_callbacks)
    run_at(DUE + dt.timedelta(days=9), django_capture_on_commit_callbacks)
    overdue = [n for n in reminders_to(cast.liaison, handling) if "已逾期" in n.title]
    assert len(overdue) == 2
    assert "已过8天" in overdue[1].body


def test_configuration_changes_are_honoured(handling, cast, django_capture_on_commit_callbacks):
    with override_config(PROPOSAL_REMIND_BEFORE_DAYS=20):
        run_at(DUE - dt.timedelta(days=15), django_capture_on_commit_callbacks)
    assert len(reminders_to(cast.liaison, handling)) == 1
    with override_config(PROPOSAL_REMIND_EVERY_DAYS=1):
        for day in (1, 2, 2, 3):
            run_at(DUE + dt.timedelta(days=day), django_capture_on_commit_callbacks)
    assert sum("已逾期" in n.title for n in reminders_to(cast.liaison, handling)) == 3


def test_an_extended_deadline_gets_its_own_reminder(handling, cast, django_capture_on_commit_callbacks):
    run_at(DUE - dt.timedelta(days=3), django_capture_on_commit_callbacks)
    with at(DUE - dt.timedelta(days=2)):
        perform(
            handling, "extend", actor=cast.proposal, note="情况复杂", data={"due": str(DUE + dt.timedelta(days=30))}
        )
    run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)  # not late any more
    run_at(DUE + dt.timedelta(days=27), django_capture_on_commit_callbacks)
    titles = [n.title for n in reminders_to(cast.liaison, handling)]
    assert len(titles) == 2 and all("即将到期" in t for t in titles)


def test_nobody_is_reminded_for_finished_work(handling, cast, django_capture_on_commit_callbacks):
    with at(DUE - dt.timedelta(days=10)):
        contact(cast, handling)
        services.submit_reply(proposal=handling, actor=cast.liaison, reply_class="A", body="已解决", signed_by="局长")
    for day in (-3, 1, 10):
        run_at(DUE + dt.timedelta(days=day), django_capture_on_commit_callbacks)
    assert reminders_to(cast.liaison, handling) == []
    assert not ProposalReminder.objects.exists()


def test_work_done_between_claim_and_sending_is_not_chased(handling, cast, django_capture_on_commit_callbacks):
    with at(DUE + dt.timedelta(days=1)):
        reminders.send_reminders()  # claimed, but the on-commit enqueue never ran (outside capture)
    log = ProposalReminder.objects.get()
    contact(cast, handling)
    services.submit_reply(proposal=handling, actor=cast.liaison, reply_class="A", body="已解决", signed_by="局长")
    assert reminders.deliver(reminder_id=log.pk) == 0
    assert reminders_to(cast.liaison, handling) == []
    log.refresh_from_db()
    assert log.sent_at is not None  # not retried forever


def test_a_killed_run_is_finished_by_the_next_one_and_each_reminder_goes_out_once(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    with at(START):
        first, second = in_progress(cast), in_progress(cast)
    import notifications.services

    real_notify = notifications.services.notify
    calls = {"n": 0}

    def crash_on_second(**kwargs):
        calls["n"] += 1
        real_notify(**kwargs)
        if calls["n"] == 2:
            raise SystemExit("worker killed")

    monkeypatch.setattr(notifications.services, "notify", crash_on_second)
    run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    # One reminder went out before the crash; the other's sending rolled back and stays unsent.
    assert ProposalReminder.objects.filter(sent_at__isnull=True).count() == 1
    assert len(reminders_to(cast.liaison, first)) + len(reminders_to(cast.liaison, second)) == 1
    monkeypatch.setattr(notifications.services, "notify", real_notify)
    # A run minutes later leaves the claim alone (it may still be in flight) ...
    run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks, minute=5)
    assert ProposalReminder.objects.filter(sent_at__isnull=True).count() == 1
    # ... once stale, the next run sends it; further runs send nothing more.
    for minute in (30, 45):
        run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks, minute=minute)
    assert len(reminders_to(cast.liaison, first)) == 1 and len(reminders_to(cast.liaison, second)) == 1
    assert not ProposalReminder.objects.filter(sent_at__isnull=True).exists()


def test_proposers_who_have_not_rated_are_reminded_after_the_rating_period(cast, django_capture_on_commit_callbacks):
    with at(START):
        p = replied(cast)
    run_at(START + dt.timedelta(days=20), django_capture_on_commit_callbacks)
    assert reminders_to(cast.member, p) == []
    run_at(START + dt.timedelta(days=21), django_capture_on_commit_callbacks)
    run_at(START + dt.timedelta(days=22), django_capture_on_commit_callbacks)
    notes = reminders_to(cast.member, p)
    assert len(notes) == 1 and "请评价提案答复" in notes[0].title
    assert reminders_to(cast.liaison, p) == []  # units are not asked to rate
    with at(START + dt.timedelta(days=23)):
        services.rate_reply(proposal=p, actor=cast.member, rating="satisfied")
    run_at(START + dt.timedelta(days=40), django_capture_on_commit_callbacks)
    assert len(reminders_to(cast.member, p)) == 1


def test_rating_period_comes_from_the_configuration_when_the_reply_is_sent(cast, django_capture_on_commit_callbacks):
    with at(START), override_config(PROPOSAL_RATING_DAYS=5):
        p = replied(cast)
    # The district lengthens the period afterwards: this reply keeps the 5 days it was sent with.
    with override_config(PROPOSAL_RATING_DAYS=60):
        run_at(START + dt.timedelta(days=5), django_capture_on_commit_callbacks)
    assert len(reminders_to(cast.member, p)) == 1


def test_the_office_sees_the_reminders_beside_the_timeline(handling, cast, client, django_capture_on_commit_callbacks):
    run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    client.force_login(cast.proposal)
    page = client.get(handling.get_absolute_url()).content.decode()
    assert 'data-testid="reminders"' in page and "答复逾期催办" in page and "教育局" in page
    client.force_login(cast.other_member)
    assert 'data-testid="reminders"' not in client.get(handling.get_absolute_url()).content.decode()


def test_claiming_costs_a_fixed_number_of_queries_per_reminder(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_claim(n: int) -> int:
        ProposalReminder.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx, at(DUE + dt.timedelta(days=1), 8):
            reminders.send_reminders()
        assert ProposalReminder.objects.count() == n
        return len(ctx)

    with at(START):
        in_progress(cast)
    one = queries_to_claim(1)
    with at(START):
        in_progress(cast), in_progress(cast)
    # Each claim is one guarded insert (savepoint, insert, release); finding the work does not grow.
    assert queries_to_claim(3) - one <= 2 * 3
