"""Writes on appeals: submission from every channel, workflow effects, replies, personal data."""

import hashlib
import secrets
import uuid
from contextlib import nullcontext
from datetime import date

from constance import config
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from analytics.tasks import analyse_appeal
from core.deadlines import reminder_key
from core.exceptions import Refused, passes
from core.fastwrite import PK, create_with_history
from core.http import as_int
from core.i18n import recorded
from core.services import log_personal_data_access, store_attachment
from intake.models import Appeal, AppealMessage, AppealRating, AppealStatus, Channel, Outcome, Route, Satisfaction
from intake.tasks import tell_of_new_appeal as tell_of_new_appeal_task

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read out on the phone
TITLE_MAX = 200
MESSAGE_MAX = 2000
WITHDRAW_REASON_MAX = 500
RATING_COMMENT_MAX = 500


# 32 letters: a random byte modulo 32 picks each of them with the same chance (256 = 8 × 32).
_CODE_TABLE = bytes(ord(CODE_ALPHABET[b % len(CODE_ALPHABET)]) for b in range(256))


def new_tracking_code() -> str:
    """A random, unambiguous code such as "K7QM-3XPA" (8 characters from `secrets`: 40 bits)."""
    raw = secrets.token_bytes(8).translate(_CODE_TABLE).decode()
    return f"{raw[:4]}-{raw[4:]}"


_RETRY_KEY_SALT = "intake.appeal-retry-key"


def issue_retry_key() -> str:
    """A fresh retry key for a submit form's hidden field, signed: without an account, only keys
    this server handed out count (a key made up or copied from elsewhere replays nothing)."""
    return signing.Signer(salt=_RETRY_KEY_SALT).sign(uuid.uuid4().hex)


def retry_key_for(raw: str | None, *, caller) -> str | None:
    """The stored idempotency key for a caller's retry key (header or hidden field), or None.

    Scoped to the caller, like Open311's per-client keys (open311.services.scoped_idempotency_key):
    a signed-in user's key only ever finds that user's own appeals, so a key someone else used returns
    nothing of theirs. Without an account there is no one to scope to, so the key must be one this
    server signed (issue_retry_key): a made-up or guessed key is no key at all. Fits the 64-char column.
    """
    raw = (raw or "").strip()[:200]
    if not raw:
        return None
    if getattr(caller, "is_authenticated", False):
        scope = f"user:{caller.pk}"
    else:
        try:
            signing.Signer(salt=_RETRY_KEY_SALT).unsign(raw)
        except signing.BadSignature:
            return None
        scope = "anon"
    return f"{scope}:{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:40]}"[:64]


def check_text(*, title: str, body: str) -> dict[str, str]:
    """Field errors for an appeal's text (empty, too long); empty dict when fine."""
    errors: dict[str, str] = {}
    limit = config.APPEAL_MAX_CHARS
    if not (title or "").strip():
        errors["title"] = _("请填写标题，用一句话概括您反映的问题。")
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = _("标题最多%(limit)s字，当前%(n)s字。") % {"limit": TITLE_MAX, "n": len(title.strip())}
    if not (body or "").strip():
        errors["body"] = _("请填写诉求内容：发生了什么、在哪里、希望如何解决。")
    elif len(body.strip()) > limit:
        errors["body"] = _("诉求内容最多%(limit)s字，当前%(n)s字。请精简后再提交。") % {
            "limit": limit,
            "n": len(body.strip()),
        }
    return errors


