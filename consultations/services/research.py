"""Research (调研): form the group, invite, visits, tasks, materials, report drafts and comments."""

from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_office
from accounts.roles import Role
from consultations.models import (
    ConsultationReport,
    FieldVisit,
    GroupMembership,
    GroupRole,
    GroupStatus,
    InvitationResponse,
    Meeting,
    MeetingMaterial,
    MeetingStatus,
    ReportComment,
    ReportStatus,
    ReportVersion,
    ResearchGroup,
    ResearchTask,
    SharedMaterial,
)
from consultations.predicates import (
    manages_group,
    manages_meeting,
    membership_of,
    oversees_research,
    works_in_group,
    works_on_report,
)
from consultations.selectors import WORKING_GROUP_STATES, open_mandatory_comments, subject_defaults, working_group_for
from core.exceptions import ActionForbidden, Refused, TransitionNotAllowed, passes
from core.i18n import recorded
from core.models import Attachment
from core.services import attachments_of, discard_attachment, record_status_change, save_versioned, store_attachment
from core.uploads import check_upload
from district.models import TOPIC_LEAD_POSITIONS, Member

LEAD_POSITIONS = TOPIC_LEAD_POSITIONS  # the plan item's 牵头领导 follows the same rule (topics.services.plan)
WORKING = WORKING_GROUP_STATES


class GroupExists(Refused):
    """A plan item has one working research group at a time; the refusal names the group it has."""

    code = "group_exists"
    status = 409

    def __init__(self, group: ResearchGroup):
        self.group = group
        message = group_exists_message(group)
        super().__init__(message, fields={"subject": [message], "existing_group": group.pk})


def group_exists_message(group: ResearchGroup) -> str:
    return _(
        "该计划事项已有课题组“%(title)s”（%(state)s，牵头领导%(lead)s），同一事项只能有一个工作中的课题组。"
        "如需另行组建，请先结束或撤销该课题组。"
    ) % {"title": group.title, "state": group.get_status_display(), "lead": group.lead.name}


def guard_one_working_group(subject) -> None:
    """The rule the group form's choices show and create_research_group enforces."""
    existing = working_group_for(subject) if subject is not None else None
    if existing is not None:
        raise GroupExists(existing)


def _notify(users, *, event: str, title, target, body: str = "", params: dict | None = None) -> None:
    from notifications.services import notify

    notify(
        recipients=[u for u in users if u is not None],
        event_key=event,
        title=title,
        params=params,
        body=body,
        target=target,
    )


@transaction.atomic
def create_research_group(
    *,
    title: str,
    year: int,
    lead: Member,
    actor,
    subject=None,
    description: str = "",
    body=None,
) -> ResearchGroup:
    """The office forms a research group for a plan item, led by the chair or a vice-chair; an item has one
    working (forming or researching) group at a time."""
    if not is_office(actor):
        raise ActionForbidden(_("课题组由政协办公室或研究室组建。"))
    if lead is None or lead.position not in LEAD_POSITIONS:
        raise Refused(_("课题组须由主席或副主席牵头。"), fields={"lead": [_("请选择主席或副主席。")]})
    item_year = subject_defaults(subject).get("year") if subject is not None else None
    if item_year and year != item_year:
        # The group is filed under its plan item's year: a group of a 2027 topic listed under 2026 is lost.
        message = _("所选计划事项属于%(item)s年度，与课题组年度%(year)s不一致，请将年度改为%(item)s。") % {
            "item": item_year,
            "year": year,
        }
        raise Refused(message, fields={"year": [message]})
    if subject is not None:
        # Two clerks forming the item's group at once: the second waits here, then finds the first one's.
        type(subject)._default_manager.select_for_update().filter(pk=subject.pk).first()
        guard_one_working_group(subject)
    group = ResearchGroup(
        title=title.strip(),
        year=year,
        lead=lead,
        description=description.strip(),
        body=body,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        created_by=actor,
    )
    group.full_clean()
    group._history_user = actor
    group.save()
    lead_row = GroupMembership(
        group=group,
        role=GroupRole.LEAD,
        member=lead,
        user=lead.user,
        name=lead.name,
        response=InvitationResponse.ACCEPTED,
        responded_at=timezone.now(),
    )
    lead_row._history_user = actor
    lead_row.save()
    report = ConsultationReport(
        group=group, title=recorded(gettext_lazy("关于“%(title)s”的协商议政报告"), {"title": group.title})
    )
    report._history_user = actor
    report.save()
    _notify(
        [lead.user],
        event=f"research-group:{group.pk}:lead",
        title=gettext_lazy("您被确定为课题组牵头领导：%(title)s"),
        params={"title": group.title},
        target=group,
    )
    return group


