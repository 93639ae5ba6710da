"""Object predicates for supervision tasks and special reports (django-rules)."""

import rules

from accounts.predicates import has_role, is_admin, is_dept_liaison, is_gov_office, is_party_office
from accounts.roles import Role

is_transfer_office = is_gov_office | is_admin
is_supervising_office = is_party_office | is_gov_office | is_admin
is_secretary_general = has_role(Role.SECRETARY_GENERAL)
is_report_compiler = has_role(Role.RESEARCH_OFFICE, Role.ADMIN)


@rules.predicate
def is_lead_liaison(user, task) -> bool:
    """A liaison of the task's lead department."""
    return (
        task is not None
        and is_dept_liaison(user)
        and user.department_id is not None
        and user.department_id == task.lead_department_id
    )


@rules.predicate
def is_task_liaison(user, task) -> bool:
    """A liaison of the lead or of a cooperating department."""
    if task is None or not is_dept_liaison(user) or user.department_id is None:
        return False
    if user.department_id == task.lead_department_id:
        return True
    return task.co_departments.filter(pk=user.department_id).exists()


@rules.predicate
def is_rater(user, task) -> bool:
    """The lead member or research-group lead who rates the department's reply.

    A task opened without one (a leader's instruction, a key proposal, a citizen's appeal) is verified
    by the supervising offices instead, so a reply never waits for a rating nobody may give.
    """
    if task is None or not getattr(user, "is_authenticated", False):
        return False
    if task.rater_id is not None:
        return task.rater_id == user.pk
    return bool(is_supervising_office(user))


def is_system(user, obj) -> bool:
    """Only the scheduler (send_reminders, actor None) detects overdue tasks."""
    return user is None
