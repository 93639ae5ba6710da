from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TopicsConfig(AppConfig):
    name = "topics"
    verbose_name = _("年度协商计划")

    def ready(self) -> None:
        from core.nav import NavItem, register_nav
        from topics import predicates, workflow  # noqa: F401

        register_nav(
            NavItem(
                "office",
                _("协商计划"),
                "topics:overview",
                "journal-text",
                20,
                # Department liaisons (who receive the published plan) and experts (who read it) too.
                predicates.reads_plans,
            )
        )
        register_nav(
            NavItem("portal", pgettext_lazy("portal menu", "年度协商计划"), "topics:portal_plans", "journal-text", 20)
        )
