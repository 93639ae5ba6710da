"""Meeting pages: calendar, convening, the meeting page (replies, check-in, speeches, outcomes), ICS, minutes."""

from constance import config
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from accounts.predicates import is_member, owes_second_factor
from consultations import selectors, services
from consultations.calendar import duty_event, meeting_event, month_agenda, month_grid, shift_month
from consultations.documents import minutes_docx, minutes_pdf
from consultations.forms import (
    CONSULTATION_KINDS,
    MeetingForm,
    MeetingMaterialForm,
    MicroConsultationForm,
    OutcomeForm,
    ParticipantInviteForm,
    RescheduleForm,
    RespondForm,
    SpeechForm,
    SummaryForm,
)
from consultations.models import MeetingKind, MeetingParticipant, MeetingStatus
from consultations.predicates import convenes_meetings, manages_meeting
from consultations.services import feeds as feed_services
from consultations.views import REFUSALS, refuse_into
from core.forms import submit
from core.ics import ics_response
from core.views import attachment_response
from intake.services import retry_key_for


@login_required
def calendar(request):
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        year, month = today.year, today.month
    meetings = selectors.meetings_in_month(request.user, year, month)
    # The reception days the member is on duty at a workstation: their own calendar, beside the meetings.
    duties = selectors.duty_days_in_month(request.user, year, month)
    prev, nxt = shift_month(year, month, -1), shift_month(year, month, 1)
    return render(
        request,
        "consultations/calendar.html",
        {
            "year": year,
            "month": month,
            "weeks": month_grid(year, month, meetings, duties),
            "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
            "meetings": meetings,
            "duties": duties,
            "agenda": month_agenda(meetings, duties),
            "prev": f"{prev[0]}-{prev[1]:02d}",
            "next": f"{nxt[0]}-{nxt[1]:02d}",
            "can_convene": convenes_meetings(request.user),
            "can_micro": convenes_meetings(request.user) or is_member(request.user),
        },
    )


def _calendar_response(request, user) -> HttpResponse:
    meetings, duties = selectors.calendar_feed_contents(user)
    base = request.build_absolute_uri("/")[:-1]
    events = [meeting_event(m, base_url=base) for m in meetings] + [duty_event(d, base_url=base) for d in duties]
    return ics_response(events, name=_("协商会议日程"), filename="meetings.ics")


@login_required
def calendar_ics(request):
    """All meetings the user may see, and the reception days they are on duty at a workstation, from 90
    days ago on, as one calendar file (a calendar app that should stay up to date subscribes to the
    feed instead: calendar_subscription)."""
    return _calendar_response(request, request.user)


@never_cache
@login_required
def calendar_subscription(request):
    """Subscribe a calendar app (phone, Outlook) to my meetings and duty days: make the secret address
    (shown on this response only), make a new one (the old stops at once), or stop the feed."""
    if owes_second_factor(request.user) and not request.user.is_verified():
        # The address reaches the calendar without the second factor: made only by a session that passed it.
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    issued = None
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "issue":
            _feed, key = feed_services.issue_calendar_feed(user=request.user, second_factor=request.user.is_verified())
            path = reverse("consultations:calendar_feed", args=[key])
            issued = {"https": request.build_absolute_uri(path)}
            issued["webcal"] = "webcal://" + issued["https"].split("://", 1)[1]
        elif op == "stop":
            if feed_services.stop_calendar_feed(user=request.user):
                messages.success(request, _("日历订阅已停止，原订阅地址立即失效。"))
            return redirect("consultations:calendar_subscription")
        else:
            return HttpResponseBadRequest(_("未知操作。"))
    feed = selectors.calendar_feed_of(request.user)
    return render(request, "consultations/calendar_subscription.html", {"feed": feed, "issued": issued})