def submit_appeal(
    *,
    title: str,
    body: str,
    channel: str = Channel.WEB,
    category=None,
    town=None,
    community=None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    citizen=None,
    attachments=(),
    idempotency_key: str | None = None,
    actor=None,
    recorded_by=None,
    workstation=None,
) -> tuple[Appeal, bool]:
    """Record an appeal from any channel; returns (appeal, created). A repeated key returns the first.
    `recorded_by` is the staff member or 委员 who took it down for the citizen (phone, visit, WeChat).
    `workstation`: the citizen wrote to that workstation (its mailbox, 委员信箱, from its page): the
    appeal is its from the start (routed to it, a "route" step on its timeline, its members told),
    as a letter in its mailbox is; one with no members yet is left to the clerks, marked for it.

    One transaction: the appeal, its history row, its attachments and its tasks (its analysis, and
    telling those who act on it next) commit together (a task queued in the database is part of it,
    see core.tasks). A repeated idempotency key is caught by the unique index, not by a lookup first:
    the common case (a new appeal) costs no extra round trip, and a concurrent retry with the same key
    loses cleanly and reads the winner.
    """
    errors = check_text(title=title, body=body)
    if errors:
        raise Refused(next(iter(errors.values())), fields=errors)
    if community is not None:
        if town is not None and community.town_id != town.pk:
            raise Refused(_("所选社区/村不属于所选镇街。"), fields={"community": _("所选社区/村不属于所选镇街。")})
        town = community.town
    citizen = citizen if getattr(citizen, "is_authenticated", False) else None
    routed = workstation is not None and workstation.members.exists()
    appeal = Appeal(
        tracking_code=new_tracking_code(),
        title=title.strip(),
        body=body.strip(),
        channel=channel,
        category=category,
        town=town,
        community=community,
        address=(address or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        citizen=citizen,
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
        department=category.department if category is not None else None,
        idempotency_key=idempotency_key or None,
        status=AppealStatus.ROUTED if routed else AppealStatus.RECEIVED,
        route=Route.WORKSTATION if routed else "",
        workstation=workstation,
    )
    appeal._history_user = actor if getattr(actor, "is_authenticated", False) else None
    # Field checks only: the status/outcome check constraints hold by construction here and the
    # database enforces them anyway (validating them costs two queries and three savepoints), and
    # the related records were passed in as rows already read, so their existence is not re-queried.
    appeal.full_clean(
        exclude=[
            "tracking_code",
            "idempotency_key",
            "category",
            "town",
            "community",
            "citizen",
            "recorded_by",
            "department",
            "workstation",
        ],
        validate_constraints=False,
    )
    # Who acts next is told by a task queued with the appeal (no extra round trip on the public path):
    # the clerks, who route a new appeal; the members of the workstation it was written to.
    tasks = [(analyse_appeal, (PK, True)), (tell_of_new_appeal_task, (PK, routed))]
    try:
        # The appeal, its history row and its tasks are one statement (core.fastwrite): on its own it
        # needs no transaction; with attachments, a route step, or inside the caller's transaction
        # (where a refused key must not abort it), it gets one or a savepoint.
        needs_atomic = attachments or routed or transaction.get_connection().in_atomic_block
        with transaction.atomic() if needs_atomic else nullcontext():
            create_with_history(appeal, tasks=tasks)
            if routed:
                _record_arrival_route(appeal, actor)
            for upload in attachments:
                store_attachment(target=appeal, upload=upload, actor=actor, kind="appeal")
    except IntegrityError:
        winner = Appeal.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if winner is None:
            raise
        return winner, False
    return appeal, True


MAILBOX_ROUTE_NOTE = gettext_lazy("群众在工作室页面“给工作室写信”，写给%(workstation)s，由该工作室办理。")


def _record_arrival_route(appeal: Appeal, actor) -> None:
    """A letter written to a workstation is routed to it as it arrives: the "route" step the clerks'
    分派办理 writes (the timeline and the citizen's 办理过程 show it), by the citizen who wrote it (no
    one, 系统, without an account); the office may still 改派 it."""
    from core.services import record_status_change

    note = recorded(MAILBOX_ROUTE_NOTE, {"workstation": appeal.workstation.name})
    data = {"route": Route.WORKSTATION.value, "workstation": appeal.workstation_id}
    actor = actor if getattr(actor, "is_authenticated", False) else None
    record_status_change(appeal, "route", AppealStatus.RECEIVED, AppealStatus.ROUTED, actor=actor, note=note, data=data)


NEW_APPEAL_TITLE = gettext_lazy("新的群众诉求待分派（%(channel)s）：%(title)s")
MAILBOX_LETTER_TITLE = gettext_lazy("群众给%(workstation)s写信（委员信箱），待您办理：%(title)s")


def tell_of_new_appeal(*, appeal_id: int, to_workstation: bool = False) -> int:
    """Tell who acts next on a new appeal, once (run by intake.tasks.tell_of_new_appeal, queued with
    the appeal): the clerks, who route it, while it still waits for routing (not once a clerk routed or
    merged it, or the citizen withdrew it, before this ran; not the clerk who recorded it); for a
    letter written to a workstation (`to_workstation`, routed to it on arrival), the members of the
    workstation it is routed to. Returns how many were told."""
    from intake.selectors import holders
    from notifications.services import notify

    appeal = Appeal.objects.select_related("workstation").filter(pk=appeal_id).first()
    if appeal is None:
        return 0
    params = {"title": appeal.title[:60]}
    if appeal.status == AppealStatus.RECEIVED:
        recipients = holders(appeal, AppealStatus.RECEIVED).exclude(pk=appeal.recorded_by_id or 0)
        title, params["channel"] = NEW_APPEAL_TITLE, Channel(appeal.channel).label
    elif to_workstation and appeal.status == AppealStatus.ROUTED and appeal.route == Route.WORKSTATION:
        recipients = holders(appeal, AppealStatus.ROUTED).exclude(pk=appeal.citizen_id or 0)
        title, params["workstation"] = MAILBOX_LETTER_TITLE, appeal.workstation.name
    else:
        return 0
    event_key = f"intake.new-appeal:{appeal.pk}"
    return len(notify(recipients=recipients, event_key=event_key, title=title, params=params, target=appeal))


# Workflow guards and effects (intake/workflow.py).


def _route_target(data: dict):
    from grassroots.models import DutyGroup, Workstation

    route = (data.get("route") or "").strip()
    if route not in Route.values:
        raise Refused(_("请选择办理主体：委员工作室、界别委员履职小组或政协办公室。"), fields={"route": _("必填")})
    if route == Route.WORKSTATION:
        ws = Workstation.objects.filter(pk=_int(data.get("workstation")), is_active=True).first()
        if ws is None:
            raise Refused(_("请选择要分派的委员工作室。"), fields={"workstation": _("必填")})
        return route, ws, None
    if route == Route.DUTY_GROUP:
        group = DutyGroup.objects.filter(pk=_int(data.get("duty_group"))).first()
        if group is None:
            raise Refused(_("请选择要分派的履职小组。"), fields={"duty_group": _("必填")})
        return route, None, group
    return route, None, None


def _int(value) -> int | None:
    """An id from the API (a number or its text) or from the page's form (the chosen row)."""
    value = getattr(value, "pk", value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_route(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    _route_target(data)


def on_route(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    appeal.route, appeal.workstation, appeal.duty_group = _route_target(data)
    appeal._history_user = actor
    appeal.save(update_fields=["route", "workstation", "duty_group", "updated_at"])


def on_answer(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    appeal.answer = note
    appeal.answered_at = timezone.now()
    appeal._history_user = actor
    appeal.save(update_fields=["answer", "answered_at", "updated_at"])
    AppealMessage.objects.create(appeal=appeal, author_kind=AppealMessage.Author.STAFF, author=actor, body=note)
    _tell_merged(appeal, change)


def _tell_merged(case: Appeal, change) -> None:
    """The citizens whose appeals were merged into this case hear of its answer and its closing, each
    about their own appeal (its page shows the case's answer; the case itself is not theirs to open)."""
    from notifications.services import notify

    merged = list(
        Appeal.objects.filter(merged_into=case)
        .exclude(status=AppealStatus.WITHDRAWN)
        .select_related("citizen", "recorded_by")
    )
    state = AppealStatus(change.to_state).label

    def tell():
        for appeal in merged:
            users = [u for u in (appeal.citizen, appeal.recorded_by) if u is not None and u.pk != change.actor_id]
            if users:
                notify(
                    recipients=users,
                    event_key=f"intake.merged-progress:{change.pk}:{appeal.pk}",
                    title=gettext_lazy("您的诉求“%(title)s”（与同类诉求合并办理）有新进展：%(state)s"),
                    params={"title": appeal.title[:60], "state": state},
                    body=change.note,
                    target=appeal,
                )

    if merged:
        transaction.on_commit(tell)


def _plan_date(data: dict) -> date | None:
    raw = data.get("plan_due_date")
    if isinstance(raw, date):
        return raw
    return parse_date(raw) if raw else None


def validate_outcome(data: dict) -> tuple[str, date | None]:
    """The outcome and, for a plan, its date; refuses a missing outcome or a missing/past plan date."""
    outcome = data.get("outcome") or ""
    if outcome not in Outcome.values:
        # A value sent that is none of the outcomes is invalid, not missing.
        problem = _("不是有效的办理结果") if outcome else _("必填")
        raise Refused(_("请选择办理结果：当场解决、制定计划限期解决或作出合理解释。"), fields={"outcome": problem})
    if outcome != Outcome.PLAN:
        return outcome, None
    try:
        due = _plan_date(data)
    except ValueError:
        due = None
    if due is None:
        raise Refused(_("“制定计划限期解决”需要填写计划完成日期。"), fields={"plan_due_date": _("必填")})
    if due < timezone.localdate():
        raise Refused(_("计划完成日期不能早于今天。"), fields={"plan_due_date": _("日期已过")})
    return outcome, due


def refuse_while_referral_runs(appeal: Appeal, *, action: str = "close") -> None:
    """The one rule for a referral still running (转交部门办理, its supervision task not closed): the
    handlers neither answer the citizen nor close the appeal until the supervising office has accepted
    the department's reply (rated it 满意/基本满意, closing the task). An answer taken from a reply the
    office then sends back (不满意，重新办理) would give the citizen a rejected answer, and a closed
    appeal would leave the referral chased for nothing. `action`: "answer" or "close", for the wording."""
    from intake.selectors import referral_tasks

    running = referral_tasks(appeal_id=appeal.pk, open_only=True).select_related("lead_department").first()
    if running is None:
        return
    params = {
        "department": running.lead_department.name if running.lead_department else _("有关部门"),
        "task": running.title,
        "status": running.get_status_display(),
    }
    if action == "answer":
        message = _(
            "该诉求已转交%(department)s办理，督办任务“%(task)s”（%(status)s）尚未办结，暂不能答复群众。"
            "请待督办单位对部门答复评价满意、督办任务办结后，再据此答复群众。"
        )
    else:
        message = _(
            "该诉求已转交%(department)s办理，督办任务“%(task)s”（%(status)s）尚未办结，暂不能办结诉求。"
            "请待部门答复、督办任务办结后再办结本诉求。"
        )
    raise Refused(message % params)


def check_answer(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    """The handlers answer the citizen themselves, or from the department's reply once it is accepted."""
    refuse_while_referral_runs(appeal, action="answer")


def may_answer_now(user, appeal: Appeal) -> bool:
    """Whether 答复群众 is offered: not while a referral runs (the rule `check_answer` refuses by)."""
    return passes(refuse_while_referral_runs, appeal, action="answer")


def check_close(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    """An appeal referred to a department is closed once the department has finished: a referral
    still running (its supervision task not closed) would otherwise go on being chased."""
    refuse_while_referral_runs(appeal, action="close")
    validate_outcome(data)


def may_close_now(user, appeal: Appeal) -> bool:
    """Whether 办结 is offered: not while a referral runs (the rule `check_close` refuses by; the
    outcome is checked on the submitted form)."""
    return passes(refuse_while_referral_runs, appeal, action="close")


def on_close(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    appeal.outcome, appeal.plan_due_date = validate_outcome(data)
    appeal.outcome_note = note
    appeal.closed_at = timezone.now()
    # A new closing (after re-handling) starts its plan afresh: an earlier plan's record is in the audit.
    appeal.plan_done_at, appeal.plan_done_note = None, ""
    appeal._history_user = actor
    appeal.save(
        update_fields=[
            "outcome",
            "outcome_note",
            "plan_due_date",
            "closed_at",
            "plan_done_at",
            "plan_done_note",
            "updated_at",
        ]
    )
    _tell_merged(appeal, change)
    _follow_duty_issue(appeal, actor=actor, change=change)


# The plan of an appeal closed with 制定计划限期解决 (the workflow's complete_plan and reschedule_plan on
# the closed appeal): followed up by its handlers until carried out, reminded at its date.


def check_plan_open(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    """Refuses, in plain words, when the appeal has no open plan (not a plan, or already carried out)."""
    from intake.selectors import plan_blocker

    if blocker := plan_blocker(appeal):
        raise Refused(blocker)


def has_open_plan(user, appeal: Appeal) -> bool:
    """Whether 计划已落实 / 调整计划完成日期 are offered: the rule `check_plan_open` refuses by."""
    from intake.selectors import plan_blocker

    return not plan_blocker(appeal)


def _new_plan_date(appeal: Appeal, data: dict) -> date:
    """The new date of a rescheduled plan: given, not in the past, not the date it has."""
    try:
        due = _plan_date(data)
    except ValueError:
        due = None
    if due is None:
        message = _("请填写新的计划完成日期。")
        raise Refused(message, fields={"plan_due_date": message})
    if due < timezone.localdate():
        message = _("新的计划完成日期不能早于今天。")
        raise Refused(message, fields={"plan_due_date": message})
    if due == appeal.plan_due_date:
        message = _("新的计划完成日期与原日期相同。")
        raise Refused(message, fields={"plan_due_date": message})
    return due


def check_reschedule_plan(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    check_plan_open(appeal, actor=actor, note=note, data=data)
    _new_plan_date(appeal, data)


def on_complete_plan(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    """The plan carried out: when and what was done (shown to the citizen, who is told)."""
    appeal.plan_done_at = change.created_at
    appeal.plan_done_note = note
    appeal._history_user = actor
    appeal.save(update_fields=["plan_done_at", "plan_done_note", "updated_at"])
    _tell_citizens(
        appeal,
        change,
        title=gettext_lazy("您的诉求“%(title)s”的解决计划已落实"),
        body=note,
    )
    _follow_duty_issue(appeal, actor=actor, change=change)


def on_reschedule_plan(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    """The plan's new date; the old one is kept in the step's data (and the edit history). The citizen
    is told the new date; the reason stays with the handlers."""
    due = _new_plan_date(appeal, data)
    previous = appeal.plan_due_date.isoformat() if appeal.plan_due_date else ""
    change.data = {**change.data, "plan_due_date": due.isoformat(), "previous_plan_due_date": previous}
    change.save(update_fields=["data"])
    appeal.plan_due_date = due
    appeal._history_user = actor
    appeal.save(update_fields=["plan_due_date", "updated_at"])
    _tell_citizens(
        appeal,
        change,
        title=gettext_lazy("您的诉求“%(title)s”的计划完成日期调整为%(date)s"),
        params={"date": due.isoformat()},
    )
    _follow_duty_issue(appeal, actor=actor, change=change)


def _tell_citizens(case: Appeal, change, *, title, params: dict | None = None, body: str = "") -> None:
    """The citizen who sent the case (signed in) and whoever recorded it for them hear of a step on its
    plan once it commits; so do those of each appeal merged into it, each about their own appeal."""
    from notifications.services import notify

    appeals = [
        case,
        *Appeal.objects.filter(merged_into=case).exclude(status=AppealStatus.WITHDRAWN),
    ]
    users = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={a.citizen_id for a in appeals} | {a.recorded_by_id for a in appeals}, is_active=True
        )
    }

    def tell():
        for appeal in appeals:
            ids = [pk for pk in dict.fromkeys((appeal.citizen_id, appeal.recorded_by_id)) if pk in users]
            recipients = [users[pk] for pk in ids if pk != change.actor_id]
            if recipients:
                notify(
                    recipients=recipients,
                    event_key=f"intake.plan-progress:{change.pk}:{appeal.pk}",
                    title=title,
                    params={**(params or {}), "title": appeal.title[:60]},
                    body=body,
                    target=appeal,
                )

    transaction.on_commit(tell)


# A duty group's issue taken up from the appeal (grassroots.DutyIssue.appeal) works on the appeal: its steps
# are steps on the appeal's record (`record_duty_step`), and its plan and the appeal's closed with a plan are
# one plan: a step on it on either side is taken on both, in one transaction (`follow_issue_plan` here,
# grassroots.services.follow_appeal_step the other way).


def record_duty_step(*, appeal: Appeal, action: str, actor, note: str = "", data: dict | None = None):
    """A step of a duty group's issue taken up from the appeal, on the appeal's audit record: one of
    `intake.workflow.DUTY_STEPS`, with who and when, the group's note (read by the appeal's handling side)
    and the facts in `data`, which the citizen's timeline words (`selectors.duty_step_label`). The appeal's
    state does not change."""
    from core.services import record_status_change
    from intake.workflow import DUTY_STEPS

    if action not in DUTY_STEPS:
        raise ValueError(f"not a duty step: {action}")
    return record_status_change(appeal, action, appeal.status, appeal.status, actor=actor, note=note, data=data)


@transaction.atomic
def follow_issue_plan(*, appeal: Appeal, action: str, actor, note: str, data: dict, issue_id: int) -> bool:
    """The appeal's open plan is the plan of the duty issue `issue_id` taken up from it: that plan recorded
    carried out ("complete_plan", `note` what was done, shown to the citizen) or moved ("reschedule_plan",
    `data["plan_due_date"]`, `note` the reason, kept from the citizen) on the issue is the same step on the
    appeal, with the actor who took it there (the citizen told as for the handlers' own step). False, and
    nothing recorded, when the appeal has no open plan."""
    from core.services import record_status_change
    from core.workflow import transition_committed, workflow_for
    from intake.selectors import plan_blocker

    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if plan_blocker(appeal):
        return False
    state = appeal.status
    change = record_status_change(
        appeal, action, state, state, actor=actor, note=note, data={**data, "issue": issue_id}
    )
    effect = on_complete_plan if action == "complete_plan" else on_reschedule_plan
    effect(appeal, actor=actor, note=note, data=data, change=change)
    workflow = workflow_for(appeal)
    transaction.on_commit(
        lambda: transition_committed.send(sender=Appeal, instance=appeal, change=change, workflow=workflow)
    )
    return True


def _follow_duty_issue(appeal: Appeal, *, actor, change) -> None:
    """The duty issue taken up from the appeal follows the appeal's step (grassroots.services.follow_appeal_step)."""
    from grassroots.services import follow_appeal_step

    follow_appeal_step(appeal, actor=actor, change=change)


PLAN_DUE_TITLE = gettext_lazy("群众诉求“%(title)s”的解决计划今天到期（%(date)s），请登记落实情况或调整计划")
PLAN_OVERDUE_TITLE = gettext_lazy(
    "群众诉求“%(title)s”的解决计划已逾期（计划完成日期 %(date)s），请登记落实情况或调整计划"
)


def remind_due_plans(*, today: date | None = None) -> int:
    """Remind the handlers of each closed appeal whose plan's date has come with nothing recorded (run
    daily): on its date, then once every ISSUE_PLAN_REMIND_EVERY_DAYS days while it stays overdue (the
    district's one rule for plans, as for a duty group's: chased, but not every day for months).
    Running it again within a window sends nothing new; a rescheduled plan starts again from its new
    date. Returns how many notifications were created."""
    from intake.selectors import due_plans, plan_handlers
    from notifications.services import notify

    today = today or timezone.localdate()
    every = int(config.ISSUE_PLAN_REMIND_EVERY_DAYS)
    sent = 0
    for appeal in due_plans(today=today):
        due = appeal.plan_due_date
        key = reminder_key(f"intake.plan-due:{appeal.pk}", due, today, every)
        sent += len(
            notify(
                recipients=plan_handlers(appeal),
                event_key=key,
                title=PLAN_OVERDUE_TITLE if due < today else PLAN_DUE_TITLE,
                params={"title": appeal.title[:60], "date": due.isoformat()},
                target=appeal,
            )
        )
    return sent


def _merge_target(appeal: Appeal, data: dict) -> Appeal:
    from intake.selectors import normalize_tracking_code

    raw = str(data.get("into") or "").strip()
    target = None
    if as_int(raw) is not None:
        target = Appeal.objects.filter(pk=as_int(raw)).first()
    if target is None and raw:
        target = Appeal.objects.filter(tracking_code=normalize_tracking_code(raw)).first()
    if target is None:
        raise Refused(_("未找到要合并到的诉求，请填写其编号或查询码。"), fields={"into": _("未找到")})
    if target.pk == appeal.pk:
        raise Refused(_("不能把诉求合并到它自己。"), fields={"into": _("不能是本诉求")})
    if target.status == AppealStatus.MERGED:
        raise Refused(_("目标诉求本身已合并到其他诉求，请合并到主诉求。"), fields={"into": _("请选主诉求")})
    if target.status == AppealStatus.WITHDRAWN:
        raise Refused(_("目标诉求已由诉求人撤回，不能合并到该诉求。"), fields={"into": _("已撤回")})
    if target.status in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
        raise Refused(
            _(
                "目标诉求（%(code)s）的状态为“%(state)s”，不能再合并到该诉求：这件新诉求请单独办理"
                "（可参考该诉求的答复）。"
            )
            % {"code": target.tracking_code, "state": target.get_status_display()},
            fields={"into": _("目标诉求已答复或已办结")},
        )
    return target


def check_merge(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    _merge_target(appeal, data)


def on_merge(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    target = _merge_target(appeal, data)
    # The step names the main case by its id, whichever way the clerk typed it (a tracking code is the
    # citizen's key, not for the record): the timeline reads 与第N号诉求“…”合并办理 from it.
    change.data = {**change.data, "into": target.pk}
    change.save(update_fields=["data"])
    appeal.merged_into = target
    appeal._history_user = actor
    appeal.save(update_fields=["merged_into", "updated_at"])
    # Appeals already merged into this one follow the new main case too.
    for child in Appeal.objects.filter(merged_into=appeal):
        child.merged_into = target
        child._history_user = actor
        child.save(update_fields=["merged_into", "updated_at"])


def on_reopen(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    appeal.closed_at = None
    appeal.outcome = ""
    appeal._history_user = actor
    appeal.save(update_fields=["closed_at", "outcome", "updated_at"])
    _follow_duty_issue(appeal, actor=actor, change=change)


def check_withdraw(appeal: Appeal, *, actor, note: str, data: dict) -> None:
    from intake.selectors import withdraw_blocker

    if len(note) > WITHDRAW_REASON_MAX:
        raise Refused(
            _("撤回原因最多%(limit)s字，当前%(n)s字。") % {"limit": WITHDRAW_REASON_MAX, "n": len(note)},
            fields={"reason": _("过长")},
        )
    if blocker := withdraw_blocker(appeal):
        raise Refused(blocker)


def on_withdraw(appeal: Appeal, *, actor, note: str, data: dict, change) -> None:
    """A supervision task opened from the appeal shows the withdrawal and is no longer chased."""
    from supervision.services.tasks import mark_source_withdrawn

    mark_source_withdrawn(source=appeal)


def withdraw_appeal(*, appeal: Appeal, actor, reason: str = "") -> Appeal:
    """The citizen withdraws their appeal before it is answered; those handling it are told."""
    from core.workflow import perform

    return perform(appeal, "withdraw", actor=actor, note=reason)


@transaction.atomic
def rate_appeal(*, appeal: Appeal, actor, rating: str, comment: str = "") -> AppealRating:
    """The citizen rates the handling of their closed appeal, once per handling round and within the
    district's window (APPEAL_RATING_DAYS after closing). An appeal merged into a main case is rated
    by its own citizen, on their own appeal, once the main case is closed (its round and window).
    A 不满意 is told to whoever may reopen the (main) case; it is not reopened by itself: the office
    first hears the citizen out, and an answer that already explained why nothing more can be done
    (作出合理解释) is not handled again for a rating."""
    from intake.selectors import case_of, handling_round, rating_blocker, rating_recipients
    from notifications.services import notify

    # The row lock makes two taps of the same rating one: the second reads the first and is refused.
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    case = case_of(appeal)
    round_no = handling_round(appeal, case)
    rated = AppealRating.objects.filter(appeal=appeal, round=round_no).exists()
    if blocker := rating_blocker(appeal, actor, round_no, rated=rated, case=case):
        raise Refused(blocker)
    if rating not in Satisfaction.values:
        msg = _("请选择满意、基本满意或不满意。")
        raise Refused(msg, fields={"rating": msg})
    comment = (comment or "").strip()
    if rating == Satisfaction.UNSATISFIED and not comment:
        msg = _("选择“不满意”时请写明原因，以便工作人员了解情况、决定是否重新办理。")
        raise Refused(msg, fields={"comment": msg})
    if len(comment) > RATING_COMMENT_MAX:
        msg = _("意见最多%(limit)s字，当前%(n)s字。") % {"limit": RATING_COMMENT_MAX, "n": len(comment)}
        raise Refused(msg, fields={"comment": msg})
    citizen = actor if getattr(actor, "is_authenticated", False) else None
    row = AppealRating(appeal=appeal, round=round_no, rating=rating, comment=comment, citizen=citizen)
    row._history_user = citizen
    row.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # a concurrent tap got there first (SQLite takes no row lock)
        raise Refused(_("您已评价过本次办理结果，感谢您的反馈。")) from None
    if rating == Satisfaction.UNSATISFIED:
        transaction.on_commit(
            lambda: notify(
                recipients=rating_recipients(case),
                event_key=f"intake.unsatisfied:{row.pk}",
                title=gettext_lazy("群众对诉求办理结果不满意：%(title)s"),
                params={"title": case.title},
                body=comment,
                target=case,
            )
        )
    return row


def merge_appeals(*, duplicate: Appeal, into: Appeal, actor, note: str = "") -> Appeal:
    """Handle a near-duplicate as part of another case (the duplicate keeps its tracking code)."""
    from core.workflow import perform

    return perform(duplicate, "merge", actor=actor, note=note, data={"into": into.pk})


# Messages, personal data, forwarding.


def _check_message(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused(_("请填写留言内容。"), fields={"body": _("必填")})
    if len(body) > MESSAGE_MAX:
        raise Refused(
            _("留言最多%(limit)s字，当前%(n)s字。") % {"limit": MESSAGE_MAX, "n": len(body)},
            fields={"body": _("过长")},
        )
    return body


@transaction.atomic
def add_citizen_message(*, appeal: Appeal, body: str, actor=None) -> AppealMessage:
    """The citizen adds information or replies: the account the appeal was sent from, or, for one sent
    without an account, whoever holds the tracking code (`actor` None: a code holder). Those handling
    the case (the main case when this appeal was merged into one) are told in their inbox."""
    from intake.predicates import TrackingCodeHolder
    from intake.selectors import case_of, message_blocker, message_recipients
    from notifications.services import notify

    if appeal.status == AppealStatus.WITHDRAWN:
        raise Refused(_("您已撤回这件诉求，不能再留言。如有新的问题，请重新提交诉求。"), fields={"body": _("已撤回")})
    if blocker := message_blocker(appeal, actor if actor is not None else TrackingCodeHolder(appeal.pk)):
        raise Refused(blocker, fields={"body": blocker})
    message = AppealMessage.objects.create(
        appeal=appeal, author_kind=AppealMessage.Author.CITIZEN, body=_check_message(body)
    )
    case = case_of(appeal)
    transaction.on_commit(
        lambda: notify(
            recipients=message_recipients(case),
            event_key=f"intake.citizen-message:{message.pk}",
            title=gettext_lazy("诉求人补充了留言：%(title)s"),
            params={"title": case.title},
            body=message.body,
            target=case,
        )
    )
    return message


@transaction.atomic
def add_staff_message(*, appeal: Appeal, body: str, actor) -> AppealMessage:
    """A handler writes to the citizen (shown on the tracking page)."""
    from intake.predicates import handles_appeal

    if not handles_appeal(actor, appeal):
        raise Refused(_("只有办理该诉求的人员可以回复诉求人。"))
    return AppealMessage.objects.create(
        appeal=appeal, author_kind=AppealMessage.Author.STAFF, author=actor, body=_check_message(body)
    )


@transaction.atomic
def withdraw_personal_data(*, appeal: Appeal, actor) -> Appeal:
    """The citizen withdraws their contact details: they are erased, the appeal itself remains."""
    from intake.selectors import erase_blocker

    if blocker := erase_blocker(appeal, actor):
        raise Refused(blocker)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    appeal._history_user = actor if getattr(actor, "is_authenticated", False) else None
    appeal._change_reason = "withdraw personal data: by the citizen"
    appeal.address = ""
    appeal.contact_name = ""
    appeal.contact_phone = ""
    appeal.contact_withdrawn_at = timezone.now()
    appeal.save(update_fields=["address", "contact_name", "contact_phone", "contact_withdrawn_at", "updated_at"])
    return appeal


def reveal_contact(*, appeal: Appeal, viewer, purpose: str = "") -> dict[str, str]:
    """Unmasked contact details for a handler; the access is audited."""
    from intake.selectors import contact_of, may_see_contact

    if not may_see_contact(viewer, appeal):
        raise Refused(_("只有办理该诉求的人员可以查看联系方式。"))
    contact = contact_of(appeal)
    log_personal_data_access(user=viewer, target=appeal, fields=list(contact), purpose=purpose)
    return contact


@transaction.atomic
def forward_as_opinion(*, appeal: Appeal, actor, title: str = "", body: str = ""):
    """Forward a useful appeal to the 政协 as 社情民意信息, counted for the workstation that handled it.
    社情民意 is the CPPCC's own channel: the office clerks, the information office or the members the
    appeal was routed to forward it, not a government department it was referred to."""
    from intake.predicates import forwards_appeal, member_id_of
    from intake.selectors import forward_blocker
    from opinions.services import draft_report

    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not forwards_appeal(actor, appeal):
        raise Refused(_("只有政协办公室、信息工作人员和承办该诉求的委员可以报送社情民意信息。"))
    if blocker := forward_blocker(appeal):
        raise Refused(blocker)
    member = None
    if (member_id := member_id_of(actor)) is not None:
        from district.models import Member

        member = Member.objects.get(pk=member_id)
    report = draft_report(
        title=(title or appeal.title).strip(),
        body=(body or appeal.body).strip(),
        author=actor,
        member=member,
        source=appeal,
        provider=appeal.workstation or appeal.duty_group,
    )
    appeal.opinion_report = report
    appeal._history_user = actor
    appeal.save(update_fields=["opinion_report", "updated_at"])
    return report


@transaction.atomic
def refer_to_department(*, appeal: Appeal, department, actor, due_date: date | None = None):
    """Refer an appeal to a department and open a supervision task so that it is followed up. The
    referral is a step on the appeal's audited timeline (who, when, to which department, by when),
    beside the route, answer and close steps; the appeal's state does not change."""
    from intake.predicates import refers_appeal
    from intake.selectors import refer_blocker, referral_tasks
    from supervision.choices import TaskStatus
    from supervision.services import create_task

    if not refers_appeal(actor, appeal):
        raise Refused(_("只有政协办公室和承办该诉求的委员可以转交部门。"))
    # The appeal row is locked: of two clicks (or two colleagues) the second sees the first's task,
    # and a referral racing a close reads the closed state.
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if blocker := refer_blocker(appeal):
        raise Refused(blocker)
    if due_date is not None and due_date < timezone.localdate():
        raise Refused(_("办理期限不能早于今天。"), fields={"due_date": _("办理期限不能早于今天。")})
    open_task = referral_tasks(appeal_id=appeal.pk).filter(lead_department=department).exclude(status=TaskStatus.CLOSED)
    if open_task.exists():
        message = _("该诉求已转交%(department)s办理，督办任务尚未办结，无需重复转交。") % {"department": department}
        raise Refused(message, fields={"department": message})
    appeal.department = department
    appeal._history_user = actor
    appeal.save(update_fields=["department", "updated_at"])
    task = create_task(
        source=appeal,
        title=recorded(gettext_lazy("群众诉求转办：%(title)s"), {"title": appeal.title}),
        description=appeal.body,
        actor=actor,
        lead_department=department,
        due_date=due_date,
        is_public=False,
        notify_holders=False,  # the transfer office is told of the referral below
    )
    _record_referral(appeal, task, department, actor, due_date)
    _tell_transfer_office(task, appeal, department, actor)
    return task


REFERRAL_NOTE = gettext_lazy("转交%(department)s办理，未定办理期限")
REFERRAL_DUE_NOTE = gettext_lazy("转交%(department)s办理，办理期限%(due)s")


def _record_referral(appeal: Appeal, task, department, actor, due_date: date | None) -> None:
    """The referral on the appeal's audited timeline (the "refer" step, intake.workflow's recorded
    steps): who referred it and when (the step's actor and time), to which department and by when
    (its note, in the district's language; the ids in its data). The appeal's state stays."""
    from core.services import record_status_change

    params = {"department": department.name, "due": due_date.isoformat() if due_date else ""}
    note = recorded(REFERRAL_DUE_NOTE if due_date else REFERRAL_NOTE, params)
    data = {"department": department.pk, "task": task.pk, "due_date": params["due"] or None}
    record_status_change(appeal, "refer", appeal.status, appeal.status, actor=actor, note=note, data=data)


def _tell_transfer_office(task, appeal: Appeal, department, actor) -> None:
    """The government office transfers (交办) the new referral task before the department sees it:
    its staff (the task's holders in 待交办) are told that a referral waits for them."""
    from notifications.services import notify
    from supervision.choices import TaskStatus
    from supervision.selectors import task_holders

    recipients = [u for u in task_holders(task, TaskStatus.CREATED) if u.pk != getattr(actor, "pk", None)]
    if recipients:
        transaction.on_commit(
            lambda: notify(
                recipients=recipients,
                event_key=f"intake.referral-created:{task.pk}",
                title=gettext_lazy("群众诉求拟转交%(department)s办理，待您交办：%(title)s"),
                params={"department": department.name, "title": appeal.title[:60]},
                target=task,
            )
        )
