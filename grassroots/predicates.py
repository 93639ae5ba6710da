"""Who may run a workstation, a duty group's issues and community consultations."""

import rules

from accounts.predicates import is_member, is_office
from intake.predicates import member_id_of


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


runs_workstation = is_office | is_workstation_member
runs_group = is_office | is_group_member
handles_issue = is_office | is_issue_group_member
records_community_consultation = is_office | is_member
