from django import template

from topics.predicates import may_see_suggestion, sees_rounds

register = template.Library()


@register.filter
def seen_by(suggestion, user) -> bool:
    """Whether user may open suggestion's page: a link to it only then, else its title as text."""
    return may_see_suggestion(user, suggestion)


@register.filter
def follows_rounds(user) -> bool:
    """Whether user may open the collection rounds and suggestions (a department liaison may not)."""
    return bool(getattr(user, "is_authenticated", False) and sees_rounds(user))
