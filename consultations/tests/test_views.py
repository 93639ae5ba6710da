"""Pages: the topic page, isolation (404), refusals re-rendered with the input kept, query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import FieldVisit, MeetingKind
from consultations.tests.factories import at, consultation_meeting, research_group, send_notice
from core.models import Attachment
from core.workflow import perform
from district.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_topic_page_shows_group_visits_report_meeting_and_outcomes(client, cast):
    group = research_group(cast)
    services.add_field_visit(
        group=group, actor=cast.member, visited_on="2022-05-10", place="同安第一实验小学", notes="课后服务情况"
    )
    services.save_report_draft(
        report=group.report, actor=cast.member, title="报告", body="一、基本情况", expected_version=1
    )
    meeting = consultation_meeting(cast, group=group)
    perform(meeting, "hold", actor=cast.clerk)
    services.record_outcome_item(
        meeting=meeting,
        actor=cast.clerk,
        recommendation="扩大课后服务覆盖面",
        responsible_department=cast.liaison.department,
    )
    html = login(client, cast.expert).get(group.get_absolute_url()).content.decode()
    for text in ("同安第一实验小学", "第1稿", "专题协商会", "扩大课后服务覆盖面"):
        assert text in html


def test_expert_gets_404_for_another_groups_pages_and_files(client, cast):
    research_group(cast)
    other = services.create_research_group(title="古城保护", year=2022, lead=cast.chair.member, actor=cast.research)
    upload = SimpleUploadedFile("a.txt", "内部材料".encode(), content_type="text/plain")
    material = services.share_material(group=other, actor=cast.research, title="内部", upload=upload)
    token = Attachment.objects.get(object_id=material.pk).token
    login(client, cast.expert)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(other.report.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:attachment", args=[token])).status_code == 404
    assert (
        client.post(reverse("consultations:comment_create", args=[other.report.pk]), {"body": "x"}).status_code == 404
    )


def test_group_member_downloads_material_as_attachment_never_inline(client, cast):
    group = research_group(cast)
    upload = SimpleUploadedFile("data.txt", "统计数据".encode(), content_type="text/plain")
    material = services.share_material(group=group, actor=cast.research, title="统计", upload=upload)
    token = Attachment.objects.get(object_id=material.pk).token
    response = login(client, cast.expert).get(reverse("core:attachment", args=[token]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_refused_upload_rerenders_the_visit_form_with_what_was_typed(client, cast, settings):
    settings.UPLOAD_MAX_BYTES = 10
    group = research_group(cast)
    response = login(client, cast.member).post(
        reverse("consultations:visit_create", args=[group.pk]),
        {
            "visited_on": "2022-05-10",
            "place": "城东中学",
            "notes": "校外培训机构压减情况的详细记录",
            "files": [SimpleUploadedFile("big.txt", b"x" * 100, content_type="text/plain")],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "超过上限" in html
    assert "城东中学" in html and "校外培训机构压减情况的详细记录" in html
    assert not FieldVisit.objects.exists()


def test_meeting_form_without_department_is_refused_and_keeps_input(client, cast):
    response = login(client, cast.clerk).post(
        reverse("consultations:meeting_create"),
        {
            "kind": MeetingKind.THEMATIC,
            "title": "双减专题协商会",
            "starts_at": "2022-06-20T09:00",
            "ends_at": "2022-06-20T12:00",
            "place": "区政协三楼会议室",
            "agenda": "议程内容",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "必须邀请至少一个相关部门" in html
    assert "双减专题协商会" in html and "议程内容" in html


def test_finalise_with_open_mandatory_comment_shows_the_reason(client, cast):
    group = research_group(cast)
    report = group.report
    services.save_report_draft(report=report, actor=cast.member, title="报告", body="正文", expected_version=1)
    services.comment_on_report(report=report, actor=cast.research, body="数据需核实", mandatory=True)
    client = login(client, cast.vice_chair)
    response = client.post(
        reverse("core:transition", args=["consultations.consultationreport", report.pk]),
        {"action": "finalise", "next": report.get_absolute_url()},
        follow=True,
    )
    assert "必须处理的意见尚未处理" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "drafting"


def test_stale_report_edit_is_refused_and_the_text_is_kept(client, cast):
    group = research_group(cast)
    report = group.report
    services.save_report_draft(report=report, actor=cast.expert, title="报告", body="专家的修改", expected_version=1)
    response = login(client, cast.member).post(
        report.get_absolute_url(), {"title": "报告", "body": "我的长篇修改", "note": "", "version": 1}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "我的长篇修改" in html and "尚未保存" in html


def test_clerk_records_outcome_item_through_the_page(client, cast):
    meeting = consultation_meeting(cast)
    perform(meeting, "hold", actor=cast.clerk)
    edu = cast.liaison.department
    url = reverse("consultations:outcome_create", args=[meeting.pk])
    bad = login(client, cast.clerk).post(url, {"recommendation": "建议加强课后服务"})
    assert bad.status_code == 400 and "请选择责任部门" in bad.content.decode()
    assert "建议加强课后服务" in bad.content.decode()
    ok = client.post(
        url, {"recommendation": "建议加强课后服务", "responsible_department": edu.pk, "due_date": "2022-12-31"}
    )
    assert ok.status_code == 302
    assert meeting.outcome_items.get().responsible_department == edu


def test_department_liaison_replies_for_the_department_head(client, cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    row = meeting.participants.get(department=cast.liaison.department)
    client = login(client, cast.liaison)
    assert "代" in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(
        reverse("consultations:participant_respond", args=[row.pk]), {"response": "deputy", "deputy_name": ""}
    )
    assert response.status_code == 400 and "代为参加人" in response.content.decode()
    client.post(reverse("consultations:participant_respond", args=[row.pk]), {"response": "attend"})
    row.refresh_from_db()
    assert row.attendance == "attending"


def test_the_meeting_links_its_research_group_only_for_those_who_may_open_the_group(client, cast):
    group = research_group(cast)
    meeting = consultation_meeting(cast, group=group)
    link = f'href="{group.get_absolute_url()}"'
    liaison_page = login(client, cast.liaison).get(meeting.get_absolute_url()).content.decode()
    assert group.title in liaison_page and link not in liaison_page  # invited department, not in the group
    assert client.get(group.get_absolute_url()).status_code == 404
    assert link in login(client, cast.member).get(meeting.get_absolute_url()).content.decode()  # a group member


def test_liaison_of_another_department_cannot_open_the_meeting(client, cast):
    meeting = consultation_meeting(cast)
    assert login(client, cast.other_liaison).get(meeting.get_absolute_url()).status_code == 404


def test_calendar_month_view_lists_meetings(client, cast):
    consultation_meeting(cast)
    response = login(client, cast.clerk).get(reverse("consultations:calendar") + "?month=2022-06")
    html = response.content.decode()
    assert "2022年6月" in html and "落实教育“双减”政策专题协商会" in html
    assert login(client, cast.clerk).get(reverse("consultations:calendar") + "?month=bad").status_code == 200


def test_micro_consultation_form(client, cast):
    dept = DepartmentFactory(name="区城市管理局")
    response = login(client, cast.member).post(
        reverse("consultations:micro_create"),
        {
            "title": "小区停车难微协商",
            "starts_at": "2022-07-09T15:00",
            "ends_at": "2022-07-09T17:00",
            "place": "社区议事厅",
            "department": dept.pk,
            "department_head_name": "某科长",
            "residents": "居民甲\n居民乙",
        },
    )
    assert response.status_code == 302
    from consultations.models import Meeting

    meeting = Meeting.objects.get(kind=MeetingKind.MICRO)
    assert meeting.participants.count() == 3


def test_group_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    client = login(client, cast.clerk)
    research_group(cast, title="课题一")
    client.get(reverse("consultations:groups"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("consultations:groups"))
    for i in range(5):
        services.create_research_group(title=f"课题{i}", year=2022, lead=cast.chair.member, actor=cast.research)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("consultations:groups"))
    assert response.content.decode().count("课题") >= 6


def test_calendar_query_count_does_not_grow_with_meetings(client, cast, django_assert_max_num_queries):
    client = login(client, cast.clerk)
    consultation_meeting(cast)
    url = reverse("consultations:calendar") + "?month=2022-06"
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for day in range(1, 6):
        services.create_meeting(
            kind="other", title=f"会{day}", starts_at=at(day), ends_at=at(day, 10), actor=cast.clerk
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_resolving_a_mandatory_comment_without_a_note_is_refused(client, cast):
    group = research_group(cast)
    comment = services.comment_on_report(report=group.report, actor=cast.research, body="须修改", mandatory=True)
    response = login(client, cast.vice_chair).post(
        reverse("consultations:comment_resolve", args=[comment.pk]), {"resolution": ""}
    )
    assert response.status_code == 400 and "请说明" in response.content.decode()
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_meeting_page_warns_the_convener_about_short_notice(client, cast):
    from django.utils import timezone

    soon = timezone.now() + timezone.timedelta(days=3)
    meeting = services.create_consultation_meeting(
        title="临时协商会",
        starts_at=soon,
        ends_at=soon + timezone.timedelta(hours=2),
        departments=[cast.liaison.department],
        actor=cast.clerk,
    )
    assert "工作日通知" in login(client, cast.clerk).get(meeting.get_absolute_url()).content.decode()
    later = consultation_meeting(cast)  # once the notice has gone out, the warning is gone
    send_notice(later, actor=cast.clerk)
    assert "工作日通知" not in client.get(later.get_absolute_url()).content.decode()


def test_meeting_form_with_a_malformed_group_is_404_not_500(client, cast):
    response = login(client, cast.clerk).get(reverse("consultations:meeting_create") + "?group=abc")
    assert response.status_code == 404


def test_complete_button_only_for_those_who_may_complete_the_task(client, cast):
    """A member who is not the task's assignee sees the task but no "标记完成" button that would be refused."""
    group = research_group(cast)
    expert_row = group.memberships.get(expert__user=cast.expert)
    task = services.add_research_task(group=group, actor=cast.vice_chair, title="收集课后服务数据", assignee=expert_row)
    button = reverse("core:transition", args=["consultations.researchtask", task.pk])
    assert button not in login(client, cast.member).get(group.get_absolute_url()).content.decode()
    assert button in login(client, cast.expert).get(group.get_absolute_url()).content.decode()
    assert button in login(client, cast.vice_chair).get(group.get_absolute_url()).content.decode()


