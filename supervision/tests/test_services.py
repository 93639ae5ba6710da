import datetime as dt

import pytest
from django.urls import reverse
from docx import Document

from accounts.services import create_user
from core.exceptions import ActionForbidden, Refused
from core.workflow import perform
from district.tests.factories import DepartmentFactory
from supervision.services.reports import compile_special_report, report_docx, report_pdf
from supervision.services.tasks import (
    Assignment,
    create_task,
    report_progress,
    save_reply_draft,
    submit_reply,
    tasks_for_source,
    transfer_outcome_items,
)
from supervision.tests.conftest import advance
from supervision.tests.factories import MeetingFactory, OutcomeItemFactory

pytestmark = pytest.mark.django_db


def test_create_task_keeps_the_contract_and_starts_created(cast, world):
    item = world.items[0]
    task = create_task(
        source=item,
        title="关键提案督办",
        actor=cast.gov_office,
        description="要求",
        lead_department=world.edu,
        co_departments=[world.hr],
        due_date=dt.date(2099, 1, 1),
        is_public=False,
    )
    assert task.status == "created" and task.outcome_item == item
    assert list(tasks_for_source(item)) == [task]


# ---- compile and number ----------------------------------------------------------------------


def test_compile_fills_the_template(world):
    report = world.report
    assert report.status == "draft" and report.number == ""
    assert "落实教育“双减”政策专题协商会" in report.intro and "2条" in report.intro
    assert list(report.items.all()) == world.items


def test_only_the_research_office_compiles(world, cast):
    with pytest.raises(ActionForbidden):
        compile_special_report(meeting=world.meeting, items=world.items, actor=cast.clerk)


def test_compile_refuses_empty_or_foreign_items(world, cast):
    with pytest.raises(Refused, match="至少选择"):
        compile_special_report(meeting=world.meeting, items=[], actor=cast.research)
    foreign = OutcomeItemFactory(recorded_by=cast.clerk, meeting=MeetingFactory(created_by=cast.clerk))
    with pytest.raises(Refused, match="不属于"):
        compile_special_report(meeting=world.meeting, items=[foreign], actor=cast.research)


def test_an_item_already_in_a_special_report_is_not_compiled_into_another(world, cast, client):
    """Each item is transferred to its department once; a second report's transfer could only be refused."""
    with pytest.raises(Refused, match="已编入专报件"):
        compile_special_report(meeting=world.meeting, items=world.items[:1], actor=cast.research)
    client.force_login(cast.research)
    html = client.get(reverse("supervision:report_new") + f"?meeting={world.meeting.pk}").content.decode()
    assert world.items[0].recommendation[:20] not in html  # not offered again


def _sign(report, cast):
    perform(report, "submit", actor=cast.research)
    perform(report, "sign", actor=cast.secgen)
    return report


def test_numbers_run_per_year_with_the_configured_prefix(world, cast, settings):
    from constance import config

    def fresh_items():  # each outcome item goes into one special report
        return [OutcomeItemFactory(meeting=world.meeting, recorded_by=cast.clerk)]

    _sign(world.report, cast)
    second = compile_special_report(
        meeting=world.meeting, items=fresh_items(), actor=cast.research, lead=cast.member, year=2022
    )
    assert _sign(second, cast).number == "同政协专报〔2022〕2号"
    config.SUPERVISION_REPORT_PREFIX = "同协专报"
    next_year = compile_special_report(
        meeting=world.meeting, items=fresh_items(), actor=cast.research, lead=cast.member, year=2023
    )
    assert _sign(next_year, cast).number == "同协专报〔2023〕1号"


def test_what_is_stored_is_worded_in_the_districts_language_whatever_the_user_reads(world, cast):
    """An official number, a default title and the meeting date in the official text are part of the
    record every reader shares and the documents print: an English-reading user does not change them."""
    from django.utils import timezone, translation

    with translation.override("en"):
        report = compile_special_report(
            meeting=world.meeting,
            items=[OutcomeItemFactory(meeting=world.meeting, recorded_by=cast.clerk)],
            actor=cast.research,
            lead=cast.member,
            year=2022,
        )
        _sign(world.report, cast)
    assert report.title == f"关于{report.topic_title}协商成果的专报"
    day = timezone.localtime(world.meeting.starts_at)
    assert f"{day.year}年{day.month}月{day.day}日，区政协召开" in report.intro
    assert world.report.number == "同政协专报〔2022〕1号"


