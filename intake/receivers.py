"""The appeal's handlers hear how a department handles an appeal referred to it (转交部门办理)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from core.workflow import transition_committed


def referral_progress_recipients(task, appeal, actor_id: int | None) -> list:
    """Who answers the citizen once the department's reply is accepted (its task closed): the appeal's
    current handlers (the routed workstation or duty group's members, the clerks for the office) and
    whoever referred it; not the one who acted."""
    from accounts.models import User
    from intake.models import AppealStatus
    from intake.selectors import case_of, holders

    case = case_of(appeal)
    users = list(holders(case, AppealStatus.ROUTED))
    if task.created_by_id:
        users += list(User.objects.filter(pk=task.created_by_id, is_active=True))
    seen, out = set(), []
    for user in users:
        if user.pk not in seen and user.pk != actor_id:
            seen.add(user.pk)
            out.append(user)
    return out


@receiver(transition_committed, dispatch_uid="intake.referral_progress")
def on_referral_progress(sender, instance, change, workflow, **kwargs):
    """The handlers answer the citizen from the department's reply once the supervising office has
    accepted it (评价满意/基本满意: the task closes), not when the department submits it; when the
    office sends the reply back (不满意，重新办理) they are told the department is handling it again."""
    from django.contrib.contenttypes.models import ContentType

    from intake.models import Appeal, AppealStatus
    from supervision.choices import TaskStatus
    from supervision.models import SupervisionTask

    if sender is not SupervisionTask or change.to_state not in (TaskStatus.REOPENED, TaskStatus.CLOSED):
        return
    if instance.source_type_id != ContentType.objects.get_for_model(Appeal).pk:
        return
    appeal = Appeal.objects.filter(pk=instance.source_id).first()
    if appeal is None or appeal.status == AppealStatus.WITHDRAWN:
        return
    from notifications.services import notify

    department = instance.lead_department.name if instance.lead_department_id else ""
    params = {"title": appeal.title[:60], "department": department}
    body = ""
    if change.to_state == TaskStatus.REOPENED:
        # The office's reasons stay between it and the department (the task's notes).
        title = gettext_lazy("%(department)s对转办的群众诉求的答复未获督办单位认可，正在重新办理：%(title)s")
    elif appeal.status == AppealStatus.ROUTED:
        reply = instance.replies.filter(submitted_at__isnull=False).order_by("-round", "-submitted_at").first()
        title = gettext_lazy("%(department)s对转办的群众诉求的答复已经督办单位认可：%(title)s，请据此答复群众")
        body = reply.body if reply is not None else ""
    else:
        title = gettext_lazy("转办%(department)s的群众诉求督办任务已办结：%(title)s")
    notify(
        recipients=referral_progress_recipients(instance, appeal, change.actor_id),
        event_key=f"intake.referral-progress:{change.pk}",
        title=title,
        params=params,
        body=body,
        target=appeal,
    )
