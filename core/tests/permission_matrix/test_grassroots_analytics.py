"""Grassroots duty-group issues and reception-day bookings, and the office's text-intelligence queues
(analytics).

Domain (domain.md §0, §5): a sector duty group's members collect livelihood issues, look into them
and settle them (solved on the spot, a plan, or an explanation), with the office's clerks' support;
a member of another duty group does not handle them, and the research, proposal and information
offices read them only. A workstation's members and the office run its reception
days: they record a booking as received or not come, or cancel it for the resident who phoned; the
resident cancels their own with the booking's reference and phone number, which no account holds.
Routing suggestions, duplicate pairs and candidate hot
topics are the CPPCC office's own work queues (the leaders may read the candidate topics).
"""

from __future__ import annotations

import pytest

from core.tests.permission_matrix.common import (
    CLERKS,
    LEADERS,
    MEMBERS,
    NOBODY,
    OFFICE,
    ROLES,
    assert_matrix,
    assert_pages,
    put_in,
)
from core.workflow import workflow_for

# An issue of the duty group `member` belongs to (`other_member` is in no duty group).
HANDLERS = CLERKS | {"member"}
ISSUE_MATRIX = {
    "collected": {"investigate": HANDLERS, "drop": HANDLERS},
    "investigating": {"resolve": HANDLERS, "plan": HANDLERS, "drop": HANDLERS},
    # 制定计划限期解决: the group follows its plan up until carried out (or reschedules it, with a reason);
    # the appeal it came from reopened, the group looks into it again (随诉求重新办理, guarded by the reopen).
    "follow_up": {"complete_plan": HANDLERS, "reschedule_plan": HANDLERS, "reopen": HANDLERS},
    "resolved": {},
    "dropped": {},
}
# A booking on a reception day of the workstation `member` sits in (`other_member` sits in none).
# The clerks run workstations, not the research, proposal and information offices.
RUNS_WORKSTATION = CLERKS | {"member"}
BOOKING_STAFF = {a: RUNS_WORKSTATION for a in ("cancel_for_resident", "cancel_with_day", "attend", "no_show")}
APPOINTMENT_MATRIX = {
    "booked": {"cancel": NOBODY, **BOOKING_STAFF},
    "no_show": {"attend": RUNS_WORKSTATION},
    "attended": {},
    "cancelled": {},
}
ROUTING_MATRIX = {
    "pending": {"accept": OFFICE, "correct": OFFICE},
    "accepted": {"correct": OFFICE},
    "corrected": {"correct": OFFICE},
}
DUPLICATE_MATRIX = {"open": {"merge": OFFICE, "dismiss": OFFICE}, "dismissed": {"reopen": OFFICE}, "merged": {}}
HOT_TOPIC_MATRIX = {"new": {"send": OFFICE, "dismiss": OFFICE}, "dismissed": {"restore": OFFICE}, "sent": {}}
MATRICES = {
    "grassroots.dutyissue": ISSUE_MATRIX,
    "grassroots.appointment": APPOINTMENT_MATRIX,
    "analytics.routingsuggestion": ROUTING_MATRIX,
    "analytics.duplicatecandidate": DUPLICATE_MATRIX,
    "analytics.hottopic": HOT_TOPIC_MATRIX,
}


@pytest.fixture
def issue(cast):
    from grassroots.tests.factories import DutyIssueFactory

    issue = DutyIssueFactory(created_by=cast.member, title="区燃气公司搬迁")
    issue.group.members.add(cast.member.member)
    return issue


@pytest.fixture
def appointment(cast):
    from grassroots.tests.factories import AppointmentFactory, ReceptionDayFactory

    day = ReceptionDayFactory()
    day.workstation.members.add(cast.member.member)
    return AppointmentFactory(reception_day=day, name="王五", phone="138", topic="医保", reference="YYM")


@pytest.mark.django_db
def test_appointment_matrix_own_workstation(cast, appointment):
    assert_matrix(workflow_for(appointment), appointment, cast, APPOINTMENT_MATRIX)


