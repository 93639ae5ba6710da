from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "insight"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from core.nav import NavItem, register_nav

        # First in the menu: the dashboard is where leaders start.
        register_nav(NavItem("office", _("统计分析"), "insight:dashboard", "bar-chart-line", 5, _has_dashboard))

        from constance.signals import config_updated

        config_updated.connect(_default_marks_changed, dispatch_uid="insight.default_marks_changed")


def _default_marks_changed(sender, key, old_value, new_value, **kwargs) -> None:
    """A default grade mark (DUTY_GRADE_*) changed on 规则设置: past years keep the marks they were
    graded by, the new defaults apply from this year on (insight.services.keep_past_default_marks)."""
    from constance.utils import get_values_for_keys
    from django.conf import settings

    from insight.selectors.duty import GRADE_KEYS
    from insight.services import keep_past_default_marks

    if key not in GRADE_KEYS or old_value == new_value:
        return
    values = get_values_for_keys(GRADE_KEYS)
    if old_value is None:  # set for the first time: it was the configured default
        old_value = settings.CONSTANCE_CONFIG[key][0]
    values[key] = old_value  # the others are not changed yet (or did not change)
    keep_past_default_marks(old=tuple(int(values[k]) for k in GRADE_KEYS))


def _has_dashboard(user) -> bool:
    """Who sees the menu entry (without a query: the nav is built on every page)."""
    from accounts.predicates import is_dept_liaison, is_member
    from insight.selectors.scope import sees_everything

    return bool(sees_everything(user) or is_member(user) or (is_dept_liaison(user) and user.department_id))
