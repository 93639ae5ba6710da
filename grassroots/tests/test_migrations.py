"""Data migrations of the grassroots app, run forward and back on rows built with the historical models."""

import datetime as dt

import pytest

from accounts.tests.factories import UserFactory
from core.tests.migrations import migrate_to, migrated_to
from core.workflow import history_for
from district.tests.factories import SectorFactory

BEFORE = ("grassroots", "0004_issue_follow_up")
AFTER = ("grassroots", "0005_follow_up_plans_resolved_before")
DUE = dt.date(2026, 3, 31)


@pytest.fixture
def at_0004():
    """The database with grassroots at 0004; put back to the latest migration afterwards."""
    with migrated_to(BEFORE) as apps:
        yield apps


def _issue(apps, group, user, title, *, status="resolved", outcome="plan", due=DUE):
    return apps.get_model("grassroots", "DutyIssue").objects.create(
        group=group,
        title=title,
        description="情况",
        collected_on=dt.date(2025, 11, 3),
        status=status,
        outcome=outcome,
        outcome_note="计划明年一季度完成改造",
        plan_due_date=due,
        created_by_id=user.pk,
    )


def _step(apps, issue, action, from_state, to_state):
    ct = apps.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="grassroots", model="dutyissue")[
        0
    ]
    return apps.get_model("core", "StatusChange").objects.create(
        content_type=ct,
        object_id=issue.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note="记录",
        created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )


def _group(apps):
    return apps.get_model("grassroots", "DutyGroup").objects.create(name="教育界别小组", sector_id=SectorFactory().pk)


@pytest.mark.django_db(transaction=True)
def test_plans_resolved_before_follow_up_existed_move_to_follow_up_on_the_record(at_0004):
    from core.models import StatusChange
    from grassroots.models import DutyIssue, IssueStatus
    from grassroots.selectors import due_plans

    user, group = UserFactory(), _group(at_0004)
    old_plan = _issue(at_0004, group, user, "校门口交通拥堵")
    _step(at_0004, old_plan, "resolve", "investigating", "resolved")
    others = [
        _issue(at_0004, group, user, "路灯不亮", outcome="on_the_spot", due=None),
        _issue(at_0004, group, user, "垃圾清运", due=None),  # a plan without a date: nothing to follow up
        _issue(at_0004, group, user, "菜场改造", status="follow_up"),  # made since 0004
        _issue(at_0004, group, user, "雨污分流"),
    ]
    _step(at_0004, others[-1], "complete_plan", "follow_up", "resolved")  # recorded carried out
    before = {i.pk: i.status for i in others}

    migrate_to(AFTER)

    moved = DutyIssue.objects.get(pk=old_plan.pk)
    assert moved.status == IssueStatus.FOLLOW_UP and moved.plan_due_date == DUE
    assert dict(DutyIssue.objects.exclude(pk=moved.pk).values_list("pk", "status")) == before
    assert moved in due_plans(today=DUE)  # reminded at its date like any plan made since
    step = next(e for e in history_for(moved, None) if e.get("action") == "plan")
    assert (step["action_label"], step["from_label"], step["to_label"], step["actor"]) == (
        "制定计划限期解决",
        "已办结",
        "计划落实中",
        "系统",
    )
    change = StatusChange.objects.get(object_id=moved.pk, action="plan")
    assert "此前以“制定计划限期解决”办结" in change.note and change.data["migration"] == ".".join(AFTER)
    assert not StatusChange.objects.filter(object_id__in=before, action="plan").exists()
    assert moved.history.first().status == IssueStatus.FOLLOW_UP


