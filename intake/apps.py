from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("群众诉求")

    def ready(self) -> None:
        from accounts.predicates import is_dept_liaison, is_member, is_office
        from core.nav import NavItem, register_nav
        from intake import receivers, workflow  # noqa: F401

        register_nav(NavItem("portal", pgettext_lazy("portal menu", "反映诉求"), "intake:submit", "chat-left-text", 10))
        register_nav(NavItem("portal", pgettext_lazy("portal menu", "查询进度"), "intake:track", "search", 20))
        register_nav(
            NavItem(
                "office",
                _("群众诉求"),
                "intake:office-list",
                "chat-left-text",
                60,
                visible=lambda u: bool(is_office(u) or is_member(u) or is_dept_liaison(u)),
            )
        )
