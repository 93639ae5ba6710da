"""Pages for 社情民意信息: write and submit, the information office's desk, bulletins and counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.predicates import is_cppcc_leader, is_info_office, is_member
from core.exceptions import DomainError
from core.exports import file_response
from core.unsaved import unsaved_input
from core.workflow import workflow_for
from opinions import selectors, services
from opinions.forms import BulletinForm, ReportEditForm, ReportForm
from opinions.models import AdoptionLevel, Bulletin, Status
from opinions.predicates import reads_statistics

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def report_list(request):
    filters = {k: request.GET.get(k) for k in ("q", "status", "year", "mine") if request.GET.get(k)}
    qs = selectors.report_list(request.user, filters=filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/list.html",
        {
            "page": page,
            "statuses": Status.choices,
            "can_create": is_member(request.user) or is_info_office(request.user),
            "is_info": is_info_office(request.user),
            "can_stats": reads_statistics(request.user),
            "inbox": list(selectors.inbox(request.user)[:10]),
        },
    )


@login_required
def create(request):
    if not (is_member(request.user) or is_info_office(request.user)):
        raise Http404
    # The information office enters paper reports on behalf of a member or a group.
    members = selectors.members_to_report_for() if is_info_office(request.user) else None
    form = ReportForm(request.POST or None, providers=selectors.provider_options(request.user), members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.create_report(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                is_urgent=data["is_urgent"],
                provider=form.providers.get(data["provider"]),
                member=data.get("member"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("草稿已保存。确认无误后请点击“报送”。"))
            return redirect(report)
    return render(request, "opinions/create.html", {"form": form})


@login_required
def edit(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    if not services.may_edit(report, request.user):
        messages.error(request, _("当前状态下您不能修改这篇信息。"))
        return redirect(report)
    initial = {"title": report.title, "body": report.body, "version": report.version}
    form = ReportEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_report(
                report=report,
                actor=request.user,
                expected_version=data["version"],
                title=data["title"],
                body=data["body"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect(report)
    return render(request, "opinions/edit.html", {"form": form, "report": report})


@login_required
def detail(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    actions = workflow_for(report).available(report, request.user)
    editable = services.may_edit(report, request.user)
    return render(
        request,
        "opinions/detail.html",
        {
            "report": report,
            **selectors.detail_context(report, request.user),
            "actions": actions,
            "editable": editable,
            "departments": selectors.report_departments(),
            "levels": AdoptionLevel.objects.filter(is_active=True),
            # An upper adoption is above the district CPPCC: its own bulletin level is recorded on publication.
            "upper_levels": services.upper_levels(),
            "today": timezone.localdate(),
            # What the viewer typed into an action's note before core:transition refused it.
            **unsaved_input(request, offered=[a.name for a in actions]),
        },
    )


@login_required
def bulletins(request):
    """The information office's bulletin desk: publish signed reports singly or as a combined edition."""
    if not (is_info_office(request.user) or is_cppcc_leader(request.user)):
        raise Http404
    form = BulletinForm(request.POST or None, queryset=selectors.signed_reports())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bulletin = services.publish_bulletin(
                reports=data["reports"], actor=request.user, title=data["title"], form=data["form"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已编发%(b)s。") % {"b": bulletin})
            return redirect("opinions:bulletins")
    page = Paginator(selectors.bulletins(), 30).get_page(request.GET.get("page"))
    return render(
        request, "opinions/bulletins.html", {"form": form, "page": page, "is_info": is_info_office(request.user)}
    )


@login_required
def bulletin_docx(request, pk: int):
    """One bulletin issue as a DOCX in the official layout."""
    if not (is_info_office(request.user) or is_cppcc_leader(request.user)):
        raise Http404
    bulletin = Bulletin.objects.filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return file_response(services.bulletin_docx(bulletin), f"{bulletin}.docx", DOCX)


@login_required
def stats(request):
    """Reports per member and per provider (workstation, sector, party), for the year-end report; the
    page's 导出Excel is `insight.exports.opinion_stats_export`."""
    if not reads_statistics(request.user):
        raise Http404
    raw = request.GET.get("year", "").strip()
    year = selectors.valid_year(raw)
    return render(
        request,
        "opinions/stats.html",
        {
            "year": year,
            # A mistyped year shows every year's counts, and says so (not silently).
            "bad_year": raw if raw and year is None else "",
            "members": selectors.counts_per_member(year),
            "providers": selectors.counts_per_provider(year),
        },
    )