@pytest.mark.django_db
def test_only_the_holder_of_this_booking_cancels_it_without_an_account(cast, appointment):
    from grassroots.predicates import BookingHolder

    cancel = workflow_for(appointment).action("cancel")
    assert cancel.is_allowed(BookingHolder(appointment.pk), appointment)
    assert not cancel.is_allowed(BookingHolder(appointment.pk + 1), appointment)
    assert not cancel.is_allowed(cast.anonymous, appointment)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "may"),
    [("clerk", True), ("member", True), ("info", False), ("chair", False), ("other_member", False)],
)
def test_cancelling_a_booking_for_the_resident_by_html_form(client, cast, appointment, role, may):
    client.force_login(getattr(cast, role))
    response = client.post(
        f"/workflow/grassroots.appointment/{appointment.pk}/", {"action": "cancel_for_resident", "note": "来电"}
    )
    appointment.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 404)), role
    assert appointment.status == ("cancelled" if may else "booked"), role


@pytest.fixture
def office_queues(cast):
    from django.utils import timezone

    from analytics.models import ClassifierVersion, DuplicateCandidate, HotTopic, HotTopicRun, RoutingSuggestion
    from intake.tests.factories import AppealFactory

    first, second = AppealFactory(title="电梯困人"), AppealFactory(title="电梯又坏了")
    version = ClassifierVersion.objects.create(number=901, source="test")
    now = timezone.now()
    run = HotTopicRun.objects.create(since=now - timezone.timedelta(days=30), until=now)
    return {
        "routing": RoutingSuggestion.objects.create(appeal=second, model_version=version),
        "duplicate": DuplicateCandidate.objects.create(appeal=second, original=first, similarity=0.9),
        "topic": HotTopic.objects.create(
            run=run, rank=1, title="老旧小区电梯", score=1, volume=2, growth=0, spread=1, support=0
        ),
    }


@pytest.mark.django_db
def test_duty_issue_matrix_own_group(cast, issue):
    assert_matrix(workflow_for(issue), issue, cast, ISSUE_MATRIX)


@pytest.mark.django_db
def test_the_plan_of_an_issue_from_an_appeal_closed_with_a_plan_is_also_for_who_answers_the_appeal(cast, issue):
    """One plan (docs/grassroots.md): the members the appeal was routed to (here `other_member`'s workstation)
    record it carried out or move it on the issue too; nothing else changes."""
    from grassroots.tests.factories import WorkstationFactory
    from intake.models import AppealStatus, Outcome, Route
    from intake.tests.factories import AppealFactory

    ws = WorkstationFactory()
    ws.members.add(cast.other_member.member)
    appeal = AppealFactory(status=AppealStatus.CLOSED, route=Route.WORKSTATION, workstation=ws, outcome=Outcome.PLAN)
    type(issue).objects.filter(pk=issue.pk).update(appeal=appeal)
    issue.refresh_from_db()
    one_plan = HANDLERS | {"other_member"}
    matrix = {
        **ISSUE_MATRIX,
        "follow_up": {"complete_plan": one_plan, "reschedule_plan": one_plan, "reopen": HANDLERS},
    }
    assert_matrix(workflow_for(issue), issue, cast, matrix)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("member", True), ("other_member", False), ("citizen", False)])
def test_investigating_an_issue_by_html_form_own_group_vs_other(client, cast, issue, role, may):
    client.force_login(getattr(cast, role))
    response = client.post(f"/workflow/grassroots.dutyissue/{issue.pk}/", {"action": "investigate"})
    issue.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 404)), role
    assert issue.status == ("investigating" if may else "collected"), role


@pytest.mark.django_db
def test_duty_issue_page_per_role(client, cast, issue):
    put_in(issue, "investigating")
    assert_pages(client, cast, detail=issue.get_absolute_url(), listing=None, visible=OFFICE | LEADERS | MEMBERS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "matrix"), [("routing", ROUTING_MATRIX), ("duplicate", DUPLICATE_MATRIX), ("topic", HOT_TOPIC_MATRIX)]
)
def test_office_queue_matrices(cast, office_queues, kind, matrix):
    obj = office_queues[kind]
    assert_matrix(workflow_for(obj), obj, cast, matrix)