@pytest.mark.django_db(transaction=True)
def test_the_reverse_puts_back_only_the_issues_it_moved_and_nobody_acted_on_since(at_0004):
    from core.models import StatusChange

    user, group = UserFactory(), _group(at_0004)
    untouched = _issue(at_0004, group, user, "校门口交通拥堵")
    rescheduled = _issue(at_0004, group, user, "小区加装电梯")
    made_since = _issue(at_0004, group, user, "菜场改造", status="follow_up")
    migrate_to(AFTER)
    StatusChange.objects.create(
        content_type=StatusChange.objects.get(object_id=rescheduled.pk, action="plan").content_type,
        object_id=rescheduled.pk,
        action="reschedule_plan",
        from_state="follow_up",
        to_state="follow_up",
        note="用地审批顺延",
        created_at=dt.datetime(2027, 1, 5, tzinfo=dt.UTC),
    )

    apps = migrate_to(BEFORE)

    issues = apps.get_model("grassroots", "DutyIssue").objects
    assert issues.get(pk=untouched.pk).status == "resolved"
    assert issues.get(pk=rescheduled.pk).status == "follow_up"
    assert issues.get(pk=made_since.pk).status == "follow_up"
    steps = apps.get_model("core", "StatusChange").objects
    assert not steps.filter(object_id=untouched.pk).exists()
    assert steps.filter(object_id=rescheduled.pk).count() == 2
    history = apps.get_model("grassroots", "HistoricalDutyIssue").objects
    assert not history.filter(id=untouched.pk, status="follow_up").exists()


@pytest.fixture
def at_0006():
    """The database with grassroots at 0006 (services as fixed codes); put back to the latest afterwards."""
    with migrated_to(("grassroots", "0006_community_follow_up")) as apps:
        yield apps


@pytest.mark.django_db(transaction=True)
def test_bookings_and_contacts_keep_their_service_as_a_row_of_the_districts_list_and_back(at_0006):
    user = UserFactory()
    ws = at_0006.get_model("grassroots", "Workstation").objects.create(name="工作室", address="新民镇")
    day = at_0006.get_model("grassroots", "ReceptionDay").objects.create(
        workstation=ws, date=dt.date(2026, 3, 14), starts_at=dt.time(9), ends_at=dt.time(11, 30), capacity=4
    )
    booking = at_0006.get_model("grassroots", "Appointment").objects.create(
        reception_day=day, name="张三", phone="13800000000", topic="邻里纠纷", service="mediation", reference="YYMIG1"
    )
    contacts = at_0006.get_model("grassroots", "Contact").objects
    fields = {"workstation": ws, "kind": "visit_out", "date": dt.date(2026, 3, 1), "summary": "走访"}
    visit = contacts.create(service="family_visit", recorded_by_id=user.pk, **fields)
    odd = contacts.create(service="legal_aid", recorded_by_id=user.pk, **fields)  # a code written outside the form
    at_0006.get_model("grassroots", "HistoricalContact").objects.create(
        id=visit.pk, workstation_id=ws.pk, kind="visit_out", date=visit.date, service="family_visit", people_count=1,
        summary="走访", recorded_by_id=user.pk, created_at=visit.created_at, updated_at=visit.updated_at,
        history_date=visit.created_at, history_type="+",
    )  # fmt: skip

    after = migrate_to(("grassroots", "0007_workstation_services"))
    Contact = after.get_model("grassroots", "Contact")
    assert after.get_model("grassroots", "Appointment").objects.get(pk=booking.pk).service.code == "mediation"
    assert Contact.objects.get(pk=visit.pk).service.name == "走访慰问"
    kept = Contact.objects.get(pk=odd.pk).service
    assert (kept.code, kept.is_active) == ("legal_aid", False)  # kept, not offered
    history = after.get_model("grassroots", "HistoricalContact").objects.get(id=visit.pk)
    assert history.service_id == Contact.objects.get(pk=visit.pk).service_id

    before = migrate_to(("grassroots", "0006_community_follow_up"))
    back = before.get_model("grassroots", "Contact").objects
    assert dict(back.values_list("pk", "service")) == {visit.pk: "family_visit", odd.pk: "legal_aid"}
    assert before.get_model("grassroots", "Appointment").objects.get(pk=booking.pk).service == "mediation"
