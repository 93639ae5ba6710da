"""Daily reminders: whoever holds a plan's step too long, suggesters with drafts before a deadline."""

from datetime import date, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.models import StatusChange
from core.workflow import workflow_for
from notifications.services import notify
from topics import selectors
from topics.models import ConsultationPlan, RoundStatus, SuggestionStatus, TopicSuggestion


def send_plan_reminders(*, today=None) -> int:
    """Send today's reminders (at most one per person, subject and day); returns how many were created."""
    today = today or timezone.localdate()
    return _stalled_plans(today) + _round_deadlines(today)


def _stalled_plans(today) -> int:
    ct = ContentType.objects.get_for_model(ConsultationPlan)
    last = dict(
        StatusChange.objects.filter(content_type=ct)
        .values("object_id")
        .annotate(at=Max("created_at"))
        .values_list("object_id", "at")
    )
    sent = 0
    for plan in ConsultationPlan.objects.all():
        if plan.status == "published" and not _chases_receipts(plan, today):
            continue
        since = timezone.localdate(last.get(plan.pk, plan.created_at))
        days = (today - since).days
        if days < config.PLAN_STEP_REMIND_DAYS:
            continue
        state = workflow_for(plan).state_message(plan.status)
        sent += len(
            notify(
                recipients=selectors.plan_holders(plan, plan.status),
                event_key=f"plan-remind:{plan.pk}:{plan.status}:{today}",
                title=gettext_lazy("“%(plan)s”在“%(state)s”环节已%(days)s天，请及时办理"),
                params={"plan": plan, "state": state, "days": days},
                target=plan,
            )
        )
    return sent


def _chases_receipts(plan: ConsultationPlan, today) -> bool:
    """A published plan reminds the departments yet to sign for it until its year is over (plus the
    configured grace): a receipt for a plan of a past year no longer serves anyone."""
    grace = timedelta(days=int(config.PLAN_RECEIPT_REMIND_GRACE_DAYS or 0))
    if today > date(plan.year, 12, 31) + grace:
        return False
    return plan.receipts.filter(acknowledged_at__isnull=True).exists()


def _round_deadlines(today) -> int:
    sent = 0
    for rnd in selectors.open_rounds():
        left = (rnd.deadline - today).days
        if 0 <= left <= config.PLAN_ROUND_REMIND_DAYS:
            drafts = TopicSuggestion.objects.filter(round=rnd, status=SuggestionStatus.DRAFT).select_related(
                "suggester"
            )
            for suggestion in drafts:
                sent += len(
                    notify(
                        recipients=[suggestion.suggester],
                        event_key=f"round-draft:{suggestion.pk}:{today}",
                        title=gettext_lazy("您的议题建议“%(title)s”尚未提交，征集将于%(date)s截止"),
                        params={"title": suggestion.title, "date": rnd.deadline},
                        target=suggestion,
                    )
                )
        elif left < 0 and rnd.status == RoundStatus.OPEN:
            sent += len(
                notify(
                    recipients=selectors.users_with_roles(Role.CLERK),
                    event_key=f"round-overdue:{rnd.pk}:{today}",
                    title=gettext_lazy("“%(round)s”已过截止日期，请截止征集并开始筛选"),
                    params={"round": rnd},
                    target=rnd,
                )
            )
    return sent
