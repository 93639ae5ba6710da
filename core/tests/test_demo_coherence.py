"""The demo district reads true on the day it is loaded: nothing has happened yet that lies in the future,
every record's steps follow one another, and each date agrees with the step it records.

The demo is labelled demo data, but people try the platform on it: a proposal handed over "next week",
minutes dated years after their meeting or a rating older than the reply it rates make them doubt the
platform, not the data. One load (about a minute) checks every rule below; each failure names the record.
"""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import StatusChange

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

SLACK = timedelta(minutes=1)
# A special report of a past year is carried out by the end of its year or in the first months of the next.
MONTHS_AFTER_THE_REPORT_YEAR = 6


def _day(moment):
    return timezone.localtime(moment).date()


def _steps() -> dict:
    """(content type id, object id) → its steps, in the order the audit trail lists them."""
    out = defaultdict(list)
    for step in StatusChange.objects.order_by("created_at", "id"):
        out[step.content_type_id, step.object_id].append(step)
    return out


def nothing_in_the_future(now) -> list[str]:
    """No step, edit or notice is dated after the moment the demo was loaded."""
    found = [
        f"step {s.action} of {s.content_type.model} #{s.object_id} dated {s.created_at:%Y-%m-%d}"
        for s in StatusChange.objects.filter(created_at__gt=now).select_related("content_type")[:20]
    ]
    for model in apps.get_models():
        if any(f.name == "history_date" for f in model._meta.fields):
            late = model.objects.filter(history_date__gt=now)
            found += [f"edit of {model._meta.label} #{row.id} dated {row.history_date:%Y-%m-%d}" for row in late[:5]]
    notifications = apps.get_model("notifications", "Notification").objects.filter(created_at__gt=now)
    found += [f"notice “{n.title}” dated {n.created_at:%Y-%m-%d}" for n in notifications[:5]]
    return found


def steps_in_order(steps: dict) -> list[str]:
    """Each step starts from the state the one before it left (dated in the order they happened)."""
    found = []
    for trail in steps.values():
        for before, step in zip(trail, trail[1:], strict=False):
            if step.from_state != before.to_state:
                found.append(
                    f"{step.content_type.model} #{step.object_id}: {step.action} ({step.created_at:%Y-%m-%d}) "
                    f"follows {before.action} ({before.created_at:%Y-%m-%d})"
                )
    return found


def created_before_its_steps(steps: dict) -> list[str]:
    """A record exists (its row and its first edit-history entry) before its first step is taken."""
    first = defaultdict(dict)
    for (ct_id, obj_id), trail in steps.items():
        first[ct_id][obj_id] = trail[0]
    found = []
    for ct_id, by_obj in first.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        dates = {}
        if any(f.name == "created_at" for f in model._meta.fields):
            dates["created"] = dict(model._base_manager.filter(pk__in=by_obj).values_list("pk", "created_at"))
        if hasattr(model, "history"):
            rows = model.history.filter(id__in=by_obj, history_type="+").values_list("id", "history_date")
            dates["history"] = dict(rows)
        for label, when in dates.items():
            for pk, at in when.items():
                step = by_obj[pk]
                if at > step.created_at + SLACK:
                    found.append(
                        f"{model._meta.label} #{pk}: {label} {at:%Y-%m-%d} after its first step "
                        f"{step.action} ({step.created_at:%Y-%m-%d})"
                    )
    return found


