from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("文本分析")

    def ready(self) -> None:
        from accounts.predicates import is_cppcc_leader, is_office
        from analytics import kinds, signals, workflow  # noqa: F401
        from core.nav import NavItem, register_nav

        kinds.register_defaults()
        signals.connect()

        def office(user) -> bool:
            return bool(getattr(user, "is_authenticated", False)) and bool(is_office(user))

        def office_or_leader(user) -> bool:
            return office(user) or (bool(getattr(user, "is_authenticated", False)) and bool(is_cppcc_leader(user)))

        def signed_in(user) -> bool:
            return bool(getattr(user, "is_authenticated", False))

        register_nav(NavItem("office", _("全文检索"), "analytics:search", "search", 80, signed_in))
        register_nav(NavItem("office", _("分派建议"), "analytics:suggestions", "signpost-split", 81, office))
        register_nav(NavItem("office", _("疑似重复"), "analytics:duplicates", "files", 82, office))
        register_nav(NavItem("office", _("热点议题"), "analytics:topics", "fire", 83, office_or_leader))
