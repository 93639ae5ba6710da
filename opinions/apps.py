from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("社情民意信息")

    def ready(self) -> None:
        from accounts.predicates import is_cppcc_leader, is_member, is_office
        from core.nav import NavItem, register_nav
        from opinions import receivers, workflow  # noqa: F401
        from opinions.predicates import reads_statistics

        register_nav(
            NavItem("office", _("社情民意"), "opinions:list", "megaphone", 45, is_member | is_office | is_cppcc_leader)
        )
        register_nav(NavItem("office", _("信息统计"), "opinions:stats", "bar-chart", 46, reads_statistics))
