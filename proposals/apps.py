from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("提案")

    def ready(self) -> None:
        from accounts.predicates import (
            is_cppcc_leader,
            is_dept_liaison,
            is_gov_office,
            is_member,
            is_office,
            is_party_office,
        )
        from core.nav import NavItem, register_nav
        from core.visibility import register_visibility
        from proposals import workflow  # noqa: F401
        from proposals.selectors import reply_letters_visible_to

        # A reply's attachments (the unit's sealed reply letter) go to who may download its letter.
        register_visibility("proposals.ProposalReply", reply_letters_visible_to)

        readers = is_member | is_office | is_cppcc_leader | is_dept_liaison | is_gov_office | is_party_office
        register_nav(NavItem("office", _("提案"), "proposals:list", "file-earmark-text", 40, readers))
