"""Research rules: who leads, who reaches what, uploads, report versions and comments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import selectors, services
from consultations.models import FieldVisit, InvitationResponse, ReportStatus, SharedMaterial
from consultations.tests.factories import at, research_group
from core.exceptions import ActionForbidden, ConcurrentEdit, Refused
from core.models import Attachment
from core.workflow import perform
from district.tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name="school.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_group_must_be_led_by_chair_or_vice_chair(cast):
    with pytest.raises(Refused) as err:
        services.create_research_group(title="课题", year=2022, lead=cast.member.member, actor=cast.research)
    assert "主席或副主席" in str(err.value.message)
    group = services.create_research_group(title="课题", year=2022, lead=cast.chair.member, actor=cast.research)
    lead_row = group.memberships.get()
    assert (lead_row.role, lead_row.response, lead_row.user) == ("lead", "accepted", cast.chair)
    assert group.report.status == ReportStatus.DRAFTING


def test_only_the_office_forms_a_group(cast):
    with pytest.raises(ActionForbidden):
        services.create_research_group(title="课题", year=2022, lead=cast.chair.member, actor=cast.member)


def test_invited_expert_without_account_gets_an_expert_only_account(cast):
    group = research_group(cast, with_expert=False, start=False)
    expert = ExpertFactory(name="王教授")
    row = services.invite_to_group(group=group, actor=cast.research, expert=expert)
    expert.refresh_from_db()
    assert row.user == expert.user
    assert expert.user.roles == frozenset({"expert"})
    assert not expert.user.has_usable_password()


def test_invitee_declines_with_reason_and_then_cannot_see_material(cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    assert group in selectors.groups_visible_to(cast.other_member)
    assert not selectors.may_read_material(cast.other_member, group)
    with pytest.raises(Refused):
        services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=False, reason=" ")
    services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=False, reason="出差")
    row.refresh_from_db()
    assert (row.response, row.reason) == (InvitationResponse.DECLINED, "出差")
    assert group not in selectors.groups_visible_to(cast.other_member)


def test_only_the_invitee_answers_the_invitation(cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    with pytest.raises(ActionForbidden):
        services.respond_to_group_invitation(membership=row, actor=cast.member, accept=True)


def test_expert_never_reaches_another_groups_material(cast):
    mine = research_group(cast)
    other = services.create_research_group(
        title="古城保护性建设", year=2022, lead=cast.chair.member, actor=cast.research
    )
    material = services.share_material(group=other, actor=cast.research, title="内部材料", upload=png())
    assert set(selectors.groups_visible_to(cast.expert)) == {mine}
    assert other.report not in selectors.reports_visible_to(cast.expert)
    assert material not in selectors.materials_visible_to(cast.expert)
    with pytest.raises(ActionForbidden):
        services.comment_on_report(report=other.report, actor=cast.expert, body="看看")
    with pytest.raises(ActionForbidden):
        services.share_material(group=other, actor=cast.expert, title="x", upload=png())


def test_field_visit_keeps_photos_as_attachments(cast):
    group = research_group(cast)
    visit = services.add_field_visit(
        group=group,
        actor=cast.member,
        visited_on="2022-05-10",
        place="同安区第一实验小学",
        notes="课后服务覆盖率高。",
        met_with="校长、教师代表",
        participants=list(group.memberships.all()),
        files=[png()],
    )
    att = Attachment.objects.get(object_id=visit.pk)
    assert (att.kind, att.content_type_detected, att.original_name) == ("photo", "image/png", "school.png")
    assert visit.participants.count() == 3


def test_upload_too_big_is_refused_and_nothing_is_saved(cast, settings):
    settings.UPLOAD_MAX_BYTES = 50
    group = research_group(cast)
    with pytest.raises(Refused) as err:
        services.add_field_visit(
            group=group, actor=cast.member, visited_on="2022-05-10", place="某校", notes="记录", files=[png()]
        )
    assert "超过上限" in str(err.value.message)
    assert not FieldVisit.objects.exists()
    assert not Attachment.objects.exists()


def test_upload_of_refused_type_is_refused_and_nothing_is_saved(cast):
    group = research_group(cast)
    html = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(Refused) as err:
        services.share_material(group=group, actor=cast.member, title="伪装的文件", upload=html)
    assert "类型不被接受" in str(err.value.message)
    assert not SharedMaterial.objects.exists()
    assert not Attachment.objects.exists()


def test_report_draft_saves_versions_and_refuses_stale_edit(cast):
    group = research_group(cast)
    report = group.report
    v1 = services.save_report_draft(
        report=report, actor=cast.member, title="报告", body="第一稿", expected_version=report.version
    )
    stale_version = 1
    report.refresh_from_db()
    v2 = services.save_report_draft(
        report=report, actor=cast.expert, title="报告", body="第二稿", expected_version=report.version
    )
    assert (v1.number, v2.number) == (1, 2)
    with pytest.raises(ConcurrentEdit):
        services.save_report_draft(
            report=report, actor=cast.member, title="报告", body="覆盖", expected_version=stale_version
        )
    report.refresh_from_db()
    assert report.body == "第二稿"
    assert report.versions.count() == 2


def test_finalising_with_an_open_mandatory_comment_is_refused(cast):
    group = research_group(cast)
    report = group.report
    services.save_report_draft(report=report, actor=cast.member, title="报告", body="正文", expected_version=1)
    comment = services.comment_on_report(report=report, actor=cast.research, body="数据需核实", mandatory=True)
    services.comment_on_report(report=report, actor=cast.expert, body="可补充案例")
    with pytest.raises(Refused) as err:
        perform(report, "finalise", actor=cast.vice_chair)
    assert "1条必须处理的意见" in str(err.value.message)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFTING
    with pytest.raises(Refused):
        services.resolve_comment(comment=comment, actor=cast.vice_chair, resolution="")
    services.resolve_comment(comment=comment, actor=cast.vice_chair, resolution="已按教育局数据更正")
    perform(report, "finalise", actor=cast.vice_chair)
    assert report.status == ReportStatus.FINALISED
    assert report.finalised_at is not None


def test_only_the_lead_finalises(cast):
    group = research_group(cast)
    services.save_report_draft(report=group.report, actor=cast.member, title="报告", body="正文", expected_version=1)
    with pytest.raises(ActionForbidden):
        perform(group.report, "finalise", actor=cast.member)


def test_finalised_report_cannot_be_edited(cast):
    group = research_group(cast)
    report = group.report
    services.save_report_draft(report=report, actor=cast.member, title="报告", body="正文", expected_version=1)
    perform(report, "finalise", actor=cast.vice_chair)
    with pytest.raises(Exception) as err:
        services.save_report_draft(report=report, actor=cast.member, title="报告", body="改", expected_version=2)
    assert "定稿" in str(err.value)


def test_research_task_is_assigned_and_completed_by_its_assignee(cast):
    group = research_group(cast)
    row = group.memberships.get(member=cast.member.member)
    task = services.add_research_task(group=group, actor=cast.vice_chair, title="收集课后服务数据", assignee=row)
    assert task in selectors.task_inbox(cast.member)
    with pytest.raises(ActionForbidden):
        perform(task, "complete", actor=cast.expert)
    perform(task, "complete", actor=cast.member)
    assert task.status == "done"


def test_group_cannot_start_before_someone_accepts(cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    with pytest.raises(Refused):
        perform(group, "start_research", actor=cast.research)


def test_group_concludes_only_after_the_report_is_finalised(cast):
    group = research_group(cast)
    with pytest.raises(Refused):
        perform(group, "conclude", actor=cast.vice_chair)
    services.save_report_draft(report=group.report, actor=cast.member, title="报告", body="正文", expected_version=1)
    perform(group.report, "finalise", actor=cast.vice_chair)
    perform(group, "conclude", actor=cast.vice_chair)
    assert group.status == "concluded"


def test_research_group_for_a_subject_is_found_through_the_generic_link(cast):
    subject = cast.chair.member  # any model works: the plan item lives in another app
    group = services.create_research_group(
        title="课题", year=2022, lead=cast.chair.member, actor=cast.research, subject=subject
    )
    assert selectors.research_group_for(subject) == group
    assert group.subject == subject


def _counts(row):
    from notifications.models import Notification

    return row.history.count(), Notification.objects.filter(recipient=row.user).count()


def test_inviting_an_accepted_member_again_is_refused_and_changes_nothing(cast):
    group = research_group(cast, with_expert=False, start=False)
    row = group.memberships.get(member=cast.member.member)
    before = _counts(row)
    with pytest.raises(Refused) as err:
        services.invite_to_group(group=group, actor=cast.research, member=cast.member.member)
    assert "已是本课题组成员" in str(err.value.message) and "member" in err.value.fields
    row.refresh_from_db()
    assert row.response == InvitationResponse.ACCEPTED
    assert _counts(row) == before


def test_inviting_the_lead_is_refused(cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    with pytest.raises(Refused) as err:
        services.invite_to_group(group=group, actor=cast.research, member=group.lead)
    assert "牵头领导" in str(err.value.message)


def test_inviting_an_accepted_expert_again_is_refused(cast):
    group = research_group(cast, with_member=False, start=False)
    expert = group.memberships.get(role="expert").expert
    with pytest.raises(Refused) as err:
        services.invite_to_group(group=group, actor=cast.research, expert=expert)
    assert "expert" in err.value.fields


def test_inviting_someone_who_has_not_answered_reminds_them_and_keeps_the_invitation(cast):
    from notifications.models import Notification

    group = research_group(cast, with_member=False, with_expert=False, start=False)
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    history = row.history.count()
    again = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    assert again.pk == row.pk and again.response == InvitationResponse.INVITED
    assert row.history.count() == history
    notes = Notification.objects.filter(recipient=cast.other_member).order_by("id")
    titles = list(notes.values_list("title", flat=True))
    assert len(titles) == 2 and titles[1].startswith("提醒")


def test_inviting_someone_who_declined_invites_them_afresh(cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=False, reason="出差")
    again = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    assert (again.pk, again.response, again.reason) == (row.pk, InvitationResponse.INVITED, "")
    services.respond_to_group_invitation(membership=again, actor=cast.other_member, accept=True)


def test_an_invitation_says_what_it_was_before_a_first_one_a_reminder_or_renewed(cast):
    """The group page's message (new, reminded, renewed) comes from the service's own locked read."""
    group = research_group(cast, with_member=False, with_expert=False, start=False)

    def invite():
        return services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)

    first = invite()
    assert first.previous_response is None
    assert invite().previous_response == InvitationResponse.INVITED
    services.respond_to_group_invitation(membership=first, actor=cast.other_member, accept=False, reason="出差")
    assert invite().previous_response == InvitationResponse.DECLINED


def test_an_accepted_invitation_is_on_the_groups_audit_record(cast, client, time_machine):
    """Who joined the group and when is in its history (审计记录), as the office reads it on the group's
    page; a decline is not a step of the group (the lead and the office are told of it)."""
    from core.models import StatusChange

    group = research_group(cast, with_member=False, with_expert=False, start=False)
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.member.member)
    other = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    services.respond_to_group_invitation(membership=other, actor=cast.other_member, accept=False, reason="出差")
    time_machine.move_to(at(30, 15, month=3), tick=False)
    services.respond_to_group_invitation(membership=row, actor=cast.member, accept=True)
    row.refresh_from_db()
    assert row.responded_at == at(30, 15, month=3)
    step = StatusChange.objects.get(object_id=group.pk, action="accept_invitation")
    assert (step.actor, step.created_at, step.from_state, step.to_state) == (
        cast.member,
        row.responded_at,
        "forming",
        "forming",
    )
    assert step.data["membership"] == row.pk
    client.force_login(cast.research)
    history = client.get(group.get_absolute_url()).content.decode().split('data-testid="history"')[1]
    assert "接受邀请，加入课题组" in history and cast.member.display in history
    assert history.count("接受邀请，加入课题组") == 1
