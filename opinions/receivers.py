"""A report with a leader's instruction hears how the supervision task the instruction opened is handled."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from core.workflow import transition_committed


@receiver(transition_committed, dispatch_uid="opinions.instruction_task_progress")
def on_instruction_task_progress(sender, instance, change, workflow, **kwargs):
    """The department's reply becomes the report's feedback; the task's closing tells the information
    office that the report may be filed."""
    from supervision.choices import TaskStatus
    from supervision.models import SupervisionTask

    if sender is not SupervisionTask or change.to_state not in (TaskStatus.FEEDBACK, TaskStatus.CLOSED):
        return
    from opinions.models import Instruction, Status

    instruction = Instruction.objects.filter(task=instance).select_related("report").first()
    if instruction is None:
        return
    report = instruction.report
    if change.to_state == TaskStatus.FEEDBACK:
        from opinions.services import take_task_reply

        take_task_reply(report=report, task=instance, actor=change.actor)
        return
    if report.status == Status.FEEDBACK:
        from accounts.roles import Role
        from notifications.services import notify
        from supervision.selectors import users_with_roles

        notify(
            recipients=users_with_roles(Role.INFO_OFFICE),
            event_key=f"opinions.instruction-task-closed:{change.pk}",
            title=gettext_lazy("“%(report)s”的督办任务已办结，可以归档"),
            params={"report": report.title[:60]},
            body="",
            target=report,
        )