@pytest.mark.django_db
def test_office_queue_pages_per_role(client, cast, office_queues):
    assert_pages(client, cast, detail=office_queues["routing"].get_absolute_url(), listing=None, visible=OFFICE)
    assert_pages(client, cast, detail=office_queues["duplicate"].get_absolute_url(), listing=None, visible=OFFICE)
    assert_pages(client, cast, detail=office_queues["topic"].get_absolute_url(), listing=None, visible=OFFICE | LEADERS)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("clerk", True), ("chair", False), ("member", False)])
def test_dismissing_a_duplicate_by_html_form_is_office_work(client, cast, office_queues, role, may):
    pair = office_queues["duplicate"]
    client.force_login(getattr(cast, role))
    response = client.post(f"/workflow/analytics.duplicatecandidate/{pair.pk}/", {"action": "dismiss"})
    pair.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 404)), role
    assert pair.status == ("dismissed" if may else "open"), role


# Community-affairs consultations (社区事务协商; no workflow: services guarded by grassroots.predicates).
# `member` recorded it, `standing` took part; its task is the department of `liaison`'s.
COMMUNITY_WORKS = OFFICE | {"member", "standing"}
COMMUNITY_ACTIONS = {
    # 登记协商结果, 新增后续任务: the office, who recorded it, the members who took part.
    "works_on_consultation": COMMUNITY_WORKS,
    # 标记完成 / 重新打开 a follow-up task (with a note / a reason): those, and the responsible department's liaisons.
    "completes_follow_up": COMMUNITY_WORKS | {"liaison"},
    # 作废 a consultation recorded by mistake (with a reason): the office.
    "voids_consultation": OFFICE,
}


@pytest.fixture
def community_consultation(cast):
    from django.utils import timezone

    from district.tests.factories import CommunityFactory
    from grassroots import services

    return services.hold_community_consultation(
        community=CommunityFactory(),
        matter="小区停车位划分",
        background="车位不足",
        starts_at=timezone.now(),
        participants=[("社区书记", "presiding")],
        members=[cast.standing.member],
        tasks=[("划线施工", cast.liaison.department.name, None)],
        actor=cast.member,
    )


@pytest.mark.django_db
def test_community_consultation_actions_per_role(cast, community_consultation):
    from grassroots import predicates

    item, task = community_consultation, community_consultation.tasks.get()
    for name, roles in COMMUNITY_ACTIONS.items():
        predicate = getattr(predicates, name)
        obj = task if name == "completes_follow_up" else item
        got = {role for role in ROLES if predicate(getattr(cast, role), obj)}
        assert got == roles, (name, got ^ roles)
    # Voided: nothing more is done on it.
    from grassroots import services

    services.void_community_consultation(consultation=item, reason="重复登记", actor=cast.clerk)
    item.refresh_from_db()
    task.refresh_from_db()
    for name in COMMUNITY_ACTIONS:
        predicate = getattr(predicates, name)
        obj = task if name == "completes_follow_up" else item
        assert not any(predicate(getattr(cast, role), obj) for role in ROLES), name


@pytest.mark.django_db
def test_community_consultation_pages_per_role(client, cast, community_consultation):
    """The page: the office, leaders and members, and the liaisons of a department responsible for one of
    its tasks; the list: those and every liaison (showing a liaison only their department's); the public
    outcome page: everyone, signed in or not."""
    item = community_consultation
    assert_pages(
        client,
        cast,
        detail=item.get_absolute_url(),
        listing="/grassroots/community/",
        visible=OFFICE | LEADERS | MEMBERS | {"liaison"},
        title=item.matter,
        list_roles=OFFICE | LEADERS | MEMBERS | {"liaison", "other_liaison"},
    )
    for role in ROLES:
        client.force_login(getattr(cast, role))
        assert client.get(item.get_public_url()).status_code == 200, role
    client.logout()
    assert client.get(item.get_public_url()).status_code == 200


@pytest.mark.django_db
def test_scheduling_a_community_consultation_per_role(client, cast):
    """预约社区事务协商 and 登记社区事务协商: the office and members (`records_community_consultation`)."""
    for role in ROLES:
        client.force_login(getattr(cast, role))
        for url in ("/grassroots/community/schedule/", "/grassroots/community/new/"):
            expected = 200 if role in OFFICE | MEMBERS else 403
            assert client.get(url).status_code == expected, (role, url)
