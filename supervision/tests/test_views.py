import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from core.workflow import perform
from supervision.forms import TransferForm
from supervision.models import SupervisionNote, TaskReply
from supervision.services.tasks import add_note, create_task, report_progress
from supervision.tests.conftest import advance

pytestmark = pytest.mark.django_db


def test_liaison_sees_own_department_tasks_and_gets_404_for_others(client, task, cast, world):
    other = create_task(
        source=None, title="其他部门的任务", actor=cast.gov_office, lead_department=cast.other_liaison.department
    )
    unrelated_dept = create_task(source=None, title="民政局任务", actor=cast.gov_office)
    client.force_login(cast.liaison)
    page = client.get(reverse("supervision:tasks")).content.decode()
    assert task.title[:20] in page and "其他部门的任务" not in page
    assert client.get(reverse("supervision:task", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision:task", args=[unrelated_dept.pk])).status_code == 404
    # The cooperating department sees the task it helps with.
    client.force_login(cast.other_liaison)
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 200


def test_citizen_and_anonymous_cannot_open_tasks(client, task, cast):
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 302
    client.force_login(cast.citizen)
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 404
    assert client.get(reverse("supervision:tasks")).status_code == 404


def test_task_list_query_count_does_not_grow_with_rows(client, world, cast, django_assert_max_num_queries):
    world.issue()
    world.transfer()
    client.force_login(cast.gov_office)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("supervision:tasks"))
    for n in range(8):
        t = create_task(source=None, title=f"任务{n}", actor=cast.gov_office, lead_department=world.edu)
        t.co_departments.set([world.hr])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("supervision:tasks")).status_code == 200