def proposals_agree_with_their_steps(now, steps: dict) -> list[str]:
    """A proposal is numbered in the session of the year it was submitted, in filing order; its dates
    follow one another and agree with its steps; co-signers confirm before it goes in; ratings come
    after the reply and before the proposer concludes; a merged proposal joins one filed before."""
    from proposals.models import Proposal, ProposalRating, ProposalReply, ProposalSigner

    ct = ContentType.objects.get_for_model(Proposal)
    found = []
    by_session = defaultdict(list)
    fields = {"submit": "submitted_at", "file": "filed_at", "assign": "assigned_at", "approve_reply": "replied_at"}
    fields["conclude_closed"] = "closed_at"
    for p in Proposal.objects.select_related("session", "merged_into"):
        if p.session_id and p.submitted_at and p.session.year != _day(p.submitted_at).year:
            found.append(f"proposal #{p.pk} submitted {_day(p.submitted_at)} is numbered in {p.session.year}")
        if p.serial:
            by_session[p.session_id].append(p)
        dates = [p.submitted_at, p.filed_at, p.assigned_at, p.replied_at, p.closed_at]
        dates = [d for d in dates if d is not None]
        if dates != sorted(dates) or (dates and dates[-1] > now):
            found.append(f"proposal #{p.pk}: dates out of order or in the future {[_day(d) for d in dates]}")
        if p.assigned_at and p.reply_due and p.reply_due < _day(p.assigned_at):
            found.append(f"proposal #{p.pk}: reply due {p.reply_due} before it was handed over")
        trail = {s.action: s for s in steps.get((ct.pk, p.pk), [])}
        for action, field in fields.items():
            value = getattr(p, field)
            if value is not None and action in trail and _day(trail[action].created_at) != _day(value):
                found.append(
                    f"proposal #{p.pk}: {field} {_day(value)} but step {action} {_day(trail[action].created_at)}"
                )
        if p.merged_into_id and "merge" in trail:
            master = p.merged_into
            if master.filed_at is None or master.filed_at > trail["merge"].created_at:
                found.append(f"proposal #{p.pk} merged into #{master.pk} before that one was filed")
    for rows in by_session.values():
        in_filing = [p.serial for p in sorted(rows, key=lambda p: (p.filed_at, p.pk))]
        if in_filing != sorted(in_filing):
            found.append(f"session #{rows[0].session_id}: numbers not in filing order")
    for signer in ProposalSigner.objects.select_related("proposal").filter(responded_at__isnull=False):
        submitted = signer.proposal.submitted_at
        if signer.responded_at < signer.invited_at or (submitted and signer.responded_at > submitted):
            found.append(f"proposal #{signer.proposal_id}: co-signer confirmed outside invitation → submission")
    replies = {(r.proposal_id, r.round): r for r in ProposalReply.objects.all()}
    for rating in ProposalRating.objects.select_related("proposal"):
        reply = replies.get((rating.proposal_id, rating.round))
        sent = rating.proposal.replied_at
        if (
            reply is None
            or (reply.submitted_at and rating.created_at < reply.submitted_at)
            or (sent and rating.created_at < sent)
        ):
            found.append(f"proposal #{rating.proposal_id}: rated {_day(rating.created_at)} before its reply")
        concluded = [s for s in steps.get((ct.pk, rating.proposal_id), []) if s.action.startswith("conclude_")]
        if rating.created_at > now or (concluded and rating.created_at > concluded[0].created_at):
            found.append(f"proposal #{rating.proposal_id}: rated {_day(rating.created_at)} after it was concluded")
    return found


def proposals_written_by_their_authors(steps: dict) -> list[str]:
    """A proposal is created by its author before its first step (the timeline lists its creation first),
    and only a joint proposal with co-signers invited is sent for co-signing (联名确认中)."""
    from proposals.models import Kind, Proposal, Status

    ct = ContentType.objects.get_for_model(Proposal)
    found = []
    created = {r.id: r for r in Proposal.history.filter(history_type="+")}
    for p in Proposal.objects.prefetch_related("signers"):
        record, trail = created.get(p.pk), steps.get((ct.pk, p.pk), [])
        if record is None or record.history_user_id != p.author_id:
            found.append(f"proposal #{p.pk}: not created by its author")
        elif trail and record.history_date >= trail[0].created_at:
            found.append(f"proposal #{p.pk}: created {record.history_date:%Y-%m-%d %H:%M} after {trail[0].action}")
        if p.status == Status.COSIGNING and (p.kind != Kind.JOINT or not p.signers.all()):
            found.append(f"proposal #{p.pk}: {p.get_kind_display()} in co-signing with {len(p.signers.all())} invited")
    return found


