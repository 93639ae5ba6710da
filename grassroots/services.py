"""Writes on the grassroots platforms: reception days, bookings, contact logs, duty-group issues,
micro-consultations and community consultations."""

import re
import secrets
from datetime import date, datetime, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from consultations.models import Attendance, Meeting, MeetingKind, MeetingParticipant, MeetingStatus, ParticipantRole
from core.deadlines import reminder_key
from core.exceptions import Refused
from core.i18n import join_clauses, join_list, recorded
from core.services import record_status_change
from core.tasks import enqueue_on_commit
from core.workflow import perform
from grassroots.models import (
    Appointment,
    CommunityConsultation,
    Contact,
    DutyGroup,
    DutyIssue,
    FollowUpTask,
    IssueStatus,
    MicroConsultation,
    Position,
    ReceptionDay,
    Workstation,
    WorkstationService,
)
from grassroots.predicates import (
    BookingHolder,
    completes_follow_up,
    handles_issue,
    records_community_consultation,
    runs_group,
    runs_workstation,
    voids_consultation,
    works_on_consultation,
)
from grassroots.tasks import tell_members_on_duty as tell_members_on_duty_task
from intake.models import Appeal, Outcome
from intake.predicates import member_id_of, shows_tracking_code
from intake.services import validate_outcome

SATURDAY = 5


def reception_weekend(year: int, month: int, week: int | None = None) -> tuple[date, date]:
    """The Nth Saturday of a month (config RECEPTION_WEEK_OF_MONTH) and the Sunday after it."""
    week = week or config.RECEPTION_WEEK_OF_MONTH
    first = date(year, month, 1)
    first_saturday = first + timedelta(days=(SATURDAY - first.weekday()) % 7)
    saturday = first_saturday + timedelta(weeks=week - 1)
    if saturday.month != month:
        raise Refused(_("%(month)s月没有第%(n)s个周六。") % {"month": month, "n": week})
    return saturday, saturday + timedelta(days=1)


def _require(predicate, user, obj, message: str) -> None:
    if not predicate(user, obj):
        raise Refused(message)


def _members_among(members, among, *, empty: str, outsider: str) -> list:
    """The members chosen (a roster, who took part): at least one, every one of `among` (a workstation's
    or a group's members); else refused on the form's `members` field, with the reason (the field may be
    left blank on some forms, so a bare 必填 beside it would contradict its help text)."""
    members = list(members)
    if not members:
        raise Refused(empty, fields={"members": empty})
    allowed = set(among.values_list("pk", flat=True))
    if any(m.pk not in allowed for m in members):
        raise Refused(outsider, fields={"members": outsider})
    return members


@transaction.atomic
def generate_reception_days(*, workstation: Workstation, start: date, months: int, actor) -> list[ReceptionDay]:
    """Create the reception weekends of `months` months from `start`, with a rotating duty roster."""
    _require(runs_workstation, actor, workstation, _("只有工作室的委员或政协办公室可以安排接待日。"))
    members = list(workstation.members.order_by("id"))
    existing = set(workstation.reception_days.values_list("date", flat=True))
    # A month that has its reception weekend already keeps it: generating again after the district
    # moved its reception weekend (RECEPTION_WEEK_OF_MONTH) must not give a month a second one.
    arranged = {(d.year, d.month) for d in existing}
    created: list[ReceptionDay] = []
    year, month = start.year, start.month
    for _i in range(months):
        for day in reception_weekend(year, month):
            if day < start or day in existing or (day.year, day.month) in arranged:
                continue
            rd = ReceptionDay(
                workstation=workstation,
                date=day,
                starts_at=workstation.reception_starts,
                ends_at=workstation.reception_ends,
                capacity=workstation.reception_capacity,
            )
            rd._history_user = actor
            rd.save()
            if members:
                k = len(existing) + len(created)
                rd.on_duty.set([members[(2 * k) % len(members)], members[(2 * k + 1) % len(members)]])
            created.append(rd)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return created


@transaction.atomic
def set_roster(*, day: ReceptionDay, members, actor, note: str = "") -> ReceptionDay:
    """Put members on duty for a reception day (a member signing up, two swapping, the clerk
    rearranging); they must belong to the workstation. The change is kept in the day's history (who,
    when, the note), and the members put on or taken off duty are told."""
    from notifications.services import notify

    _require(runs_workstation, actor, day.workstation, _("只有工作室的委员或政协办公室可以排班。"))
    day = ReceptionDay.objects.select_for_update().select_related("workstation").get(pk=day.pk)
    if day.is_cancelled:
        raise Refused(_("这个接待日已经取消了，不能再排班。"))
    if timezone.now() >= reception_window(day)[1]:
        raise Refused(_("接待日已经结束，不能再排班。"))
    members = _members_among(
        members,
        day.workstation.members,
        empty=_("请至少安排一位值班委员。"),
        outsider=_("值班委员必须是本工作室的委员。"),
    )
    before = set(day.on_duty.values_list("pk", flat=True))
    after = {m.pk for m in members}
    if before == after:
        return day
    day._history_user = actor
    day._change_reason = (note or "").strip()[:100] or "roster"
    day.on_duty.set(members)
    # The calendar feed carries the roster: subscribed calendars update the event. (An update, not
    # a save: the roster's history row is the one on_duty.set wrote.)
    day.ics_sequence += 1
    ReceptionDay.objects.filter(pk=day.pk).update(ics_sequence=day.ics_sequence)
    when = {"date": day.date.isoformat(), "ws": day.workstation.name, "note": (note or "").strip()[:200]}
    for ids, title in (
        (after - before, gettext_lazy("您已排入%(date)s%(ws)s接待日值班")),
        (before - after, gettext_lazy("您不再担任%(date)s%(ws)s接待日值班")),
    ):
        users = User.objects.filter(member__pk__in=ids, is_active=True).exclude(pk=actor.pk)
        notify(
            recipients=users,
            event_key=f"reception-duty:{day.pk}:{timezone.now().timestamp()}",
            title=title,
            body=gettext_lazy("%(note)s") if when["note"] else "",
            params=when,
            target=day,
        )
    return day


def booked_count(day: ReceptionDay) -> int:
    return day.appointments.exclude(status=Appointment.Status.CANCELLED).count()


def service_in_use(value) -> WorkstationService:
    """The service a booking or a contact record names, by its code (any case) or as the row. A code the
    district does not have, or a service it retired, is refused."""
    if isinstance(value, WorkstationService):
        found = value if value.is_active else None
    elif value in (None, ""):
        raise Refused(_("请选择服务类型。"), fields={"service": [_("请选择服务类型。")]})
    else:
        found = WorkstationService.objects.filter(code__iexact=str(value).strip(), is_active=True).first()
    if found is None:
        raise Refused(_("服务类型无效，请重新选择。"), fields={"service": [_("请重新选择。")]})
    return found


@transaction.atomic
def book_appointment(*, day: ReceptionDay, name: str, phone: str, topic: str, service: str) -> Appointment:
    """Book a place on a reception day; a past, cancelled or full day is refused with a clear reason."""
    # Lock the day so that two residents cannot take the last place at once.
    day = ReceptionDay.objects.select_for_update().get(pk=day.pk)
    if day.is_cancelled:
        raise Refused(_("%(date)s的接待日已取消，请选择其他日期。") % {"date": day.date.isoformat()})
    now = timezone.localtime()
    if day.date < now.date() or (day.date == now.date() and day.ends_at <= now.time()):
        raise Refused(_("%(date)s的接待日已经过去，请选择之后的日期。") % {"date": day.date.isoformat()})
    # One live booking per phone and day: a second tap or a second submission does not take another
    # of the few places (phones are stored encrypted, so they are compared here, digits only).
    digits = _digits(phone)
    if digits:
        for existing in day.appointments.filter(status=Appointment.Status.BOOKED):
            if _digits(existing.phone) == digits:
                raise Refused(
                    _(
                        "您已预约%(date)s的接待日（预约号 %(ref)s），无需重复预约。"
                        "如需更改，请先凭预约号和联系电话取消原预约。"
                    )
                    % {"date": day.date.isoformat(), "ref": existing.reference}
                )
    if booked_count(day) >= day.capacity:
        raise Refused(
            _("%(date)s的接待日预约已满（共%(n)s个名额），请选择其他日期，或当天直接到工作室。")
            % {"date": day.date.isoformat(), "n": day.capacity}
        )
    if not (name or "").strip() or not (phone or "").strip() or not (topic or "").strip():
        raise Refused(_("请填写姓名、联系电话和咨询事项。"))
    service = service_in_use(service)
    appointment = Appointment(
        reception_day=day,
        name=name.strip(),
        phone=phone.strip(),
        topic=topic.strip()[:200],
        service=service,
        reference=_new_reference(),
    )
    appointment.full_clean(exclude=["reference"])
    appointment.save()
    # The members on duty are told out of this public request: it only queues the task (with the booking).
    enqueue_on_commit(tell_members_on_duty_task, appointment.pk, BOOKED)
    return appointment