def test_documents_read_back(world, cast, tmp_path):
    import subprocess

    world.issue()
    docx_path = tmp_path / "r.docx"
    docx_path.write_bytes(report_docx(world.report))
    doc = Document(str(docx_path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "同政协专报〔2022〕1号" in text and "签发人：secgen" in text and "区委、区政府：" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "意见建议", "责任部门"]
    assert table.rows[2].cells[1].text == "丰富课后服务内容，引入体育、艺术、科普资源"
    pdf_path = tmp_path / "r.pdf"
    pdf_path.write_bytes(report_pdf(world.report))
    out = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    flat = out.replace("\n", "").replace(" ", "")
    assert "同政协专报〔2022〕1号" in flat and "严控学科类校外培训机构" in flat


# ---- transfer ---------------------------------------------------------------------------------


def test_transfer_refusals(world, cast):
    assignment = [Assignment(item=world.items[0], lead_department=world.edu, due_date=dt.date(2099, 1, 1))]
    with pytest.raises(Refused, match="尚未印发"):
        transfer_outcome_items(report=world.report, assignments=assignment, actor=cast.gov_office)
    world.issue()
    with pytest.raises(ActionForbidden):
        transfer_outcome_items(report=world.report, assignments=assignment, actor=cast.research)
    transfer_outcome_items(report=world.report, assignments=assignment, actor=cast.gov_office)
    with pytest.raises(Refused, match="不能重复转交"):
        transfer_outcome_items(report=world.report, assignments=assignment, actor=cast.gov_office)
    with pytest.raises(Refused, match="至少选择"):
        transfer_outcome_items(report=world.report, assignments=[], actor=cast.gov_office)


# ---- progress and reply refusals ---------------------------------------------------------------


def test_progress_by_a_department_not_assigned_is_refused(task, cast):
    advance(task, cast, "acked")
    stranger = create_user(
        username="l3", password="x" * 12, roles=["dept_liaison"], department=DepartmentFactory(name="民政局")
    )
    for someone in (stranger, cast.member, cast.gov_office):
        with pytest.raises(ActionForbidden, match="不是本任务的承办或协办部门"):
            report_progress(task=task, actor=someone, percent=10, text="进展")
    assert not task.progress_reports.exists()


def test_cooperating_department_reports_progress_without_moving_the_lead_percentage(task, cast):
    advance(task, cast, "acked")
    report_progress(task=task, actor=cast.other_liaison, percent=90, text="人社局配合完成师资培训")
    task.refresh_from_db()
    assert task.progress == 0 and task.status == "in_progress"


def test_progress_before_acceptance_or_after_reply_is_refused(task, cast):
    with pytest.raises(Refused, match="尚未签收"):
        report_progress(task=task, actor=cast.liaison, percent=10, text="进展")
    advance(task, cast, "feedback")
    with pytest.raises(Refused, match="不能报送进展"):
        report_progress(task=task, actor=cast.liaison, percent=10, text="进展")


def test_progress_percent_above_100_is_refused(task, cast):
    advance(task, cast, "acked")
    with pytest.raises(Refused):
        report_progress(task=task, actor=cast.liaison, percent=120, text="进展")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "正文"}, "请选择答复类别"),
        ({"classification": "planned", "body": "正文"}, "计划解决时间"),
        ({"classification": "cannot", "body": "正文"}, "说明原因"),
        ({"classification": "solved"}, "答复正文"),
    ],
)
def test_incomplete_reply_is_refused_but_kept_as_draft(task, cast, fields, message):
    advance(task, cast, "acked")
    with pytest.raises(Refused, match=message):
        submit_reply(task=task, actor=cast.liaison, **fields)
    task.refresh_from_db()
    assert task.status == "acked"
    draft = task.replies.get()
    assert draft.is_draft and draft.body == fields.get("body", "")


def test_reply_classes_with_their_date_or_reason_are_accepted(task, cast):
    advance(task, cast, "acked")
    submit_reply(task=task, actor=cast.liaison, classification="cannot", reason="需市级统筹资金", body="暂不能解决")
    assert task.replies.get().reply_class.code == "cannot"


def test_only_the_lead_department_writes_the_reply(task, cast):
    advance(task, cast, "acked")
    with pytest.raises(ActionForbidden):
        save_reply_draft(task=task, actor=cast.other_liaison, body="越权")


def test_draft_is_updated_in_place_while_writing(task, cast):
    advance(task, cast, "acked")
    save_reply_draft(task=task, actor=cast.liaison, body="第一段")
    save_reply_draft(task=task, actor=cast.liaison, body="第一段第二段", classification="solved")
    assert task.replies.count() == 1
    assert task.replies.get().body == "第一段第二段"


