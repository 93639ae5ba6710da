"""社情民意信息: one matter per report, received, signed off, published, reported, adopted, instructed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import ActionForbidden, ConcurrentEdit, NoteRequired, Refused
from core.workflow import perform
from district.tests.factories import SectorFactory
from opinions import selectors, services
from opinions.models import Bulletin, Instruction, OpinionReport, Status
from opinions.tests.factories import draft, published, received, signed
from supervision.models import SupervisionTask

pytestmark = pytest.mark.django_db


def test_draft_report_contract_starts_a_draft_with_source_and_provider(cast):
    sector = SectorFactory(name="经贸")
    report = services.draft_report(title="标题", body="正文", author=cast.member, source=sector, provider=sector)
    assert report.status == Status.DRAFT == "draft"
    assert (report.source, report.provider) == (sector, sector)


def test_submit_refuses_an_overlong_report(cast, settings):
    report = draft(cast, body="字" * 1501)
    with pytest.raises(Refused, match="不超过1500字"):
        perform(report, "submit", actor=cast.member)
    assert OpinionReport.objects.get(pk=report.pk).status == Status.DRAFT


def test_only_the_author_or_the_office_submits(cast):
    report = draft(cast)
    with pytest.raises(ActionForbidden):
        perform(report, "submit", actor=cast.other_member)
    perform(report, "submit", actor=cast.member)
    assert report.status == Status.SUBMITTED and report.submitted_at


def test_information_office_returns_with_a_reason(cast):
    report = draft(cast)
    perform(report, "submit", actor=cast.member)
    with pytest.raises(NoteRequired):
        perform(report, "return", actor=cast.info)
    perform(report, "return", actor=cast.info, note="一事一报，请拆分")
    assert report.status == Status.DRAFT


def test_sign_off_is_for_the_secretary_general_or_a_vice_chair(cast):
    report = received(cast)
    with pytest.raises(ActionForbidden):
        perform(report, "sign_off", actor=cast.info)
    perform(report, "sign_off", actor=cast.vice_chair)
    assert (report.status, report.signed_by) == (Status.SIGNED, cast.vice_chair)


def test_information_office_edits_before_sign_off_with_version_check(cast):
    report = received(cast)
    services.update_report(report=report, actor=cast.info, expected_version=1, title="编辑后的标题", body="编辑后")
    with pytest.raises(ConcurrentEdit):
        services.update_report(report=report, actor=cast.info, expected_version=1, title="旧", body="旧")
    with pytest.raises(Refused):
        services.update_report(report=report, actor=cast.member, expected_version=2, title="x", body="y")
    report.refresh_from_db()
    assert report.title == "编辑后的标题"
    assert report.history.filter(title="关于区燃气公司搬迁的建议").exists()


def test_single_publication_opens_a_bulletin_issue_and_counts_as_adopted_locally(cast):
    report = published(cast)
    assert report.status == Status.ADOPTED_LOCAL
    assert report.bulletin.form == Bulletin.Form.SINGLE and report.bulletin.issue == 1
    assert report.adoptions.get().level.code == "district_cppcc"


def test_combined_edition_needs_two_signed_reports(cast):
    one, two = signed(cast), signed(cast, title="关于农村集体经济的建议")
    unsigned = received(cast, title="未签批的信息")
    with pytest.raises(Refused, match="两篇以上"):
        services.publish_bulletin(reports=[one], actor=cast.info, title="综合", form="combined")
    with pytest.raises(Refused, match="尚未签批"):
        services.publish_bulletin(reports=[one, unsigned], actor=cast.info, title="综合", form="combined")
    with pytest.raises(ActionForbidden):
        services.publish_bulletin(reports=[one, two], actor=cast.member, title="综合", form="combined")
    bulletin = services.publish_bulletin(reports=[one, two], actor=cast.info, title="综合", form="combined")
    assert bulletin.reports.count() == 2 and bulletin.form == "combined"
    assert set(OpinionReport.objects.filter(bulletin=bulletin).values_list("status", flat=True)) == {"adopted_local"}


def test_reporting_up_and_upper_adoption_are_recorded(cast):
    report = published(cast)
    with pytest.raises(Refused, match="报送对象"):
        perform(report, "report_up", actor=cast.info)
    perform(report, "report_up", actor=cast.info, data={"to": "区委、区政府、市政协"})
    with pytest.raises(Refused, match="层级"):
        perform(report, "record_adoption", actor=cast.info, data={"level": "galaxy"})
    perform(report, "record_adoption", actor=cast.info, data={"level": "city"}, note="市政协《社情民意》采用")
    assert report.status == Status.ADOPTED_UPPER
    assert list(report.adoptions.values_list("level__code", flat=True)) == ["district_cppcc", "city"]


def test_leaders_instruction_opens_a_supervision_task(cast):
    report = published(cast)
    dept = cast.liaison.department
    with pytest.raises(Refused, match="批示领导"):
        perform(report, "record_instruction", actor=cast.info, data={"text": "请研究", "level": "district"})
    perform(
        report,
        "record_instruction",
        actor=cast.info,
        data={"leader": "区长（演示）", "level": "district", "text": "请住建局研究落实", "department": dept.pk},
    )
    instruction = Instruction.objects.get(report=report)
    task = SupervisionTask.objects.get()
    assert instruction.task == task
    assert (task.source, task.lead_department) == (report, dept)
    assert task.due_date == timezone.localdate() + timedelta(days=60)
    assert report.status == Status.INSTRUCTED


def test_forwarded_report_is_seen_and_answered_by_that_unit_only(cast):
    report = received(cast)
    with pytest.raises(Refused, match="转送单位"):
        perform(report, "forward", actor=cast.info)
    perform(report, "forward", actor=cast.info, data={"department": cast.liaison.department_id})
    assert selectors.reports_visible_to(cast.liaison).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(cast.other_liaison).filter(pk=report.pk).exists()
    with pytest.raises(ActionForbidden):
        perform(report, "record_feedback", actor=cast.other_liaison, note="x")
    perform(report, "record_feedback", actor=cast.liaison, note="已纳入年度计划")
    perform(report, "archive", actor=cast.info)
    assert (report.status, report.feedback) == (Status.ARCHIVED, "已纳入年度计划")


def test_drafts_are_private_to_their_author(cast):
    report = draft(cast)
    assert not selectors.reports_visible_to(cast.info).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(cast.other_member).filter(pk=report.pk).exists()
    perform(report, "submit", actor=cast.member)
    assert selectors.reports_visible_to(cast.info).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(cast.other_member).filter(pk=report.pk).exists()


def test_counts_per_member_and_per_provider(cast):
    station = SectorFactory(name="民建政协委员工作室（演示）")
    published(cast, provider=station)
    received(cast, provider=station)
    draft(cast, provider=station)
    published(cast, author=cast.other_member)
    per_member = {r["name"]: (r["submitted"], r["adopted"]) for r in selectors.counts_per_member()}
    assert per_member == {"member": (2, 1), "member2": (1, 1)}
    per_provider = selectors.counts_per_provider()
    assert [(r["name"], r["submitted"], r["adopted"]) for r in per_provider] == [("民建政协委员工作室（演示）", 2, 1)]


# Review 2


def _instructed(cast):
    report = published(cast)
    data = {"leader": "张书记", "level": "district", "text": "请教育局落实", "department": cast.liaison.department_id}
    perform(report, "record_instruction", actor=cast.info, data=data)
    return report, SupervisionTask.objects.get()


def _reply(task, cast, text="已会同城管局排查修复路灯。"):
    from supervision.services.tasks import assign_task, submit_reply

    if task.status == "created":
        assign_task(
            task=task,
            actor=cast.gov_office,
            lead_department=cast.liaison.department,
            due_date=timezone.localdate() + timedelta(days=30),
        )
        perform(task, "accept", actor=cast.liaison)
    submit_reply(task=task, actor=cast.liaison, classification="solved", body=text)
    return task


def test_an_instructed_report_is_not_answered_or_filed_while_its_supervision_task_is_open(cast):
    report, task = _instructed(cast)
    with pytest.raises(Refused, match="尚未答复（当前：待交办）"):
        perform(report, "record_feedback", actor=cast.info, note="已落实")
    assert OpinionReport.objects.get(pk=report.pk).status == Status.INSTRUCTED


def test_the_departments_reply_on_the_task_becomes_the_reports_feedback(cast, django_capture_on_commit_callbacks):
    from core.models import StatusChange
    from notifications.models import Notification

    report, task = _instructed(cast)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(task, cast)
    report.refresh_from_db()
    assert report.status == Status.FEEDBACK and report.feedback == "教育局答复：已会同城管局排查修复路灯。"
    step = StatusChange.objects.get(object_id=report.pk, action="record_feedback")
    assert step.actor is None  # the platform recorded it from the task
    assert Notification.objects.filter(recipient=cast.info, object_id=report.pk, title__contains="待您处理").exists()
    assert report in selectors.inbox(cast.info)
    # Filed only once the supervising office has verified and closed the task.
    with pytest.raises(Refused, match="尚未办结（当前：已答复待评价）"):
        perform(report, "archive", actor=cast.info)
    with django_capture_on_commit_callbacks(execute=True):
        perform(task, "rate_satisfied", actor=cast.gov_office)
    assert Notification.objects.filter(recipient=cast.info, title__contains="督办任务已办结，可以归档").exists()
    perform(report, "archive", actor=cast.info)
    assert report.status == Status.ARCHIVED


def test_a_forwarded_units_feedback_reaches_the_information_office(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    report = received(cast)
    perform(report, "forward", actor=cast.info, data={"department": cast.liaison.department_id})
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "record_feedback", actor=cast.liaison, note="已会同城管局排查修复路灯。")
    told = Notification.objects.filter(object_id=report.pk, event_key__startswith="status:")
    assert told.filter(recipient=cast.info, title__contains="待您处理：已反馈").exists()
    assert told.filter(recipient=cast.member, title__contains="有新进展：已反馈").exists()
    assert report in selectors.inbox(cast.info)


def test_the_chair_is_told_of_a_received_report_he_may_sign(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = received(cast)
    assert set(selectors.holders(report, Status.RECEIVED)) >= {cast.chair, cast.vice_chair, cast.secgen}
    assert cast.chair.notifications.filter(object_id=report.pk).exists()