REFERENCE_PREFIX = "YY"
_REFERENCE_CLEAN = re.compile(r"[^0-9A-Z]")


def normalize_reference(raw: str) -> str:
    """A booking reference as typed (any case, spaces or dashes) in its stored form, "YY" + 6."""
    return _REFERENCE_CLEAN.sub("", (raw or "").upper())[:12]


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


@transaction.atomic
def cancel_appointment(*, reference: str, phone: str, reason: str = "") -> Appointment:
    """The resident cancels their booking with its reference and the phone number it was made with,
    which frees the place; refused once the reception day has started. A wrong reference and a wrong
    phone number get the same answer, so that nobody learns which references exist."""
    # The row lock makes a double tap one cancellation: the second reads the first and is told so.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("reception_day__workstation")
        .filter(reference=normalize_reference(reference))
        .first()
    )
    typed = _digits(phone)
    if appointment is None or not typed or not secrets.compare_digest(typed, _digits(appointment.phone)):
        raise Refused(_("预约号或预约时填写的联系电话不正确，请核对后重试。"))
    day = appointment.reception_day
    if appointment.status == Appointment.Status.CANCELLED and day.is_cancelled:
        raise Refused(
            _("工作室已取消%(date)s的接待日（%(reason)s），您的预约随之取消，欢迎另选日期预约。")
            % {"date": day.date.isoformat(), "reason": day.cancel_reason or _("未说明原因")}
        )
    if appointment.status == Appointment.Status.CANCELLED:
        raise Refused(_("这个预约已经取消，名额已释放，无需再次取消。"))
    if appointment.status == Appointment.Status.ATTENDED:
        raise Refused(_("这个预约已经接待，不能再取消。"))
    if appointment.status == Appointment.Status.NO_SHOW:
        raise Refused(_("这个预约的接待日已经过去，无需取消。"))
    # The resident has no account: the audit record says "the booking's holder" (by reference and phone).
    return perform(appointment, "cancel", actor=BookingHolder(appointment.pk), note=(reason or "").strip())


def on_booking_cancelled(appointment: Appointment, *, actor, note: str, data: dict, change) -> None:
    """A booking cancelled by the resident, or for them, frees a place: the members on duty are told (not
    the one who cancelled it), out of the request."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    enqueue_on_commit(tell_members_on_duty_task, appointment.pk, CANCELLED, actor_id)


BOOKED, CANCELLED = "booked", "cancelled"
BOOKING_NEWS = {
    BOOKED: gettext_lazy("%(date)s%(ws)s接待日有新预约：%(service)s"),
    CANCELLED: gettext_lazy("%(date)s%(ws)s接待日有预约取消：%(service)s"),
}
BOOKING_NEWS_BODY = gettext_lazy("当天现有%(n)s个预约（共%(capacity)s个名额），详见接待日页面。")


def tell_members_on_duty(*, appointment_id: int, event: str, actor_id: int | None = None) -> int:
    """Tell the members on duty that day, once each, of a booking made or cancelled (`event`) on their
    reception day: the date, the workstation, the service and how many are booked now, linking to the day's
    page; never the resident's name, phone or topic (the page shows those to who runs the workstation).
    Returns how many were told."""
    from notifications.services import notify

    appointment = (
        Appointment.objects.select_related("reception_day__workstation", "service").filter(pk=appointment_id).first()
    )
    if appointment is None or event not in BOOKING_NEWS:
        return 0
    day = appointment.reception_day
    users = User.objects.filter(member__reception_duties=day, is_active=True).exclude(pk=actor_id).distinct()
    params = {
        "date": day.date.isoformat(),
        "ws": day.workstation.name,
        "service": appointment.service.name,
        "n": booked_count(day),
        "capacity": day.capacity,
    }
    key = f"grassroots.booking-{event}:{appointment.pk}"
    return len(
        notify(
            recipients=users,
            event_key=key,
            title=BOOKING_NEWS[event],
            body=BOOKING_NEWS_BODY,
            params=params,
            target=day,
        )
    )


def remind_reception_days(*, today: date | None = None) -> int:
    """Remind the members on duty of their reception day RECEPTION_REMIND_DAYS_BEFORE days before it (run
    daily; 0: no reminders): the day, its hours, the workstation and the bookings so far, linking to the day's
    page. One reminder per member and day (its key, core.deadlines.reminder_key): running it again sends
    nothing new, and a member put on duty since is reminded by the next run. A cancelled day is not
    reminded. Returns how many notifications were created."""
    from notifications.services import notify

    today = today or timezone.localdate()
    ahead = int(config.RECEPTION_REMIND_DAYS_BEFORE)
    if ahead <= 0:
        return 0
    days = (
        ReceptionDay.objects.filter(
            date__gt=today, date__lte=today + timedelta(days=ahead), is_cancelled=False, workstation__is_active=True
        )
        .select_related("workstation")
        .order_by("date", "id")
    )
    sent = 0
    for day in days:
        params = {
            "date": day.date.isoformat(),
            "ws": day.workstation.name,
            "start": day.starts_at.strftime("%H:%M"),
            "end": day.ends_at.strftime("%H:%M"),
            "n": booked_count(day),
            "capacity": day.capacity,
        }
        sent += len(
            notify(
                recipients=User.objects.filter(member__reception_duties=day, is_active=True).distinct(),
                event_key=reminder_key(f"grassroots.reception-day:{day.pk}", day.date, today, 1),
                title=gettext_lazy("接待日提醒：%(date)s %(start)s–%(end)s 您在%(ws)s值班"),
                body=gettext_lazy("已有%(n)s个预约（共%(capacity)s个名额），请提前查看接待日页面做好准备。"),
                params=params,
                target=day,
            )
        )
    return sent


def has_started(user, appointment: Appointment) -> bool:
    return timezone.now() >= reception_window(appointment.reception_day)[0]


def before_end(user, appointment: Appointment) -> bool:
    return timezone.now() < reception_window(appointment.reception_day)[1]


def guard_resident_cancel(appointment: Appointment, *, actor, note: str, data: dict) -> None:
    if has_started(actor, appointment):
        day = appointment.reception_day
        message = _("%(date)s的接待日已经开始，不能在线取消预约。") % {"date": day.date.isoformat()}
        if day.workstation.phone:
            message += _("如不能到场，请致电工作室：%(phone)s。") % {"phone": day.workstation.phone}
        raise Refused(message)


def guard_before_end(appointment: Appointment, *, actor, note: str, data: dict) -> None:
    if not before_end(actor, appointment):
        raise Refused(_("接待日已经结束：没有来的预约请标记为“未到场”。"))


def guard_started(appointment: Appointment, *, actor, note: str, data: dict) -> None:
    if not has_started(actor, appointment):
        raise Refused(_("接待日还没开始，还不能标记未到场。"))


def guard_day_has_come(appointment: Appointment, *, actor, note: str, data: dict) -> None:
    # The resident is received on the day booked; the day's counts must not run ahead of it.
    if appointment.reception_day.date > timezone.localdate():
        raise Refused(_("接待日还没到，接待后再登记。"))


@transaction.atomic
def cancel_reception_day(*, day: ReceptionDay, actor, reason: str) -> list[Appointment]:
    """The workstation cancels a reception day (a typhoon, say) with a reason the residents hear:
    the day leaves the booking calendar, the calendar feed marks it cancelled, and every booking on
    it is cancelled with the day. Returns those bookings, whom the workstation then phones."""
    _require(runs_workstation, actor, day.workstation, _("只有工作室的委员或政协办公室可以取消接待日。"))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写取消接待日的原因：预约的群众会听到这个原因。"), fields={"reason": _("必填")})
    if len(reason) > 200:
        raise Refused(_("取消原因最多200字。"), fields={"reason": _("最多200字")})
    day = ReceptionDay.objects.select_for_update().select_related("workstation").get(pk=day.pk)
    if day.is_cancelled:
        raise Refused(_("这个接待日已经取消了。"))
    if timezone.now() >= reception_window(day)[1]:
        raise Refused(_("接待日已经结束，不能再取消。"))
    day.is_cancelled = True
    day.cancel_reason = reason
    day._history_user = actor
    day._change_reason = "cancel day"
    day.ics_sequence += 1
    day.save(update_fields=["is_cancelled", "cancel_reason", "ics_sequence"])
    booked = list(day.appointments.filter(status=Appointment.Status.BOOKED).order_by("created_at", "id"))
    cancelled = [perform(a, "cancel_with_day", actor=actor, note=reason) for a in booked]
    _tell_on_duty_of_cancelled_day(day, actor=actor, reason=reason, bookings=len(cancelled))
    return cancelled


DAY_CANCELLED = gettext_lazy("%(date)s%(ws)s接待日已取消")
DAY_CANCELLED_BODY = gettext_lazy("原因：%(reason)s。已随之取消的预约%(n)s个，请按接待日页面的名单电话告知预约群众。")


def _tell_on_duty_of_cancelled_day(day: ReceptionDay, *, actor, reason: str, bookings: int) -> None:
    """The members on duty that day (but who cancelled it) hear that it is off, why, and how many
    bookings went with it, once each; the residents' names and phones stay on the day's page."""
    from notifications.services import notify

    users = User.objects.filter(member__reception_duties=day, is_active=True).exclude(pk=actor.pk).distinct()
    notify(
        recipients=users,
        event_key=f"grassroots.day-cancelled:{day.pk}",
        title=DAY_CANCELLED,
        body=DAY_CANCELLED_BODY,
        params={"date": day.date.isoformat(), "ws": day.workstation.name, "reason": reason, "n": bookings},
        target=day,
    )


def reveal_appointment_phone(*, appointment: Appointment, viewer, purpose: str = "") -> str:
    """A booking's full phone number for who runs its workstation (to call the resident); audited."""
    from core.services import log_personal_data_access

    if not runs_workstation(viewer, appointment.reception_day.workstation):
        raise Refused(_("只有该工作室的委员和政协办公室可以查看预约人的完整电话。"))
    log_personal_data_access(user=viewer, target=appointment, fields=["phone"], purpose=purpose)
    return appointment.phone