@transaction.atomic
def ensure_expert_account(*, expert, actor):
    """An invited expert gets an account with the expert role only: it reaches nothing but their groups."""
    if expert.user_id:
        return expert.user
    from accounts.services import create_user, free_username, note_account_opened

    # A free name: create_user would otherwise take over an account someone already holds under it.
    username = free_username(f"expert{expert.pk}")
    user = create_user(username=username, password=None, roles=[Role.EXPERT], full_name=expert.name)
    expert.user = user
    expert.save(update_fields=["user"])
    note_account_opened(person=expert, actor=actor, user=user)
    return user


@transaction.atomic
def invite_to_group(*, group: ResearchGroup, actor, member=None, expert=None, role: str = "") -> GroupMembership:
    """Invite a member or an expert into the group; they accept or decline.

    Inviting the same person again: refused once they are in the group; a reminder while they have not
    answered (the invitation itself is unchanged); a new invitation after they declined. The returned
    row's `previous_response` says which it was (None for a first invitation), read under the row lock.
    """
    if not manages_group(actor, group):
        raise ActionForbidden(_("只有研究室、办公室或课题组组长可以邀请成员。"))
    if group.status not in WORKING:
        raise TransitionNotAllowed(_("课题组已结束或已撤销，不能再邀请成员。"))
    if (member is None) == (expert is None):
        raise Refused(_("请选择一位委员或一位专家。"))
    row = (
        GroupMembership.objects.select_for_update()
        .filter(group=group, **({"member": member} if member else {"expert": expert}))
        .first()
    )
    if row is not None and row.response == InvitationResponse.ACCEPTED:
        _refuse_member_again(row, field="member" if member is not None else "expert")
    previous = row.response if row is not None else None
    if row is not None and row.response == InvitationResponse.INVITED:
        row.previous_response = previous
        _notify(
            [row.user],
            event=f"research-group:{group.pk}:remind:{row.pk}:{timezone.now():%Y%m%d%H%M%S}",
            title=gettext_lazy("提醒：邀请您参加课题组：%(title)s，请确认"),
            params={"title": group.title},
            target=group,
        )
        return row
    user = member.user if member is not None else ensure_expert_account(expert=expert, actor=actor)
    row = row or GroupMembership(group=group, member=member, expert=expert)
    row.role = role or (GroupRole.EXPERT if expert is not None else GroupRole.MEMBER)
    row.user = user
    row.name = (member or expert).name
    row.response, row.reason, row.responded_at = InvitationResponse.INVITED, "", None
    row._history_user = actor
    row.save()
    row.previous_response = previous
    _notify(
        [user],
        event=f"research-group:{group.pk}:invite:{row.pk}:{timezone.now():%Y%m%d%H%M%S}",
        title=gettext_lazy("邀请您参加课题组：%(title)s，请确认"),
        params={"title": group.title},
        target=group,
    )
    return row


