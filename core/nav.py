"""Navigation registry: each app registers its menu entries in AppConfig.ready().

Office entries are grouped into a few menus (by the app that owns the page) so the bar stays short
on every screen; the portal has few entries and stays flat.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    section: str  # "office" (signed-in work) or "portal" (public)
    label: Any
    url_name: str
    icon: str = "circle"
    order: int = 100
    visible: Callable[[Any], bool] | None = None


# Office menus, in display order, and which app namespace goes into which.
GROUPS = [
    ("work", pgettext_lazy("office menu", "协商工作"), {"topics", "consultations", "supervision"}),
    ("written", pgettext_lazy("office menu", "提案信息"), {"proposals", "opinions"}),
    ("grassroots", pgettext_lazy("office menu", "基层协商"), {"intake", "grassroots"}),
    ("analysis", pgettext_lazy("office menu", "分析检索"), {"analytics", "insight"}),
    ("directory", pgettext_lazy("office menu", "名录与接口"), {"district", "open311", "webhooks", "accounts"}),
]

_items: list[NavItem] = []


def works_in_office(user) -> bool:
    """Everyone signed in but a citizen uses the office pages (and their menus); citizens the portal."""
    return user.is_authenticated and not user.roles <= {"citizen"}


def register_nav(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def _entries(user, section: str) -> list[tuple[NavItem, str]]:
    out = []
    for item in sorted(_items, key=lambda i: i.order):
        if item.section != section or (item.visible and not item.visible(user)):
            continue
        try:
            out.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    return out


def nav_for(user, section: str) -> list[dict]:
    return [{"label": i.label, "url": url, "icon": i.icon} for i, url in _entries(user, section)]


def office_menus(user) -> list[dict]:
    """The office menus the user has at least one entry in: [{label, items: [...]}]."""
    menus = {code: {"code": code, "label": label, "items": []} for code, label, _apps in GROUPS}
    for item, url in _entries(user, "office"):
        namespace = item.url_name.split(":", 1)[0]
        code = next((c for c, _label, apps in GROUPS if namespace in apps), "directory")
        menus[code]["items"].append({"label": item.label, "url": url, "icon": item.icon})
    return [m for m in menus.values() if m["items"]]