def meetings_and_minutes(steps: dict) -> list[str]:
    """A meeting is held on its day; its minutes are issued after it, within the minutes period."""
    from consultations.models import Meeting
    from consultations.selectors import minutes_due

    ct = ContentType.objects.get_for_model(Meeting)
    found = []
    for meeting in Meeting.objects.all():
        trail = {s.action: s for s in steps.get((ct.pk, meeting.pk), [])}
        if "hold" in trail and _day(trail["hold"].created_at) < _day(meeting.starts_at):
            found.append(f"meeting #{meeting.pk} recorded as held before its day")
        if "issue_minutes" in trail:
            issued = trail["issue_minutes"].created_at
            if issued < meeting.ends_at or _day(issued) > minutes_due(meeting):
                found.append(
                    f"meeting #{meeting.pk} ({_day(meeting.starts_at)}): minutes issued {_day(issued)}, "
                    f"due by {minutes_due(meeting)}"
                )
    return found


def grassroots_in_order(now, steps: dict) -> list[str]:
    """A duty-group issue is collected after the appeal it came from and before the proposal drafted
    from it; its micro-consultation is held after it was collected and before it was closed; a
    community consultation's follow-up tasks fall due after it and, once due, are done."""
    from grassroots.models import CommunityConsultation, Contact, DutyIssue, MicroConsultation

    ct = ContentType.objects.get_for_model(DutyIssue)
    found = []
    for issue in DutyIssue.objects.select_related("appeal"):
        if issue.appeal_id and issue.collected_on < _day(issue.appeal.created_at):
            found.append(f"issue #{issue.pk} collected {issue.collected_on} before its appeal came in")
        if issue.proposal_submitted_on and issue.proposal_submitted_on < issue.collected_on:
            found.append(f"issue #{issue.pk}: proposal submitted {issue.proposal_submitted_on} before it")
        if issue.collected_on > _day(now):
            found.append(f"issue #{issue.pk} collected in the future")
    for micro in MicroConsultation.objects.select_related("meeting", "issue"):
        held = micro.meeting.starts_at
        resolved = [s for s in steps.get((ct.pk, micro.issue_id), []) if s.action == "resolve"]
        if _day(held) < micro.issue.collected_on or (resolved and resolved[0].created_at < held):
            found.append(f"micro-consultation #{micro.pk} outside its issue's collection and closing")
        if micro.created_at < held:
            found.append(f"micro-consultation #{micro.pk} recorded before it was held")
    for consultation in CommunityConsultation.objects.select_related("meeting"):
        held = _day(consultation.meeting.starts_at)
        for task in consultation.tasks.all():
            if task.due_date and task.due_date < held:
                found.append(f"follow-up task #{task.pk} due before the consultation")
            if task.due_date and task.due_date < _day(now) and task.done_at is None:
                found.append(f"follow-up task #{task.pk} of {held} still open, due {task.due_date}")
            if task.done_at and _day(task.done_at) < held:
                found.append(f"follow-up task #{task.pk} done before the consultation")
    late = Contact.objects.filter(date__gt=_day(now))
    found += [f"contact #{c.pk} dated in the future" for c in late]
    return found


