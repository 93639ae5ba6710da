import pytest
from django.core.management import call_command

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
