"""Signed-in pages: the appeal list, one appeal with its handling, recording appeals from other channels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.predicates import is_member, is_office
from core.exceptions import DomainError
from core.http import as_int
from core.paginator import CappedPaginator
from core.privacy import masked
from core.revealed import remember_revealed, take_revealed
from core.services import attachments_of
from core.workflow import done_message, perform, workflow_for
from district.models import Town
from grassroots.selectors import duty_issues_of
from intake import selectors, services
from intake.forms import (
    CloseForm,
    CompletePlanForm,
    MergeForm,
    ReferForm,
    ReschedulePlanForm,
    RouteForm,
    StaffAppealForm,
    StaffMessageForm,
)
from intake.models import AppealCategory, AppealStatus, Channel, Outcome, PlanState, Satisfaction
from intake.predicates import forwards_appeal, refers_appeal
from proposals.predicates import may_draft_proposal

# The list counts up to here ("10000+"); filters narrow it, the statistics give exact totals.
LIST_COUNT_CAP = 10_000
# With words in the text box the count reads title and body row by row, so it stops sooner ("1000+",
# as the full-text search page does): counting 10,000 matches of a common word scanned ~150 ms.
TEXT_COUNT_CAP = 1_000
ACTION_FORMS = {
    "route": RouteForm,
    "reroute": RouteForm,
    "close": CloseForm,
    "merge": MergeForm,
    "complete_plan": CompletePlanForm,
    "reschedule_plan": ReschedulePlanForm,
}
# The list's filters on plans (制定计划限期解决), offered beside the states in its status menu.
PLAN_FILTERS = [
    (selectors.PLAN_OPEN_FILTER, PlanState.OPEN.label),
    (selectors.PLAN_OVERDUE_FILTER, PlanState.OVERDUE.label),
]
# The list's filter on the citizen's rating (latest rated round), worded as the office speaks of it.
RATING_FILTERS = [
    (Satisfaction.SATISFIED, gettext_lazy("群众满意")),
    (Satisfaction.BASIC, gettext_lazy("群众基本满意")),
    (Satisfaction.UNSATISFIED, gettext_lazy("群众不满意")),
]


def list_filters(params) -> dict:
    """The appeal list's filters from a query string (also used by the insight Excel export)."""
    from django.utils.dateparse import parse_date

    def number(key):
        value = params.get(key, "")
        return as_int(value)

    def day(key):
        try:
            return parse_date(params.get(key, ""))
        except ValueError:
            return None

    return {
        "status": params.get("status", ""),
        "channel": params.get("channel", ""),
        "town": number("town"),
        "category": number("category"),
        "q": params.get("q", "").strip(),
        "start": day("start"),
        "end": day("end"),
        "rating": params.get("rating", ""),
        "waiting": params.get("waiting") == "on",
    }


@login_required
def appeal_list(request):
    filters = list_filters(request.GET)
    qs = selectors.with_latest_rating(selectors.appeals_list(request.user, **filters))
    qs = selectors.with_tracking_code_shown(qs, request.user)
    cap = TEXT_COUNT_CAP if filters["q"] else LIST_COUNT_CAP
    page = CappedPaginator(qs, 30, cap=cap).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/office_list.html",
        {
            "page": page,
            "statuses": AppealStatus.choices,
            "plan_filters": PLAN_FILTERS,
            "channels": Channel.choices,
            "towns": Town.objects.all(),
            "categories": AppealCategory.objects.all(),
            "ratings": RATING_FILTERS,
            "can_record": is_office(request.user) or is_member(request.user),
        },
    )


def _contact(appeal, viewer, revealed: dict | None) -> dict:
    if revealed is not None:
        return revealed
    return {
        "contact_name": masked(appeal.contact_name, "name"),
        "contact_phone": masked(appeal.contact_phone, "phone"),
        "address": masked(appeal.address, "address"),
    }


def _detail(request, appeal, *, status: int = 200, revealed: dict | None = None, **bound):
    wf = workflow_for(appeal)
    available = {a.name: a for a in wf.available(appeal, request.user)}
    forms = {name: bound.get(name) or cls(prefix=name) for name, cls in ACTION_FORMS.items() if name in available}
    duty_issues = duty_issues_of(appeal, request.user)
    if "close" in forms and not bound.get("close"):
        forms["close"] = CloseForm(prefix="close", initial=_duty_outcome(duty_issues))
    ratings = list(selectors.appeal_ratings(appeal))
    merged = list(appeal.merged.all())
    return render(
        request,
        "intake/office_detail.html",
        {
            "appeal": appeal,
            "available": available,
            "action_forms": forms,
            "answer_note": bound.get("answer_note", ""),
            "reopen_note": bound.get("reopen_note", ""),
            "contact": _contact(appeal, request.user, revealed),
            "may_reveal": selectors.may_see_contact(request.user, appeal) and appeal.has_contact,
            "handles": selectors.may_see_contact(request.user, appeal),
            "messages_list": list(selectors.case_messages(appeal)),
            "message_form": bound.get("message_form") or StaffMessageForm(),
            "refer_form": bound.get("refer_form") or ReferForm(),
            "referrals": selectors.referrals_of(appeal, request.user),
            # Offered by the rule the services refuse by (who, and the appeal's state).
            "may_refer": refers_appeal(request.user, appeal) and not selectors.refer_blocker(appeal),
            "may_forward": forwards_appeal(request.user, appeal) and not selectors.forward_blocker(appeal),
            "attachments": list(attachments_of(appeal)),
            "merged": merged,
            # The tracking codes (查询码) shown: only to those who give them to the citizens or answer them.
            "codes_shown": selectors.tracking_codes_shown(request.user, appeal, merged),
            "ratings": ratings,
            "reopen_hint": "reopen" in available and selectors.unsatisfied_since_closing(appeal, ratings),
            "may_draft_proposal": may_draft_proposal(request.user),
            # The duty groups' issues taken up from it, for who may see them (linked both ways).
            "duty_issues": duty_issues,
        },
        status=status,
    )


