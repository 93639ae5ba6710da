"""Template tags for research pages shown on other pages (the meeting page's 附上采用的报告)."""

from django import template

from consultations.services.research import attach_report_state

register = template.Library()


@register.simple_tag(takes_context=True)
def adopted_report_offer(context, meeting):
    """The group's report as the meeting page offers it to who runs the meeting (None: nothing to show)."""
    request = context.get("request")
    return attach_report_state(request.user, meeting) if request is not None else None