def calendar_feed(request, key: str):
    """The subscribed calendar, fetched by a calendar app with the secret address and nothing else.
    Only wrong addresses count against a client's limit (guessing): a live feed is always served, even
    to an address shared by many (a calendar service's fetchers, an office behind one gateway)."""
    feed = selectors.calendar_feed_for_key(key)
    if feed is None:
        if is_ratelimited(request, group="consultations.calendar_feed", key="ip", rate="60/m", increment=True):
            return HttpResponse(_("请求过于频繁，请稍后再试。"), status=429, content_type="text/plain; charset=utf-8")
        raise Http404
    feed_services.note_feed_use(feed)
    with translation.override(feed.user.preferred_language):
        response = _calendar_response(request, feed.user)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def meeting_ics(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    base = request.build_absolute_uri("/")[:-1]
    return ics_response([meeting_event(meeting, base_url=base)], name=meeting.title, filename=f"meeting-{pk}.ics")


def _generated_minutes(meeting, fmt: str, *, current: bool = False) -> HttpResponse:
    if fmt == "docx":
        body = minutes_docx(meeting, current=current)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body, mime = minutes_pdf(meeting, current=current), "application/pdf"
    response = HttpResponse(body, content_type=mime)
    name = f"minutes-{meeting.pk}-current" if current else f"minutes-{meeting.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def minutes(request, pk: int, fmt: str):
    """The minutes: as issued (the copy stored at the issue) once issued; the draft while the meeting is
    held; generated from the record for minutes issued before the platform kept the issued copy."""
    meeting = selectors.get_meeting_for(request.user, pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.MINUTED):
        messages.error(request, _("会议召开后才能生成纪要。"))
        return redirect(meeting)
    issued = selectors.issued_minutes(meeting, fmt)
    if issued is not None:
        return attachment_response(issued)
    return _generated_minutes(meeting, fmt)


@login_required
def minutes_current(request, pk: int, fmt: str):
    """The current version of issued minutes whose outcome items were corrected after the issue, marked
    as not the issued minutes: for those who run the meeting and compile its special report."""
    meeting = selectors.get_meeting_for(request.user, pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    if not manages_meeting(request.user, meeting):
        raise PermissionDenied
    if not selectors.corrections_after_issue(meeting):
        # Nothing was corrected: the issued minutes are the current ones.
        return redirect("consultations:minutes", pk=meeting.pk, fmt=fmt)
    return _generated_minutes(meeting, fmt, current=True)


def _meeting_initial(group) -> dict:
    """A group's meeting as its plan item sets it: the consultation form, the departments, a title
    naming that form (a plain 协商会 when the group has no plan item)."""
    defaults = selectors.subject_defaults(group.subject) if group.subject else {}
    kind = defaults.get("kind") if defaults.get("kind") in dict(CONSULTATION_KINDS) else None
    name = MeetingKind(kind).label if kind else _("协商会")
    initial = {"title": _("“%(title)s”%(kind)s") % {"title": group.title, "kind": name}}
    if kind:
        initial["kind"] = kind
    if defaults.get("departments"):
        initial["departments"] = defaults["departments"]
    return initial


@login_required
def meeting_create(request):
    if not convenes_meetings(request.user):
        raise PermissionDenied
    group = None
    if request.GET.get("group"):
        try:
            group_pk = int(request.GET["group"])
        except ValueError:
            raise Http404 from None
        group = selectors.get_group_for(request.user, group_pk)
    form = MeetingForm(request.POST or None, initial=_meeting_initial(group) if group else {})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_consultation_meeting(
                actor=request.user, research_group=group, **form.cleaned_data
            )
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("会议已创建。核对参会人员后请发出会议通知。"))
            return redirect(meeting)
    context = {
        "form": form,
        "group": group,
        # A group that has not researched cannot be convened on; one whose report is not final may, warned.
        "convene_blocker": selectors.convene_blocker(group) if group else "",
        "report_not_ready": bool(group) and selectors.report_not_ready(group),
    }
    return render(request, "consultations/meeting_form.html", context, status=400 if form.errors else 200)


@login_required
def micro_create(request):
    if not (convenes_meetings(request.user) or is_member(request.user)):
        raise PermissionDenied
    form = MicroConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["residents"] = data["residents"].splitlines()
        data["idempotency_key"] = retry_key_for(data["idempotency_key"], caller=request.user)
        try:
            meeting = services.create_micro_consultation(actor=request.user, **data)
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("微协商已登记。"))
            return redirect(meeting)
    return render(request, "consultations/micro_form.html", {"form": form}, status=400 if form.errors else 200)