def test_instruction_notifies_the_lead_department(task, cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification
    from supervision.services.tasks import add_note

    with django_capture_on_commit_callbacks(execute=True):
        add_note(task=task, actor=cast.party_leader, body="请教育局主要领导亲自督办", kind="instruction")
    assert Notification.objects.filter(recipient=cast.liaison, title__startswith="督办指示").count() == 1
    with pytest.raises(ActionForbidden):
        add_note(task=task, actor=cast.liaison, body="部门不能写督办记录")
    with pytest.raises(Refused):
        add_note(task=task, actor=cast.gov_office, body="  ")


# ---- a new task is announced; its deadline follows its source ----------------------------------


def _told_about(task):
    from notifications.models import Notification

    return Notification.objects.filter(content_type__model="supervisiontask", object_id=task.pk)


def test_a_new_task_tells_the_government_office_it_waits_and_its_rater_it_was_opened(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = create_task(source=None, title="落实领导批示：校车安全", actor=cast.info, rater=cast.vice_chair)
    told = _told_about(task)
    assert {(n.recipient.username, n.event_key) for n in told} == {
        ("govoffice", f"supervision-task-created:{task.pk}"),
        ("vicechair", f"supervision-task-rater:{task.pk}"),
    }
    assert "新的督办任务待您交办" in told.get(recipient=cast.gov_office).shown_title
    # Opened by the government office itself, with no rater: nobody else must act yet.
    with django_capture_on_commit_callbacks(execute=True):
        own = create_task(source=None, title="自行立项", actor=cast.gov_office)
    assert not _told_about(own).exists()


def test_a_transferred_outcome_item_is_not_announced_as_waiting_for_transfer(
    world, cast, django_capture_on_commit_callbacks
):
    world.issue()
    with django_capture_on_commit_callbacks(execute=True):
        task = world.transfer()[0]
    told = _told_about(task)
    assert not told.filter(event_key__startswith="supervision-task-").exists()
    assert told.filter(recipient=cast.liaison).count() == 1  # the transfer itself (the workflow's notice)
    assert not told.filter(recipient=cast.gov_office).exists()


def test_an_appeals_referral_tells_the_government_office_once(cast, django_capture_on_commit_callbacks):
    """intake tells the office of a referral in its own words (`intake.services._tell_transfer_office`)."""
    from intake.services import refer_to_department
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory(status="routed")
    with django_capture_on_commit_callbacks(execute=True):
        task = refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)
    assert _told_about(task).filter(recipient=cast.gov_office).count() == 1


def test_a_leaders_instruction_tells_the_government_office_once(cast, django_capture_on_commit_callbacks):
    from importlib import import_module

    from opinions.models import AdoptionLevel, Instruction
    from opinions.tests.factories import published

    for code, name, order in import_module("opinions.migrations.0003_seed_adoption_levels").DEFAULT_LEVELS:
        AdoptionLevel.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    report = published(cast)
    data = {"leader": "区长", "level": "district", "text": "请研究", "department": cast.liaison.department_id}
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "record_instruction", actor=cast.info, data=data)
    task = Instruction.objects.get(report=report).task
    assert _told_about(task).filter(recipient=cast.gov_office).count() == 1


@pytest.mark.parametrize(
    ("state", "after"), [("created", "created"), ("overdue", "in_progress"), ("reminded", "in_progress")]
)
def test_a_task_follows_its_sources_new_deadline_audited(cast, state, after):
    from core.models import StatusChange
    from core.workflow import history_for
    from supervision.models import SupervisionTask
    from supervision.services.tasks import follow_source_deadline

    source = DepartmentFactory()  # any record a task is opened from
    task = create_task(source=source, title="来源任务", actor=cast.clerk, due_date=dt.date(2099, 1, 1))
    SupervisionTask.objects.filter(pk=task.pk).update(status=state, was_overdue=state != "created")
    closed = create_task(source=source, title="已办结", actor=cast.clerk, due_date=dt.date(2099, 1, 1))
    SupervisionTask.objects.filter(pk=closed.pk).update(status="closed")
    moved = follow_source_deadline(
        source=source, due=dt.date(2099, 3, 1), actor=cast.proposal, reason="依据提案“同意延期”：同意"
    )
    assert [t.pk for t in moved] == [task.pk]
    task.refresh_from_db()
    closed.refresh_from_db()
    assert (task.due_date, task.status, task.was_overdue) == (dt.date(2099, 3, 1), after, state != "created")
    assert closed.due_date == dt.date(2099, 1, 1)
    step = StatusChange.objects.get(object_id=task.pk, action="follow_source_deadline")
    assert (step.actor, step.from_state, step.to_state) == (cast.proposal, state, after)
    assert step.note == "办理期限由2099-01-01调整为2099-03-01。\n依据提案“同意延期”：同意"
    assert step.data == {"due_date": "2099-03-01", "previous_due_date": "2099-01-01"}
    shown = [e for e in history_for(task, cast.gov_office) if e.get("action") == "follow_source_deadline"]
    assert shown[0]["action_label"] == "随来源调整办理期限" and "调整为2099-03-01" in shown[0]["note"]
    # The same date again changes nothing and records nothing.
    assert follow_source_deadline(source=source, due=dt.date(2099, 3, 1), actor=cast.proposal, reason="") == []
