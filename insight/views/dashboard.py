"""The statistics dashboard: figures for the viewer's scope over the chosen period."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from insight.forms import PeriodForm
from insight.selectors import duty, stats
from insight.selectors.dashboard import dashboard_for, year_picker
from insight.selectors.scope import require_scope


@login_required
def dashboard(request):
    scope = require_scope(request.user)
    picker = year_picker(scope)
    default = picker["default"]
    params = request.GET.copy()
    if params and not params.get("year"):
        params["year"] = str(default)  # the picker then shows the year the figures are for
    form = PeriodForm(params or None, years=picker["years"], default_year=default)
    period = form.period()
    if form.is_bound:
        # The picker shows the year the figures are for: a date range's start year (the year proposals
        # and plans are counted for), and the default year when a filter was refused (the figures fall
        # back to it: `PeriodForm.period`), not the year asked for next to the refused filter.
        form.data["year"] = str(period.year)
    data = dashboard_for(request.user, scope, period)
    figures = [f.as_dict() for group in data["figures"].values() for f in group]
    return render(
        request,
        "insight/dashboard.html",
        {
            **data,
            "form": form,
            "scope": scope,
            "period": period,
            "plan_status": stats.plan_status_label(period.year) if scope.is_all else "",
            # The members' records and the annual report are the CPPCC's own (office and leaders).
            "sees_records": duty.sees_all_records(request.user),
            "chart_data": figures,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
