"""Navigation registry: each app registers its menu entries in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    section: str  # "office" (signed-in work) or "portal" (public)
    label: Any
    url_name: str
    icon: str = "circle"
    order: int = 100
    visible: Callable[[Any], bool] | None = None


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def nav_for(user, section: str) -> list[dict]:
    out = []
    for item in sorted(_items, key=lambda i: i.order):
        if item.section != section or (item.visible and not item.visible(user)):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": item.label, "url": url, "icon": item.icon})
    return out