def _refuse_member_again(row: GroupMembership, *, field: str) -> None:
    if row.role == GroupRole.LEAD:
        message = _("%(name)s是本课题组的牵头领导，无需邀请。") % {"name": row.name}
    else:
        message = _("%(name)s已是本课题组成员（已接受邀请），无需再次邀请。") % {"name": row.name}
    raise Refused(message, fields={field: [message]})


@transaction.atomic
def respond_to_group_invitation(
    *, membership: GroupMembership, actor, accept: bool, reason: str = ""
) -> GroupMembership:
    """The invitee accepts, or declines with a reason."""
    membership = GroupMembership.objects.select_for_update(of=("self",)).select_related("group").get(pk=membership.pk)
    if membership_of(actor, membership.group) != membership:
        raise ActionForbidden(_("只能由被邀请人本人回复。"))
    if membership.response != InvitationResponse.INVITED:
        raise TransitionNotAllowed(_("您已回复过该邀请。"))
    if invitation_lapsed(membership):
        raise TransitionNotAllowed(lapsed_message(membership.group))
    if not accept and not reason.strip():
        raise Refused(_("谢绝邀请须填写理由。"), fields={"reason": [_("请填写理由。")]})
    membership.response = InvitationResponse.ACCEPTED if accept else InvitationResponse.DECLINED
    membership.reason = "" if accept else reason.strip()[:200]
    membership.responded_at = timezone.now()
    membership._history_user = actor
    membership.save()
    if accept:
        # On the group's audited timeline: who joined it, and when (their duty record dates it so).
        group = membership.group
        record_status_change(
            group,
            "accept_invitation",
            group.status,
            group.status,
            actor=actor,
            data={"membership": membership.pk, "name": membership.name},
        )
    else:
        _tell_decline(membership)
    return membership


def invitation_lapsed(membership: GroupMembership) -> bool:
    """An invitation still unanswered when its group concluded or was cancelled has lapsed: it can no
    longer be accepted (joining research that is over would credit work nobody did), nor declined."""
    return membership.response == InvitationResponse.INVITED and membership.group.status not in WORKING


def lapsed_message(group: ResearchGroup) -> str:
    if group.status == GroupStatus.CANCELLED:
        return _("课题组“%(title)s”已撤销，您的邀请已失效，无需回复。") % {"title": group.title}
    return _("课题组“%(title)s”已结束调研，您的邀请已失效，无需回复。") % {"title": group.title}


def on_group_closed(group: ResearchGroup, *, actor, note, data, change) -> None:
    """结束调研 / 撤销课题组: the invitations nobody answered lapse; each invitee is told once, and the
    step's audit record lists whose invitation lapsed."""
    pending = list(group.memberships.filter(response=InvitationResponse.INVITED).select_related("user"))
    if not pending:
        return
    change.data = {**(change.data or {}), "lapsed_invitations": [{"membership": m.pk, "name": m.name} for m in pending]}
    change.save(update_fields=["data"])
    cancelled = group.status == GroupStatus.CANCELLED
    for m in pending:
        if m.user_id is None:
            continue
        _notify(
            [m.user],
            event=f"research-group:{group.pk}:lapsed:{m.pk}",
            title=(
                gettext_lazy("课题组已撤销，您收到的邀请已失效：%(title)s")
                if cancelled
                else gettext_lazy("课题组已结束调研，您收到的邀请已失效：%(title)s")
            ),
            params={"title": group.title},
            target=group,
        )


def _tell_decline(membership: GroupMembership) -> None:
    """The lead, who must find someone else, and the office that formed the group learn of a decline
    and its reason at once, not on their next visit to the group page."""
    group = membership.group
    _notify(
        [group.lead.user, group.created_by],
        event=f"research-group:{group.pk}:declined:{membership.pk}:{membership.responded_at:%Y%m%d%H%M%S}",
        title=gettext_lazy("%(name)s谢绝参加课题组：%(title)s"),
        params={"name": membership.name, "title": group.title, "reason": membership.reason},
        body=gettext_lazy("谢绝理由：%(reason)s"),
        target=group,
    )


