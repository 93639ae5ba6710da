from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from core.nav import NavItem, register_nav
        from core.visibility import register_visibility
        from supervision import workflow  # noqa: F401  (registers the workflows)
        from supervision.selectors import can_use_supervision, progress_reports_visible_to

        register_visibility("supervision.ProgressReport", progress_reports_visible_to)

        register_nav(NavItem("office", _("督办"), "supervision:tasks", "clipboard-check", 50, can_use_supervision))
        register_nav(
            NavItem("portal", pgettext_lazy("portal menu", "协商成果落实"), "supervision:public", "bar-chart-steps", 40)
        )
