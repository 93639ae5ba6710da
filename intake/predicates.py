"""Who may handle an appeal: the office, the members of the workstation or duty group it was routed
to, and the liaison of the department it was referred to."""

import rules

from accounts.predicates import is_dept_liaison, is_office


def member_id_of(user) -> int | None:
    """The district.Member id of a signed-in user, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_member_id_cache"):
        from district.models import Member

        user._member_id_cache = Member.objects.filter(user=user).values_list("pk", flat=True).first()
    return user._member_id_cache


@rules.predicate
def is_routed_handler(user, appeal) -> bool:
    """The user is a member of the workstation or duty group the appeal was routed to."""
    if appeal is None:
        return False
    member_id = member_id_of(user)
    if member_id is None:
        return False
    if appeal.route == "workstation" and appeal.workstation_id:
        return appeal.workstation.members.filter(pk=member_id).exists()
    if appeal.route == "duty_group" and appeal.duty_group_id:
        return appeal.duty_group.members.filter(pk=member_id).exists()
    return False


@rules.predicate
def is_referred_department(user, appeal) -> bool:
    return appeal is not None and bool(appeal.department_id) and appeal.department_id == user.department_id


handles_appeal = is_office | is_routed_handler | (is_dept_liaison & is_referred_department)