def _require_worker(actor, group: ResearchGroup) -> None:
    if not (works_in_group(actor, group) or manages_group(actor, group)):
        raise ActionForbidden(_("只有课题组成员可以进行此操作。"))
    if group.status not in WORKING:
        raise TransitionNotAllowed(_("课题组已结束或已撤销。"))


def _check_all(uploads: Iterable) -> list:
    """Check every file before anything is saved, so a refused file leaves no half-made record."""
    uploads = [u for u in uploads if u]
    for upload in uploads:
        check_upload(upload)
    return uploads


def earliest_visit_date(group: ResearchGroup) -> date:
    """A group's research belongs to its year (its plan item's): no visit of it took place before."""
    return date(group.year, 1, 1)


def visit_date_blocker(group: ResearchGroup, visited_on: date | str | None) -> str | None:
    """Why a visit date is refused (one rule: the form's field shows it, the service refuses by it). A date
    before the group's year is a typing mistake (2015 for 2022) that would score the visit in a year
    nobody's duty record shows."""
    first = earliest_visit_date(group)
    if isinstance(visited_on, str):  # a caller passing the ISO text; an unreadable one is full_clean's to refuse
        try:
            visited_on = parse_date(visited_on)
        except ValueError:
            visited_on = None
    if visited_on is not None and visited_on < first:
        return _("调研日期不能早于课题组所属年度（%(year)s年）的%(first)s。") % {
            "year": group.year,
            "first": first.isoformat(),
        }
    return None


@transaction.atomic
def add_field_visit(
    *,
    group: ResearchGroup,
    actor,
    visited_on: date,
    place: str,
    notes: str,
    met_with: str = "",
    participants: Iterable[GroupMembership] = (),
    files: Iterable = (),
) -> FieldVisit:
    """Record a field visit with its photos and documents (each checked for type and size)."""
    _require_worker(actor, group)
    blocker = visit_date_blocker(group, visited_on)
    if blocker:
        raise Refused(blocker, fields={"visited_on": [blocker]})
    uploads = _check_all(files)
    participants = list(participants)
    if any(p.group_id != group.pk for p in participants):
        raise Refused(_("参加人员须是本课题组成员。"), fields={"participants": [_("请重新选择参加人员。")]})
    visit = FieldVisit(
        group=group, visited_on=visited_on, place=place.strip(), notes=notes.strip(), met_with=met_with.strip()
    )
    visit.created_by = actor
    visit.full_clean()
    visit._history_user = actor
    visit.save()
    visit.participants.set(participants)
    for upload in uploads:
        att = store_attachment(target=visit, upload=upload, actor=actor)
        att.kind = "photo" if att.content_type_detected.startswith("image/") else "document"
        att.save(update_fields=["kind"])
    return visit


@transaction.atomic
def add_research_task(
    *, group: ResearchGroup, actor, title: str, assignee: GroupMembership | None = None, due_date: date | None = None
) -> ResearchTask:
    """Give a piece of research work to a member of the group."""
    if not manages_group(actor, group):
        raise ActionForbidden(_("只有研究室、办公室或课题组组长可以分配任务。"))
    if group.status not in WORKING:
        raise TransitionNotAllowed(_("课题组已结束或已撤销。"))
    if assignee is not None and (assignee.group_id != group.pk or assignee.response == InvitationResponse.DECLINED):
        raise Refused(_("任务承担人须是本课题组成员。"), fields={"assignee": [_("请重新选择承担人。")]})
    task = ResearchTask(group=group, title=title.strip(), assignee=assignee, due_date=due_date, created_by=actor)
    task.full_clean()
    task._history_user = actor
    task.save()
    if assignee is not None and assignee.user_id:
        _notify(
            [assignee.user],
            event=f"research-task:{task.pk}:assigned",
            title=gettext_lazy("课题组任务：%(title)s"),
            params={"title": task.title},
            target=task,
        )
    return task


