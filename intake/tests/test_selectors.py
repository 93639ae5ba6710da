"""Reads on appeals that depend on another app's rule."""

import pytest

from core.workflow import perform
from district.tests.factories import DepartmentFactory
from intake.selectors import referral_tasks
from intake.tests.factories import AppealFactory
from supervision.selectors import tasks_visible_to
from supervision.services import create_task

pytestmark = pytest.mark.django_db


def test_a_departments_referrals_are_the_appeal_tasks_its_liaisons_see(cast):
    """One rule (`supervision.selectors.department_tasks`): led or co-handled, once transferred (交办),
    each task once however many departments cooperate on it."""
    mine, other, third = cast.liaison.department, cast.other_liaison.department, DepartmentFactory()

    def referral(lead, co=(), transferred=True):
        task = create_task(
            source=AppealFactory(), title="转交", actor=cast.clerk, lead_department=lead, co_departments=co
        )
        if transferred:
            perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
        return task

    led = referral(mine, co=[other, third])
    co_handled = referral(other, co=[mine])
    referral(mine, transferred=False)  # its name only pre-filled
    referral(other, co=[third])
    create_task(source=None, title="其他来源", actor=cast.clerk, lead_department=mine)

    listed = sorted(referral_tasks(mine.pk).values_list("pk", flat=True))
    seen = tasks_visible_to(cast.liaison).filter(pk__in=referral_tasks().values("pk"))
    assert listed == sorted(seen.values_list("pk", flat=True)) == sorted([led.pk, co_handled.pk])