def _new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


@transaction.atomic
def log_contact(
    *,
    workstation: Workstation,
    kind: str,
    on: date,
    service: "str | WorkstationService",
    summary: str,
    actor,
    people_count: int = 1,
    place: str = "",
    members=(),
    reception_day: ReceptionDay | None = None,
    appointment: Appointment | None = None,
    appeal: Appeal | None = None,
) -> Contact:
    """Log a reception (请进来, booked or walk-in) or a visit out (走出去); each is counted, and credited
    in the duty record of the members who received or visited (`members`, of the workstation). None
    named: a reception is credited to the day's members on duty, else (and a visit) to the member
    recording it; the office recording a visit names who went."""
    _require(runs_workstation, actor, workstation, _("只有工作室的委员或政协办公室可以登记接待走访。"))
    if not (summary or "").strip():
        raise Refused(_("请填写情况记录。"), fields={"summary": _("必填")})
    if on > timezone.localdate():
        raise Refused(_("不能登记未来日期的接待走访。"), fields={"date": _("日期在未来")})
    if appointment is not None:
        # Locked first, so that of two clicks (or two colleagues) the second waits and is told below.
        appointment = (
            Appointment.objects.select_for_update(of=("self",)).select_related("reception_day").get(pk=appointment.pk)
        )
        reception_day = appointment.reception_day
        if reception_day.workstation_id != workstation.pk:
            raise Refused(_("该预约不属于本工作室。"))
        if Contact.objects.filter(appointment=appointment).exists():
            raise Refused(_("该预约的接待已经登记过了。"))
        if appointment.status == Appointment.Status.CANCELLED:
            raise Refused(_("该预约已经取消：如群众仍然到访，请按未预约的来访登记。"))
        guard_day_has_come(appointment, actor=actor, note="", data={})
    if reception_day is not None and reception_day.workstation_id != workstation.pk:
        raise Refused(_("该接待日不属于本工作室。"))
    # A booking is received for the service it was booked for, even one the district has retired since.
    booked = appointment is not None and getattr(service, "pk", None) == appointment.service_id
    service = appointment.service if booked else service_in_use(service)
    members = list(members)
    if not members and kind == Contact.Kind.RECEPTION and reception_day is not None:
        members = list(reception_day.on_duty.all())
    recorder = member_id_of(actor)
    if not members and recorder is not None and workstation.members.filter(pk=recorder).exists():
        members = list(workstation.members.filter(pk=recorder))
    members = _members_among(
        members,
        workstation.members,
        empty=_("请勾选接待或走访的委员（记录计入他们的履职记录），或先为当天的接待日排班。"),
        outsider=_("只能勾选本工作室的委员。"),
    )
    contact = Contact(
        workstation=workstation,
        kind=kind,
        date=on,
        service=service,
        summary=summary.strip(),
        people_count=people_count,
        place=place,
        reception_day=reception_day,
        appointment=appointment,
        appeal=appeal,
        recorded_by=actor,
    )
    try:
        contact.full_clean()
    except ValidationError as exc:
        message = _("接待走访记录不完整：%(m)s") % {"m": join_clauses(exc.messages)}
        raise Refused(message, fields=exc.message_dict) from None
    contact._history_user = actor
    contact.save()
    contact.members.set(members)
    if appointment is not None:
        perform(appointment, "attend", actor=actor, data={"contact": contact.pk})
    return contact


# Duty groups


@transaction.atomic
def collect_issue(
    *,
    group: DutyGroup,
    title: str,
    description: str,
    actor,
    collected_on: date | None = None,
    appeal: Appeal | None = None,
    town=None,
    community=None,
    department=None,
) -> DutyIssue:
    """Record a livelihood issue collected by a duty group, from an appeal or its own field work.

    An appeal is worked on as one issue at a time: while an issue that names it is open (collected or
    being investigated), another is refused, naming that issue and its group, so that two groups do
    not investigate and answer the same resident twice (they join the group that has it instead). Once that
    issue is closed, a group may take the appeal up again; the issue page lists the earlier ones."""
    _require(runs_group, actor, group, _("只有小组成员或政协办公室可以登记民生问题。"))
    if appeal is not None:
        # The appeal's row is locked, so that two groups submitting at once cannot both take it up.
        Appeal.objects.select_for_update().filter(pk=appeal.pk).first()
        _refuse_open_issue_on(appeal, actor)
    issue = DutyIssue(
        group=group,
        title=(title or "").strip(),
        description=(description or "").strip(),
        source=DutyIssue.Source.APPEAL if appeal is not None else DutyIssue.Source.FIELD,
        appeal=appeal,
        town=town or (appeal.town if appeal else None),
        community=community or (appeal.community if appeal else None),
        department=department or (appeal.department if appeal else None),
        collected_on=collected_on or timezone.localdate(),
        created_by=actor,
    )
    if not issue.title or not issue.description:
        raise Refused(_("请填写问题和情况描述。"), fields={"title": _("必填")})
    if issue.collected_on > timezone.localdate():
        message = _("收集日期不能晚于今天：请填写实际收集到问题的日期。")
        raise Refused(message, fields={"collected_on": message})
    issue.full_clean()
    issue._history_user = actor
    issue.save()
    _on_appeal(issue, "duty_collect", actor=actor, note=issue.title, group=group.name)
    return issue


def _refuse_open_issue_on(appeal: Appeal, actor) -> None:
    """Refuse a second open issue on one appeal, telling who already works on it (naming the appeal by
    its tracking code only to those who may see it: `intake.predicates.shows_tracking_code`)."""
    open_issue = (
        DutyIssue.objects.filter(
            appeal=appeal, status__in=[IssueStatus.COLLECTED, IssueStatus.INVESTIGATING, IssueStatus.FOLLOW_UP]
        )
        .select_related("group")
        .order_by("collected_on", "id")
        .first()
    )
    if open_issue is None:
        return
    if shows_tracking_code(actor, appeal):
        message = _(
            "该诉求（查询码 %(code)s）已由“%(group)s”登记为民生问题“%(title)s”（%(status)s），不能重复登记。"
            "如需共同跟进，请与该小组联系。"
        )
    else:
        message = _(
            "该诉求已由“%(group)s”登记为民生问题“%(title)s”（%(status)s），不能重复登记。如需共同跟进，请与该小组联系。"
        )
    message = message % {
        "code": appeal.tracking_code,
        "group": open_issue.group.name,
        "title": open_issue.title,
        "status": open_issue.get_status_display(),
    }
    raise Refused(message, fields={"appeal_code": message})


# An issue taken up from an appeal (DutyIssue.appeal) works on the appeal: each of its steps (taken up, a
# micro-consultation, resolved, a plan made, carried out or moved, dropped) is a step on the appeal's audit
# record too, and the citizen's timeline says it in a sentence of its own (intake.selectors.duty_step_label).
# Its plan and the appeal's closed with a plan are one plan (`follow_appeal_step`).


def _on_appeal(issue: DutyIssue, action: str, *, actor, note: str = "", **facts) -> None:
    """Record the issue's step on the appeal it was taken up from, if any (`intake.workflow.DUTY_STEPS`)."""
    if issue.appeal_id is None:
        return
    from intake.services import record_duty_step

    record_duty_step(appeal=issue.appeal, action=action, actor=actor, note=note, data={"issue": issue.pk, **facts})


def _outcome_line(outcome: str, due: date | None, note: str) -> str:
    """An outcome as the appeal's audit record reads it, in the district's language: 制定计划限期解决（计划
    2026-12-31完成）：…"""
    label = Outcome(outcome).label
    if due is not None:
        return recorded(
            gettext_lazy("%(outcome)s（计划%(due)s完成）：%(note)s"),
            {"outcome": label, "due": due.isoformat(), "note": note},
        )
    return recorded(gettext_lazy("%(outcome)s：%(note)s"), {"outcome": label, "note": note})


