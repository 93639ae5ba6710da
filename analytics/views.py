"""Office pages: search, routing suggestions, duplicate pairs, candidate topics, an appeal's analysis."""

from datetime import date, datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.predicates import is_office
from analytics import clustering, intake_bridge, kinds, selectors
from analytics.forms import CorrectRoutingForm, MineForm, SearchForm
from analytics.models import SuggestionStatus
from analytics.services import duplicates as duplicate_services
from analytics.services import hot_topics as topic_services
from analytics.services import routing as routing_services
from core.exceptions import DomainError
from core.http import local_url
from core.paginator import CappedPaginator


def _require_office(user) -> None:
    if not is_office(user):
        raise Http404


# Results are counted up to here; a broader query says "more than 1000" and asks for a narrower one.
SEARCH_COUNT_CAP = 1000


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    page, terms = None, []
    if form.is_valid() and form.cleaned_data["q"].strip():
        d = form.cleaned_data
        docs, terms = selectors.search_documents(
            request.user,
            d["q"],
            kinds=d["kind"] or None,
            town=d["town"],
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
        page = CappedPaginator(docs, 20, cap=SEARCH_COUNT_CAP).get_page(request.GET.get("page"))
        page.hits = selectors.hits_for(list(page.object_list), terms)
    # Filters sent without a keyword search nothing: the page says so rather than showing nothing.
    needs_query = form.is_bound and page is None and not form.errors
    context = {"form": form, "page": page, "terms": terms, "needs_query": needs_query}
    return render(request, "analytics/search.html", context)


@login_required
def suggestions(request):
    _require_office(request.user)
    page = Paginator(selectors.pending_suggestions(request.user), 30).get_page(request.GET.get("page"))
    labels = {key: label for key, label in intake_bridge.handler_choices()}
    for s in page.object_list:
        s.handler_name = labels.get(s.handler, s.handler)
    return render(request, "analytics/suggestions.html", {"page": page, "version": routing_services.active_version()})


@login_required
def suggestion(request, pk: int):
    s = selectors.get_suggestion_for(request.user, pk)
    current = selectors.current_routing(s)
    # The form starts from the routing in force once staff decided (a second correction starts from the
    # first, never from the model's original guess); before that, from the suggestion.
    start = current if s.status != SuggestionStatus.PENDING else s
    form = CorrectRoutingForm(
        request.POST or None,
        initial={
            "category": getattr(start.category, "pk", None),
            "department": getattr(start.department, "pk", None),
            "handler": start.handler,
        },
    )
    blocker = routing_services.routing_blocker(s)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            routing_services.correct_suggestion(
                suggestion=s,
                actor=request.user,
                category=d["category"],
                department=d["department"],
                handler=d["handler"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已更正分派，并记为训练标注。"))
            return redirect("analytics:suggestions")
    context = {
        "s": s,
        "form": form,
        "handler_name": intake_bridge.handler_label(s.handler),
        "current": current,
        "blocker": blocker,
    }
    return render(request, "analytics/suggestion.html", context)


@login_required
@require_POST
def accept(request, pk: int):
    s = selectors.get_suggestion_for(request.user, pk)
    try:
        routing_services.accept_suggestion(suggestion=s, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已采纳分派建议。"))
    return redirect(local_url(request, request.POST.get("next"), reverse("analytics:suggestions")))


@login_required
def duplicates(request):
    _require_office(request.user)
    page = Paginator(selectors.open_duplicates(request.user), 30).get_page(request.GET.get("page"))
    appeals = [a for pair in page for a in (pair.appeal, pair.original)]
    codes_shown = selectors.tracking_codes_shown(request.user, appeals)
    return render(request, "analytics/duplicates.html", {"page": page, "codes_shown": codes_shown})


@login_required
def duplicate(request, pk: int):
    pair = selectors.get_duplicate_for(request.user, pk)
    case = duplicate_services.case_of(pair.appeal)
    context = {
        "pair": pair,
        "appeals": [pair.appeal, pair.original],
        "case": case,
        "codes_shown": selectors.tracking_codes_shown(request.user, [pair.appeal, pair.original, case]),
    }
    return render(request, "analytics/duplicate.html", context)


@login_required
def appeal(request, pk: int):
    obj = get_object_or_404(
        kinds.appeals_visible_to(request.user).select_related("category", "town", "department"), pk=pk
    )
    office = bool(is_office(request.user))
    s = selectors.suggestions_visible_to(request.user).filter(appeal=obj).first()
    case = duplicate_services.case_of(obj)
    context = {
        "appeal": obj,
        "s": s,
        "handler_name": intake_bridge.handler_label(s.handler) if s else "",
        "current": selectors.current_routing(s) if s and s.status != SuggestionStatus.PENDING else None,
        "pairs": selectors.duplicates_of(request.user, obj) if office else [],
        "case": case,
        "codes_shown": selectors.tracking_codes_shown(request.user, [obj, case]),
    }
    return render(request, "analytics/appeal.html", context)


@login_required
def topics(request):
    if not selectors.may_see_topics(request.user):
        raise Http404
    # ?run=<id> shows an earlier run (the picker lists them): re-mining never hides a run's candidates.
    run = selectors.get_run(request.GET["run"]) if request.GET.get("run") else selectors.latest_run()
    topic_list = selectors.topics_of_run(request.user, run, status=request.GET.get("status", ""))
    # A refused mining comes back with the dates typed (?since=&until=), so they need not be typed again.
    default_since = date.fromordinal(timezone.localdate().toordinal() - 90).isoformat()
    dates = {"since": request.GET.get("since", default_since)[:10], "until": request.GET.get("until", "")[:10]}
    context = {
        "run": run,
        "runs": selectors.recent_runs(),
        "topics": topic_list,
        "form": MineForm(),
        "dates": dates,
        "status": request.GET.get("status", ""),
        "office": bool(is_office(request.user)),
    }
    return render(request, "analytics/topics.html", context)


def _back_to_topics(request, **params):
    return redirect(f"{reverse('analytics:topics')}?{urlencode({k: v for k, v in params.items() if v})}")


@login_required
@require_POST
def mine(request):
    _require_office(request.user)
    form = MineForm(request.POST)
    typed = {"since": request.POST.get("since", "")[:10], "until": request.POST.get("until", "")[:10]}
    if not form.is_valid():
        messages.error(request, " ".join(form.error_messages()) or _("请填写有效的起止日期。"))
        return _back_to_topics(request, **typed)
    since = timezone.make_aware(datetime.combine(form.cleaned_data["since"], time.min))
    until_day = form.cleaned_data["until"]
    until = timezone.make_aware(datetime.combine(until_day, time.max)) if until_day else timezone.now()
    try:
        run = topic_services.mine_hot_topics(since=since, until=until, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back_to_topics(request, **typed)
    messages.success(request, _("已从%(n)s件文本中归纳出%(k)s个热点。") % {"n": run.n_documents, "k": run.n_topics})
    return _back_to_topics(request, run=run.pk)


@login_required
def topic(request, pk: int):
    t = selectors.get_topic_for(request.user, pk)
    unit = clustering.unit_of(t.trend, timezone.localtime(t.run.since), timezone.localtime(t.run.until))
    label = {"day": _("每日数量"), "week": _("每周数量"), "month": _("每月数量")}[unit]
    trend = {"days": [d for d, _n in t.trend], "counts": [n for _d, n in t.trend], "label": label}
    context = {"t": t, "evidence": selectors.evidence_of(request.user, t), "trend": trend}
    return render(request, "analytics/topic.html", context)