def _duty_outcome(issues) -> dict:
    """The close form filled in with the outcome a duty group reached on the appeal (the latest issue's):
    a plan still followed up with its date (the appeal's plan is then that one plan), or how it was settled.
    The note is the handler's to write: the group's own is not for the citizen."""
    from grassroots.models import IssueStatus

    latest = next((issue for issue in reversed(issues) if issue.outcome), None)
    if latest is None:
        return {}
    if latest.status == IssueStatus.FOLLOW_UP:
        return {"outcome": latest.outcome, "plan_due_date": latest.plan_due_date}
    if latest.status == IssueStatus.RESOLVED and latest.outcome != Outcome.PLAN:
        return {"outcome": latest.outcome}
    return {}


@login_required
def appeal_detail(request, pk: int):
    appeal = selectors.get_appeal_for(request.user, pk)
    if not selectors.opens_as_staff(request.user, appeal):
        # The citizen's own appeal: their page, not the office's audit trail with staff names and notes.
        return redirect("intake:track-detail", code=appeal.tracking_code)
    # The contact revealed just before (the access logged then) is shown once, then masked again.
    revealed = take_revealed(request, "intake.appeal") == appeal.pk and selectors.may_see_contact(request.user, appeal)
    return _detail(request, appeal, revealed=selectors.contact_of(appeal) if revealed else None)


@login_required
@require_POST
def appeal_reveal(request, pk: int):
    appeal = selectors.get_appeal_for(request.user, pk)
    try:
        services.reveal_contact(appeal=appeal, viewer=request.user, purpose=gettext_lazy("办理诉求"))
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    remember_revealed(request, "intake.appeal", appeal.pk)
    return redirect(appeal.get_absolute_url())


@login_required
@require_POST
def appeal_action(request, pk: int, action: str):
    appeal = selectors.get_appeal_for(request.user, pk)
    form_cls = ACTION_FORMS.get(action)
    bound = {}
    if form_cls is not None:
        form = form_cls(request.POST, prefix=action)
        bound[action] = form
        if not form.is_valid():
            messages.error(request, _("请检查填写的内容。"))
            return _detail(request, appeal, status=400, **bound)
        data = {k: v for k, v in form.cleaned_data.items() if k != "note" and v not in (None, "")}
        note = form.cleaned_data.get("note", "")
    else:
        data, note = {}, request.POST.get("note", "")
        bound[f"{action}_note"] = note
    try:
        perform(appeal, action, actor=request.user, note=note, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, appeal, status=400, **bound)
    messages.success(request, done_message(appeal, action))
    return redirect(appeal.get_absolute_url())


@login_required
@require_POST
def appeal_message(request, pk: int):
    appeal = selectors.get_appeal_for(request.user, pk)
    form = StaffMessageForm(request.POST)
    if form.is_valid():
        try:
            services.add_staff_message(appeal=appeal, body=form.cleaned_data["body"], actor=request.user)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, _("回复已发送，诉求人凭查询码可以看到。"))
            return redirect(appeal.get_absolute_url())
    return _detail(request, appeal, status=400, message_form=form)


@login_required
@require_POST
def appeal_forward(request, pk: int):
    appeal = selectors.get_appeal_for(request.user, pk)
    try:
        services.forward_as_opinion(appeal=appeal, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已报送为社情民意信息。"))
    return redirect(appeal.get_absolute_url())


@login_required
@require_POST
def appeal_refer(request, pk: int):
    appeal = selectors.get_appeal_for(request.user, pk)
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            services.refer_to_department(
                appeal=appeal,
                department=form.cleaned_data["department"],
                due_date=form.cleaned_data["due_date"],
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return _detail(request, appeal, status=400, refer_form=form)
        messages.success(request, _("已生成督办任务，待政府办交办后由部门签收办理。"))
        return redirect(appeal.get_absolute_url())
    return _detail(request, appeal, status=400, refer_form=form)


@login_required
def appeal_create(request):
    if not (is_office(request.user) or is_member(request.user)):
        raise PermissionDenied
    form = StaffAppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal, _created = services.submit_appeal(
                title=data["title"],
                body=data["body"],
                channel=data["channel"],
                category=data["category"],
                town=data["town"],
                community=data["community"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                attachments=data["attachments"],
                idempotency_key=services.retry_key_for(data["idempotency_key"], caller=request.user),
                actor=request.user,
                recorded_by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("诉求已登记，查询码 %(code)s，请告知诉求人。") % {"code": appeal.tracking_code})
            if selectors.appeals_visible_to(request.user).filter(pk=appeal.pk).exists():
                return redirect(appeal.get_absolute_url())
            return redirect("intake:office-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "files_dropped": bool(request.FILES)}
    return render(request, "intake/office_create.html", context, status=status)