def _planned_appeal(issue: DutyIssue) -> Appeal | None:
    """The appeal the issue came from while it has a plan open (closed with a plan not yet carried out),
    locked: read in an effect of the issue's own step, whatever state that step moves the issue to."""
    from intake.selectors import OPEN_PLAN

    if issue.appeal_id is None:
        return None
    return Appeal.objects.select_for_update().filter(OPEN_PLAN, pk=issue.appeal_id).first()


def follow_appeal_step(appeal: Appeal, *, actor, change) -> None:
    """The issue taken up from an appeal follows the appeal's step, in the appeal's transaction (called by the
    appeal's effects in intake.services): a closing with a plan makes the issue's plan (计划落实中) and the
    appeal's one plan, on the appeal's date; the appeal's plan carried out or moved is the issue's too; a
    reopened appeal (重新办理) takes the issue back to 调查了解中, so that its group may consult again. Each
    is the issue's own workflow step, audited, marked with the appeal's step (`appeal_step`)."""
    issue = (
        DutyIssue.objects.select_for_update()
        .filter(appeal=appeal, status=IssueStatus.FOLLOW_UP)
        .order_by("collected_on", "id")
        .first()
    )
    if issue is None:
        return
    step = {"appeal_step": change.pk}
    if change.action == "reopen":
        perform(issue, "reopen", actor=actor, note=change.note, data=step)
    elif change.action == "complete_plan":
        perform(issue, "complete_plan", actor=actor, note=change.note, data=step)
    elif change.action in ("close", "reschedule_plan") and appeal.outcome == Outcome.PLAN:
        if appeal.plan_due_date is None or appeal.plan_due_date == issue.plan_due_date:
            return
        note = change.note
        if change.action == "close":
            note = recorded(gettext_lazy("诉求办结，制定计划限期解决：计划完成日期与诉求的解决计划一致"))
        data = {**step, "plan_due_date": appeal.plan_due_date.isoformat()}
        perform(issue, "reschedule_plan", actor=actor, note=note, data=data)


def _follow_on_appeal(issue: DutyIssue, action: str, *, actor, note: str, due: date | None = None) -> bool:
    """The issue's plan carried out or moved is the appeal's too when the appeal has it open (one plan);
    returns whether it did."""
    from intake.services import follow_issue_plan

    appeal = _planned_appeal(issue)
    if appeal is None:
        return False
    if action == "reschedule_plan" and appeal.plan_due_date == due:
        return True
    data = {"plan_due_date": due.isoformat()} if due is not None else {}
    return follow_issue_plan(appeal=appeal, action=action, actor=actor, note=note, data=data, issue_id=issue.pk)


def check_outcome(issue: DutyIssue, *, actor, note: str, data: dict) -> None:
    if data.get("outcome") == Outcome.PLAN:
        # A plan is not done when it is made: it is followed up until carried out (the "plan" action).
        message = _("“制定计划限期解决”请用“制定计划限期解决”登记，计划落实后再办结。")
        raise Refused(message, fields={"outcome": message})
    validate_outcome(data)


def on_resolve(issue: DutyIssue, *, actor, note: str, data: dict, change) -> None:
    issue.outcome, issue.plan_due_date = data.get("outcome"), None
    issue.outcome_note = note
    issue._history_user = actor
    issue.save(update_fields=["outcome", "outcome_note", "plan_due_date", "updated_at"])
    if not data.get("micro"):  # a micro-consultation's outcome is on the appeal with it
        _on_appeal(
            issue, "duty_resolve", actor=actor, note=_outcome_line(issue.outcome, None, note), outcome=issue.outcome
        )


def check_plan(issue: DutyIssue, *, actor, note: str, data: dict) -> None:
    validate_outcome({**data, "outcome": Outcome.PLAN})


def on_plan(issue: DutyIssue, *, actor, note: str, data: dict, change) -> None:
    issue.outcome, issue.plan_due_date = validate_outcome({**data, "outcome": Outcome.PLAN})
    issue.outcome_note = note
    issue._history_user = actor
    issue.save(update_fields=["outcome", "outcome_note", "plan_due_date", "updated_at"])
    due = issue.plan_due_date
    if not data.get("micro"):  # a micro-consultation's outcome is on the appeal with it
        line = _outcome_line(Outcome.PLAN, due, note)
        _on_appeal(issue, "duty_plan", actor=actor, note=line, plan_due_date=due.isoformat())
    # The appeal closed with a plan before: the group's newer plan is the one plan, and its date the appeal's.
    moved = recorded(gettext_lazy("履职小组制定计划限期解决，计划完成日期以此为准"))
    _follow_on_appeal(issue, "reschedule_plan", actor=actor, note=moved, due=due)


def on_complete_plan(issue: DutyIssue, *, actor, note: str, data: dict, change) -> None:
    # The plan stays the issue's outcome; how it was carried out is the step's note on its timeline.
    issue._history_user = actor
    issue.save(update_fields=["updated_at"])
    if data.get("appeal_step"):  # recorded on the appeal first (follow_appeal_step)
        return
    if not _follow_on_appeal(issue, "complete_plan", actor=actor, note=note):
        _on_appeal(issue, "duty_complete_plan", actor=actor, note=note)


def check_reschedule(issue: DutyIssue, *, actor, note: str, data: dict) -> None:
    _outcome, due = validate_outcome({**data, "outcome": Outcome.PLAN})
    if due == issue.plan_due_date:
        message = _("新的计划完成日期与原日期相同。")
        raise Refused(message, fields={"plan_due_date": message})


def on_reschedule(issue: DutyIssue, *, actor, note: str, data: dict, change) -> None:
    _outcome, due = validate_outcome({**data, "outcome": Outcome.PLAN})
    previous = issue.plan_due_date.isoformat() if issue.plan_due_date else ""
    change.data = {**change.data, "previous_plan_due_date": previous}
    change.save(update_fields=["data"])
    issue.plan_due_date = due
    issue._history_user = actor
    issue.save(update_fields=["plan_due_date", "updated_at"])
    if data.get("appeal_step"):  # recorded on the appeal first (follow_appeal_step)
        return
    if not _follow_on_appeal(issue, "reschedule_plan", actor=actor, note=note, due=due):
        _on_appeal(issue, "duty_reschedule_plan", actor=actor, note=note, plan_due_date=due.isoformat())


def on_drop(issue: DutyIssue, *, actor, note: str, data: dict, change) -> None:
    _on_appeal(issue, "duty_drop", actor=actor, note=note)


def appeal_reopened(user, issue: DutyIssue) -> bool:
    """Whether the appeal the issue came from was reopened (重新办理) since the issue's plan was made, and is
    being handled again: the group looks into it again (the "reopen" action is offered)."""
    from core.models import StatusChange
    from intake.models import AppealStatus

    if issue.appeal_id is None or issue.appeal.status not in (AppealStatus.ROUTED, AppealStatus.ANSWERED):
        return False
    steps = StatusChange.objects.order_by("-created_at", "-id").values_list("created_at", flat=True)
    reopened = steps.filter(
        content_type=ContentType.objects.get_for_model(Appeal), object_id=issue.appeal_id, action="reopen"
    ).first()
    planned = steps.filter(
        content_type=ContentType.objects.get_for_model(DutyIssue), object_id=issue.pk, action="plan"
    ).first()
    return reopened is not None and (planned is None or reopened >= planned)


def check_appeal_reopened(issue: DutyIssue, *, actor, note: str, data: dict) -> None:
    if not appeal_reopened(actor, issue):
        raise Refused(_("来源诉求在计划制定后重新办理，才能随诉求重新办理；计划落实后请登记“计划已落实”。"))


def on_reopen(issue: DutyIssue, *, actor, note: str, data: dict, change) -> None:
    """The issue is looked into again: its earlier outcome and plan stay on its timeline and with its
    micro-consultations; the group's members are told, but for those the appeal's reopening told already
    (the members it is routed to)."""
    from intake.models import AppealStatus
    from intake.selectors import holders
    from notifications.services import notify

    issue.outcome, issue.outcome_note, issue.plan_due_date = "", "", None
    issue._history_user = actor
    issue.save(update_fields=["outcome", "outcome_note", "plan_due_date", "updated_at"])
    users = User.objects.filter(member__duty_groups=issue.group_id, is_active=True).exclude(
        pk=getattr(actor, "pk", None)
    )
    if data.get("appeal_step"):
        users = users.exclude(pk__in=holders(issue.appeal, AppealStatus.ROUTED).values("pk"))
    users = list(users.distinct())
    if users:
        transaction.on_commit(
            lambda: notify(
                recipients=users,
                event_key=f"status:{change.pk}",
                title=gettext_lazy("来源诉求已重新办理，民生问题“%(title)s”待您再次调查协商"),
                params={"title": issue.title[:60]},
                body=note,
                target=issue,
            )
        )


