from django import template

from topics.predicates import may_see_suggestion

register = template.Library()


@register.filter
def seen_by(suggestion, user) -> bool:
    """Whether user may open suggestion's page: a link to it only then, else its title as text."""
    return may_see_suggestion(user, suggestion)
