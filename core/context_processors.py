from django.conf import settings

from core.http import page_path
from core.nav import nav_for, office_menus, works_in_office
from core.selectors import current_committee


def site(request):
    user = request.user
    committee = current_committee()
    ctx = {
        "committee": committee,
        "is_demo": bool(committee and committee.is_demo),
        "portal_nav": nav_for(user, "portal"),
        "debug": settings.DEBUG,
        # Pages shared by both sides (the error pages) keep the reader's own navigation.
        "works_in_office": works_in_office(user),
        "base_template": "base_office.html" if works_in_office(user) else "base_portal.html",
        # The `next` of a page's forms (core.http.page_path).
        "page_path": page_path(request),
    }
    if user.is_authenticated:
        from notifications.selectors import unread_count

        ctx["office_menus"] = office_menus(user)
        ctx["unread_notifications"] = unread_count(user)
    return ctx