def appeals_in_order(now, steps: dict) -> list[str]:
    """An appeal's messages fall within its own time (none before it came in, none after the load) and
    the handler's answer is dated when the appeal was answered; an appeal is merged into an earlier
    case still open then (not answered, not closed); a referral is opened after the appeal came in."""
    from intake.models import Appeal, AppealMessage
    from intake.selectors import referral_tasks

    found = []
    for message in AppealMessage.objects.select_related("appeal"):
        appeal = message.appeal
        if message.created_at > now or message.created_at < appeal.created_at:
            found.append(f"message #{message.pk} of appeal #{appeal.pk} dated {message.created_at:%Y-%m-%d}")
        answer = message.author_kind == "staff" and appeal.answered_at and message.body == appeal.answer
        if answer and abs(message.created_at - appeal.answered_at) > SLACK:
            dated, answered = f"{message.created_at:%Y-%m-%d}", f"{appeal.answered_at:%Y-%m-%d}"
            found.append(f"answer to appeal #{appeal.pk} dated {dated}, answered {answered}")
    ct = ContentType.objects.get_for_model(Appeal)
    for appeal in Appeal.objects.filter(merged_into__isnull=False).select_related("merged_into"):
        main = appeal.merged_into
        merged = [s.created_at for s in steps.get((ct.pk, appeal.pk), []) if s.action == "merge"]
        at = merged[-1] if merged else appeal.created_at
        if main.created_at > appeal.created_at:
            found.append(f"appeal #{appeal.pk} merged into #{main.pk}, which came in later")
        if any(done is not None and done <= at for done in (main.answered_at, main.closed_at)):
            found.append(f"appeal #{appeal.pk} merged {at:%Y-%m-%d} into #{main.pk}, already answered or closed")
    appeals = {a.pk: a for a in Appeal.objects.filter(pk__in=referral_tasks().values("source_id"))}
    for task in referral_tasks():
        appeal = appeals[task.source_id]
        if task.created_at < appeal.created_at or (appeal.closed_at and task.created_at > appeal.closed_at):
            found.append(f"referral task #{task.pk} dated {task.created_at:%Y-%m-%d} outside appeal #{appeal.pk}")
    return found


def supervision_in_order(steps: dict) -> list[str]:
    """A task falls due after it was handed over; a special report is issued after its meeting's minutes."""
    from supervision.models import SpecialReport, SupervisionTask

    found = [
        f"task #{t.pk} due {t.due_date} before it was assigned {_day(t.assigned_at)}"
        for t in SupervisionTask.objects.filter(assigned_at__isnull=False, due_date__isnull=False)
        if t.due_date < _day(t.assigned_at)
    ]
    meeting_ct = ContentType.objects.get_for_model(apps.get_model("consultations", "Meeting"))
    report_ct = ContentType.objects.get_for_model(SpecialReport)
    for report in SpecialReport.objects.all():
        minuted = [s for s in steps.get((meeting_ct.pk, report.meeting_id), []) if s.action == "issue_minutes"]
        issued = [s for s in steps.get((report_ct.pk, report.pk), []) if s.action == "issue"]
        if minuted and issued and issued[0].created_at < minuted[0].created_at:
            found.append(f"special report #{report.pk} issued before its meeting's minutes")
    return found


def past_reports_carried_out_in_their_time(now, steps: dict) -> list[str]:
    """A special report of a past year is carried out in its own story, not on the day the demo loaded:
    each of its tasks is opened and transferred after the report was issued and before the end of the
    report's year + MONTHS_AFTER_THE_REPORT_YEAR months; a task no longer running (closed) also has its
    deadline and every step (transfer, progress, reply, rating, note) by then. Only a task still running
    may carry later steps."""
    from supervision.choices import TaskStatus
    from supervision.models import ProgressReport, SpecialReport, SupervisionNote, SupervisionTask

    ct = ContentType.objects.get_for_model(SupervisionTask)
    found = []
    for report in SpecialReport.objects.filter(year__lt=_day(now).year).exclude(issued_at=None):
        limit = date(report.year + 1, MONTHS_AFTER_THE_REPORT_YEAR + 1, 1)
        for task in report.tasks.all():
            trail = steps.get((ct.pk, task.pk), [])
            opened = [task.created_at, *(s.created_at for s in trail if s.action == "assign")]
            if any(at < report.issued_at or _day(at) >= limit for at in opened):
                days = sorted({_day(at).isoformat() for at in opened})
                found.append(f"task #{task.pk} of report {report.number}: opened or transferred {days}")
            if task.status != TaskStatus.CLOSED:
                continue
            dates = [s.created_at for s in trail]
            dates += ProgressReport.objects.filter(task=task).values_list("created_at", flat=True)
            dates += SupervisionNote.objects.filter(task=task).values_list("created_at", flat=True)
            late = sorted({_day(at).isoformat() for at in dates if _day(at) >= limit})
            if late or (task.due_date and task.due_date >= limit):
                found.append(f"closed task #{task.pk} of report {report.number}: due {task.due_date}, steps {late}")
    return found


