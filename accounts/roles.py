from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups of these names; a user may hold several."""

    ADMIN = "admin", _("系统管理员")
    CLERK = "clerk", _("政协办公室工作人员")
    RESEARCH_OFFICE = "research_office", _("研究室工作人员")
    PROPOSAL_OFFICE = "proposal_office", _("提案委工作人员")
    INFO_OFFICE = "info_office", _("信息工作人员")
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    SECRETARY_GENERAL = "secretary_general", _("秘书长")
    MEMBER = "member", _("委员")
    STANDING_MEMBER = "standing_member", _("常委")
    PARTY_OFFICE = "party_office", _("区委办工作人员")
    GOV_OFFICE = "gov_office", _("政府办工作人员")
    PARTY_LEADER = "party_leader", _("区委领导")
    DEPT_LIAISON = "dept_liaison", _("部门联络员")
    EXPERT = "expert", _("特邀研究员/专家")
    CITIZEN = "citizen", _("群众")


# The 政协 office side: sees the whole of its own work.
OFFICE_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.RESEARCH_OFFICE, Role.PROPOSAL_OFFICE, Role.INFO_OFFICE})
LEADER_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY_GENERAL})
THREE_OFFICES = frozenset({Role.CLERK, Role.PARTY_OFFICE, Role.GOV_OFFICE})
# Roles whose users are staff in the graded-protection sense (two-factor may be enforced).
STAFF_ROLES = OFFICE_ROLES | LEADER_ROLES | {Role.PARTY_OFFICE, Role.GOV_OFFICE, Role.PARTY_LEADER}