def _meeting_page(request, meeting, status: int = 200, **forms):
    user = request.user
    manages = manages_meeting(user, meeting)
    participants = list(selectors.participants_of(meeting))
    mine = selectors.my_participation(user, meeting)
    vote_attendance = selectors.is_plan_vote_meeting(meeting)
    ahead = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED)
    materials = selectors.materials_for(user, meeting)
    dept_rows = []
    if not manages and getattr(user, "department_id", None):
        dept_rows = [p for p in participants if p.department_id == user.department_id and p is not mine]
    # Shown to who organises it while the meeting is ahead, with whether the materials reached the
    # participants (uploaded and the notice sent), and whether that was after their due date.
    materials_due = selectors.materials_due(meeting) if manages and ahead else None
    materials_delivered_on = selectors.materials_delivered_on(meeting) if manages and ahead else None
    # Whom the notice does not reach (no account): the convener phones them; shown once it went out,
    # and before, so that the convener knows whom the notice will miss.
    unreached = selectors.unreached_participant_ids(participants) if manages else set()
    for p in participants:
        p.unreached = p.pk in unreached
    ctx = {
        "meeting": meeting,
        "manages": manages,
        # The research group behind the meeting, linked only for those who may open its page
        # (a department invited to the meeting is not in the group).
        "group_visible": bool(meeting.research_group_id)
        and selectors.groups_visible_to(user).filter(pk=meeting.research_group_id).exists(),
        "participants": participants,
        "mine": mine,
        "dept_rows": dept_rows,
        "speeches": list(selectors.speeches_of(meeting)),
        "outcomes": [
            {"item": i, "locked": bool(selectors.outcome_locked_by(i))} for i in selectors.outcome_items_of(meeting)
        ],
        "compile_report": selectors.awaits_special_report(user, meeting),
        "is_held": meeting.status == MeetingStatus.HELD,
        "ahead": ahead,
        # Invitations are answered while the meeting lies ahead; the plan's vote meeting until it begins.
        "can_reply": selectors.answers_invitation(meeting),
        # The plan vote's attendance is recorded on the vote's page: read-only here.
        "vote_attendance": vote_attendance,
        "can_check_in": meeting.status in (MeetingStatus.INVITED, MeetingStatus.HELD)
        and selectors.meeting_day_reached(meeting)
        and not vote_attendance,
        "has_minutes": meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTED),
        # Outcome items corrected after the minutes were issued: the issued copy does not show them.
        "corrections": selectors.corrections_after_issue(meeting),
        "minutes_due": selectors.minutes_due(meeting),
        "materials_due": materials_due,
        "materials_delivered_on": materials_delivered_on,
        "materials_late": selectors.delivered_late(materials_due, materials_delivered_on),
        "materials": materials,
        "can_add_material": manages and ahead,
        "material_form": forms.get("material_form") or MeetingMaterialForm(),
        "today": timezone.localdate(),
        "short_notice": manages and selectors.short_notice(meeting),
        "notice_workdays": int(config.CONSULT_NOTICE_WORKDAYS),
        "needs_department": selectors.requires_department(meeting) and not any(p.department_id for p in participants),
        "respond_form": forms.get("respond_form"),
        "blank_respond_form": RespondForm(meeting=meeting),
        "invite_form": forms.get("invite_form") or ParticipantInviteForm(),
        "speech_form": forms.get("speech_form") or SpeechForm(meeting=meeting),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "summary_form": forms.get("summary_form") or SummaryForm(initial={"minutes_summary": meeting.minutes_summary}),
        "reschedule_form": forms.get("reschedule_form")
        or RescheduleForm(
            initial={
                "starts_at": timezone.localtime(meeting.starts_at),
                "ends_at": timezone.localtime(meeting.ends_at),
                "place": meeting.place,
            }
        ),
        "respond_target": forms.get("respond_target"),
        "unreached": [p for p in participants if p.unreached],
        "notice_sent": meeting.status != MeetingStatus.PLANNED,
        # A notice for a meeting already begun is refused: the page says to record it as held instead.
        "notice_blocker": selectors.notice_blocker(meeting) if manages else "",
        # Invitees with another meeting at the same time: a warning to the convener, not a refusal.
        "overlaps": selectors.overlapping_engagements(meeting) if manages and ahead else [],
        **_subject_context(user, meeting),
    }
    return render(request, "consultations/meeting_detail.html", ctx, status=status)