def duty_group_proposals_of_their_year() -> list[str]:
    """A duty group's issue formed its proposal in the group's year (the year the issue was collected): the
    proposal linked to it went in that year, on the day the issue records, so the group page counts the
    proposal in the year it lists the issue."""
    from grassroots.models import DutyIssue
    from proposals.models import Proposal

    issues = list(DutyIssue.objects.exclude(proposal_id=None).select_related("group"))
    proposals = Proposal.objects.in_bulk([i.proposal_id for i in issues])
    found = []
    for issue in issues:
        proposal = proposals.get(issue.proposal_id)
        submitted = _day(proposal.submitted_at) if proposal and proposal.submitted_at else None
        if submitted is None:
            found.append(f"issue #{issue.pk} of {issue.group}: its proposal #{issue.proposal_id} was not submitted")
        elif submitted.year != issue.collected_on.year or issue.proposal_submitted_on != submitted:
            found.append(
                f"issue #{issue.pk} of {issue.group} collected {issue.collected_on}: proposal #{proposal.pk} "
                f"submitted {submitted}, recorded {issue.proposal_submitted_on}"
            )
    return found


def rounds_for_years_to_come(now) -> list[str]:
    """Topics are collected for a plan of this year or a later one, not of a year long past."""
    from topics.models import CollectionRound

    return [
        f"collection round {r.year} still open in {_day(now).year}"
        for r in CollectionRound.objects.all()
        if r.accepting and r.year < _day(now).year
    ]


def notices_dated_with_their_steps(steps: dict) -> list[str]:
    """A notice sent with a workflow step (`status:<step>`) carries the date of its step, and a record's
    creation comes first on its timeline (its first edit-history entry is not later than its first step):
    a loader that redates a step redates what the step wrote, or takes the step on its day (StoryClock)."""
    from notifications.models import Notification

    found = []
    dated = dict(StatusChange.objects.values_list("pk", "created_at"))
    notices = Notification.objects.filter(event_key__startswith="status:")
    for notice in notices.only("event_key", "created_at", "title"):
        step_at = dated.get(int(notice.event_key.split(":")[1]))
        if step_at is not None and abs(notice.created_at - step_at) > SLACK:
            found.append(f"notice “{notice.title}” dated {notice.created_at:%Y-%m-%d}, its step {step_at:%Y-%m-%d}")
    first = defaultdict(dict)
    for (ct_id, obj_id), trail in steps.items():
        first[ct_id][obj_id] = trail[0]
    for ct_id, by_obj in first.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None or not hasattr(model, "history"):
            continue
        rows = model.history.filter(id__in=by_obj, history_type="+").values_list("id", "history_date")
        for pk, created in rows:
            step = by_obj[pk]
            if created > step.created_at:
                found.append(
                    f"{model._meta.label} #{pk}: created {created:%Y-%m-%d %H:%M:%S} after its first step "
                    f"{step.action} ({step.created_at:%Y-%m-%d %H:%M:%S})"
                )
    return found


def members_of_their_party_sector() -> list[str]:
    """A member of a party's sector (界别) belongs to that party; one of the 无党派人士 sector to none (无党派)."""
    from district.demo import PARTY_OF_SECTOR
    from district.models import Member

    return [
        f"member {m.name} of the {m.sector.name} sector is {m.party.short_name}"
        for m in Member.objects.filter(sector__name__in=PARTY_OF_SECTOR).select_related("sector", "party")
        if m.party.short_name != PARTY_OF_SECTOR[m.sector.name]
    ]


def conclusions_by_the_platform() -> list[str]:
    """The conclusion the proposers' ratings reach is the platform's step, as `feedback.rate_reply` records
    it: no actor (系统 on the timeline); an unsatisfied one notes every 不满意 rating of its round by name."""
    from proposals.models import Proposal, ProposalRating

    ct = ContentType.objects.get_for_model(Proposal)
    found = []
    for step in StatusChange.objects.filter(content_type=ct, action__startswith="conclude_"):
        if step.actor_id is not None:
            found.append(f"proposal #{step.object_id}: {step.action} recorded as taken by user #{step.actor_id}")
        if step.action == "conclude_unsatisfied":
            raters = ProposalRating.objects.filter(proposal_id=step.object_id, rating="unsatisfied")
            missing = [r.user.display for r in raters.select_related("user") if r.user.display not in step.note]
            if missing or not raters:
                found.append(f"proposal #{step.object_id}: unsatisfied conclusion without the ratings of {missing}")
    return found