def remind_due_plans(*, today: date | None = None) -> int:
    """Remind the group's members of each plan whose date has come with nothing recorded (run daily): on
    its date, then once every ISSUE_PLAN_REMIND_EVERY_DAYS days while it stays overdue (like an overdue
    proposal's reminders), so that whoever must act is chased without a message every day. Running it
    again within a window sends nothing new; a rescheduled plan starts again from its new date. Returns
    how many notifications were created."""
    from grassroots.selectors import due_plans, issue_holders
    from notifications.services import notify

    today = today or timezone.localdate()
    every = int(config.ISSUE_PLAN_REMIND_EVERY_DAYS)
    sent = 0
    for issue in due_plans(today=today):
        due = issue.plan_due_date
        key = reminder_key(f"issue-plan-due:{issue.pk}", due, today, every)
        sent += len(
            notify(
                recipients=issue_holders(issue, issue.status),
                event_key=key,
                title=gettext_lazy("“%(title)s”的计划已逾期（计划完成日期 %(date)s），请登记落实情况或调整计划")
                if due < today
                else gettext_lazy("“%(title)s”的计划今天到期（%(date)s），请登记落实情况或调整计划"),
                params={"title": issue.title[:60], "date": due.isoformat()},
                target=issue,
            )
        )
    return sent


@transaction.atomic
def log_micro_consultation(
    *,
    issue: DutyIssue,
    starts_at: datetime,
    department,
    dept_head_name: str,
    residents: list[str],
    summary: str,
    outcome: str,
    outcome_note: str,
    actor,
    plan_due_date: date | None = None,
    place: str = "",
    members=(),
    duration: timedelta = timedelta(hours=2),
) -> MicroConsultation:
    """Record a micro-consultation: the department head met the residents; the issue gets its outcome."""
    _require(handles_issue, actor, issue, _("只有小组成员或政协办公室可以登记微协商。"))
    if issue.status in (IssueStatus.RESOLVED, IssueStatus.DROPPED):
        raise Refused(_("该问题已办结，不能再登记微协商。"))
    if issue.status == IssueStatus.FOLLOW_UP and appeal_reopened(actor, issue):
        raise Refused(_("该问题的来源诉求已重新办理：请先在本页选择“随诉求重新办理”，再登记微协商。"))
    if issue.status == IssueStatus.FOLLOW_UP:
        raise Refused(_("该问题已制定计划，正在落实中，不能再登记微协商。"))
    if timezone.localtime(starts_at).date() > timezone.localdate():
        # Recording one settles the issue with its outcome: it must have taken place.
        raise Refused(_("日期不能晚于今天。"), fields={"starts_at": _("日期在未来")})
    from grassroots.selectors import scheduled_micro_meetings

    held_on = timezone.localtime(starts_at).date()
    same_day = [m for m in scheduled_micro_meetings(issue) if timezone.localtime(m.starts_at).date() == held_on]
    if same_day:
        # The one scheduled that day is this micro-consultation: a second meeting would count it twice.
        message = _("该问题已预约%(date)s的微协商，请在下方“登记协商结果”中为该次会议登记结果，不要另行登记。") % {
            "date": timezone.localtime(same_day[0].starts_at).strftime("%Y-%m-%d %H:%M")
        }
        raise Refused(message, fields={"starts_at": message})
    residents = [r.strip() for r in residents if r and r.strip()]
    if not residents:
        raise Refused(_("请至少填写一位参加的居民。"), fields={"residents": _("必填")})
    if not (summary or "").strip():
        raise Refused(_("请填写协商情况。"), fields={"summary": _("必填")})
    if not (outcome_note or "").strip():
        raise Refused(_("请填写结果说明。"), fields={"outcome_note": _("必填")})
    outcome, plan_due_date = validate_outcome({"outcome": outcome, "plan_due_date": plan_due_date})
    # Only the group's members who were there are recorded present (and so earn the duty points).
    members = _members_among(
        members, issue.group.members, empty=_("请勾选参加协商的小组委员。"), outsider=_("只能勾选本小组的委员。")
    )
    meeting = Meeting(
        kind=MeetingKind.MICRO,
        title=recorded(gettext_lazy("微协商：%(title)s"), {"title": issue.title}),
        starts_at=starts_at,
        ends_at=starts_at + duration,
        place=place or issue.group.room,
        subject_type=ContentType.objects.get_for_model(DutyIssue),
        subject_id=issue.pk,
        town=issue.town,
        community=issue.community,
        created_by=actor,
    )
    meeting.full_clean()
    meeting._history_user = actor
    meeting.save()
    present = Attendance.PRESENT
    rows = [
        MeetingParticipant(
            meeting=meeting,
            role=ParticipantRole.DEPT_HEAD,
            department=department,
            name=dept_head_name or department.head_name or str(department),
            attendance=present,
        )
    ]
    rows += [
        MeetingParticipant(meeting=meeting, role=ParticipantRole.MEMBER, member=m, name=m.name, attendance=present)
        for m in members
    ]
    rows += [
        MeetingParticipant(meeting=meeting, role=ParticipantRole.RESIDENT, name=r[:50], attendance=present)
        for r in residents
    ]
    MeetingParticipant.objects.bulk_create(rows)
    # It took place (the date is not later than today): the meeting is recorded as held, a step on its record.
    perform(meeting, "hold", actor=actor)
    micro = MicroConsultation(
        meeting=meeting,
        issue=issue,
        department=department,
        summary=summary.strip(),
        outcome=outcome,
        outcome_note=outcome_note.strip(),
        plan_due_date=plan_due_date,
        recorded_by=actor,
    )
    micro._history_user = actor
    micro.save()
    _settle_issue_by_micro(issue, micro, actor=actor)
    return micro


def _settle_issue_by_micro(issue: DutyIssue, micro: MicroConsultation, *, actor) -> None:
    """What a recorded micro-consultation does to its issue, whether recorded afterwards or on the meeting
    scheduled ahead: a step on the appeal, the issue resolved or its plan made, the department told."""
    meeting, outcome, plan_due_date = micro.meeting, micro.outcome, micro.plan_due_date
    # On the appeal the issue came from: who recorded it and when (the step), the day, the department and the
    # outcome (its data, which the citizen's timeline words), the outcome's note for the appeal's handlers.
    _on_appeal(
        issue,
        "duty_micro",
        actor=actor,
        note=_outcome_line(outcome, plan_due_date, micro.outcome_note),
        micro=micro.pk,
        held_on=timezone.localtime(meeting.starts_at).date().isoformat(),
        department=micro.department.name,
        outcome=outcome,
        plan_due_date=plan_due_date.isoformat() if plan_due_date else None,
    )
    if issue.status == IssueStatus.COLLECTED:
        perform(issue, "investigate", actor=actor, note=recorded(gettext_lazy("召开微协商")))
    if outcome == Outcome.PLAN:
        # A plan with its date: followed up until it is carried out.
        data = {"plan_due_date": plan_due_date.isoformat(), "micro": micro.pk}
        perform(issue, "plan", actor=actor, note=micro.outcome_note, data=data)
    else:
        data = {"outcome": outcome, "micro": micro.pk}
        perform(issue, "resolve", actor=actor, note=micro.outcome_note, data=data)
    _tell_micro_department(micro, actor=actor)


def _tell_micro_department(micro: MicroConsultation, *, actor) -> None:
    """The department that took part learns the outcome agreed in its name (above all a plan it must
    carry out by its date); its liaisons read it on the meeting's page, where the outcome is shown."""
    from notifications.services import notify

    liaisons = list(
        User.objects.filter(department_id=micro.department_id, groups__name=Role.DEPT_LIAISON, is_active=True)
        .exclude(pk=getattr(actor, "pk", None))
        .distinct()
    )
    if not liaisons:
        return
    if micro.outcome == Outcome.PLAN:
        title = gettext_lazy("微协商商定由贵单位制定计划限期解决：“%(title)s”，计划%(date)s前完成")
    else:
        title = gettext_lazy("微协商“%(title)s”已登记结果：%(outcome)s")
    params = {
        "title": micro.issue.title[:60],
        "date": micro.plan_due_date.isoformat() if micro.plan_due_date else "",
        "outcome": micro.get_outcome_display(),
    }
    notify(
        recipients=liaisons,
        event_key=f"micro:{micro.pk}:department",
        title=title,
        params=params,
        body=micro.outcome_note,
        target=micro.meeting,
    )


def micro_schedule_blocker(issue: DutyIssue) -> str:
    """Why no micro-consultation can be scheduled on the issue now ("" when one can): the one rule for the
    issue page's link and for `schedule_micro_consultation`."""
    if issue.status not in (IssueStatus.COLLECTED, IssueStatus.INVESTIGATING):
        return _("该问题已办结或正在落实计划，不能再预约微协商。")
    return ""


