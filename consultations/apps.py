from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("调研与协商")

    def ready(self) -> None:
        from accounts.predicates import is_cppcc_leader, is_dept_liaison, is_expert, is_member, is_office
        from consultations import selectors, workflow  # noqa: F401  (registers the workflows)
        from consultations.predicates import oversees_meetings
        from core.nav import NavItem, register_nav
        from core.visibility import register_visibility

        research = is_office | is_cppcc_leader | is_member | is_expert
        meetings = oversees_meetings | is_member | is_dept_liaison | is_expert
        register_nav(NavItem("office", _("调研课题"), "consultations:groups", "journal-text", 30, research))
        register_nav(NavItem("office", _("会议日历"), "consultations:calendar", "calendar3", 35, meetings))
        # Attachments on visits and materials are served only to those who may read the group's material.
        register_visibility("consultations.FieldVisit", selectors.visits_visible_to)
        register_visibility("consultations.SharedMaterial", selectors.materials_visible_to)
        # A meeting's materials: to whoever may open the meeting (its participants, the offices).
        register_visibility("consultations.MeetingMaterial", selectors.meeting_materials_visible_to)
