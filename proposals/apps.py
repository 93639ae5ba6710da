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
        from proposals import workflow  # noqa: F401

        readers = is_member | is_office | is_cppcc_leader | is_dept_liaison | is_gov_office | is_party_office
        register_nav(NavItem("office", _("提案"), "proposals:list", "file-earmark-text", 40, readers))
