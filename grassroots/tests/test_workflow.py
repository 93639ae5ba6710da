import pytest

from core.exceptions import ActionForbidden, NoteRequired, Refused
from core.workflow import perform, workflow_for
from grassroots.models import IssueStatus
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory
from intake.models import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    return DutyIssueFactory(group=group, created_by=cast.member)


def test_issue_investigated_then_resolved_with_an_explanation(cast, issue):
    perform(issue, "investigate", actor=cast.member)
    perform(issue, "resolve", actor=cast.member, note="政策不允许，已向居民说明", data={"outcome": Outcome.EXPLANATION})
    assert issue.status == IssueStatus.RESOLVED and issue.outcome_note.startswith("政策")


def test_resolve_requires_an_outcome(cast, issue):
    perform(issue, "investigate", actor=cast.member)
    with pytest.raises(Refused):
        perform(issue, "resolve", actor=cast.member, note="x", data={})


def test_outsiders_cannot_move_the_issue(cast, issue):
    with pytest.raises(ActionForbidden):
        perform(issue, "investigate", actor=cast.other_member)
    assert [a.name for a in workflow_for(issue).available(issue, cast.clerk)] == ["investigate", "drop"]


def test_drop_needs_a_reason(cast, issue):
    with pytest.raises(NoteRequired):
        perform(issue, "drop", actor=cast.member)
    perform(issue, "drop", actor=cast.member, note="属于司法程序")
    assert issue.status == IssueStatus.DROPPED


def test_every_staff_action_on_a_booking_is_for_who_runs_its_workstation():
    """The day page offers a booking's actions by state and time once the viewer runs the workstation
    (grassroots.views.office._day_page); that holds only while every action but the resident's own
    is allowed to exactly them."""
    from grassroots.predicates import holds_booking, runs_booked_workstation
    from grassroots.workflow import APPOINTMENT_WORKFLOW

    allowed = {a.name: a.allowed for a in APPOINTMENT_WORKFLOW.actions}
    assert allowed.pop("cancel") is holds_booking
    assert set(allowed.values()) == {runs_booked_workstation}
