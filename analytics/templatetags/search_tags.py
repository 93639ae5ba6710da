"""Highlighted search results: one filter instead of an include per hit (an include per part was slow)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlighted(parts) -> str:
    """[(text, is_hit), ...] as escaped HTML, the hits wrapped in <mark>."""
    return mark_safe(
        "".join(format_html("<mark>{}</mark>", piece) if hit else conditional_escape(piece) for piece, hit in parts)
    )
