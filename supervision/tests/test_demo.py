import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from supervision.choices import TaskStatus
from supervision.models import SpecialReport, SupervisionTask, TaskExtensionRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_demo_carries_out_the_2022_report_in_its_year_and_keeps_the_running_work_on_a_recent_report():
    seed = SpecialReport.objects.get(year=2022)
    assert seed.number == "同政协专报〔2022〕1号" and seed.status == "issued"
    # The outcomes were agreed at a meeting that was held and minuted, not one still being planned.
    assert seed.meeting.status == "minuted"
    # Transferred days after the report went out (12 July 2022), done by spring 2023: the 督办 pages and the
    # leaders' statistics (tasks by the day they were opened) show them in 2022, none left to act on.
    tasks = SupervisionTask.objects.filter(special_report=seed)
    assert tasks.count() == 10 and set(tasks.values_list("status", flat=True)) == {TaskStatus.CLOSED}
    assert {timezone.localdate(t.created_at) for t in tasks} == {datetime.date(2022, 7, 15)}
    assert {timezone.localdate(t.assigned_at).year for t in tasks} == {2022}
    assert max(timezone.localdate(t.closed_at) for t in tasks) < datetime.date(2023, 7, 1)
    assert all(t.due_date == t.outcome_item.due_date for t in tasks)  # the deadlines the meeting agreed
    assert tasks.filter(was_overdue=True).count() == 1  # answered late, and counted so
    # The work still running is on a recent report: every task state, one overdue asking for more time.
    recent = SpecialReport.objects.exclude(pk=seed.pk).get()
    assert recent.status == "issued" and recent.meeting.status == "minuted"
    assert timezone.localdate() - timezone.localdate(recent.issued_at) < datetime.timedelta(days=120)
    assert recent.year == timezone.localdate(recent.issued_at).year
    states = set(SupervisionTask.objects.filter(special_report=recent).values_list("status", flat=True))
    assert states == set(TaskStatus.values)
    assert SupervisionTask.objects.filter(status=TaskStatus.OVERDUE).count() == 1
    # The overdue task's department has asked for more time: the government office has it to decide.
    assert TaskExtensionRequest.objects.get(state="pending").task.status == TaskStatus.OVERDUE
    call_command("load_demo")
    assert SpecialReport.objects.count() == 2


def test_demo_backdated_deadline_leaves_no_system_edit_on_the_timeline():
    """The demo dates deadlines the transfer refuses (past ones: the 2022 report's, the overdue tasks') after
    the transfer; the timeline must not show the system moving a department's deadline ("系统 修改 办理期限")."""
    from core.workflow import history_for

    gov = User.objects.get(username="govoffice")
    late = SupervisionTask.objects.filter(status__in=[TaskStatus.OVERDUE, TaskStatus.REMINDED])
    assert late.exists()
    seed = SupervisionTask.objects.filter(special_report__year=2022)
    for task in [*late, *seed]:
        assert task.due_date < timezone.localdate()
        edits = [c["label"] for e in history_for(task, gov) if e["kind"] == "edited" for c in e["changes"]]
        assert "办理期限" not in edits
