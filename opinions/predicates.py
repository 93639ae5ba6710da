"""Object predicates on public-opinion reports."""

import rules

from accounts.predicates import (
    has_role,
    is_cppcc_leader,
    is_dept_liaison,
    is_info_office,
    is_office,
    is_proposal_office,
)
from accounts.roles import Role

# The statistics per member and per submitting unit (信息统计) and their Excel export: the office side and the
# committee's leaders, who read the same figures in the annual report (`insight.selectors.duty.sees_all_records`).
reads_statistics = is_office | is_cppcc_leader

# Sign-off (签批) by the secretary-general or a vice-chair (the chair may too).
is_signer = has_role(Role.SECRETARY_GENERAL, Role.VICE_CHAIR, Role.CHAIR)


@rules.predicate
def is_report_author(user, report) -> bool:
    return report is not None and user.is_authenticated and report.author_id == user.pk


# The office may submit on a member's behalf (paper reports, proposals converted by the committee).
can_submit_report = is_report_author | is_info_office | is_proposal_office


@rules.predicate
def is_forward_unit(user, report) -> bool:
    """A liaison of the unit the report was forwarded to."""
    return (
        report is not None
        and bool(is_dept_liaison(user))
        and report.forwarded_to_id is not None
        and report.forwarded_to_id == getattr(user, "department_id", None)
    )


@rules.predicate
def is_platform(user, report) -> bool:
    """The platform itself (no actor): it records the replies departments give on an instruction's
    supervision tasks as the report's feedback."""
    return user is None
