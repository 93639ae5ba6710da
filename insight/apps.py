from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "insight"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from core.nav import NavItem, register_nav

        # First in the menu: the dashboard is where leaders start.
        register_nav(NavItem("office", _("统计分析"), "insight:dashboard", "bar-chart-line", 5, _has_dashboard))


def _has_dashboard(user) -> bool:
    """Who sees the menu entry (without a query: the nav is built on every page)."""
    from accounts.predicates import is_dept_liaison, is_member
    from insight.selectors.scope import sees_everything

    return bool(sees_everything(user) or is_member(user) or (is_dept_liaison(user) and user.department_id))