def test_reply_without_classification_is_refused_and_nothing_typed_is_lost(client, task, cast):
    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    body = "已对全区校外培训机构开展专项检查，整改到位。"
    response = client.post(
        reverse("supervision:task_reply", args=[task.pk]), {"classification": "", "body": body, "submit": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择答复类别" in page
    assert body in page
    task.refresh_from_db()
    assert task.status == "acked"
    assert TaskReply.objects.get(task=task).body == body


def test_lead_liaison_has_one_submit_reply_button_in_the_reply_form(client, task, cast):
    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert page.count(">提交答复</button>") == 1
    assert 'data-action="submit_reply"' not in page
    assert 'id="reply-form"' in page


def test_a_workflow_action_says_what_was_done(client, task, cast):
    client.force_login(cast.liaison)
    response = client.post(
        reverse("core:transition", args=["supervision.supervisiontask", task.pk]), {"action": "accept"}, follow=True
    )
    page = response.content.decode()
    assert "已完成“签收”。" in page and "操作已完成" not in page


def test_unsatisfied_rating_without_a_reason_is_said_once(client, task, cast):
    advance(task, cast, "feedback")
    client.force_login(cast.member)
    response = client.post(
        reverse("core:transition", args=["supervision.supervisiontask", task.pk]),
        {"action": "rate_unsatisfied", "note": ""},
        follow=True,
    )
    assert response.content.decode().count("需要填写不满意的理由") == 1


def test_autosave_keeps_the_draft(client, task, cast):
    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    url = reverse("supervision:task_reply_autosave", args=[task.pk])
    response = client.post(url, {"classification": "planned", "planned_date": "2026-09-01", "body": "写到一半"})
    assert response.status_code == 200 and "已自动保存" in response.content.decode()
    draft = TaskReply.objects.get(task=task)
    assert (draft.reply_class.code, draft.planned_date, draft.body) == ("planned", dt.date(2026, 9, 1), "写到一半")
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert "写到一半" in page


def test_cooperating_department_cannot_write_the_reply(client, task, cast):
    advance(task, cast, "acked")
    client.force_login(cast.other_liaison)
    response = client.post(reverse("supervision:task_reply_autosave", args=[task.pk]), {"body": "越权答复"})
    assert response.status_code == 400
    assert "只有牵头部门" in response.content.decode()


def test_progress_with_attachment(client, task, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    pdf = SimpleUploadedFile(
        "检查记录.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    response = client.post(
        reverse("supervision:task_progress", args=[task.pk]), {"percent": 60, "text": "完成专项检查", "attachment": pdf}
    )
    assert response.status_code == 302
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert "完成专项检查" in page and "检查记录.pdf" in page
    # The file downloads again for the departments and the office, not for a department not on the task.
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from core.models import Attachment
    from district.tests.factories import DepartmentFactory

    outsider = UserFactory(roles=[Role.DEPT_LIAISON], department=DepartmentFactory())
    url = reverse("core:attachment", args=[Attachment.objects.get().token])
    assert url in page
    for who, status in ((cast.liaison, 200), (cast.other_liaison, 200), (cast.clerk, 200), (outsider, 404)):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_bad_progress_percent_rerenders_the_form(client, task, cast):
    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    response = client.post(
        reverse("supervision:task_progress", args=[task.pk]), {"percent": 140, "text": "进展说明保留"}
    )
    assert response.status_code == 400
    assert "进展说明保留" in response.content.decode()


def test_a_button_pressed_on_a_refused_forms_page_comes_back_to_the_task_not_to_the_form_url(client, task, cast):
    """A refused form is shown again at its own POST-only URL; the page's other forms must not send
    the browser back there (it would answer 405 after their action was done)."""
    import re

    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    progress_url = reverse("supervision:task_progress", args=[task.pk])
    page = client.post(progress_url, {"percent": 140, "text": "进展说明保留"}).content.decode()
    nexts = re.findall(r'name="next" value="([^"]*)"', page)
    assert nexts and progress_url not in nexts
    response = client.post(
        reverse("core:transition", args=["supervision.supervisiontask", task.pk]),
        {"action": "start", "next": nexts[0]},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("supervision:task", args=[task.pk])
    task.refresh_from_db()
    assert task.status == "in_progress"


def test_government_office_transfers_from_the_report_page(client, world, cast):
    world.issue()
    client.force_login(cast.gov_office)
    page = client.get(reverse("supervision:report", args=[world.report.pk])).content.decode()
    assert "转交督办" in page
    data = {}
    for item in world.items:
        data |= {
            f"include_{item.pk}": "on",
            f"lead_{item.pk}": world.edu.pk,
            f"co_{item.pk}": [world.hr.pk],
            f"due_{item.pk}": "2099-06-30",
        }
    response = client.post(reverse("supervision:report_transfer", args=[world.report.pk]), data)
    assert response.status_code == 302
    assert world.report.tasks.filter(status="assigned", lead_department=world.edu).count() == 2


def test_transfer_without_a_deadline_is_refused_with_a_message(client, world, cast):
    world.issue()
    client.force_login(cast.gov_office)
    item = world.items[0]
    response = client.post(
        reverse("supervision:report_transfer", args=[world.report.pk]),
        {f"include_{item.pk}": "on", f"lead_{item.pk}": world.edu.pk, f"due_{item.pk}": ""},
    )
    assert response.status_code == 400
    assert "请填写办理期限" in response.content.decode()
    assert not world.report.tasks.exists()


def test_report_documents_download_and_read_back(client, world, cast, tmp_path):
    import subprocess

    world.issue()
    client.force_login(cast.research)
    docx = client.get(reverse("supervision:report_document", args=[world.report.pk, "docx"]))
    assert docx.status_code == 200
    path = tmp_path / "r.docx"
    path.write_bytes(docx.content)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "同政协专报〔2022〕1号" in text
    pdf = client.get(reverse("supervision:report_document", args=[world.report.pk, "pdf"]))
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "同政协专报" in out and "课后服务" in out.replace("\n", "")
    assert client.get(reverse("supervision:report_document", args=[world.report.pk, "exe"])).status_code == 404


def test_public_page_shows_outcomes_without_login_and_never_internal_notes(client, task, cast, world):
    advance(task, cast, "in_progress")
    add_note(task=task, actor=cast.party_office, body="内部：局长本周约谈", kind=SupervisionNote.Kind.NOTE)
    perform(task, "mark_overdue", actor=None)
    perform(task, "remind", actor=cast.gov_office, note="内部催办意见不公开")
    listing = client.get(reverse("supervision:public")).content.decode()
    assert world.report.topic_title in listing
    page = client.get(reverse("supervision:public_report", args=[world.report.pk])).content.decode()
    assert "严控学科类校外培训机构" in page
    assert "已完成摸底排查" in page and "40%" in page
    assert "逾期未办结" in page
    assert "内部：局长本周约谈" not in page and "内部催办意见不公开" not in page


def test_public_page_says_a_department_is_yet_to_be_decided_rather_than_none(client, world, cast):
    world.issue()
    create_task(source=world.items[0], title="待交办事项", actor=cast.gov_office, special_report=world.report)
    page = client.get(reverse("supervision:public_report", args=[world.report.pk])).content.decode()
    assert "承办部门：待定" in page and "办理期限：—" in page
    assert "None" not in page


def test_draft_report_is_not_public(client, world):
    assert client.get(reverse("supervision:public_report", args=[world.report.pk])).status_code == 404


def test_ranking_orders_departments_by_timeliness_then_satisfaction(client, world, cast):
    from supervision.services.tasks import rate_reply, submit_reply

    world.issue()
    edu_task, hr_task = world.transfer()
    perform(hr_task, "request_reassign", actor=cast.liaison, note="属人社局")
    perform(hr_task, "reassign", actor=cast.gov_office, data={"lead_department": world.hr.pk})
    perform(edu_task, "mark_overdue", actor=None)
    perform(hr_task, "accept", actor=cast.other_liaison)
    report_progress(task=hr_task, actor=cast.other_liaison, percent=100, text="已完成")
    submit_reply(task=hr_task, actor=cast.other_liaison, classification="solved", body="已完成")
    rate_reply(task=hr_task, actor=cast.member, rating="satisfied")
    client.force_login(cast.party_office)
    rows = list(client.get(reverse("supervision:ranking")).context["rows"])
    assert [r.name for r in rows] == [world.hr.name, world.edu.name]
    assert (rows[0].timeliness, rows[0].satisfaction) == (100.0, 100.0)
    assert (rows[1].timeliness, rows[1].overdue) == (0.0, 1)


def test_public_page_query_count_does_not_grow_with_outcomes(client, world, cast, django_assert_max_num_queries):
    world.issue()
    first, second = world.transfer()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("supervision:public_report", args=[world.report.pk]))
    for task in (first, second):
        perform(task, "accept", actor=cast.liaison)
        report_progress(task=task, actor=cast.liaison, percent=30, text="进展一")
        report_progress(task=task, actor=cast.liaison, percent=60, text="进展二")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("supervision:public_report", args=[world.report.pk]))
    assert response.content.decode().count("进展二") == 2


def test_government_office_assigns_and_reassigns_through_the_pages(client, cast, world):
    task = create_task(source=None, title="关键提案：校园周边交通安全", actor=cast.proposal)
    client.force_login(cast.gov_office)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert "交办" in page
    bad = client.post(
        reverse("supervision:task_assign", args=[task.pk]), {"lead_department": world.edu.pk, "due_date": "2001-01-01"}
    )
    assert bad.status_code == 400 and "办理期限不能早于今天" in bad.content.decode()
    ok = client.post(
        reverse("supervision:task_assign", args=[task.pk]),
        {"lead_department": world.edu.pk, "co_departments": [world.hr.pk], "due_date": "2099-01-01"},
    )
    assert ok.status_code == 302
    perform(task, "request_reassign", actor=cast.liaison, note="交通安全属交通局")
    client.post(
        reverse("supervision:task_reassign", args=[task.pk]), {"lead_department": world.hr.pk, "note": "改由人社局"}
    )
    task.refresh_from_db()
    assert (task.status, task.lead_department) == ("assigned", world.hr)


def test_research_office_compiles_a_report_from_the_page(client, cast, world):
    from supervision.tests.factories import OutcomeItemFactory

    extra = OutcomeItemFactory(meeting=world.meeting, recommendation="延长学校图书馆开放时间", recorded_by=cast.clerk)
    client.force_login(cast.research)
    form = client.get(reverse("supervision:report_new") + f"?meeting={world.meeting.pk}").content.decode()
    assert "延长学校图书馆开放时间" in form
    assert "丰富课后服务内容" not in form  # already in world.report
    response = client.post(
        reverse("supervision:report_new"),
        {"meeting": world.meeting.pk, "items": [extra.pk], "lead": cast.member.pk},
    )
    assert response.status_code == 302
    client.force_login(cast.liaison)
    assert client.get(reverse("supervision:reports")).status_code == 404


def test_saved_dates_are_shown_in_the_date_inputs(client, task, cast, world):
    """A date input only shows an ISO value: the draft's planned date and the agreed deadlines stay visible."""
    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    planned = timezone.localdate() + dt.timedelta(days=60)
    client.post(
        reverse("supervision:task_reply", args=[task.pk]),
        {"classification": "planned", "planned_date": planned.isoformat(), "body": "写到一半"},
    )
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert f'name="planned_date" value="{planned.isoformat()}"' in page
    # The government office's transfer form starts from the deadline agreed at the meeting.
    item = world.items[1]
    item.due_date = timezone.localdate() + dt.timedelta(days=90)
    html = str(TransferForm(items=[item])[f"due_{item.pk}"])
    assert f'value="{item.due_date.isoformat()}"' in html


def test_transfer_refusal_is_shown_on_the_row_and_keeps_the_other_rows(client, world, cast):
    world.issue()
    first, second = world.items
    client.force_login(cast.gov_office)
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("supervision:report_transfer", args=[world.report.pk]),
        {
            f"include_{first.pk}": "on",
            f"lead_{first.pk}": world.edu.pk,
            f"due_{first.pk}": due,
            f"include_{second.pk}": "on",
            f"lead_{second.pk}": world.edu.pk,
            f"due_{second.pk}": "2020-05-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "办理期限不能早于今天" in html and "请检查填写的内容" in html
    assert f'name="due_{first.pk}" value="{due}"' in html
    assert not first.supervision_tasks.exists()


def test_compiled_report_names_the_research_topic_not_the_meeting_title(world, cast):
    from consultations.tests.factories import research_group
    from supervision.services.reports import compile_special_report

    group = research_group(cast, title="提升丙洲陈化成公园品位", with_expert=False)
    world.meeting.research_group = group
    world.meeting.title = "“提升丙洲陈化成公园品位”专题协商会"
    world.meeting.save()
    from supervision.tests.factories import OutcomeItemFactory

    items = [OutcomeItemFactory(meeting=world.meeting, recorded_by=cast.clerk)]  # world.items are in world.report
    report = compile_special_report(meeting=world.meeting, items=items, actor=cast.research, lead=cast.member)
    assert report.topic_title == "提升丙洲陈化成公园品位"
    assert report.title == "关于提升丙洲陈化成公园品位协商成果的专报"


def test_compile_form_proposes_the_research_group_lead_as_rater(client, world, cast):
    from consultations.tests.factories import research_group
    from supervision.tests.factories import OutcomeItemFactory

    group = research_group(cast, with_expert=False)
    world.meeting.research_group = group
    world.meeting.save()
    OutcomeItemFactory(meeting=world.meeting, recorded_by=cast.clerk)  # one item not yet compiled
    client.force_login(cast.research)
    html = client.get(reverse("supervision:report_new") + f"?meeting={world.meeting.pk}").content.decode()
    assert f'<option value="{group.lead.user_id}" selected>' in html


def test_reassignment_keeps_the_former_lead_as_cooperating_department(client, cast, world):
    """ "改由人社局牵头、教育局配合": the form proposes the former lead as co-department, and it stays on the task."""
    task = create_task(
        source=None,
        title="教师补充",
        actor=cast.gov_office,
        lead_department=world.edu,
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    perform(task, "assign", actor=cast.gov_office)
    perform(task, "request_reassign", actor=cast.liaison, note="建议改由人社局牵头、教育局配合")
    client.force_login(cast.gov_office)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    form = page[page.index("/reassign/") :]
    assert f'<option value="{world.edu.pk}" selected>' in form[: form.index("</form>")]
    response = client.post(
        reverse("supervision:task_reassign", args=[task.pk]),
        {"lead_department": world.hr.pk, "co_departments": [world.edu.pk], "note": "改由人社局牵头"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.lead_department == world.hr and list(task.co_departments.all()) == [world.edu]
    client.force_login(cast.liaison)
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 200


def test_public_page_in_english_has_no_chinese_punctuation_around_english_words(client, task, cast, world):
    """The brackets, list commas and full stop between translated labels follow the reader's language
    (msgids "（" "）" "、" "。" with contexts in the English catalogue)."""
    from supervision.services.tasks import submit_reply

    perform(task, "accept", actor=cast.liaison)
    submit_reply(
        task=task,
        actor=cast.liaison,
        classification="planned",
        body="已列入明年计划",
        planned_date=dt.date(2031, 6, 30),
    )
    client.cookies["django_language"] = "en"
    page = client.get(reverse("supervision:public_report", args=[world.report.pk])).content.decode()
    assert "Assisting" in page and "2031-06-30" in page
    assert "（" not in page and "）" not in page and "。已列入" not in page


def test_a_task_whose_appeal_was_withdrawn_says_so_and_leaves_the_inboxes(client, task, cast):
    from supervision.selectors import task_inbox
    from supervision.services.tasks import mark_source_withdrawn

    assert task in task_inbox(cast.liaison)
    source = task.source  # intake passes the withdrawn appeal; any source record behaves the same
    mark_source_withdrawn(source=source)
    assert task not in task_inbox(cast.liaison)
    client.force_login(cast.liaison)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert 'data-testid="source-withdrawn"' in page and "撤回" in page
    listing = client.get(reverse("supervision:tasks")).content.decode()
    assert "群众已撤回诉求" in listing


def test_public_list_dates_a_topic_by_its_meeting_not_by_the_reports_issue(client, world):
    import datetime as dt

    from django.utils import timezone

    world.issue()
    meeting = world.report.meeting
    meeting.starts_at = timezone.make_aware(dt.datetime(2022, 6, 28, 9))
    meeting.save(update_fields=["starts_at"])
    listing = client.get(reverse("supervision:public")).content.decode()
    # Next to the meeting's name, a date is read as the meeting's.
    assert f"{meeting.title} · 2022-06-28" in listing


# ---- review 2 ---------------------------------------------------------------------------------


def test_not_closed_filter_and_export_keep_every_task_not_closed(client, world, cast):
    from openpyxl import load_workbook

    from supervision.selectors import task_list
    from supervision.services.tasks import rate_reply

    world.issue()
    replied, closed = world.transfer()
    advance(replied, cast, "feedback")
    closed = advance(closed, cast, "feedback")
    rate_reply(task=closed, actor=cast.member, rating="satisfied")
    waiting = create_task(source=None, title="待交办的批示任务", actor=cast.gov_office, lead_department=world.edu)
    disputed = create_task(source=None, title="申请改派的任务", actor=cast.gov_office, lead_department=world.edu)
    perform(disputed, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    perform(disputed, "request_reassign", actor=cast.liaison, note="属人社局职能")
    open_tasks = set(task_list(cast.gov_office, status="open"))
    assert open_tasks == {replied, waiting, disputed}
    client.force_login(cast.gov_office)
    listing = client.get(reverse("supervision:tasks"), {"status": "open"}).content.decode()
    assert "待交办的批示任务" in listing and "申请改派的任务" in listing
    export = client.get("/insight/export/tasks.xlsx", {"status": "open"})
    assert export.status_code == 200
    import io

    cells = {c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row}
    assert "待交办的批示任务" in cells and "申请改派的任务" in cells
    assert closed.title not in cells
    # "Overdue" still means a running deadline that passed.
    assert not task_list(cast.gov_office, overdue=True).exists()


def test_liaisons_do_not_see_tasks_the_office_has_not_transferred(client, world, cast):
    pending = create_task(
        source=None,
        title="落实领导批示：村道缺少错车道",
        actor=cast.gov_office,
        lead_department=world.edu,
        co_departments=[world.hr],
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    for liaison in (cast.liaison, cast.other_liaison):
        client.force_login(liaison)
        assert "村道缺少错车道" not in client.get(reverse("supervision:tasks")).content.decode()
        assert client.get(reverse("supervision:task", args=[pending.pk])).status_code == 404
    perform(pending, "assign", actor=cast.gov_office)
    for liaison in (cast.liaison, cast.other_liaison):
        client.force_login(liaison)
        assert "村道缺少错车道" in client.get(reverse("supervision:tasks")).content.decode()
        assert client.get(reverse("supervision:task", args=[pending.pk])).status_code == 200


def test_reply_confirmation_names_who_verifies_it(client, task, cast, world):
    advance(task, cast, "acked")
    client.force_login(cast.liaison)
    reply = {"classification": "solved", "body": "已完成专项治理", "submit": "1"}
    page = client.post(reverse("supervision:task_reply", args=[task.pk]), reply, follow=True).content.decode()
    assert "等待牵头委员评价" in page
    no_rater = create_task(
        source=None,
        title="落实领导批示：村道缺少错车道",
        actor=cast.gov_office,
        lead_department=world.edu,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    perform(no_rater, "assign", actor=cast.gov_office)
    perform(no_rater, "accept", actor=cast.liaison)
    page = client.post(reverse("supervision:task_reply", args=[no_rater.pk]), reply, follow=True).content.decode()
    assert "等待督办部门审核" in page and "等待牵头委员评价" not in page


def test_report_page_keeps_the_issued_due_date_and_shows_the_tasks_deadline_beside_it(client, world, cast):
    """完成时限 is the date agreed in the issued document; the task's current 办理期限 (set on transfer,
    later moved by an extension) has its own labelled column."""
    world.issue()
    due = timezone.localdate() + dt.timedelta(days=45)
    item_due = world.items[0].due_date.isoformat()
    client.force_login(cast.research)
    page = client.get(world.report.get_absolute_url()).content.decode()
    assert f'data-testid="item-due">{item_due}<' in page
    assert "当前办理期限" in page and page.count('data-testid="task-due">—<') == 2
    tasks = world.transfer(due=due)
    extended = due + dt.timedelta(days=30)
    perform(tasks[0], "accept", actor=cast.liaison)
    asked = {"due_date": str(extended)}
    perform(tasks[0], "request_extension_acked", actor=cast.liaison, note="需协调资金", data=asked)
    perform(tasks[0], "approve_extension_acked", actor=cast.gov_office, note="同意", data=asked)
    page = client.get(world.report.get_absolute_url()).content.decode()
    # Both items were agreed with the same date; neither the transfer nor the extension changes it.
    assert page.count(f'data-testid="item-due">{item_due}<') == 2
    assert f'data-testid="task-due">{extended.isoformat()}<' in page
    assert f'data-testid="task-due">{due.isoformat()}<' in page
    assert f'data-testid="item-due">{extended.isoformat()}<' not in page


def test_compile_form_offers_only_meetings_with_items_left(client, world, cast):
    from supervision.tests.factories import MeetingFactory, OutcomeItemFactory

    fresh = MeetingFactory(title="养老服务专题协商会", created_by=cast.clerk)
    OutcomeItemFactory(meeting=fresh, recorded_by=cast.clerk)
    MeetingFactory(title="没有成果事项的会议", created_by=cast.clerk)
    client.force_login(cast.research)
    page = client.get(reverse("supervision:report_new")).content.decode()
    assert "养老服务专题协商会" in page
    assert world.meeting.title not in page  # both its items are in world.report
    assert "没有成果事项的会议" not in page
    used = client.get(reverse("supervision:report_new"), {"meeting": world.meeting.pk}).content.decode()
    assert 'data-testid="all-compiled"' in used


def test_breadcrumb_names_the_source_kind_after_a_space(client, cast):
    from intake.models import Route
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    task = create_task(source=appeal, title="学校门口交通拥堵", actor=cast.clerk)
    client.force_login(cast.clerk)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert f"来自 {type(appeal)._meta.verbose_name}" in page


def test_a_returned_report_can_be_deleted_and_its_items_compiled_again(client, world, cast):
    from core.models import StatusChange
    from supervision.models import SpecialReport
    from supervision.services.reports import compile_special_report

    report = world.report
    perform(report, "submit", actor=cast.research)
    client.force_login(cast.research)
    url = reverse("supervision:report_delete", args=[report.pk])
    refused = client.post(url, follow=True)
    assert "只有草稿状态" in refused.content.decode() and SpecialReport.objects.filter(pk=report.pk).exists()
    perform(report, "return", actor=cast.secgen, note="第2条缺少完成时限，请补充后再送签。")
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="report-delete"' in page
    client.force_login(cast.gov_office)
    assert client.post(url).status_code in (302, 404)
    assert SpecialReport.objects.filter(pk=report.pk).exists()
    client.force_login(cast.research)
    assert client.post(url).status_code == 302
    assert not SpecialReport.objects.filter(pk=report.pk).exists()
    audit = StatusChange.objects.get(object_id=report.pk, action="delete")
    assert audit.actor == cast.research and sorted(audit.data["items"]) == sorted(i.pk for i in world.items)
    assert SpecialReport.history.filter(id=report.pk, history_type="-", history_user=cast.research).exists()
    again = compile_special_report(meeting=world.meeting, items=world.items, actor=cast.research, lead=cast.member)
    assert again.items.count() == 2


def test_the_special_report_an_english_reader_downloads_is_wholly_chinese(client, world, cast, tmp_path):
    """Review 6 #3: the heading, table headers, signer line and date stay in the district's language."""
    import io
    import subprocess

    world.issue()
    client.force_login(cast.research)
    client.cookies["django_language"] = "en"
    docx = client.get(reverse("supervision:report_document", args=[world.report.pk, "docx"]))
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "协商成果事项及责任分工" in text and "签发人：secgen" in text and "区委、区政府：" in text
    signed = timezone.localtime(world.report.signed_at).date()
    assert f"{signed.year}年{signed.month}月{signed.day}日" in text
    assert [c.text for c in doc.tables[0].rows[0].cells] == [
        "序号",
        "意见建议",
        "责任部门",
        "配合部门",
        "商定措施",
        "完成时限",
    ]
    for english in ("Consultation outcome", "Signed off by", "No.", "Responsible department", "Deadline"):
        assert english not in text and english not in "".join(c.text for c in doc.tables[0].rows[0].cells)
    pdf = client.get(reverse("supervision:report_document", args=[world.report.pk, "pdf"]))
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = out.replace("\n", "").replace(" ", "")
    assert "协商成果事项及责任分工" in flat and "意见建议" in flat and "签发人" in flat
    assert "Signedoff" not in flat and "Opinionsandsuggestions" not in flat


# ---- review 2 #6: actions offered only while they can succeed ---------------------------------


def _transition(client, obj, action, **fields):
    label = obj._meta.label_lower
    return client.post(f"/workflow/{label}/{obj.pk}/", {"action": action, **fields}, follow=True)


def test_reassignment_is_offered_to_the_lead_department_only_within_the_window(client, api_client, task, cast):
    """Review 2 #6: a task transferred 6 days ago has no 申请改派 form for its lead liaison (the page says whom
    to contact instead), the API does not list it, and the POST is refused with the guard's words; a task
    transferred today offers it."""
    from supervision.models import SupervisionTask

    page_url = reverse("supervision:task", args=[task.pk])
    api_url = f"/api/v1/supervision-tasks/{task.pk}/transitions/"
    client.force_login(cast.liaison)
    api_client.force_authenticate(cast.liaison)
    page = client.get(page_url).content.decode()
    assert 'data-action="request_reassign"' in page and "申请改派的理由" in page
    assert 'data-testid="reassign-closed"' not in page
    assert "request_reassign" in {a["action"] for a in api_client.get(api_url).json()}

    SupervisionTask.objects.filter(pk=task.pk).update(assigned_at=timezone.now() - dt.timedelta(days=6))
    page = client.get(page_url).content.decode()
    assert 'data-action="request_reassign"' not in page and "申请改派的理由" not in page
    assert 'data-action="accept"' in page  # 签收 is still there
    assert 'data-testid="reassign-closed"' in page and "请与区政府办公室联系" in page
    assert {a["action"] for a in api_client.get(api_url).json()} == {"accept"}
    refused = _transition(client, task, "request_reassign", note="该事项主要由民政局负责")
    assert "交办已超过5天，不能再申请改派" in refused.content.decode()
    task.refresh_from_db()
    assert task.status == "assigned"
    # The line is for the department that would have asked, not for a co-department.
    client.force_login(cast.other_liaison)
    assert 'data-testid="reassign-closed"' not in client.get(page_url).content.decode()


def test_after_the_office_keeps_the_assignment_the_page_says_so_instead_of_the_form(client, task, cast):
    perform(task, "request_reassign", actor=cast.liaison, note="属人社局职能")
    perform(task, "keep_assignment", actor=cast.gov_office, note="校外培训监管由教育局牵头")
    client.force_login(cast.liaison)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert 'data-action="request_reassign"' not in page
    assert 'data-testid="reassign-closed"' in page and "维持原交办" in page
    assert 'data-action="accept"' in page


def test_a_report_is_offered_for_sign_off_only_once_it_names_a_rater(client, world, cast):
    """送秘书长签发 is refused without a rater: the page says so instead of offering the button."""
    report = world.report
    report.lead = None
    report.save()
    client.force_login(cast.research)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-action="submit"' not in page
    assert 'data-testid="submit-blocked"' in page and "请先指定牵头委员" in page
    refused = _transition(client, report, "submit")
    assert "请先指定牵头委员" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"
    # The secretary-general has nothing to do with a draft: no line for them.
    client.force_login(cast.secgen)
    assert 'data-testid="submit-blocked"' not in client.get(report.get_absolute_url()).content.decode()
    report.lead = cast.member
    report.save()
    client.force_login(cast.research)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-action="submit"' in page and 'data-testid="submit-blocked"' not in page
    _transition(client, report, "submit")
    report.refresh_from_db()
    assert report.status == "submitted"
