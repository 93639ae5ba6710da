"""send_reminders: overdue detection, reminders before/on/after the deadline, idempotence, crash safety."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from supervision.models import ReminderLog
from supervision.services import reminders

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 6, 30)


@pytest.fixture
def due_task(world, cast):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        world.issue()
        task = world.transfer(due=DUE)[0]
    return task


def run_at(day: dt.date, capture):
    moment = dt.datetime.combine(day, dt.time(8, 0), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False), capture(execute=True):
        call_command("send_reminders", stdout=open("/dev/null", "w"))


def reminders_to(user, task):
    return list(
        Notification.objects.filter(recipient=user, object_id=task.pk, event_key__startswith="reminder:").order_by("id")
    )


def test_nothing_is_sent_long_before_the_deadline(due_task, cast, django_capture_on_commit_callbacks):
    run_at(DUE - dt.timedelta(days=20), django_capture_on_commit_callbacks)
    assert reminders_to(cast.liaison, due_task) == []


def test_reminder_before_the_deadline_is_sent_once_however_often_it_runs(
    due_task, cast, django_capture_on_commit_callbacks
):
    for day in (DUE - dt.timedelta(days=7), DUE - dt.timedelta(days=7), DUE - dt.timedelta(days=3)):
        run_at(day, django_capture_on_commit_callbacks)
    notes = reminders_to(cast.liaison, due_task)
    assert len(notes) == 1 and "即将到期" in notes[0].title
    # Both tasks of the report are due: one before-reminder each, no more.
    assert ReminderLog.objects.filter(kind="before").count() == 2
    # Cooperating departments are not chased; the lead department answers for the task.
    assert reminders_to(cast.other_liaison, due_task) == []


def test_reminder_on_the_deadline_day(due_task, cast, django_capture_on_commit_callbacks):
    run_at(DUE, django_capture_on_commit_callbacks)
    run_at(DUE, django_capture_on_commit_callbacks)
    titles = [n.title for n in reminders_to(cast.liaison, due_task)]
    assert len(titles) == 1 and "今日到期" in titles[0]


def test_after_the_deadline_task_is_overdue_and_escalated_once(due_task, cast, django_capture_on_commit_callbacks):
    run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    run_at(DUE + dt.timedelta(days=2), django_capture_on_commit_callbacks)
    due_task.refresh_from_db()
    assert due_task.status == "overdue" and due_task.was_overdue
    for office in (cast.party_office, cast.gov_office):
        escalations = reminders_to(office, due_task)
        assert len(escalations) == 1 and "请督办" in escalations[0].title
    assert sum("已逾期" in n.title for n in reminders_to(cast.liaison, due_task)) == 1


def test_a_new_deadline_after_reopening_gets_its_own_reminders(due_task, cast, django_capture_on_commit_callbacks):
    run_at(DUE - dt.timedelta(days=2), django_capture_on_commit_callbacks)
    due_task.due_date = DUE + dt.timedelta(days=30)
    due_task.save()
    run_at(DUE + dt.timedelta(days=25), django_capture_on_commit_callbacks)
    assert len(reminders_to(cast.liaison, due_task)) == 2


def test_a_worker_killed_mid_send_leaves_the_reminder_for_the_next_run(
    due_task, cast, monkeypatch, django_capture_on_commit_callbacks
):
    import notifications.services

    real_notify = notifications.services.notify

    def crash(**kwargs):
        real_notify(**kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(notifications.services, "notify", crash)
    run_at(DUE - dt.timedelta(days=5), django_capture_on_commit_callbacks)
    # The sending transaction rolled back: no notification, the claim is unsent.
    assert reminders_to(cast.liaison, due_task) == []
    assert ReminderLog.objects.filter(task=due_task, sent_at__isnull=True).count() == 1
    monkeypatch.setattr(notifications.services, "notify", real_notify)
    # A run soon after does not double-enqueue a claim that may still be in flight ...
    moment = dt.datetime.combine(DUE - dt.timedelta(days=5), dt.time(8, 5), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert reminders.requeue_stale() == 0
    # ... but once it is stale, the next run sends it, exactly once.
    run_at(DUE - dt.timedelta(days=4), django_capture_on_commit_callbacks)
    run_at(DUE - dt.timedelta(days=3), django_capture_on_commit_callbacks)
    assert len(reminders_to(cast.liaison, due_task)) == 1
    assert ReminderLog.objects.get(task=due_task, kind="before").sent_at is not None


def test_delivering_an_already_sent_reminder_does_nothing(due_task, cast, django_capture_on_commit_callbacks):
    run_at(DUE - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    log = ReminderLog.objects.get(task=due_task, kind="before")
    assert reminders.deliver(reminder_id=log.pk) == 0
    assert len(reminders_to(cast.liaison, due_task)) == 1


def test_closed_tasks_are_not_chased(due_task, cast, django_capture_on_commit_callbacks):
    from supervision.services.tasks import rate_reply
    from supervision.tests.conftest import advance

    advance(due_task, cast, "feedback")
    rate_reply(task=due_task, actor=cast.member, rating="satisfied")
    run_at(DUE + dt.timedelta(days=3), django_capture_on_commit_callbacks)
    due_task.refresh_from_db()
    assert due_task.status == "closed"
    assert reminders_to(cast.liaison, due_task) == []


def test_a_task_whose_appeal_was_withdrawn_is_neither_marked_overdue_nor_chased(
    due_task, cast, django_capture_on_commit_callbacks
):
    type(due_task).objects.filter(pk=due_task.pk).update(source_withdrawn_at=timezone.now())
    for day in (DUE - dt.timedelta(days=3), DUE, DUE + dt.timedelta(days=5)):
        run_at(day, django_capture_on_commit_callbacks)
    due_task.refresh_from_db()
    assert due_task.status == "assigned" and not due_task.was_overdue
    assert reminders_to(cast.liaison, due_task) == [] and reminders_to(cast.gov_office, due_task) == []
