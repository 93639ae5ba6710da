from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "district"
    verbose_name = _("区政协组织")

    def ready(self) -> None:
        from accounts.predicates import is_clerk, is_dept_liaison, is_expert, is_member, is_office
        from core.nav import NavItem, register_nav
        from district.predicates import reads_district_rules

        staff = is_office | is_member | is_dept_liaison | is_expert
        register_nav(NavItem("office", _("委员名录"), "district:members", "people", 80, staff))
        register_nav(NavItem("office", _("部门"), "district:departments", "building", 85, staff))
        register_nav(NavItem("office", _("人员账号"), "district:accounts", "person-plus", 90, is_clerk))
        register_nav(NavItem("office", _("节假日安排"), "district:calendar", "calendar-week", 95, is_clerk))
        register_nav(NavItem("office", _("规则设置"), "district:rules", "sliders", 96, reads_district_rules))
