from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GrassrootsConfig(AppConfig):
    name = "grassroots"
    verbose_name = _("基层协商平台")

    def ready(self) -> None:
        from accounts.predicates import is_member, is_office
        from core.nav import NavItem, register_nav
        from core.visibility import register_visibility
        from grassroots import selectors, workflow  # noqa: F401

        register_nav(
            NavItem("portal", pgettext_lazy("portal menu", "委员工作室"), "grassroots:workstations", "house-heart", 30)
        )
        register_nav(
            NavItem(
                "office",
                _("基层平台"),
                "grassroots:office",
                "people",
                65,
                visible=lambda u: bool(is_office(u) or is_member(u)),
            )
        )
        register_visibility("grassroots.CommunityConsultation", selectors.community_consultations)