def schedule_micro_consultation(*, issue: DutyIssue, actor, idempotency_key: str | None = None, **kwargs) -> Meeting:
    """Schedule a micro-consultation on the issue ahead (the meeting's subject is the issue): the notice,
    replies and check-in go as for any meeting, and the outcome is recorded on this same meeting
    (`record_micro_outcome`), not on a second one."""
    from consultations.services import create_micro_consultation

    _require(handles_issue, actor, issue, _("只有小组成员或政协办公室可以预约微协商。"))
    if blocker := micro_schedule_blocker(issue):
        raise Refused(blocker)
    return create_micro_consultation(
        actor=actor,
        subject=issue,
        issue=kwargs.pop("agenda", "") or issue.description,
        town=issue.town,
        community=kwargs.pop("community", None) or issue.community,
        idempotency_key=idempotency_key,
        **kwargs,
    )


@transaction.atomic
def record_micro_outcome(
    *,
    meeting: Meeting,
    actor,
    summary: str,
    outcome: str,
    outcome_note: str,
    plan_due_date: date | None = None,
) -> MicroConsultation:
    """Record the outcome of a micro-consultation scheduled on an issue, on its own meeting: the meeting
    is recorded held (if it was not), who came is who was signed in on its page; the issue gets its
    outcome as with `log_micro_consultation`. One meeting, one duty credit."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    issue = meeting.subject
    if not isinstance(issue, DutyIssue) or meeting.kind != MeetingKind.MICRO:
        raise Refused(_("该会议不是民生问题的微协商。"))
    _require(handles_issue, actor, issue, _("只有小组成员或政协办公室可以登记微协商。"))
    if MicroConsultation.objects.filter(meeting=meeting).exists():
        raise Refused(_("该次微协商的结果已经登记。"))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Refused(_("该次微协商已取消，不能登记结果。"))
    if issue.status not in (IssueStatus.COLLECTED, IssueStatus.INVESTIGATING):
        raise Refused(_("该问题已办结或正在落实计划，不能再登记微协商。"))
    if timezone.localtime(meeting.starts_at).date() > timezone.localdate():
        message = _("微协商定于%(date)s召开，会议召开后才能登记结果。") % {
            "date": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
        }
        raise Refused(message)
    errors = {}
    if not (summary or "").strip():
        errors["summary"] = _("请填写协商情况。")
    if not (outcome_note or "").strip():
        errors["outcome_note"] = _("请填写结果说明。")
    if errors:
        raise Refused(next(iter(errors.values())), fields=errors)
    outcome, plan_due_date = validate_outcome({"outcome": outcome, "plan_due_date": plan_due_date})
    present = meeting.participants.filter(checked_in_at__isnull=False)
    if not present.filter(member__in=issue.group.members.all()).exists():
        # Who came is what the duty records count: the group's members must be signed in on the meeting page.
        raise Refused(_("请先在会议页面为出席的小组委员和居民签到，再登记协商结果。"))
    dept_row = meeting.participants.filter(department__isnull=False).select_related("department").first()
    if dept_row is None:
        raise Refused(_("微协商须有相关部门负责人参加，请先在会议页面邀请部门。"))
    if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
        perform(meeting, "hold", actor=actor)
    micro = MicroConsultation(
        meeting=meeting,
        issue=issue,
        department=dept_row.department,
        summary=summary.strip(),
        outcome=outcome,
        outcome_note=outcome_note.strip(),
        plan_due_date=plan_due_date,
        recorded_by=actor,
    )
    micro._history_user = actor
    micro.save()
    _settle_issue_by_micro(issue, micro, actor=actor)
    return micro


@transaction.atomic
def link_proposal(
    *, issue: DutyIssue, actor, proposal=None, title: str = "", submitted_on: date | None = None
) -> DutyIssue:
    """Record that an issue became a proposal (the proposal record itself, or its title)."""
    _require(handles_issue, actor, issue, _("只有小组成员或政协办公室可以关联提案。"))
    if proposal is None and not (title or "").strip():
        raise Refused(_("请填写提案标题。"), fields={"title": _("必填")})
    if proposal is not None:
        issue.proposal_type = ContentType.objects.get_for_model(proposal)
        issue.proposal_id = proposal.pk
        title = title or str(proposal)
    issue.proposal_title = (title or "").strip()[:200]
    issue.proposal_submitted_on = submitted_on or timezone.localdate()
    issue._history_user = actor
    issue.save()
    return issue


def record_proposal_from_issue(*, issue: DutyIssue, proposal) -> None:
    """A proposal drafted from the issue was submitted (the proposal's own submit step calls this): the
    issue shows it, and the group counts it once, not again as a title recorded by hand."""
    issue.proposal_type = ContentType.objects.get_for_model(proposal)
    issue.proposal_id = proposal.pk
    issue.proposal_title = str(proposal.title)[:200]
    issue.proposal_submitted_on = timezone.localtime(proposal.submitted_at).date()
    issue._history_user = getattr(proposal, "_history_user", None)
    issue.save(update_fields=["proposal_type", "proposal_id", "proposal_title", "proposal_submitted_on"])


# Community-affairs consultation


def _task_department(responsible: str):
    """The department a task's 责任方 names (its full name or short name), else None: its liaisons are
    told of the task and report it done."""
    from district.models import Department

    name = (responsible or "").strip()
    if not name:
        return None
    return Department.objects.filter(Q(name=name) | Q(short_name=name), is_active=True).order_by("order", "id").first()


def check_community_record(
    *, held_on: date, agreement_reached: bool | None, agreement: str, tasks: list[tuple[str, str, date | None]]
) -> None:
    """The rules of a community consultation's result and tasks, one for its first record (登记社区事务协商)
    and for the later forms (登记协商结果, 新增后续任务): a result chosen (agreed or not) needs its note,
    what was agreed or why not and what next; a task is not due before the consultation took place.
    Every problem is said at once, on its field."""
    errors: dict[str, str] = {}
    if agreement_reached is not None and not (agreement or "").strip():
        errors["agreement"] = _("请填写结果说明：达成的一致意见，或未能达成一致的原因和下一步安排。")
    early = [d for d, _r, due in tasks if due is not None and due < held_on]
    if early:
        errors["tasks"] = _("完成时限不能早于协商日期（%(date)s）：%(tasks)s") % {
            "date": held_on.isoformat(),
            "tasks": join_list(early),
        }
    if errors:
        raise Refused(join_clauses(list(errors.values())), fields=errors)


def _save_tasks(consultation: CommunityConsultation, tasks, actor) -> list[FollowUpTask]:
    """Each task saved on its own (a history row each, who entered it), with the department it names."""
    created = []
    for description, responsible, due in tasks:
        task = FollowUpTask(
            consultation=consultation,
            description=description[:300],
            responsible=responsible[:100],
            department=_task_department(responsible),
            due_date=due,
        )
        task._history_user = actor
        task.save()
        created.append(task)
    return created


def _tell_task_departments(consultation: CommunityConsultation, tasks: list[FollowUpTask], actor) -> int:
    """The liaisons of each department made responsible for a task are told of it (the matter, the task
    and its date), linking to the consultation's page, which they may read."""
    from grassroots.selectors import task_liaisons
    from notifications.services import notify

    sent = 0
    for task in tasks:
        if task.department_id is None:
            continue
        sent += len(
            notify(
                recipients=task_liaisons(task).exclude(pk=getattr(actor, "pk", None)),
                event_key=f"grassroots.community-task:{task.pk}",
                title=gettext_lazy("社区事务协商“%(matter)s”有一项后续任务由%(dept)s负责：%(task)s"),
                body=gettext_lazy("完成时限：%(due)s。完成后请在协商页面登记完成情况。")
                if task.due_date
                else gettext_lazy("完成后请在协商页面登记完成情况。"),
                params={
                    "matter": consultation.matter[:60],
                    "dept": task.department.name,
                    "task": task.description[:80],
                    "due": task.due_date.isoformat() if task.due_date else "",
                },
                target=consultation,
            )
        )
    return sent


COMMUNITY_TITLE = gettext_lazy("社区事务协商：%(matter)s")


def schedule_community_consultation(
    *, community, matter: str, background: str = "", actor, idempotency_key: str | None = None, **kwargs
) -> Meeting:
    """Schedule a community-affairs consultation ahead: a meeting of kind COMMUNITY, planned, titled with
    the matter, the members, residents and the department (its liaisons) invited; its notice, ICS,
    replies and check-in go as for any meeting. After it is held its outcome is recorded on this same
    meeting (`hold_community_consultation(meeting=...)`), not on a second one."""
    from consultations.services import create_micro_consultation

    _require(records_community_consultation, actor, None, _("只有委员或政协办公室可以预约社区事务协商。"))
    if not (matter or "").strip():
        raise Refused(_("请填写协商事项。"), fields={"title": _("必填")})
    if community is None:
        raise Refused(_("请选择主办社区/村。"), fields={"community": _("必填")})
    return create_micro_consultation(
        actor=actor,
        kind=MeetingKind.COMMUNITY,
        title=recorded(COMMUNITY_TITLE, {"matter": matter.strip()}),
        issue=(background or "").strip(),
        town=community.town,
        community=community,
        idempotency_key=idempotency_key,
        **kwargs,
    )


def community_matter_of(meeting: Meeting) -> str:
    """The matter a community consultation scheduled ahead is on: its title without the "社区事务协商：" prefix."""
    prefix = recorded(COMMUNITY_TITLE, {"matter": ""})
    title = meeting.title or ""
    return title[len(prefix) :] if prefix and title.startswith(prefix) else title


def community_outcome_blocker(meeting: Meeting, *, now: datetime | None = None) -> str:
    """Why the outcome of this scheduled community consultation cannot be recorded on it now ("" when it
    can): the one rule for the meeting page's link and for `hold_community_consultation(meeting=...)`.
    Whether it is recorded is read through the meeting (the reverse one-to-one caches it, a miss too),
    so a page that shows the record asks once."""
    if meeting.kind != MeetingKind.COMMUNITY:
        return _("该会议不是社区事务协商。")
    if getattr(meeting, "community_affair", None) is not None:
        return _("该次社区事务协商的结果已经登记。")
    if meeting.status == MeetingStatus.CANCELLED:
        return _("该次社区事务协商已取消，不能登记结果。")
    if (now or timezone.now()) < meeting.starts_at:
        return _("社区事务协商定于%(when)s召开，会议开始后才能登记结果。") % {
            "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
        }
    return ""


@transaction.atomic
def hold_community_consultation(
    *,
    community,
    matter: str,
    background: str,
    starts_at: datetime,
    actor,
    participants: list[tuple[str, str]] = (),
    members=(),
    positions: list[tuple[str, str]] = (),
    mediation_record: str = "",
    agreement_reached: bool | None = None,
    agreement: str = "",
    tasks: list[tuple[str, str, date | None]] = (),
    place: str = "",
    duration: timedelta = timedelta(hours=2),
    idempotency_key: str | None = None,
    meeting: Meeting | None = None,
) -> CommunityConsultation:
    """Record a consultation a community hosts on a local matter, with positions, result and tasks.
    `meeting`: the consultation scheduled ahead (`schedule_community_consultation`), once it has begun:
    the record is made on that meeting (its time and place; who came marked present on it), no second
    meeting nor a second duty credit.
    `members`: the CPPCC members who took part, recorded as members present (their duty records count
    the consultation); `participants`: everyone else by name and role. `idempotency_key` (the form's,
    `intake.services.retry_key_for`): a double tap or a resent form gets the consultation already
    recorded under it back, not a second one (nor a second duty credit)."""
    _require(records_community_consultation, actor, None, _("只有委员或政协办公室可以登记社区事务协商。"))
    if idempotency_key:
        done = CommunityConsultation.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    if not (matter or "").strip() or not (background or "").strip():
        raise Refused(_("请填写协商事项和事项背景。"), fields={"matter": _("必填")})
    if meeting is not None:
        from consultations.predicates import manages_meeting

        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require(manages_meeting, actor, meeting, _("只有预约该次协商的人员或政协办公室可以登记其结果。"))
        if blocker := community_outcome_blocker(meeting):
            raise Refused(blocker)
        starts_at, community = meeting.starts_at, meeting.community or community
    if timezone.localtime(starts_at).date() > timezone.localdate():
        # Recorded after it took place, with who spoke and what was agreed: it is recorded as held.
        raise Refused(_("日期不能晚于今天。"), fields={"starts_at": _("日期在未来")})
    tasks = [(d.strip(), r.strip(), due) for d, r, due in tasks if d.strip()]
    check_community_record(
        held_on=timezone.localtime(starts_at).date(),
        agreement_reached=agreement_reached,
        agreement=agreement,
        tasks=tasks,
    )
    members = list(dict.fromkeys(members))
    if not members and not any(name.strip() for name, _role in participants):
        raise Refused(_("请至少填写一位参加协商的人员。"), fields={"residents": _("必填")})
    try:
        # A savepoint: a concurrent retry with the same key loses on the unique index and reads the winner.
        with transaction.atomic():
            return _hold_community_consultation(
                community=community,
                matter=matter,
                background=background,
                starts_at=starts_at,
                actor=actor,
                participants=participants,
                members=members,
                positions=positions,
                mediation_record=mediation_record,
                agreement_reached=agreement_reached,
                agreement=agreement,
                tasks=tasks,
                place=place,
                duration=duration,
                idempotency_key=idempotency_key,
                meeting=meeting,
            )
    except IntegrityError:
        winner = (
            CommunityConsultation.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        )
        if winner is None:
            raise
        return winner


def _hold_community_consultation(
    *,
    community,
    matter,
    background,
    starts_at,
    actor,
    participants,
    members,
    positions,
    mediation_record,
    agreement_reached,
    agreement,
    tasks,
    place,
    duration,
    idempotency_key,
    meeting=None,
) -> CommunityConsultation:
    if meeting is not None:
        _mark_present(meeting, participants=participants, members=members, actor=actor)
        if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
            perform(meeting, "hold", actor=actor)
    else:
        meeting = _new_community_meeting(
            community=community,
            matter=matter,
            starts_at=starts_at,
            actor=actor,
            participants=participants,
            members=members,
            place=place,
            duration=duration,
        )
        perform(meeting, "hold", actor=actor)
    consultation = CommunityConsultation(
        meeting=meeting,
        community=community,
        matter=matter.strip(),
        background=background.strip(),
        mediation_record=mediation_record.strip(),
        agreement_reached=agreement_reached,
        agreement=agreement.strip(),
        recorded_by=actor,
        idempotency_key=idempotency_key or None,
    )
    consultation._history_user = actor
    consultation.save()
    meeting.subject_type = ContentType.objects.get_for_model(CommunityConsultation)
    meeting.subject_id = consultation.pk
    meeting.save(update_fields=["subject_type", "subject_id"])
    for i, (speaker, said) in enumerate(((s, p) for s, p in positions if s.strip() and p.strip()), 1):
        Position.objects.create(consultation=consultation, speaker=speaker, position=said, order=i)
    created = _save_tasks(consultation, tasks, actor)
    _tell_task_departments(consultation, created, actor)
    return consultation


def _new_community_meeting(*, community, matter, starts_at, actor, participants, members, place, duration) -> Meeting:
    """The meeting of a community consultation recorded afterwards, everyone on it present."""
    meeting = Meeting(
        kind=MeetingKind.COMMUNITY,
        title=recorded(COMMUNITY_TITLE, {"matter": matter.strip()}),
        starts_at=starts_at,
        ends_at=starts_at + duration,
        place=place or str(community),
        town=community.town,
        community=community,
        created_by=actor,
    )
    meeting.full_clean()
    meeting._history_user = actor
    meeting.save()
    roles = set(ParticipantRole.values)
    MeetingParticipant.objects.bulk_create(
        [
            MeetingParticipant(
                meeting=meeting,
                name=name[:50],
                role=role if role in roles else ParticipantRole.OTHER,
                attendance=Attendance.PRESENT,
            )
            for name, role in participants
            if name.strip()
        ]
        + [
            MeetingParticipant(
                meeting=meeting, role=ParticipantRole.MEMBER, member=m, name=m.name[:50], attendance=Attendance.PRESENT
            )
            for m in members
        ]
    )
    return meeting


def _mark_present(meeting: Meeting, *, participants, members, actor) -> None:
    """On a consultation scheduled ahead, who the record says came: the invitation of each (a member, or a
    name on the list) is marked present, signed in at the meeting's start if nobody signed them in; who
    was not invited is added present. Invitees not named keep their reply (not counted as attending)."""
    roles = set(ParticipantRole.values)
    rows = list(meeting.participants.all())
    by_member = {p.member_id: p for p in rows if p.member_id}
    by_name = {p.name: p for p in rows if not p.member_id}
    wanted = [(m, m.name[:50], ParticipantRole.MEMBER) for m in members]
    wanted += [(None, n.strip()[:50], r if r in roles else ParticipantRole.OTHER) for n, r in participants if n.strip()]
    for member, name, role in wanted:
        row = by_member.get(member.pk) if member is not None else by_name.get(name)
        if row is None:
            row = MeetingParticipant(meeting=meeting, role=role, member=member, name=name)
        elif row.attendance == Attendance.PRESENT and row.checked_in_at:
            continue
        if row.attendance != Attendance.DEPUTY:
            row.attendance = Attendance.PRESENT
        row.checked_in_at = row.checked_in_at or meeting.starts_at
        row._history_user = actor
        row.save()


def _consultation_state(reached: bool | None) -> str:
    return {None: "ongoing", True: "agreed", False: "not_agreed"}[reached]


def consultation_state(consultation: CommunityConsultation) -> str:
    """The state its timeline steps record: voided, else where its result stands."""
    return "voided" if consultation.voided_at else _consultation_state(consultation.agreement_reached)


@transaction.atomic
def conclude_community_consultation(
    *, consultation: CommunityConsultation, agreement_reached: bool, agreement: str, actor
) -> CommunityConsultation:
    """Record the later outcome of a consultation recorded as 尚未结束 (agreed or not, with a note), by
    the office, who recorded it or a member who took part; a step on its timeline (who, when, the note)."""
    _require(works_on_consultation, actor, consultation, _("只有政协办公室、登记人或参加协商的委员可以登记协商结果。"))
    agreement = (agreement or "").strip()
    held = timezone.localtime(consultation.meeting.starts_at).date()
    check_community_record(held_on=held, agreement_reached=bool(agreement_reached), agreement=agreement, tasks=[])
    consultation = CommunityConsultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.agreement_reached is not None:
        raise Refused(_("这次协商已经有结果了，不能再次登记。"))
    consultation.agreement_reached = bool(agreement_reached)
    consultation.agreement = agreement
    consultation._history_user = actor
    consultation._change_reason = "conclude"
    consultation.save(update_fields=["agreement_reached", "agreement", "updated_at"])
    record_status_change(
        consultation,
        "conclude",
        _consultation_state(None),
        _consultation_state(consultation.agreement_reached),
        actor=actor,
        note=agreement,
    )
    return consultation


@transaction.atomic
def add_follow_up_tasks(
    *, consultation: CommunityConsultation, tasks: list[tuple[str, str, date | None]], actor
) -> list[FollowUpTask]:
    """Add follow-up tasks to a consultation (agreed later, or found needed); a step on its timeline."""
    _require(works_on_consultation, actor, consultation, _("只有政协办公室、登记人或参加协商的委员可以新增后续任务。"))
    tasks = [(d.strip()[:300], r.strip()[:100], due) for d, r, due in tasks if d.strip() and r.strip()]
    if not tasks:
        raise Refused(_("请至少填写一项后续任务。"), fields={"tasks": _("必填")})
    held = timezone.localtime(consultation.meeting.starts_at).date()
    check_community_record(held_on=held, agreement_reached=None, agreement="", tasks=tasks)
    created = _save_tasks(consultation, tasks, actor)
    state = consultation_state(consultation)
    note = "\n".join(f"{d}；{r}" + (f"；{due.isoformat()}" if due else "") for d, r, due in tasks)
    record_status_change(consultation, "add_tasks", state, state, actor=actor, note=note)
    _tell_task_departments(consultation, created, actor)
    return created


@transaction.atomic
def complete_follow_up(*, task: FollowUpTask, actor, note: str = "") -> FollowUpTask:
    """Record a follow-up task done, with what was done: by the office, who recorded the consultation, a
    member who took part, or a liaison of the department responsible for it. A step on the consultation's
    timeline (who, when, the note), shown next to the task."""
    _require(
        completes_follow_up,
        actor,
        task,
        _("只有政协办公室、登记人、参加协商的委员或责任部门联络员可以登记后续任务完成。"),
    )
    note = (note or "").strip()
    if not note:
        message = _("请填写完成情况。")
        raise Refused(message, fields={"note": message})
    task = FollowUpTask.objects.select_for_update().select_related("consultation").get(pk=task.pk)
    if task.done_at is not None:
        raise Refused(_("这项任务已经登记完成了。"))
    task.done_at = timezone.now()
    task.done_by = actor
    task.done_note = note[:2000]
    task._history_user = actor
    task.save(update_fields=["done_at", "done_by", "done_note", "updated_at"])
    _record_task_step(task, "complete_task", actor=actor, text=task.done_note)
    return task


@transaction.atomic
def reopen_follow_up(*, task: FollowUpTask, actor, reason: str) -> FollowUpTask:
    """Reopen a task recorded done (not done after all, done by mistake), with the reason; by who may
    record it done. A step on the consultation's timeline."""
    _require(
        completes_follow_up,
        actor,
        task,
        _("只有政协办公室、登记人、参加协商的委员或责任部门联络员可以重新打开后续任务。"),
    )
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写重新打开的原因。")
        raise Refused(message, fields={"reason": message})
    task = FollowUpTask.objects.select_for_update().select_related("consultation").get(pk=task.pk)
    if task.done_at is None:
        raise Refused(_("这项任务尚未完成，无需重新打开。"))
    task.done_at = None
    task.done_by = None
    task.done_note = ""
    task._history_user = actor
    task._change_reason = reason[:100]
    task.save(update_fields=["done_at", "done_by", "done_note", "updated_at"])
    _record_task_step(task, "reopen_task", actor=actor, text=reason)
    return task


def _record_task_step(task: FollowUpTask, action: str, *, actor, text: str) -> None:
    """A task's step on the consultation's timeline (its state unchanged): the task, then what was said."""
    state = consultation_state(task.consultation)
    note = f"{task.description}：{text}"
    record_status_change(task.consultation, action, state, state, actor=actor, note=note, data={"task": task.pk})


@transaction.atomic
def void_community_consultation(*, consultation: CommunityConsultation, reason: str, actor) -> CommunityConsultation:
    """The office voids a consultation recorded by mistake (a duplicate, a wrong entry), with the reason:
    a step on its timeline; its meeting is cancelled (a step on the meeting's, with the same reason), so
    that the members recorded present lose its duty credit; it leaves the public outcome pages and its
    open tasks are no longer chased. Nothing is deleted."""
    _require(voids_consultation, actor, consultation, _("只有政协办公室可以作废社区事务协商记录。"))
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写作废原因。")
        raise Refused(message, fields={"reason": message})
    consultation = CommunityConsultation.objects.select_for_update().select_related("meeting").get(pk=consultation.pk)
    if consultation.voided_at is not None:
        raise Refused(_("这条协商记录已经作废。"))
    before = consultation_state(consultation)
    consultation.voided_at = timezone.now()
    consultation.void_reason = reason[:2000]
    consultation._history_user = actor
    consultation._change_reason = "void"
    consultation.save(update_fields=["voided_at", "void_reason", "updated_at"])
    record_status_change(consultation, "void", before, "voided", actor=actor, note=consultation.void_reason)
    meeting = Meeting.objects.select_for_update().get(pk=consultation.meeting_id)
    if meeting.status != MeetingStatus.CANCELLED:
        held = meeting.status
        meeting.status = MeetingStatus.CANCELLED
        meeting.ics_sequence += 1
        meeting._history_user = actor
        meeting._change_reason = "void"
        meeting.save(update_fields=["status", "ics_sequence", "updated_at"])
        note = recorded(gettext_lazy("社区事务协商记录作废：%(reason)s"), {"reason": consultation.void_reason})
        record_status_change(meeting, "cancel", held, MeetingStatus.CANCELLED, actor=actor, note=note)
    return consultation


def remind_follow_up_tasks(*, today: date | None = None) -> int:
    """Remind of community follow-up tasks not recorded done (run daily, with the plans' reminders):
    FOLLOW_UP_REMIND_DAYS_BEFORE days before the date, on it, then once every ISSUE_PLAN_REMIND_EVERY_DAYS
    days while overdue. To the responsible department's liaisons and whoever recorded the consultation.
    One reminder per window (core.deadlines.reminder_key): running it again sends nothing new; a voided
    consultation's tasks are not chased. Returns how many notifications were created."""
    from grassroots.selectors import follow_ups_to_remind, task_liaisons
    from notifications.services import notify

    today = today or timezone.localdate()
    every = int(config.ISSUE_PLAN_REMIND_EVERY_DAYS)
    sent = 0
    for task in follow_ups_to_remind(today=today, ahead=FOLLOW_UP_REMIND_DAYS_BEFORE):
        due = task.due_date
        if due > today:
            key = f"grassroots.follow-up-soon:{task.pk}:{due.isoformat()}"
            title = gettext_lazy("后续任务“%(task)s”将于%(date)s到期（社区事务协商“%(matter)s”）")
        else:
            key = reminder_key(f"grassroots.follow-up-due:{task.pk}", due, today, every)
            title = (
                gettext_lazy("后续任务“%(task)s”已逾期（完成时限 %(date)s，社区事务协商“%(matter)s”），请登记完成情况")
                if due < today
                else gettext_lazy("后续任务“%(task)s”今天到期（社区事务协商“%(matter)s”），请登记完成情况")
            )
        recipients = [*task_liaisons(task), task.consultation.recorded_by]
        sent += len(
            notify(
                recipients=recipients,
                event_key=key,
                title=title,
                params={
                    "task": task.description[:60],
                    "date": due.isoformat(),
                    "matter": task.consultation.matter[:60],
                },
                target=task.consultation,
            )
        )
    return sent


FOLLOW_UP_REMIND_DAYS_BEFORE = 3


def reception_window(day: ReceptionDay) -> tuple[datetime, datetime]:
    """The reception day's start and end as aware datetimes."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(day.date, day.starts_at), tz),
        timezone.make_aware(datetime.combine(day.date, day.ends_at), tz),
    )
