"""Role predicates for django-rules. Object predicates live next to their models' apps."""

import rules
from django.conf import settings

from accounts.roles import LEADER_ROLES, OFFICE_ROLES, STAFF_ROLES, Role


def has_role(*roles: str):
    name = "has_role:" + ",".join(roles)

    @rules.predicate(name)
    def check(user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)

    return check


is_admin = has_role(Role.ADMIN)
is_office = has_role(*OFFICE_ROLES)
is_clerk = has_role(Role.CLERK, Role.ADMIN)
is_cppcc_leader = has_role(*LEADER_ROLES)
is_member = has_role(Role.MEMBER, Role.STANDING_MEMBER)
is_standing_member = has_role(Role.STANDING_MEMBER)
is_party_office = has_role(Role.PARTY_OFFICE)
is_gov_office = has_role(Role.GOV_OFFICE)
is_party_leader = has_role(Role.PARTY_LEADER)
is_dept_liaison = has_role(Role.DEPT_LIAISON)
is_expert = has_role(Role.EXPERT)
is_citizen = has_role(Role.CITIZEN)
is_research_office = has_role(Role.RESEARCH_OFFICE, Role.ADMIN)
is_proposal_office = has_role(Role.PROPOSAL_OFFICE, Role.ADMIN)
is_info_office = has_role(Role.INFO_OFFICE, Role.ADMIN)


@rules.predicate
def is_public_account(user) -> bool:
    """Signed in, but with no role other than citizen: one of the public, who reads the public pages."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and not user.is_superuser
        and not (set(user.roles) - {Role.CITIZEN})
    )


@rules.predicate
def owes_second_factor(user) -> bool:
    """Whether the account must pass TOTP (and enrol an authenticator first) because two-factor is enforced
    for staff (ENFORCE_STAFF_2FA): staff roles, superusers, and whoever has the admin's is_staff flag (the
    Django admin lets them in whatever their roles). The one rule for the session's gate
    (core.middleware.StaffTwoFactorMiddleware), the second-factor pages, the tokens page, the token
    exchange of the API and the tokens minted before enforcement (ApiToken.lacks_second_factor).

    Anyone who enrolled an authenticator is asked for it too, enforced or not; that is the session's
    business (accounts.signals.OTP_REQUIRED), not this rule's."""
    return (
        settings.ENFORCE_STAFF_2FA
        and bool(getattr(user, "is_authenticated", False))
        and (bool(user.roles & STAFF_ROLES) or user.is_superuser or user.is_staff)
    )


# Anyone who sees personal contact data in full (the handling offices).
can_see_contacts = is_office | is_cppcc_leader


@rules.predicate
def opens_account_for(user, person) -> bool:
    """Office clerks open accounts for experts and serving members; for the CPPCC leaders, only an administrator."""
    if person is None or not is_clerk(user) or not getattr(person, "is_active", True):
        return False
    return not getattr(person, "position", "") or is_admin(user)
