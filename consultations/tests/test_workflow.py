"""Workflow tables, holders and inboxes of the research group, report, task and meeting."""

import pytest

from consultations import selectors, services
from consultations.tests.factories import consultation_meeting, research_group, send_notice
from consultations.workflow import GROUP_WORKFLOW, MEETING_WORKFLOW, REPORT_WORKFLOW, TASK_WORKFLOW
from core.selectors_dashboard import dashboard_for
from core.workflow import perform
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_every_state_is_reachable():
    for wf in (GROUP_WORKFLOW, REPORT_WORKFLOW, TASK_WORKFLOW, MEETING_WORKFLOW):
        assert wf.reachable() == set(wf.states.values), wf.model


def test_meeting_goes_planned_invited_held_minuted(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    assert meeting.status == "invited"
    perform(meeting, "hold", actor=cast.clerk)
    assert meeting.status == "held"
    services.set_minutes_summary(meeting=meeting, actor=cast.clerk, summary="形成共识。")
    perform(meeting, "issue_minutes", actor=cast.clerk)
    assert meeting.status == "minuted"


def test_invitation_waits_in_the_invitees_inbox_until_replied(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    assert meeting in selectors.meeting_inbox(cast.other_member)
    titles = [q["title"] for q in dashboard_for(cast.other_member)["queues"]]
    assert "会议" in titles
    row = meeting.participants.get(member=cast.other_member.member)
    services.respond_to_invitation(participant=row, actor=cast.other_member, response="attend")
    assert meeting not in selectors.meeting_inbox(cast.other_member)


def test_a_department_invitation_waits_on_its_liaisons_dashboard_until_replied(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    assert meeting in selectors.meeting_inbox(cast.liaison)
    assert meeting not in selectors.meeting_inbox(cast.other_liaison)
    titles = [q["title"] for q in dashboard_for(cast.liaison)["queues"]]
    assert "会议" in titles
    row = meeting.participants.get(department=cast.liaison.department)
    services.respond_to_invitation(participant=row, actor=cast.liaison, response="deputy", deputy_name="副局长")
    assert meeting not in selectors.meeting_inbox(cast.liaison)


def test_report_in_review_is_waiting_for_the_lead_and_tells_them(cast, django_capture_on_commit_callbacks):
    group = research_group(cast)
    services.save_report_draft(report=group.report, actor=cast.member, title="报告", body="正文", expected_version=1)
    with django_capture_on_commit_callbacks(execute=True):
        perform(group.report, "submit_review", actor=cast.member)
    assert group.report in selectors.report_inbox(cast.vice_chair)
    assert Notification.objects.filter(recipient=cast.vice_chair, object_id=group.report.pk).exists()
    perform(group.report, "return_for_revision", actor=cast.vice_chair, note="补充数据")
    assert group.report.status == "drafting"


def test_finalised_report_waits_for_the_research_office_to_adopt(cast):
    group = research_group(cast)
    services.save_report_draft(report=group.report, actor=cast.member, title="报告", body="正文", expected_version=1)
    perform(group.report, "finalise", actor=cast.vice_chair)
    assert group.report in selectors.report_inbox(cast.research)
    perform(group.report, "adopt", actor=cast.research)
    assert group.report.status == "adopted"


def test_group_invitation_waits_in_the_invitees_inbox(cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    assert group in selectors.group_inbox(cast.other_member)