def _subject_context(user, meeting) -> dict:
    """A micro-consultation held on a duty group's issue: the issue (linked for who may open it), its
    recorded outcome (for everyone who sees the meeting: the department that committed to a plan reads
    it here), and where the group records the outcome of one scheduled ahead."""
    from grassroots.selectors import community_meeting_context, micro_meeting_context

    if meeting.kind == MeetingKind.COMMUNITY:
        # A community consultation scheduled ahead: its outcome is recorded on it (登记社区事务协商).
        return community_meeting_context(user, meeting)
    return micro_meeting_context(user, meeting) if meeting.kind == MeetingKind.MICRO else {}


@login_required
def meeting_detail(request, pk: int):
    return _meeting_page(request, selectors.get_meeting_for(request.user, pk))


def _meeting_post(request, pk, form_class, form_key, call, success, *, with_meeting=False, files=False):
    """Bind form_class to the POST, call the service with the meeting; success is a message or meeting -> message."""
    meeting = selectors.get_meeting_for(request.user, pk)
    form = form_class(request.POST, request.FILES if files else None, **({"meeting": meeting} if with_meeting else {}))
    target = f"{meeting.get_absolute_url()}#{form_key}"
    message = success(meeting) if callable(success) else success
    done = submit(request, form, lambda d: call(meeting, d), success=message, redirect_to=target)
    return done or _meeting_page(request, meeting, status=400, **{form_key: form})


@login_required
@require_POST
def participant_invite(request, pk: int):
    return _meeting_post(
        request,
        pk,
        ParticipantInviteForm,
        "invite_form",
        lambda m, d: services.invite(meeting=m, actor=request.user, refuse_existing=True, **d),
        _("已邀请。"),
    )


@login_required
@require_POST
def reschedule(request, pk: int):
    return _meeting_post(
        request,
        pk,
        RescheduleForm,
        "reschedule_form",
        lambda m, d: services.reschedule_meeting(meeting=m, actor=request.user, **d),
        # Participants are told only once the invitations have gone out (before that, nobody was told).
        lambda m: (
            _("会议时间地点已更新，已通知参会人员。")
            if m.status == MeetingStatus.INVITED
            else _("会议时间地点已更新。")
        ),
    )


@login_required
@require_POST
def material_create(request, pk: int):
    if not manages_meeting(request.user, selectors.get_meeting_for(request.user, pk)):
        raise PermissionDenied  # a participant reads the materials; who runs the meeting sends them
    return _meeting_post(
        request,
        pk,
        MeetingMaterialForm,
        "material_form",
        lambda m, d: services.add_meeting_material(meeting=m, actor=request.user, **d),
        # Once the notice is out, the participants are told at once; before, the notice will tell them.
        lambda m: (
            _("会议材料已上传，已通知参会人员。")
            if m.status == MeetingStatus.INVITED
            else _("会议材料已上传，发出会议通知时将一并告知参会人员。")
        ),
        files=True,
    )