@transaction.atomic
def share_material(*, group: ResearchGroup, actor, title: str, upload, description: str = "") -> SharedMaterial:
    """Share a file within the group; it is only ever served as a download."""
    _require_worker(actor, group)
    if not upload:
        raise Refused(_("请选择要上传的文件。"), fields={"upload": [_("请选择要上传的文件。")]})
    check_upload(upload)
    material = SharedMaterial(
        group=group, title=title.strip() or upload.name[:200], description=description.strip(), uploaded_by=actor
    )
    material.full_clean()
    material._history_user = actor
    material.save()
    store_attachment(target=material, upload=upload, actor=actor, kind="material")
    return material


@transaction.atomic
def save_report_draft(
    *, report: ConsultationReport, actor, title: str, body: str, expected_version: int, note: str = ""
) -> ReportVersion:
    """Save a new version of the report unless someone saved a newer one since the editor opened it."""
    if not works_on_report(actor, report):
        raise ActionForbidden(_("只有课题组成员可以修改报告。"))
    if report.status not in (ReportStatus.DRAFTING, ReportStatus.REVIEW):
        raise TransitionNotAllowed(_("报告已定稿，不能再修改。"))
    if not body.strip():
        raise Refused(_("报告正文不能为空。"), fields={"body": [_("报告正文不能为空。")]})
    report.title, report.body = title.strip() or report.title, body.strip()
    save_versioned(report, expected_version=expected_version, actor=actor, fields=["title", "body"])
    number = report.versions.count() + 1
    return ReportVersion.objects.create(
        report=report, number=number, title=report.title, body=report.body, note=note.strip()[:300], created_by=actor
    )


REPORT_ANNEX = "report_annex"  # core.Attachment.kind of a report's annexes (附件)


def _require_report_editor(actor, report: ConsultationReport) -> None:
    """Who may change the report's text may change its annexes, while it is drafted or reviewed."""
    if not works_on_report(actor, report):
        raise ActionForbidden(_("只有课题组成员可以修改报告。"))
    if report.status not in (ReportStatus.DRAFTING, ReportStatus.REVIEW):
        raise TransitionNotAllowed(_("报告已定稿，不能再修改。"))


def _record_annex_step(report: ConsultationReport, action: str, annex: Attachment, actor) -> None:
    """An annex added or removed, on the report's timeline: the file's name, its row and its checksum."""
    data = {"attachment": annex.pk, "sha256": annex.sha256}
    record_status_change(report, action, report.status, report.status, actor=actor, note=annex.original_name, data=data)


@transaction.atomic
def add_report_annex(*, report: ConsultationReport, actor, upload) -> Attachment:
    """Attach an annex to the report (附件: data tables, survey results, photos), checked by its content
    and served only as a download to whoever may read the report; on the report's timeline."""
    report = ConsultationReport.objects.select_for_update().get(pk=report.pk)
    _require_report_editor(actor, report)
    if not upload:
        raise Refused(_("请选择要上传的文件。"), fields={"upload": [_("请选择要上传的文件。")]})
    annex = store_attachment(target=report, upload=upload, actor=actor, kind=REPORT_ANNEX)
    _record_annex_step(report, "add_annex", annex, actor)
    return annex


@transaction.atomic
def remove_report_annex(*, report: ConsultationReport, actor, annex_id: int) -> str:
    """Take an annex off the report before it is finalised; audited on its timeline with the file's name
    and checksum, the stored file deleted once that is committed. Returns the file's name."""
    report = ConsultationReport.objects.select_for_update().get(pk=report.pk)
    _require_report_editor(actor, report)
    annex = attachments_of(report).filter(kind=REPORT_ANNEX, pk=annex_id).first()
    if annex is None:
        raise Refused(_("该附件不存在或已删除。"))
    _record_annex_step(report, "remove_annex", annex, actor)
    discard_attachment(annex)
    return annex.original_name


