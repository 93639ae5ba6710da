"""The public accountability page (协商成果落实): no login, no internal notes."""

from django.shortcuts import render

from supervision import selectors


def public_list(request):
    return render(request, "supervision/public_list.html", {"reports": selectors.public_reports()})


def public_detail(request, pk: int):
    report = selectors.get_public_report(pk)
    return render(
        request,
        "supervision/public_detail.html",
        {"report": report, "outcomes": selectors.public_outcomes(report)},
    )