def test_visit_in_the_future_and_task_due_in_the_past_are_refused_with_input_kept(client, cast):
    group = research_group(cast)
    today = timezone.localdate()
    visit = login(client, cast.member).post(
        reverse("consultations:visit_create", args=[group.pk]),
        {"visited_on": (today + dt.timedelta(days=3)).isoformat(), "place": "同安一中", "notes": "座谈记录"},
    )
    assert visit.status_code == 400
    assert "日期不能晚于今天" in visit.content.decode() and "座谈记录" in visit.content.decode()
    assert not FieldVisit.objects.exists()
    task = login(client, cast.vice_chair).post(
        reverse("consultations:task_create", args=[group.pk]),
        {"title": "走访学校", "due_date": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert task.status_code == 400
    assert "不能早于今天" in task.content.decode() and "走访学校" in task.content.decode()
    assert not group.tasks.exists()


def test_outcome_due_before_the_meeting_is_refused(client, cast):
    meeting = consultation_meeting(cast)
    perform(meeting, "hold", actor=cast.clerk)
    response = login(client, cast.clerk).post(
        reverse("consultations:outcome_create", args=[meeting.pk]),
        {
            "recommendation": "增加公园停车位",
            "responsible_department": cast.liaison.department.pk,
            "due_date": "2020-05-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "完成时限不能早于会议召开日期" in html and "增加公园停车位" in html
    assert not meeting.outcome_items.exists()


def test_speaker_choices_name_the_person_and_department_not_the_meeting_id(client, cast):
    meeting = consultation_meeting(cast)
    perform(meeting, "hold", actor=cast.clerk)
    html = login(client, cast.clerk).get(meeting.get_absolute_url()).content.decode()
    assert f"@ {meeting.pk}<" not in html
    dept = cast.liaison.department
    assert f" · {dept.short_name or dept.name}</option>" in html


def test_concluded_group_page_offers_no_forms_that_would_be_refused(client, cast):
    group = research_group(cast)
    group.status = "concluded"
    group.save(update_fields=["status"])
    html = login(client, cast.vice_chair).get(group.get_absolute_url()).content.decode()
    for name in ("group_invite", "visit_create", "task_create", "group_material_create"):
        assert reverse(f"consultations:{name}", args=[group.pk]) not in html


def test_rescheduling_says_participants_were_told_only_once_they_were_invited(client, cast):
    meeting = consultation_meeting(cast)
    client.force_login(cast.clerk)
    form = {"starts_at": "2022-06-21T14:00", "ends_at": "2022-06-21T17:00", "place": "区行政中心"}
    url = reverse("consultations:reschedule", args=[meeting.pk])
    page = client.post(url, form, follow=True).content.decode()
    assert "会议时间地点已更新。" in page and "已通知参会人员" not in page
    send_notice(meeting, actor=cast.clerk)
    page = client.post(url, {**form, "place": "区政协三楼会议室"}, follow=True).content.decode()
    assert "会议时间地点已更新，已通知参会人员。" in page


def _invite(client, group, **data):
    return client.post(reverse("consultations:group_invite", args=[group.pk]), data, follow=True)


def test_reinviting_a_group_member_says_so_on_the_page_and_changes_nothing(client, cast):
    group = research_group(cast, with_expert=False, start=False)
    row = group.memberships.get(member=cast.member.member)
    history = row.history.count()
    response = login(client, cast.research).post(
        reverse("consultations:group_invite", args=[group.pk]), {"member": cast.member.member.pk}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "已是本课题组成员" in html and "邀请已发出" not in html
    assert f'value="{cast.member.member.pk}" selected' in html
    assert row.history.count() == history


def test_the_invite_list_offers_only_people_not_yet_in_the_group(client, cast):
    group = research_group(cast, start=False)  # cast.member and 专家甲 accepted, led by the vice-chair
    pending = cast.other_member.member
    services.invite_to_group(group=group, actor=cast.research, member=pending)
    html = login(client, cast.research).get(group.get_absolute_url()).content.decode()
    form = html[html.index('name="member"') : html.index('name="expert"')]
    assert f'value="{pending.pk}"' in form  # still waiting: a reminder can be sent
    assert f'value="{cast.member.member.pk}"' not in form
    assert f'value="{cast.vice_chair.member.pk}"' not in form
    experts = html[html.index('name="expert"') :]
    assert "专家甲" not in experts[: experts.index("</select>")]


def test_group_invitation_messages_say_what_happened(client, cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    login(client, cast.research)
    pk = cast.other_member.member.pk
    assert "已向" in _invite(client, group, member=pk).content.decode()
    assert "已再次提醒" in _invite(client, group, member=pk).content.decode()
    row = group.memberships.get(member=cast.other_member.member)
    services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=False, reason="出差")
    assert "已重新发出邀请" in _invite(client, group, member=pk).content.decode()


def test_inviting_a_member_without_an_account_says_nobody_was_told(client, cast):
    from district.tests.factories import MemberFactory

    group = research_group(cast, with_member=False, with_expert=False, start=False)
    offline = MemberFactory(user=None)
    html = _invite(login(client, cast.research), group, member=offline.pk).content.decode()
    assert "尚未开通平台账号" in html and "请线下联系" in html
    assert "人员账号" in html  # where the office opens one


def test_inviting_an_expert_whose_account_is_not_activated_says_they_cannot_see_it_yet(client, cast):
    from district.tests.factories import ExpertFactory

    group = research_group(cast, with_member=False, with_expert=False, start=False)
    expert = ExpertFactory(name="钱教授")
    html = _invite(login(client, cast.research), group, expert=expert.pk).content.decode()
    assert "钱教授的平台账号尚未激活" in html and "激活链接" in html


def test_marking_a_meeting_held_before_its_date_is_refused_on_the_page_keeping_the_note(client, cast):
    import time_machine

    meeting = consultation_meeting(cast)
    login(client, cast.clerk)
    with time_machine.travel(at(19)):
        response = client.post(
            reverse("core:transition", args=["consultations.meeting", meeting.pk]),
            {"action": "hold", "note": "按计划召开"},
            follow=True,
        )
        html = response.content.decode()
    assert "会期未到，不能标记为已召开" in html
    # Before its day 会议召开 is not offered (a page opened earlier may still send it): what was typed
    # for it does not land in the boxes of the other actions.
    assert 'id="note-hold"' not in html
    assert html.count("按计划召开</textarea>") == 0
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_inviting_an_invited_department_again_says_so(client, cast):
    meeting = consultation_meeting(cast)
    response = login(client, cast.clerk).post(
        reverse("consultations:participant_invite", args=[meeting.pk]),
        {"role": "dept_head", "department": cast.liaison.department.pk},
    )
    assert response.status_code == 400
    assert "已在参会人员名单中" in response.content.decode()
    assert meeting.participants.filter(department=cast.liaison.department).count() == 1


def test_report_page_gives_the_comment_box_its_own_id(client, cast):
    group = research_group(cast)
    html = login(client, cast.member).get(group.report.get_absolute_url()).content.decode()
    assert html.count('id="id_body"') == 1
    assert 'for="comment_body"' in html and 'id="comment_body"' in html


def test_group_list_pages_newest_year_first_in_a_stable_order(cast):
    from consultations.selectors import group_list_for

    old = services.create_research_group(title="课题甲", year=2022, lead=cast.chair.member, actor=cast.research)
    new = services.create_research_group(title="课题乙", year=2023, lead=cast.chair.member, actor=cast.research)
    rows = group_list_for(cast.clerk)
    assert rows.ordered
    assert list(rows) == [new, old]


def test_an_invitee_is_not_offered_links_to_sections_they_cannot_see_yet(client, cast):
    group = research_group(cast, with_member=False, with_expert=False, start=False)
    services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    html = login(client, cast.other_member).get(group.get_absolute_url()).content.decode()
    assert "接受邀请后即可查看" in html
    assert 'href="#visits"' not in html and 'id="visits"' not in html
    services.respond_to_group_invitation(
        membership=group.memberships.get(member=cast.other_member.member), actor=cast.other_member, accept=True
    )
    html = client.get(group.get_absolute_url()).content.decode()
    assert 'href="#visits"' in html and 'id="visits"' in html


def test_the_participant_list_gives_a_members_position_not_just_member(client, cast):
    group = research_group(cast)  # led by the vice-chair
    meeting = consultation_meeting(cast, group=group)
    services.invite_research_group(meeting=meeting, group=group, actor=cast.clerk)
    html = login(client, cast.clerk).get(meeting.get_absolute_url()).content.decode()
    rows = [r for r in html.split('data-testid="participant-row"')[1:] if cast.vice_chair.member.name in r]
    assert rows and "副主席" in rows[0].split("</tr>")[0]


def test_a_group_convenes_its_meeting_as_its_plan_item_says(client, cast):
    from topics.tests.factories import ItemFactory, PlanFactory, fmt

    item = ItemFactory(plan=PlanFactory(year=2022), title="整合农创文旅资源", format=fmt("counterpart"))
    item.departments.add(cast.liaison.department)
    group = services.create_research_group(
        title="整合农创文旅资源", year=2022, lead=cast.vice_chair.member, actor=cast.research, subject=item
    )
    form = login(client, cast.clerk).get(reverse("consultations:meeting_create") + f"?group={group.pk}").context["form"]
    assert form.initial["kind"] == MeetingKind.COUNTERPART
    assert form.initial["title"] == "“整合农创文旅资源”委处对口协商会"
    assert list(form.initial["departments"]) == [cast.liaison.department]
    # A group without a plan item gets no form it did not choose named in its title.
    bare = research_group(cast, title="课后服务", with_member=False, with_expert=False, start=False)
    form = client.get(reverse("consultations:meeting_create") + f"?group={bare.pk}").context["form"]
    assert form.initial["title"] == "“课后服务”协商会" and "kind" not in form.initial


def test_a_group_formed_for_a_plan_item_takes_the_plans_year(client, cast):
    from django.contrib.contenttypes.models import ContentType

    from topics.tests.factories import ItemFactory, PlanFactory

    item = ItemFactory(plan=PlanFactory(year=2022))
    ct = ContentType.objects.get_for_model(item)
    url = reverse("consultations:group_create") + f"?subject={ct.pk}:{item.pk}"
    assert login(client, cast.research).get(url).context["form"].initial["year"] == 2022
    unknown = reverse("consultations:group_create") + f"?subject={ct.pk}:999999999"
    assert client.get(unknown).context["form"].initial["year"] == timezone.localdate().year
    plain = client.get(reverse("consultations:group_create"))
    assert plain.status_code == 200 and plain.context["form"].initial["year"] == timezone.localdate().year


def test_issued_minutes_wait_for_the_research_office_to_compile_a_special_report(
    client, cast, django_capture_on_commit_callbacks
):
    from consultations.selectors import meeting_inbox
    from notifications.models import Notification
    from supervision.services.reports import compile_special_report

    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    item = services.record_outcome_item(
        meeting=meeting,
        actor=cast.clerk,
        recommendation="扩大课后服务覆盖面",
        responsible_department=cast.liaison.department,
    )
    with django_capture_on_commit_callbacks(execute=True):
        perform(meeting, "issue_minutes", actor=cast.clerk)
    # The research office is told, has it on its to-do list and finds the way on the meeting page.
    assert Notification.objects.filter(recipient=cast.research, title__contains="待您处理").exists()
    assert meeting_inbox(cast.research).filter(pk=meeting.pk).exists()
    html = login(client, cast.research).get(meeting.get_absolute_url()).content.decode()
    assert f"{reverse('supervision:report_new')}?meeting={meeting.pk}" in html
    assert (
        'data-testid="compile-report"' not in login(client, cast.clerk).get(meeting.get_absolute_url()).content.decode()
    )
    compile_special_report(meeting=meeting, items=[item], actor=cast.research, lead=cast.vice_chair)
    assert not meeting_inbox(cast.research).filter(pk=meeting.pk).exists()
    assert (
        'data-testid="compile-report"'
        not in login(client, cast.research).get(meeting.get_absolute_url()).content.decode()
    )


def test_the_organiser_sees_by_when_the_materials_must_reach_the_participants(client, cast):
    """Materials at least N working days before the meeting (domain: 10), as the district rule says."""
    import datetime as dt

    from constance.test import override_config
    from django.utils import timezone

    monday = timezone.make_aware(dt.datetime(2031, 3, 17, 9, 0))
    meeting = services.create_consultation_meeting(
        title="对口协商会",
        starts_at=monday,
        ends_at=monday + dt.timedelta(hours=2),
        departments=[cast.liaison.department],
        actor=cast.clerk,
    )
    page = login(client, cast.clerk).get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="materials-due">2031-03-03<' in page  # ten working days before
    with override_config(CONSULT_MATERIALS_WORKDAYS=3):
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="materials-due">2031-03-12<' in page
    # A holiday the office entered is not a working day (district.CalendarDay).
    from district.services import enter_calendar_days

    enter_calendar_days(first=dt.date(2031, 3, 13), last=None, is_workday=False, name="放假", actor=cast.clerk)
    with override_config(CONSULT_MATERIALS_WORKDAYS=3):
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="materials-due">2031-03-11<' in page
    assert "materials-due" not in login(client, cast.member).get(meeting.get_absolute_url()).content.decode()


def test_the_standing_committees_vote_meeting_is_not_held_to_the_consultation_notice_rule(client, cast):
    """The meeting 安排常委会表决 creates follows the standing committee's rules: no 15-working-day
    warning and no materials deadline that may fall before the day it was arranged."""
    from django.utils import timezone

    from consultations.selectors import materials_due, short_notice
    from topics.services import votes
    from topics.tests.factories import drive_to_vote

    soon = timezone.now() + dt.timedelta(days=3)
    vote = votes.open_vote(plan=drive_to_vote(cast), actor=cast.clerk, starts_at=soon)
    assert not short_notice(vote.meeting) and materials_due(vote.meeting) is None
    page = login(client, cast.clerk).get(vote.meeting.get_absolute_url()).content.decode()
    assert "工作日通知" not in page and "materials-due" not in page