# What each department's remit covers, in words a subject (a report's title, an appeal's category) uses:
# written here, apart from the demo's own tables, so that a report forwarded "in turn" to whichever unit
# comes next reads wrong.
REMITS = {
    "教育局": ["教育", "幼儿园", "学校", "课后", "科普", "培训机构"],
    "卫健局": ["医疗", "卫生", "医生", "儿科", "药品"],
    "民政局": ["养老", "老人", "助餐"],
    "人社局": ["就业", "社保", "参保", "社会保障"],
    "住建局": ["燃气", "征地", "拆迁", "安置房", "物业"],
    "生态环境局": ["生态", "环保", "污水", "油烟", "异味"],
    "农业农村局": ["粮食", "种粮", "农业", "农田", "撂荒"],
    "交通局": ["交通", "公交", "村道", "错车道", "红绿灯", "道路"],
    "城管局": ["城市管理", "占道", "路灯", "垃圾"],
    "市场监管局": ["市场监管", "缺斤短两", "预付卡"],
    "财政局": ["融资担保"],
    "文旅局": ["文化", "历史建筑", "古厝"],
    "发改局": ["充电桩"],
    "工信局": ["技改"],
}


def reports_forwarded_to_the_department_of_their_subject() -> list[str]:
    """A 社情民意 report (a member's, or a workstation's information item) is forwarded to a department whose
    remit its subject falls in: its title, and for an item written up from an appeal, the appeal's category."""
    from intake.models import Appeal
    from opinions.models import OpinionReport

    found = []
    for report in OpinionReport.objects.filter(forwarded_to__isnull=False).select_related("forwarded_to"):
        subject = report.title
        source = report.source
        if isinstance(source, Appeal) and source.category_id:
            subject = f"{source.category.name} {subject}"
        fitting = {name for name, words in REMITS.items() if any(word in subject for word in words)}
        if report.forwarded_to.short_name not in fitting:
            found.append(
                f"opinion report #{report.pk} “{subject}” forwarded to {report.forwarded_to.short_name}, "
                f"not to {'/'.join(sorted(fitting)) or 'a department of its subject'}"
            )
    return found


def incoherences(now=None) -> list[str]:
    now = (now or timezone.now()) + SLACK
    steps = _steps()
    return [
        *nothing_in_the_future(now),
        *steps_in_order(steps),
        *created_before_its_steps(steps),
        *proposals_agree_with_their_steps(now, steps),
        *proposals_written_by_their_authors(steps),
        *meetings_and_minutes(steps),
        *grassroots_in_order(now, steps),
        *appeals_in_order(now, steps),
        *supervision_in_order(steps),
        *past_reports_carried_out_in_their_time(now, steps),
        *duty_group_proposals_of_their_year(),
        *rounds_for_years_to_come(now),
        *notices_dated_with_their_steps(steps),
        *members_of_their_party_sector(),
        *conclusions_by_the_platform(),
        *reports_forwarded_to_the_department_of_their_subject(),
    ]


def test_the_demo_reads_true_on_the_day_it_is_loaded():
    assert incoherences() == []
    # The seed's 2022 consultation: its minutes went out within days of the meeting, not on load day.
    from consultations import demo as consultations_demo
    from consultations.models import Meeting
    from consultations.selectors import minutes_issued_on

    meeting = Meeting.objects.get(title=consultations_demo.MEETING_TITLE)
    assert minutes_issued_on(meeting).isoformat() == "2022-07-05"
    # This year's proposals are numbered in this year's session.
    from proposals.models import Proposal

    this_year = Proposal.objects.filter(submitted_at__year=timezone.localdate().year, serial__isnull=False)
    assert this_year.exists() and {p.session.year for p in this_year} == {timezone.localdate().year}
