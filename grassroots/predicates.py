"""Who may run a workstation, a duty group's issues and community consultations."""

import rules
from django.contrib.auth.models import AnonymousUser

from accounts.predicates import is_clerk, is_dept_liaison, is_member, is_office
from intake.models import AppealStatus, Outcome
from intake.predicates import answers_appeal, member_id_of


@rules.predicate
def is_workstation_member(user, workstation) -> bool:
    member_id = member_id_of(user)
    return workstation is not None and member_id is not None and workstation.members.filter(pk=member_id).exists()


@rules.predicate
def is_group_member(user, group) -> bool:
    member_id = member_id_of(user)
    return group is not None and member_id is not None and group.members.filter(pk=member_id).exists()


@rules.predicate
def is_issue_group_member(user, issue) -> bool:
    return issue is not None and is_group_member(user, issue.group)


# The 政协办公室 (clerks) and the workstation's members run it: its reception days, the residents'
# bookings with their phone numbers, its contact log. The research, proposal and information offices
# read its pages (`selectors.workstations_for`) but do not run it. So with a sector duty group: the
# clerks and its members collect its issues and record its micro-consultations; the other offices read.
runs_workstation = is_clerk | is_workstation_member
runs_group = is_clerk | is_group_member
handles_issue = is_clerk | is_issue_group_member
records_community_consultation = is_office | is_member


@rules.predicate
def took_part_in_consultation(user, consultation) -> bool:
    """Who recorded the community consultation, or a member recorded present at it."""
    if consultation is None or not getattr(user, "is_authenticated", False):
        return False
    if consultation.recorded_by_id == user.pk:
        return True
    member_id = member_id_of(user)
    return member_id is not None and consultation.meeting.participants.filter(member_id=member_id).exists()


@rules.predicate
def is_consultation_voided(user, consultation) -> bool:
    return consultation is not None and consultation.voided_at is not None


# Concluding a community consultation and adding its tasks: the office, who recorded it and the members
# who took part (not any member); nothing more on one voided as recorded by mistake.
works_on_consultation = (is_office | took_part_in_consultation) & ~is_consultation_voided
# The office voids a consultation recorded by mistake (with a reason).
voids_consultation = is_office & ~is_consultation_voided


@rules.predicate
def liaison_of_task(user, task) -> bool:
    """A liaison of the department responsible for a follow-up task."""
    return (
        task is not None
        and task.department_id is not None
        and bool(is_dept_liaison(user))
        and getattr(user, "department_id", None) == task.department_id
    )


@rules.predicate
def _works_on_task_consultation(user, task) -> bool:
    return task is not None and works_on_consultation(user, task.consultation)


# Who marks a follow-up task done, or reopens it: those who work on its consultation, and the liaisons
# of the department responsible for it.
@rules.predicate
def _task_consultation_voided(user, task) -> bool:
    return task is not None and task.consultation.voided_at is not None


completes_follow_up = _works_on_task_consultation | (liaison_of_task & ~_task_consultation_voided)


@rules.predicate
def answers_planned_appeal(user, issue) -> bool:
    """The issue was taken up from an appeal closed with a plan (制定计划限期解决), and the user answers that
    appeal (its clerks, the members it was routed to): the issue's plan is the appeal's, one plan that its
    handlers on either side record carried out or move (`grassroots.services.follow_appeal_step`)."""
    if issue is None or issue.appeal_id is None:
        return False
    appeal = issue.appeal
    return appeal.status == AppealStatus.CLOSED and appeal.outcome == Outcome.PLAN and answers_appeal(user, appeal)


@rules.predicate
def runs_booked_workstation(user, appointment) -> bool:
    """Who runs the workstation a booking was made with: its members and the 政协 office."""
    return appointment is not None and runs_workstation(user, appointment.reception_day.workstation)


class BookingHolder(AnonymousUser):
    """The resident who proved a booking with its reference and the phone number it was made with."""

    def __init__(self, appointment_id: int) -> None:
        self.booking_appointment_id = appointment_id


@rules.predicate
def holds_booking(user, appointment) -> bool:
    held = getattr(user, "booking_appointment_id", None)
    return appointment is not None and held is not None and held == appointment.pk
