"""Who may handle an appeal: the office clerks (办公室, and the administrator), the members of the
workstation or duty group it was routed to, and the liaison of the department it was referred to
once the department signed for the referral (签收) and while it runs. The department answers through
its referral task (its reply, verified by the supervising offices); the clerks and the routed members
answer the citizen and close the appeal. The other office roles (研究室, 提案委, 信息) read appeals, masked, but do
not handle them nor see the citizen's contact details; the information office may forward one as
社情民意信息 (its own channel)."""

import rules
from django.contrib.auth.models import AnonymousUser

from accounts.predicates import is_clerk, is_dept_liaison, is_info_office
from accounts.roles import Role


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
    """The appeal is referred to the user's department (转交部门办理, a supervision task naming it as
    lead or co-department), the lead department signed for it (签收) and that referral still runs.
    A task not yet transferred (待交办), transferred but not signed for (已交办) or awaiting a
    reassignment decision (申请改派) gives no handling rights; once the task is closed (or stopped
    because the citizen withdrew), the department no longer handles the appeal nor sees the citizen's
    contact details. The department its category names is not enough."""
    if appeal is None or appeal.pk is None or not getattr(user, "department_id", None):
        return False
    from intake.selectors import referral_tasks

    return referral_tasks(user.department_id, appeal.pk, open_only=True, signed_only=True).exists()


@rules.predicate
def was_referred_department(user, appeal) -> bool:
    """A liaison of a department the appeal was ever referred to: may still open the appeal's page,
    read-only with the contact details masked, once the referral is finished."""
    if appeal is None or appeal.pk is None or not getattr(user, "department_id", None):
        return False
    if not is_dept_liaison(user):
        return False
    from intake.selectors import referral_tasks

    return referral_tasks(user.department_id, appeal.pk).exists()


# The office's side of public appeals is the clerks' (政协办公室): they receive, route, merge and
# reopen them (the workflow's office actions) and, with the routed handlers, answer and close them.
handles_appeals_office = is_clerk
handles_appeal = is_clerk | is_routed_handler | (is_dept_liaison & is_referred_department)
# Answering the citizen and closing: the clerks and the routed members. A department it was referred
# to answers through its referral task (提交答复, verified by the supervising offices); the appeal's
# handlers are told of that reply and answer the citizen from it (intake/receivers.py).
answers_appeal = is_clerk | is_routed_handler
# Referring to a department is the handler's step: a department it was referred to asks the
# supervising offices to hand the lead over (申请改派) rather than referring it on.
refers_appeal = answers_appeal
# Forwarding an appeal as 社情民意信息: its handlers (not a department it was referred to) and the
# information office, whose work it is to turn appeals into reports.
forwards_appeal = refers_appeal | is_info_office


class TrackingCodeHolder(AnonymousUser):
    """Whoever presents an appeal's tracking code on the public tracking page, without an account."""

    def __init__(self, appeal_id: int) -> None:
        self.tracking_appeal_id = appeal_id


def acts_for_the_public(user) -> bool:
    """Not signed in, or signed in with no role but citizen: someone who may act as a code holder.
    Staff and members never do, so that nobody withdraws an appeal on a citizen's behalf."""
    if not getattr(user, "is_authenticated", False):
        return True
    return not user.is_superuser and not (user.roles - {Role.CITIZEN})


@rules.predicate
def is_appeal_citizen(user, appeal) -> bool:
    """The citizen who sent the appeal: the account it was sent from; for an appeal sent without an
    account (or recorded by staff for the citizen), whoever holds its tracking code."""
    if appeal is None:
        return False
    if appeal.citizen_id is not None:
        return bool(getattr(user, "is_authenticated", False)) and user.pk == appeal.citizen_id
    holder_of = getattr(user, "tracking_appeal_id", None)
    return holder_of is not None and holder_of == appeal.pk


@rules.predicate
def recorded_appeal(user, appeal) -> bool:
    """The user took the appeal down on the citizen's behalf (phone, visit, WeChat intake)."""
    return (
        appeal is not None
        and bool(getattr(user, "is_authenticated", False))
        and appeal.recorded_by_id is not None
        and appeal.recorded_by_id == user.pk
    )


# The tracking code (查询码) is the citizen's key: whoever holds it follows the appeal on the public
# tracking page and may write to the handlers and withdraw the appeal there as the citizen. Staff see
# it only if they give it to the citizen or answer the citizen with it: the clerks (who receive the
# appeals and answer the citizen), the members of the workstation or duty group it was routed to
# (who meet the citizen face to face), whoever recorded the appeal on the citizen's behalf (who tells
# the citizen the code); and the citizen who sent it. Not the research, proposals and information
# offices nor the leaders (who read appeals, masked), nor a department it was referred to (which
# answers through its referral task, never as or to the citizen on the tracking page).
shows_tracking_code = answers_appeal | recorded_appeal | is_appeal_citizen
