"""督办: special reports (协商专报) and supervision tasks.

Domain (domain.md §0, §5): the research office compiles results into special reports, the
secretary-general signs them off, the research office issues them; the government office transfers
them to departments as tasks; the lead department's liaison acknowledges, disputes and replies (a
co-department's liaison helps with the handling but does not answer for the lead); the party and
government offices chase overdue tasks; the member who rates the reply (the task's rater) closes it
or sends it back. Only the scheduler marks a task overdue.
"""

from __future__ import annotations

import pytest

from core.tests.permission_matrix.common import (
    LEADERS,
    NOBODY,
    OFFICE,
    RESEARCH_OFFICE,
    assert_api,
    assert_api_transition,
    assert_matrix,
    assert_pages,
    put_in,
)
from core.workflow import workflow_for

TRANSFER = {"gov_office", "admin"}
SUPERVISING = {"party_office", "gov_office", "admin"}
LEAD = {"liaison"}  # a liaison of the lead department; `other_liaison`'s department has nothing to do with it
RATER = {"member"}


def extension(suffix: str) -> dict:
    """延期申请 while the task is handled: the lead department asks; whoever sets the deadline decides."""
    return {
        f"request_extension{suffix}": LEAD,
        f"approve_extension{suffix}": TRANSFER,
        f"refuse_extension{suffix}": TRANSFER,
    }


TASK_MATRIX = {
    "created": {"assign": TRANSFER},
    # The government office may also correct the lead department itself until the department accepts.
    "assigned": {"accept": LEAD, "request_reassign": LEAD, "reassign": TRANSFER, "mark_overdue": NOBODY},
    "reassign": {"reassign": TRANSFER, "keep_assignment": TRANSFER},
    "acked": {"start": LEAD, "submit_reply": LEAD, "mark_overdue": NOBODY, **extension("_acked")},
    "in_progress": {"submit_reply": LEAD, "mark_overdue": NOBODY, **extension("")},
    "overdue": {"remind": SUPERVISING, "submit_reply": LEAD, **extension("_overdue")},
    "reminded": {"remind": SUPERVISING, "submit_reply": LEAD, **extension("_reminded")},
    # A reply that only plans is rated into 跟踪落实 (the *_follow_up pair, offered instead of the other).
    "feedback": {
        "rate_satisfied": RATER,
        "rate_basic": RATER,
        "rate_satisfied_follow_up": RATER,
        "rate_basic_follow_up": RATER,
        "rate_unsatisfied": RATER,
    },
    "reopened": {"start": LEAD, "submit_reply": LEAD, "mark_overdue": NOBODY, **extension("_reopened")},
    "follow_up": {"report_done": LEAD},
    "closed": {},
}
REPORT_MATRIX = {
    "draft": {"submit": RESEARCH_OFFICE},
    "submitted": {"return": {"secgen"}, "sign": {"secgen"}},
    "signed": {"issue": RESEARCH_OFFICE},
    "issued": {},
}
MATRICES = {"supervision.supervisiontask": TASK_MATRIX, "supervision.specialreport": REPORT_MATRIX}
SEES_EVERYTHING = OFFICE | LEADERS | {"party_office", "gov_office", "party_leader"}


@pytest.fixture
def task(cast):
    from supervision.models import SupervisionTask

    return SupervisionTask.objects.create(
        title="严控学科类校外培训机构",
        lead_department=cast.liaison.department,
        rater=cast.member,
        created_by=cast.gov_office,
    )


@pytest.fixture
def special_report(cast):
    from supervision.models import ReportTemplate
    from supervision.services.reports import compile_special_report
    from supervision.tests.factories import MeetingFactory, OutcomeItemFactory

    if not ReportTemplate.objects.exists():
        ReportTemplate.objects.create(
            name="默认", issuer="区政协办公室", recipients="区委、区政府", intro="$meeting", is_default=True
        )
    meeting = MeetingFactory(created_by=cast.clerk)
    item = OutcomeItemFactory(
        meeting=meeting, order=1, responsible_department=cast.liaison.department, recorded_by=cast.clerk
    )
    return compile_special_report(meeting=meeting, items=[item], actor=cast.research, lead=cast.member, year=2022)


@pytest.mark.django_db
def test_task_matrix_lead_department_and_rater(cast, task):
    assert_matrix(workflow_for(task), task, cast, TASK_MATRIX)