@transaction.atomic
def comment_on_report(*, report: ConsultationReport, actor, body: str, mandatory: bool = False) -> ReportComment:
    """Comment on the current version; a mandatory comment blocks finalising until it is resolved."""
    if not (works_on_report(actor, report) or oversees_research(actor)):
        raise ActionForbidden(_("只有课题组成员和研究室可以对报告提出意见。"))
    if report.status in (ReportStatus.FINALISED, ReportStatus.ADOPTED):
        raise TransitionNotAllowed(_("报告已定稿，不能再提出意见。"))
    if not body.strip():
        raise Refused(_("意见内容不能为空。"), fields={"body": [_("意见内容不能为空。")]})
    comment = ReportComment(
        report=report, version=report.versions.first(), author=actor, body=body.strip(), mandatory=mandatory
    )
    comment._history_user = actor
    comment.save()
    if mandatory and report.group.lead.user_id and report.group.lead.user_id != actor.pk:
        _notify(
            [report.group.lead.user],
            event=f"report-comment:{comment.pk}",
            title=gettext_lazy("报告有一条必须处理的意见：%(title)s"),
            params={"title": report.title},
            target=report,
            body=comment.body,
        )
    return comment


RESOLUTION_MAX = ReportComment._meta.get_field("resolution").max_length


@transaction.atomic
def resolve_comment(*, comment: ReportComment, actor, resolution: str = "") -> ReportComment:
    """Mark a comment as dealt with (by its author, the lead or the office), saying how."""
    report = comment.report
    allowed = comment.author_id == actor.pk or manages_group(actor, report.group)
    if not allowed:
        raise ActionForbidden(_("只有提出意见的人、课题组组长或研究室可以标记意见已处理。"))
    if comment.resolved_at:
        return comment
    if comment.mandatory and not resolution.strip():
        raise Refused(_("请说明这条必须处理的意见是如何处理的。"), fields={"resolution": [_("请填写处理说明。")]})
    length = len(resolution.strip())
    if length > RESOLUTION_MAX:
        # Refused, not cut short: a truncated account of how a mandatory comment was handled misleads.
        message = _("处理说明不能超过%(max)s字（现有%(n)s字）。") % {"max": RESOLUTION_MAX, "n": length}
        raise Refused(message, fields={"resolution": [message]})
    comment.resolved_at, comment.resolved_by, comment.resolution = timezone.now(), actor, resolution.strip()
    comment._history_user = actor
    comment.save()
    return comment


# ---------------------------------------------------------------- workflow guards and effects


def guard_group_can_start(group: ResearchGroup, **kwargs) -> None:
    accepted = group.memberships.filter(response=InvitationResponse.ACCEPTED).exclude(role=GroupRole.LEAD)
    if not accepted.exists():
        raise Refused(_("至少要有一名成员接受邀请后才能开始调研。"))


def guard_group_can_conclude(group: ResearchGroup, **kwargs) -> None:
    report = ConsultationReport.objects.filter(group=group).first()
    if report is None or report.status not in (ReportStatus.FINALISED, ReportStatus.ADOPTED):
        raise Refused(_("协商议政报告定稿后才能结束调研。"))


def guard_report_has_draft(report: ConsultationReport, **kwargs) -> None:
    if not report.versions.exists():
        raise Refused(_("报告还没有保存过任何版本。"))


def guard_report_can_finalise(report: ConsultationReport, **kwargs) -> None:
    """The lead may not finalise while a mandatory comment is still open."""
    guard_report_has_draft(report)
    open_count = open_mandatory_comments(report).count()
    if open_count:
        raise Refused(
            _("还有%(n)s条必须处理的意见尚未处理，处理完毕后才能定稿。") % {"n": open_count},
            fields={"comments": [_("请先处理必须处理的意见。")]},
        )