@login_required
@require_POST
def material_remove(request, pk: int):
    material = get_object_or_404(selectors.meeting_materials_visible_to(request.user).select_related("meeting"), pk=pk)
    if not manages_meeting(request.user, material.meeting):
        raise PermissionDenied
    try:
        services.remove_meeting_material(material=material, actor=request.user)
    except REFUSALS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除会议材料《%(title)s》。") % {"title": material.title})
    return redirect(material.get_absolute_url())


@login_required
@require_POST
def speech_create(request, pk: int):
    return _meeting_post(
        request,
        pk,
        SpeechForm,
        "speech_form",
        lambda m, d: services.record_speech(meeting=m, actor=request.user, **d),
        _("发言已记录。"),
        with_meeting=True,
    )


@login_required
@require_POST
def outcome_create(request, pk: int):
    return _meeting_post(
        request,
        pk,
        OutcomeForm,
        "outcome_form",
        lambda m, d: services.record_outcome_item(meeting=m, actor=request.user, **d),
        _("协商成果事项已记录。"),
    )


@login_required
def outcome_edit(request, pk: int):
    """Correct an outcome item in place, until a special report quoting it leaves the draft stage."""
    item = get_object_or_404(
        selectors.outcome_items_visible_to(request.user).prefetch_related("special_reports"), pk=pk
    )
    if not manages_meeting(request.user, item.meeting):
        raise PermissionDenied
    locked = selectors.outcome_locked_by(item)
    initial = {
        "recommendation": item.recommendation,
        "responsible_department": item.responsible_department,
        "co_departments": list(item.co_departments.all()),
        "agreed_action": item.agreed_action,
        "due_date": item.due_date,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda d: services.update_outcome_item(item=item, actor=request.user, **d),
            success=_("成果事项已修改。"),
            redirect_to=f"{item.meeting.get_absolute_url()}#outcomes",
        )
        if done:
            return done
    context = {
        "item": item,
        "meeting": item.meeting,
        "form": form,
        "locked": services.outcome_locked_message(locked) if locked else "",
    }
    return render(request, "consultations/outcome_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def summary_update(request, pk: int):
    return _meeting_post(
        request,
        pk,
        SummaryForm,
        "summary_form",
        lambda m, d: services.set_minutes_summary(meeting=m, actor=request.user, summary=d["minutes_summary"]),
        _("纪要正文已保存。"),
    )


def _participant_for(request, pk: int) -> MeetingParticipant:
    participant = get_object_or_404(MeetingParticipant.objects.select_related("meeting"), pk=pk)
    selectors.get_meeting_for(request.user, participant.meeting_id)
    return participant


@login_required
@require_POST
def participant_respond(request, pk: int):
    participant = _participant_for(request, pk)
    form = RespondForm(request.POST, meeting=participant.meeting)
    if form.is_valid():
        try:
            services.respond_to_invitation(participant=participant, actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已回复会议通知。"))
            return redirect(participant.meeting)
    return _meeting_page(request, participant.meeting, status=400, respond_form=form, respond_target=participant.pk)


@login_required
@require_POST
def participant_check_in(request, pk: int):
    participant = _participant_for(request, pk)
    try:
        services.check_in(participant=participant, actor=request.user)
    except REFUSALS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s已签到。") % {"name": participant.name})
    return redirect(f"{participant.meeting.get_absolute_url()}#participants")


@login_required
@require_POST
def participant_absent(request, pk: int):
    participant = _participant_for(request, pk)
    try:
        services.mark_absent(participant=participant, actor=request.user)
    except REFUSALS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s已登记为缺席。") % {"name": participant.name})
    return redirect(f"{participant.meeting.get_absolute_url()}#participants")