@pytest.mark.django_db
def test_a_co_department_liaison_may_start_handling_but_not_accept_or_answer(cast, task):
    task.co_departments.add(cast.other_liaison.department)
    wf = workflow_for(task)
    for state, names in [("assigned", set()), ("acked", {"start"}), ("in_progress", set()), ("reopened", {"start"})]:
        put_in(task, state)
        assert {a.name for a in wf.available(task, cast.other_liaison)} == names, state


@pytest.mark.django_db
def test_special_report_matrix(cast, special_report):
    assert_matrix(workflow_for(special_report), special_report, cast, REPORT_MATRIX)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("liaison", True), ("other_liaison", False), ("gov_office", False)])
def test_accepting_a_task_by_html_form_only_the_lead_department(client, cast, task, role, may):
    put_in(task, "assigned")
    client.force_login(getattr(cast, role))
    response = client.post(f"/workflow/supervision.supervisiontask/{task.pk}/", {"action": "accept"})
    task.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 404)), role
    assert task.status == ("acked" if may else "assigned"), role


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("liaison", True), ("other_liaison", False), ("gov_office", False)])
def test_asking_for_more_time_by_html_form_only_the_lead_department(client, cast, task, role, may):
    import datetime as dt

    from django.utils import timezone

    from supervision.models import TaskExtensionRequest

    task.due_date = timezone.localdate() + dt.timedelta(days=10)
    task.save()
    put_in(task, "in_progress")
    client.force_login(getattr(cast, role))
    due = task.due_date + dt.timedelta(days=20)
    payload = {"action": "request_extension", "note": "需协调", "data_due_date": due.isoformat()}
    response = client.post(f"/workflow/supervision.supervisiontask/{task.pk}/", payload)
    assert response.status_code in ((302,) if may else (302, 404)), role
    assert TaskExtensionRequest.objects.filter(task=task).exists() == may, role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("secgen", 200), ("research", 403), ("chair", 403), ("liaison", 404), ("member", 404)]
)
def test_signing_a_special_report_through_the_api(api_client, cast, special_report, role, status):
    report = put_in(special_report, "submitted")
    assert_api_transition(
        api_client,
        getattr(cast, role),
        report,
        url=f"/api/v1/special-reports/{report.pk}/transitions/",
        payload={"action": "sign"},
        status=status,
        moves_to="signed",
        stays_in="submitted",
    )


@pytest.mark.django_db
def test_task_pages_and_api_per_role(client, api_client, cast, task):
    # Not yet transferred by the government office: the department is only pre-filled.
    visible = SEES_EVERYTHING | RATER
    assert_pages(client, cast, detail=f"/supervision/tasks/{task.pk}/", listing=None, visible=visible)
    assert_api(api_client, cast, url=f"/api/v1/supervision-tasks/{task.pk}/", visible=visible)
    task.status = "assigned"
    task.save(update_fields=["status"])
    visible = SEES_EVERYTHING | RATER | LEAD
    assert_pages(client, cast, detail=f"/supervision/tasks/{task.pk}/", listing=None, visible=visible)
    assert_api(api_client, cast, url=f"/api/v1/supervision-tasks/{task.pk}/", visible=visible)


@pytest.mark.django_db
def test_special_report_api_per_role(api_client, cast, special_report):
    assert_api(api_client, cast, url=f"/api/v1/special-reports/{special_report.pk}/", visible=SEES_EVERYTHING)


@pytest.mark.django_db
def test_an_issued_special_report_is_read_by_the_departments_it_was_transferred_to(
    client, api_client, cast, special_report
):
    """The lead (and any co-) department of a task reads the report it came from, and its document."""
    from supervision.models import SupervisionTask

    report = put_in(special_report, "issued")
    SupervisionTask.objects.create(
        title="严控学科类校外培训机构",
        lead_department=cast.liaison.department,
        status="assigned",
        special_report=report,
        created_by=cast.gov_office,
    )
    visible = SEES_EVERYTHING | LEAD
    assert_pages(client, cast, detail=f"/supervision/reports/{report.pk}/", listing=None, visible=visible)
    assert_api(api_client, cast, url=f"/api/v1/special-reports/{report.pk}/", visible=visible)
