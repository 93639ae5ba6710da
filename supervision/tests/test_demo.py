import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from supervision.choices import TaskStatus
from supervision.models import SpecialReport, SupervisionTask, TaskExtensionRequest

pytestmark = pytest.mark.django_db


def test_demo_has_the_shuangjian_report_and_every_task_state():
    call_command("load_demo")
    report = SpecialReport.objects.get()
    assert report.number == "同政协专报〔2022〕1号" and report.status == "issued"
    states = set(SupervisionTask.objects.filter(special_report=report).values_list("status", flat=True))
    assert states == set(TaskStatus.values)
    assert SupervisionTask.objects.filter(status=TaskStatus.OVERDUE).count() == 1
    # The overdue task's department has asked for more time: the government office has it to decide.
    assert TaskExtensionRequest.objects.get(state="pending").task.status == TaskStatus.OVERDUE
    # The outcomes were agreed at a meeting that was held and minuted, not one still being planned.
    assert report.meeting.status == "minuted"
    call_command("load_demo")
    assert SpecialReport.objects.count() == 1


def test_demo_backdated_deadline_leaves_no_system_edit_on_the_timeline():
    """The demo dates the overdue tasks' deadline back after the transfer; the timeline must not show the
    system moving a department's deadline ("系统 修改 办理期限") before marking the task overdue."""
    from core.workflow import history_for

    call_command("load_demo")
    gov = User.objects.get(username="govoffice")
    late = SupervisionTask.objects.filter(status__in=[TaskStatus.OVERDUE, TaskStatus.REMINDED])
    assert late.exists()
    for task in late:
        assert task.due_date < timezone.localdate()
        edits = [c["label"] for e in history_for(task, gov) if e["kind"] == "edited" for c in e["changes"]]
        assert "办理期限" not in edits
