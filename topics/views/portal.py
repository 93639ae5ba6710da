"""The public portal: published annual consultation plans and their formal documents."""

from django.shortcuts import render

from topics import selectors
from topics.views.plans import document_response


def portal_plans(request):
    return render(request, "topics/portal_plans.html", {"plans": selectors.published_plans()})


def portal_plan(request, year: int):
    plan = selectors.get_published_plan(year)
    items = plan.current_version.shown_items if plan.current_version else []
    return render(request, "topics/portal_plan.html", {"plan": plan, "items": items})


def portal_document(request, year: int, fmt: str):
    return document_response(selectors.get_published_plan(year), fmt)
