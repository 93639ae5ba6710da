"""Review 6 of the duty records: who sets the scoring, the office's corrections and the members'
questions, default grade marks kept by past years, activities counted once, the contact links,
the change log of the rules, merged proposals and the duty groups' livelihood issues."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from constance import config

from core.exceptions import ActionForbidden, Refused
from core.models import StatusChange
from grassroots.models import Contact, IssueStatus
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory
from insight import services
from insight.models import DutyAdjustment, Item, ScoringRule, Variant
from insight.selectors import duty
from insight.tests.test_duty import busy, proposal  # noqa: F401  (the fixture and its helper)
from notifications.models import Notification
from proposals.models import Status as ProposalStatus

pytestmark = pytest.mark.django_db

RULE = {"points": "30", "cap": "", "effective_year": "2026", "note": "", "reason": "提案委自行加分"}


# ---- 1. only the office that sets the assessment rules sets the scoring -------------------------------


@pytest.mark.parametrize("role", ["proposal", "research", "info"])
def test_the_other_offices_cannot_change_the_scoring_rules_or_grade_marks(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get("/insight/rules/").status_code == 200  # they read the rules
    assert client.post("/insight/rules/proposal/filed_lead/edit/?year=2026", RULE).status_code == 404
    marks = {"excellent": 95, "good": 80, "passing": 60, "effective_year": 2026, "reason": "x"}
    assert client.post("/insight/rules/grades/edit/", marks).status_code == 404
    assert duty.rules_for(2026)[(Item.PROPOSAL, Variant.FILED_LEAD)].points == Decimal(15)
    assert "/edit/" not in client.get("/insight/rules/").content.decode()  # not offered
    with pytest.raises(ActionForbidden):
        services.set_scoring_rule(
            item="speech",
            variant="",
            points=Decimal(9),
            cap=None,
            effective_year=2026,
            actor=getattr(cast, role),
            reason="x",
        )


# ---- 6. a reason for every change, and the change log on the rules page ------------------------------


def test_a_rule_change_needs_a_reason_and_is_listed_with_who_when_old_new_and_why(client, cast):
    client.force_login(cast.clerk)
    response = client.post("/insight/rules/proposal/filed_lead/edit/?year=2026", {**RULE, "reason": ""})
    assert response.status_code == 400 and 'name="reason"' in response.content.decode()
    assert duty.rules_for(2026)[(Item.PROPOSAL, Variant.FILED_LEAD)].points == Decimal(15)
    assert client.post("/insight/rules/proposal/filed_lead/edit/?year=2026", RULE).status_code == 302
    marks = {"excellent": 95, "good": 80, "passing": 60, "effective_year": 2026, "reason": "考核办法修订"}
    assert client.post("/insight/rules/grades/edit/", marks).status_code == 302
    client.force_login(cast.chair)  # the leaders read the log
    html = client.get("/insight/rules/?year=2026").content.decode()
    assert 'data-testid="rule-changes"' in html
    assert "提案 · 立案（第一提案人）" in html and "15.0 / — → 30.0 / —" in html and "提案委自行加分" in html
    assert "90/80/60 → 95/80/60" in html and "考核办法修订" in html
    assert cast.clerk.display in html
    with pytest.raises(Refused):
        services.set_grade_marks(excellent=99, good=80, passing=60, effective_year=2027, actor=cast.clerk, reason=" ")


# ---- 3. a change of the default marks leaves past years graded as they were -------------------------


def test_changing_the_default_marks_on_the_district_rules_keeps_past_years_grades(busy, cast):  # noqa: F811
    from district.services import change_district_rules

    this_year = date.today().year
    assert duty.duty_record(busy, 2022).grade == "excellent"  # 116.5 ≥ 90
    change_district_rules(values={"DUTY_GRADE_EXCELLENT": 120}, reason="提高标准", actor=cast.clerk)
    assert config.DUTY_GRADE_EXCELLENT == 120
    assert duty.duty_record(busy, 2022).grade == "excellent"  # graded by the marks it had
    assert duty.grade_thresholds(this_year - 1) == (90, 80, 60)
    assert duty.grade_thresholds(this_year) == duty.grade_thresholds(this_year + 3) == (120, 80, 60)
    # A second change keeps the year before as it was too, and the office's own marks still apply.
    change_district_rules(values={"DUTY_GRADE_EXCELLENT": 110}, reason="回调", actor=cast.clerk)
    assert duty.grade_thresholds(2022) == (90, 80, 60) and duty.grade_thresholds(this_year) == (110, 80, 60)


# ---- 4. activities done, each once ------------------------------------------------------------------


def test_the_activity_count_leaves_out_absences_leave_and_outcomes(busy):  # noqa: F811
    record = duty.duty_record(busy, 2022)
    # standing present 1 + meetings 7 + speeches 2 + proposals 2 lead + 1 joint + reports 3 + group 1
    # + visits 2 + duty days 2 + contacts 2 + micro 1; not the leave, the absence, 立案 ×2 nor 采用.
    assert record.activity_count == 1 + 7 + 2 + 2 + 1 + 3 + 1 + 2 + 2 + 2 + 1


# ---- 5. a contact links to where it is listed ---------------------------------------------------------


def test_a_contact_links_to_the_office_page_of_its_year_not_the_portal(busy):  # noqa: F811
    entries = duty.duty_details(busy, 2022)[(Item.RECEPTION, Variant.CONTACT)]
    contact = Contact.objects.filter(members=busy).first()
    assert entries and all(
        e.url == f"/grassroots/office/workstations/{contact.workstation_id}/?year=2022" for e in entries
    )
    assert all(e.url != contact.workstation.get_absolute_url() for e in entries)


# ---- 7. a merged proposal is credited as filed --------------------------------------------------------


def test_a_merged_proposal_counts_as_filed_for_its_proposer(cast):
    me = cast.member.member
    proposal(cast.member, me, status=ProposalStatus.MERGED)
    record = duty.duty_record(me, 2022)
    assert record.count_of(Item.PROPOSAL, Variant.FILED_LEAD) == 1
    assert len(duty.duty_details(me, 2022)[(Item.PROPOSAL, Variant.FILED_LEAD)]) == 1


# ---- 8. the duty groups' livelihood issues ------------------------------------------------------------


def test_livelihood_issues_collected_count_for_the_member_who_collected_them(cast):
    me = cast.member.member
    group = DutyGroupFactory()
    for day, status in ((1, IssueStatus.RESOLVED), (2, IssueStatus.COLLECTED), (3, IssueStatus.FOLLOW_UP)):
        DutyIssueFactory(group=group, created_by=cast.member, collected_on=date(2022, 5, day), status=status)
    DutyIssueFactory(group=group, created_by=cast.member, collected_on=date(2021, 5, 1))  # another year
    DutyIssueFactory(group=group, created_by=cast.clerk, collected_on=date(2022, 5, 1))  # not a member's
    record = duty.duty_record(me, 2022)
    assert record.count_of(Item.DUTY_GROUP, Variant.COLLECTED) == 3
    assert record.count_of(Item.DUTY_GROUP, Variant.RESOLVED) == 1
    assert record.total == Decimal(6)  # the default rule: 2 each (at most 10); resolution not scored
    assert record.activity_count == 3
    details = duty.duty_details(me, 2022)
    assert len(details[(Item.DUTY_GROUP, Variant.COLLECTED)]) == 3
    ranked = {r.member: r for r in duty.ranking(cast.clerk, 2022)}
    assert ranked[me].total == Decimal(6)


# ---- 2. the office's corrections, and the member's questions ------------------------------------------


def test_the_office_corrects_an_item_and_the_total_page_api_export_and_member_follow(client, cast, busy):  # noqa: F811
    client.force_login(cast.clerk)
    url = f"/insight/duty/{busy.pk}/adjust/"
    refused = client.post(url, {"year": 2022, "line": "meeting:excused", "points": "2", "reason": ""})
    assert refused.status_code == 400 and not DutyAdjustment.objects.exists()
    response = client.post(
        url, {"year": 2022, "line": "meeting:absent", "points": "2", "reason": "会议请假已补批，主席会议决定补记"}
    )
    assert response.status_code == 302
    adjustment = DutyAdjustment.objects.get()
    assert (adjustment.created_by, adjustment.points, adjustment.item) == (cast.clerk, Decimal(2), "meeting")
    audit = StatusChange.objects.get(action=services.ADJUSTED, object_id=busy.pk)
    assert (audit.from_state, audit.to_state, audit.actor) == ("116.5", "118.5", cast.clerk)
    assert audit.note == "会议请假已补批，主席会议决定补记"
    # The record, the ranking, the API and the export all count it.
    assert duty.duty_record(busy, 2022).total == Decimal("118.5")
    page = client.get(f"/insight/duty/{busy.pk}/?year=2022").content.decode()
    assert "118.5" in page and "主席会议决定补记" in page and cast.clerk.display in page
    api = client.get(f"/api/v1/duty-records/{busy.pk}/?year=2022").json()
    assert api["total"] == "118.5" and api["adjusted"] == "2.0"
    assert api["adjustments"][0]["reason"] == "会议请假已补批，主席会议决定补记"
    listed = client.get("/api/v1/duty-records/?year=2022").json()["results"]
    assert next(r for r in listed if r["member"] == busy.pk)["total"] == "118.5"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/insight/export/duty.xlsx?year=2022").content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "办公室调整" in r)
    mine = next(r for r in rows if busy.name in r)
    assert mine[header.index("办公室调整")] == 2 and mine[header.index("积分")] == 118.5
    # The member is told and reads it on their record.
    note = Notification.objects.get(recipient=cast.member)
    assert "履职档案" in note.title and "#adjustments" in note.url
    client.force_login(cast.member)
    assert "主席会议决定补记" in client.get(note.url).content.decode()
    # Nobody else corrects: a member, a leader, another office.
    for role in ("member", "chair", "proposal"):
        client.force_login(getattr(cast, role))
        bad = client.post(url, {"year": 2022, "line": "speech:", "points": "5", "reason": "x"})
        assert bad.status_code == 404
    assert DutyAdjustment.objects.count() == 1


def test_a_member_asks_about_their_record_and_the_office_answers(client, cast, busy):  # noqa: F811
    client.force_login(cast.member)
    page = client.get(f"/insight/duty/{busy.pk}/?year=2022").content.decode()
    assert 'data-testid="query-form"' in page and 'data-testid="adjust-form"' not in page
    response = client.post(f"/insight/duty/{busy.pk}/ask/", {"year": 2022, "question": "10月的接待日少算了一次？"})
    assert response.status_code == 302
    query = busy.duty_queries.get()
    told = Notification.objects.get(recipient=cast.clerk)
    assert busy.name in told.title and told.body == "10月的接待日少算了一次？"
    assert not Notification.objects.filter(recipient=cast.proposal).exists()
    # Not about someone else's record.
    client.force_login(cast.other_member)
    assert client.post(f"/insight/duty/{busy.pk}/ask/", {"year": 2022, "question": "?"}).status_code == 404
    # The office answers on the record's page; the member is told.
    client.force_login(cast.clerk)
    assert "10月的接待日少算了一次？" in client.get(f"/insight/duty/{busy.pk}/?year=2022").content.decode()
    client.post(f"/insight/duty/queries/{query.pk}/answer/", {"answer": "已核实，10月12日接待日已取消，不计。"})
    query.refresh_from_db()
    assert query.answered_by == cast.clerk and query.answer.startswith("已核实")
    assert Notification.objects.filter(recipient=cast.member, title__contains="答复").exists()
    assert StatusChange.objects.filter(action=services.ANSWERED, object_id=query.pk, actor=cast.clerk).exists()
    client.force_login(cast.member)
    assert "已核实" in client.get(f"/insight/duty/{busy.pk}/?year=2022").content.decode()
    assert client.post(f"/insight/duty/queries/{query.pk}/answer/", {"answer": "x"}).status_code == 404


def test_a_refused_answer_comes_back_under_its_question_with_what_the_office_typed(client, cast, busy):  # noqa: F811
    first = services.ask_about_duty_record(member=busy, year=2022, question="发言少算了？", actor=cast.member)
    second = services.ask_about_duty_record(member=busy, year=2022, question="调研少算了？", actor=cast.member)
    client.force_login(cast.clerk)
    typed = "已核实，" + "说明" * 600  # over the 1,000 characters an answer may have
    response = client.post(f"/insight/duty/queries/{second.pk}/answer/", {"answer": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count(typed) == 1
    # Under the question it answers, with the reason.
    assert typed in page.split("调研少算了？")[1].split("border rounded")[0]
    assert "1000" in page
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.answered_at and not second.answered_at


def test_the_admin_lists_adjustments_and_questions_but_never_changes_them(client, cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    for name in ("dutyadjustment", "dutyquery", "grademarks", "scoringrule"):
        assert client.get(f"/admin/insight/{name}/").status_code == 200, name
        assert client.get(f"/admin/insight/{name}/add/").status_code == 403, name
    # A scoring rule changes on the rules page, with its reason, never in the admin; its history is read there.
    rule = ScoringRule.objects.first()
    before = (rule.points, ScoringRule.objects.count())
    client.post(f"/admin/insight/scoringrule/{rule.pk}/change/", {"points": "99", "item": rule.item})
    client.post(f"/admin/insight/scoringrule/{rule.pk}/delete/", {"post": "yes"})
    rule.refresh_from_db()
    assert (rule.points, ScoringRule.objects.count()) == before
    assert client.get(f"/admin/insight/scoringrule/{rule.pk}/history/").status_code == 200
