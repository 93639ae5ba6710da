"""Lists with filters, the Excel export and the annual statistics."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.predicates import is_member, is_proposal_office
from core.exports import titled, xlsx_response
from district.models import Session
from proposals import selectors
from proposals.exports import proposal_filter_labels, proposals_xlsx
from proposals.forms import ListFilterForm
from proposals.predicates import may_export_proposals, sees_proposal_statistics
from proposals.statistics import annual_statistics

INBOX_SHOWN = 10


def _may_export(user) -> bool:
    """The office side, the assigning offices and the units' liaisons export the proposals they see."""
    return bool(may_export_proposals(user))


def _sees_statistics(user) -> bool:
    """The annual figures: the office side and the assigning offices (every unit's handling)."""
    return bool(sees_proposal_statistics(user))


@login_required
def proposal_list(request):
    form = ListFilterForm(request.GET or None)
    qs = selectors.proposal_list(request.user, filters=form.filters())
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    waiting = selectors.inbox(request.user)
    inbox = list(waiting[:INBOX_SHOWN])
    # Always counted (one query), so the page's query count does not depend on how much is waiting.
    inbox_total = waiting.order_by().count()
    return render(
        request,
        "proposals/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": is_member(request.user) or is_proposal_office(request.user),
            "can_export": _may_export(request.user),
            "can_see_statistics": _sees_statistics(request.user),
            "inbox": inbox,
            # The box shows the first INBOX_SHOWN; the rest are in the list filtered by 待我处理.
            "inbox_total": inbox_total,
        },
    )


@login_required
def export(request):
    """The filtered list as the office's Excel layout: the rows the viewer sees (`selectors.proposal_list`),
    each reply class only where the viewer may read that reply (`selectors.readable_replies`)."""
    if not _may_export(request.user):
        raise Http404
    form = ListFilterForm(request.GET or None)
    qs = selectors.proposal_list(request.user, filters=form.filters())
    stamp = timezone.localdate().isoformat()
    content = proposals_xlsx(
        qs,
        # A filtered sheet names its filters, as the other exports (`core.exports.titled`).
        title=titled(_("提案办理情况一览表"), proposal_filter_labels(form)),
        reads_reply=selectors.reply_reader(request.user),
        reads_ratings=selectors.rating_reader(request.user),
    )
    return xlsx_response(content, _("提案目录-%(d)s.xlsx") % {"d": stamp})


@login_required
def stats(request):
    """Figures for the annual proposal work report."""
    if not _sees_statistics(request.user):
        raise Http404
    years = sorted(set(Session.objects.values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    return render(request, "proposals/stats.html", {"s": annual_statistics(year), "years": years})
