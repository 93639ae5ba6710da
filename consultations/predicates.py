"""Object predicates for research groups, reports and meetings (django-rules)."""

import rules
from django.db.models import Q

from accounts.predicates import (
    is_clerk,
    is_cppcc_leader,
    is_gov_office,
    is_office,
    is_party_leader,
    is_party_office,
    is_research_office,
)

# Who sees every research group (read-only for leaders): the CPPCC office side and its leaders.
oversees_research = is_office | is_cppcc_leader
# Who sees every meeting: the office side, the CPPCC leaders and the three offices' partners.
oversees_meetings = is_office | is_cppcc_leader | is_party_office | is_gov_office | is_party_leader
# Who runs research groups for the office (forms, starts, ends and cancels them): the research office
# and the CPPCC office's clerks (domain.md §0 调研/督办). The proposal and information offices see the
# groups but do not run them.
runs_research = is_research_office | is_clerk
# Who convenes consultation meetings (the three offices).
convenes_meetings = is_office | is_party_office | is_gov_office


def membership_q(user, prefix: str = "") -> Q:
    """Q matching GroupMembership rows (under prefix) that belong to user."""
    return Q(**{f"{prefix}user": user}) | Q(**{f"{prefix}member__user": user}) | Q(**{f"{prefix}expert__user": user})


def membership_of(user, group):
    """The user's membership row in group, or None."""
    if not getattr(user, "is_authenticated", False) or group is None:
        return None
    from consultations.models import GroupMembership

    return GroupMembership.objects.filter(membership_q(user), group=group).first()


@rules.predicate
def is_group_lead(user, group) -> bool:
    return group is not None and getattr(user, "is_authenticated", False) and group.lead.user_id == user.pk


@rules.predicate
def is_accepted_group_member(user, group) -> bool:
    from consultations.models import InvitationResponse

    membership = membership_of(user, group)
    return membership is not None and membership.response == InvitationResponse.ACCEPTED


@rules.predicate
def manages_group(user, group) -> bool:
    """The research office, the clerks or the group's lead run the group."""
    return bool(runs_research(user) or is_group_lead(user, group))


@rules.predicate
def works_in_group(user, group) -> bool:
    """The lead or an accepted member or expert: may add visits, materials and drafts."""
    return bool(is_group_lead(user, group) or is_accepted_group_member(user, group))


@rules.predicate
def is_report_lead(user, report) -> bool:
    return report is not None and is_group_lead(user, report.group)


@rules.predicate
def works_on_report(user, report) -> bool:
    """Group members draft the report; the research office and the lead may edit it too."""
    return report is not None and bool(works_in_group(user, report.group) or manages_group(user, report.group))


@rules.predicate
def adopts_reports(user, report) -> bool:
    return bool(is_research_office(user))


@rules.predicate
def manages_task(user, task) -> bool:
    if task is None:
        return False
    if manages_group(user, task.group):
        return True
    assignee = task.assignee
    return assignee is not None and membership_of(user, task.group) == assignee


@rules.predicate
def manages_meeting(user, meeting) -> bool:
    """The convening offices, or whoever created the meeting (e.g. a duty group's micro-consultation);
    a micro-consultation scheduled on a duty group's issue is run by the group (any of its members
    records its attendance and its outcome, not only who scheduled it)."""
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    if convenes_meetings(user) or meeting.created_by_id == user.pk:
        return True
    return _runs_subject_issue(user, meeting)


def _runs_subject_issue(user, meeting) -> bool:
    from consultations.models import MeetingKind

    if meeting.kind != MeetingKind.MICRO or meeting.subject_type_id is None:
        return False
    from grassroots.models import DutyIssue
    from grassroots.predicates import handles_issue

    if meeting.subject_type.model_class() is not DutyIssue:
        return False
    issue = DutyIssue.objects.filter(pk=meeting.subject_id).select_related("group").first()
    return issue is not None and bool(handles_issue(user, issue))


def report_has_version(user, report) -> bool:
    """Whether the report has a saved version (what is reviewed and finalised): offered only then."""
    return report is not None and report.versions.exists()


def notice_still_useful(user, meeting) -> bool:
    """Whether a notice may still go out: the meeting has not started (`selectors.notice_blocker`)."""
    from consultations.selectors import notice_blocker

    return meeting is not None and not notice_blocker(meeting)


def meeting_day_has_come(user, meeting) -> bool:
    """Whether the meeting's day has come: it is recorded as held on or after its date, never ahead."""
    from consultations.selectors import meeting_day_reached

    return meeting is not None and meeting_day_reached(meeting)
