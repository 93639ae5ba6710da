from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311 开放接口")

    def ready(self) -> None:
        from accounts.predicates import is_clerk
        from core.nav import NavItem, register_nav

        register_nav(NavItem("office", _("开放接口应用"), "open311:clients", "plug", 200, visible=is_clerk))
