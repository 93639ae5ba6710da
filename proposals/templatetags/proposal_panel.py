"""Template helpers for the proposal page's workflow panel."""

from django import template

register = template.Library()


@register.filter
def button_actions(actions) -> list:
    """The actions the panel offers as buttons: those with their own form on the page are left out."""
    return [a for a in actions if not a.own_form]
