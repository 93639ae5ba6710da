"""调研 and 协商: research groups, their tasks and reports, consultation meetings.

Domain (domain.md §0, §4): a chair or vice-chair leads a group of members and part-time researchers
(experts) into field research and a report; the research office and the CPPCC office's clerks run the
groups for the committee (the proposal and information offices follow them but do not run them).
Accepted group members draft the report, the lead finalises it, the research office adopts it.
A research task belongs to the member it was given to. The three offices convene consultation
meetings; whoever created a meeting (e.g. a duty group's micro-consultation) runs that one too.
"""

from __future__ import annotations

import pytest

from core.tests.permission_matrix.common import (
    CLERKS,
    LEADERS,
    OFFICE,
    RESEARCH_OFFICE,
    assert_api,
    assert_api_transition,
    assert_matrix,
    assert_pages,
    put_in,
)
from core.workflow import workflow_for

# The cast's group is led by `vice_chair`; `member` and `expert` accepted the invitation.
RUNS_RESEARCH = RESEARCH_OFFICE | CLERKS
GROUP_MATRIX = {
    "forming": {"start_research": RUNS_RESEARCH | {"vice_chair"}, "cancel": RUNS_RESEARCH},
    "researching": {"conclude": RUNS_RESEARCH | {"vice_chair"}, "cancel": RUNS_RESEARCH},
    "concluded": {},
    "cancelled": {},
}
# A task given to `member` (the expert, also in the group, was not given it).
TASK_MATRIX = {
    "open": {"complete": RUNS_RESEARCH | {"vice_chair", "member"}},
    "done": {"reopen": RUNS_RESEARCH | {"vice_chair", "member"}},
}
REPORT_MATRIX = {
    "drafting": {"submit_review": RUNS_RESEARCH | {"vice_chair", "member", "expert"}, "finalise": {"vice_chair"}},
    "review": {"return_for_revision": {"vice_chair"}, "finalise": {"vice_chair"}},
    "finalised": {"reopen": {"vice_chair"}, "adopt": RESEARCH_OFFICE},
    "adopted": {},
}
# A thematic consultation convened by the clerk, facing `liaison`'s department, `other_member` invited.
CONVENERS = OFFICE | {"party_office", "gov_office"}
MEETING_MATRIX = {
    "planned": {"send_invitations": CONVENERS, "hold": CONVENERS, "cancel": CONVENERS},
    "invited": {"hold": CONVENERS, "cancel": CONVENERS},
    "held": {"issue_minutes": CONVENERS},
    "minuted": {},
    "cancelled": {},
}
MATRICES = {
    "consultations.researchgroup": GROUP_MATRIX,
    "consultations.researchtask": TASK_MATRIX,
    "consultations.consultationreport": REPORT_MATRIX,
    "consultations.meeting": MEETING_MATRIX,
}
# Who opens a group and its report: the office side and the leaders, the lead and the group's members.
GROUP_VISIBLE = OFFICE | LEADERS | {"member", "expert"}
MEETING_VISIBLE = OFFICE | LEADERS | {"party_office", "gov_office", "party_leader", "other_member", "liaison"}


@pytest.fixture
def group(cast):
    from consultations.tests.factories import research_group

    return research_group(cast)


@pytest.fixture
def meeting(cast):
    from consultations.tests.factories import consultation_meeting

    return consultation_meeting(cast)


@pytest.mark.django_db
def test_group_matrix(cast, group):
    assert_matrix(workflow_for(group), group, cast, GROUP_MATRIX)


@pytest.mark.django_db
def test_task_matrix_own_assignee(cast, group):
    from consultations.models import GroupMembership
    from consultations.services import add_research_task

    mine = GroupMembership.objects.get(group=group, member=cast.member.member)
    task = add_research_task(group=group, actor=cast.research, title="走访三所学校", assignee=mine)
    assert_matrix(workflow_for(task), task, cast, TASK_MATRIX)


@pytest.mark.django_db
def test_report_matrix(cast, group):
    report = group.report
    assert_matrix(workflow_for(report), report, cast, REPORT_MATRIX)


@pytest.mark.django_db
def test_meeting_matrix(cast, meeting):
    assert_matrix(workflow_for(meeting), meeting, cast, MEETING_MATRIX)