def finalise_offered(user, report: ConsultationReport) -> bool:
    """定稿 is offered by the rule that refuses it: a saved version and no mandatory comment left open
    (the report page says how many are open)."""
    return report is not None and passes(guard_report_can_finalise, report)


def on_report_finalised(report: ConsultationReport, *, actor, note, data, change) -> None:
    report.finalised_at = timezone.now()
    report.save(update_fields=["finalised_at"])


# ---------------------------------------------------------------- the adopted report as a meeting material


def adopted_version(report: ConsultationReport | None) -> ReportVersion | None:
    """The version that was adopted: the last one saved (an adopted report can no longer be edited)."""
    if report is None or report.status != ReportStatus.ADOPTED:
        return None
    return report.versions.first()


def adopted_report_title(report: ConsultationReport, version: ReportVersion) -> str:
    """The material's title, naming the version it carries (also how a second attachment is recognised)."""
    return recorded(gettext_lazy("%(title)s（第%(n)s稿，已采用）"), {"title": report.title[:170], "n": version.number})


def attach_report_blocker(user, meeting: Meeting) -> str | None:
    """Why the group's adopted report cannot be attached to the meeting now (None: it can). The meeting
    page offers 附上采用的报告 by this rule and attach_adopted_report refuses by it."""
    if not manages_meeting(user, meeting):
        return _("只有会议的组织者可以添加会议材料。")
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
        return _("会议已召开或已取消，不能再更改会议材料。")
    report = ConsultationReport.objects.filter(group_id=meeting.research_group_id).first()
    version = adopted_version(report)
    if version is None:
        return _("课题组的协商议政报告采用后才能作为会议材料附上。")
    if meeting.materials.filter(title=adopted_report_title(report, version)).exists():
        return _("采用的报告（第%(n)s稿）已是本会议的材料。") % {"n": version.number}
    return None


def attach_report_state(user, meeting: Meeting) -> dict | None:
    """What the meeting page shows about the group's report for who runs the meeting while it lies ahead:
    the report, its adopted version and whether (or why not) it can be attached. None: nothing to show."""
    if (
        meeting.research_group_id is None
        or not manages_meeting(user, meeting)
        or meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.INVITED)
    ):
        return None
    report = ConsultationReport.objects.filter(group_id=meeting.research_group_id).first()
    if report is None:
        return None
    return {"report": report, "version": adopted_version(report), "blocker": attach_report_blocker(user, meeting)}


@transaction.atomic
def attach_adopted_report(*, meeting: Meeting, actor) -> MeetingMaterial:
    """附上采用的报告: the adopted version's DOCX becomes a meeting material, as if uploaded (checked like any
    upload, audited on the meeting's timeline, the participants told once the notice is out), with the
    report's annexes as further files of that material."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations.report_documents import DOCX, report_file_name, report_version_document
    from consultations.services.meetings import add_meeting_material

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # two clicks at once attach it once
    blocker = attach_report_blocker(actor, meeting)
    if blocker:
        if not manages_meeting(actor, meeting):
            raise ActionForbidden(blocker)
        raise TransitionNotAllowed(blocker)
    report = ConsultationReport.objects.select_related("group__lead").get(group_id=meeting.research_group_id)
    version = adopted_version(report)
    upload = SimpleUploadedFile(
        report_file_name(version, "docx"), report_version_document(report, version, "docx"), content_type=DOCX
    )
    material = add_meeting_material(
        meeting=meeting, actor=actor, title=adopted_report_title(report, version), upload=upload
    )
    # The report's annexes go with it: the participants may not read the report's own page.
    from consultations.selectors import MATERIAL_KIND, report_annexes

    for annex in report_annexes(report):
        with annex.file.open("rb") as stored:
            copy = SimpleUploadedFile(annex.original_name, stored.read(), content_type=annex.content_type_detected)
        store_attachment(target=material, upload=copy, actor=actor, kind=MATERIAL_KIND)
    return material