@pytest.mark.django_db
def test_a_micro_consultation_is_run_by_the_member_who_created_it_not_by_another(cast):
    from consultations.models import MeetingKind
    from consultations.tests.factories import MeetingFactory

    micro = MeetingFactory(kind=MeetingKind.MICRO, created_by=cast.member)
    mine = {**MEETING_MATRIX["planned"]}
    assert_matrix(
        workflow_for(micro),
        micro,
        cast,
        {"planned": {action: CONVENERS | {"member"} for action in mine}, "minuted": {}},
    )


@pytest.mark.django_db
def test_another_groups_lead_does_not_run_this_group(cast, group):
    """The chair leads nothing here: being a CPPCC leader does not make them this group's lead."""
    from consultations.models import GroupStatus

    put_in(group, GroupStatus.FORMING)
    names = {a.name for a in workflow_for(group).available(group, cast.chair)}
    assert names == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "may"),
    [("vice_chair", True), ("research", True), ("proposal", False), ("info", False), ("member", False)],
)
def test_starting_research_by_html_form(client, cast, group, role, may):
    put_in(group, "forming")
    client.force_login(getattr(cast, role))
    response = client.post(f"/workflow/consultations.researchgroup/{group.pk}/", {"action": "start_research"})
    group.refresh_from_db()
    assert response.status_code == 302, (role, response.status_code)
    assert group.status == ("researching" if may else "forming"), role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("research", 200), ("vice_chair", 403), ("member", 403), ("citizen", 404)]
)
def test_adopting_a_report_through_the_api(api_client, cast, group, role, status):
    report = put_in(group.report, "finalised")
    assert_api_transition(
        api_client,
        getattr(cast, role),
        report,
        url=f"/api/v1/consultation-reports/{report.pk}/transitions/",
        payload={"action": "adopt"},
        status=status,
        moves_to="adopted",
        stays_in="finalised",
    )


@pytest.mark.django_db
def test_group_and_report_pages_and_api_per_role(client, api_client, cast, group):
    assert_pages(client, cast, detail=f"/consultations/groups/{group.pk}/", listing=None, visible=GROUP_VISIBLE)
    assert_pages(client, cast, detail=f"/consultations/reports/{group.report.pk}/", listing=None, visible=GROUP_VISIBLE)
    assert_api(api_client, cast, url=f"/api/v1/research-groups/{group.pk}/", visible=GROUP_VISIBLE)
    assert_api(api_client, cast, url=f"/api/v1/consultation-reports/{group.report.pk}/", visible=GROUP_VISIBLE)


@pytest.mark.django_db
def test_meeting_pages_and_api_per_role(client, api_client, cast, meeting):
    assert_pages(client, cast, detail=f"/consultations/meetings/{meeting.pk}/", listing=None, visible=MEETING_VISIBLE)
    assert_api(api_client, cast, url=f"/api/v1/meetings/{meeting.pk}/", visible=MEETING_VISIBLE)


@pytest.mark.django_db
def test_minutes_downloads_per_role(client, cast, meeting):
    """The minutes (as issued): whoever sees the meeting. Their current version, with the outcome items
    corrected after the issue: those who run the meeting (they compile its special report); refused to
    the other participants, not found for the rest."""
    from consultations import services
    from core.tests.permission_matrix.common import ROLES
    from core.workflow import perform

    perform(meeting, "hold", actor=cast.clerk)
    item = services.record_outcome_item(
        meeting=meeting, actor=cast.clerk, recommendation="扩大课后服务", responsible_department=cast.liaison.department
    )
    perform(meeting, "issue_minutes", actor=cast.clerk)
    services.update_outcome_item(
        item=item, actor=cast.clerk, recommendation="扩大课后服务覆盖面", responsible_department=cast.liaison.department
    )
    for role in ROLES:
        client.force_login(getattr(cast, role))
        issued = client.get(f"/consultations/meetings/{meeting.pk}/minutes.docx").status_code
        current = client.get(f"/consultations/meetings/{meeting.pk}/minutes-current.docx").status_code
        assert issued == (200 if role in MEETING_VISIBLE else 404), (role, issued)
        assert current == (200 if role in CONVENERS else 403 if role in MEETING_VISIBLE else 404), (role, current)


@pytest.mark.django_db
def test_meeting_materials_per_role(client, cast, meeting):
    """The offices that convene the meeting upload and remove its materials; whoever may open the meeting
    (its participants, the offices, the overseers) downloads them; the other participants are refused the
    upload, and everyone else finds neither the meeting nor the file."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from consultations import services
    from consultations.models import MeetingMaterial
    from core.models import Attachment
    from core.tests.permission_matrix.common import ROLES

    def upload():
        return SimpleUploadedFile("材料.txt", "会议材料".encode(), content_type="text/plain")

    material = services.add_meeting_material(meeting=meeting, actor=cast.clerk, title="情况通报", upload=upload())
    token = Attachment.objects.get(object_id=material.pk, kind="meeting_material").token
    for role in ROLES:
        client.force_login(getattr(cast, role))
        download = client.get(reverse("core:attachment", args=[token])).status_code
        posted = client.post(
            f"/consultations/meetings/{meeting.pk}/materials/", {"title": f"{role}的材料", "upload": upload()}
        ).status_code
        assert download == (200 if role in MEETING_VISIBLE else 404), (role, download)
        assert posted == (302 if role in CONVENERS else 403 if role in MEETING_VISIBLE else 404), (role, posted)
        assert MeetingMaterial.objects.filter(title=f"{role}的材料").exists() == (role in CONVENERS), role
    for role in ROLES:
        mine = services.add_meeting_material(meeting=meeting, actor=cast.clerk, title=f"待删{role}", upload=upload())
        client.force_login(getattr(cast, role))
        removed = client.post(f"/consultations/meeting-materials/{mine.pk}/remove/").status_code
        assert removed == (302 if role in CONVENERS else 403 if role in MEETING_VISIBLE else 404), (role, removed)
        assert MeetingMaterial.objects.filter(pk=mine.pk).exists() == (role not in CONVENERS), role


@pytest.mark.django_db
def test_group_materials_and_report_downloads_per_role(client, cast, group):
    """The group's shared files are uploaded (to the group, not a meeting) by who works in or runs the group;
    the others who open the group are refused beside the form, the rest find nothing. A report version's
    DOCX/PDF: whoever opens the report."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations import services
    from consultations.models import MeetingMaterial, SharedMaterial
    from core.tests.permission_matrix.common import ROLES

    workers = RUNS_RESEARCH | {"vice_chair", "member", "expert"}
    services.save_report_draft(report=group.report, actor=cast.vice_chair, title="", body="正文", expected_version=1)
    for role in ROLES:
        client.force_login(getattr(cast, role))
        upload = SimpleUploadedFile("材料.txt", "共享材料".encode(), content_type="text/plain")
        posted = client.post(
            f"/consultations/groups/{group.pk}/materials/new/", {"title": f"{role}的材料", "upload": upload}
        ).status_code
        assert posted == (302 if role in workers else 400 if role in GROUP_VISIBLE else 404), (role, posted)
        assert SharedMaterial.objects.filter(group=group, title=f"{role}的材料").exists() == (role in workers), role
        for fmt in ("docx", "pdf"):
            got = client.get(f"/consultations/reports/{group.report.pk}/versions/1/report.{fmt}").status_code
            assert got == (200 if role in GROUP_VISIBLE else 404), (role, fmt, got)
    assert not MeetingMaterial.objects.exists()


@pytest.mark.django_db
def test_attaching_the_adopted_report_per_role(client, cast, group, time_machine):
    """附上采用的报告: the offices that convene the meeting; its other participants are refused; the rest
    find no meeting."""
    from consultations import services
    from consultations.models import MeetingMaterial
    from consultations.tests.factories import at, consultation_meeting
    from core.tests.permission_matrix.common import ROLES
    from core.workflow import perform

    time_machine.move_to(at(1), tick=False)
    meeting = consultation_meeting(cast, group=group)
    report = group.report
    services.save_report_draft(report=report, actor=cast.vice_chair, title="", body="正文", expected_version=1)
    perform(report, "finalise", actor=cast.vice_chair)
    perform(report, "adopt", actor=cast.research)
    for role in ROLES:
        MeetingMaterial.objects.filter(meeting=meeting).delete()
        client.force_login(getattr(cast, role))
        posted = client.post(f"/consultations/meetings/{meeting.pk}/attach-report/").status_code
        visible = MEETING_VISIBLE | GROUP_VISIBLE
        assert posted == (302 if role in CONVENERS else 403 if role in visible else 404), (role, posted)
        assert MeetingMaterial.objects.filter(meeting=meeting).exists() == (role in CONVENERS), role
