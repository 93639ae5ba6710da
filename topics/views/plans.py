"""确题 pages: the overview, the plan, its items and versions, sign-offs, publication and receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.predicates import is_clerk, is_dept_liaison, is_public_account
from core.exceptions import DomainError
from core.i18n import join_list
from core.views import attachment_response
from core.workflow import perform
from district.models import Body, Department
from topics import chain, selectors
from topics import predicates as p
from topics.diff import FIELDS, as_cells, diff_items
from topics.forms import ItemForm, PlanForm, PublishForm, SignOffForm, VersionForm
from topics.models import ConsultationFormat, ConsultationPlan, PlanItem, PlanStatus, PlanVersion
from topics.services import plan as services
from topics.services import publication
from topics.services.votes import open_vote_of
from topics.views.common import add_errors, int_or_none

HOLDER_LABELS = {
    PlanStatus.DRAFT: gettext_lazy("区政协办公室"),
    PlanStatus.CHAIRS: gettext_lazy("主席会议"),
    PlanStatus.JOINT: gettext_lazy("区委办、区政府办、区政协办"),
    PlanStatus.LEADER: gettext_lazy("区委领导"),
    PlanStatus.VOTE: gettext_lazy("区政协常委会"),
    PlanStatus.ADOPTED: gettext_lazy("区委办公室（印发）"),
    PlanStatus.PUBLISHED: gettext_lazy("相关部门（签收）"),
}


def _holder(plan: ConsultationPlan, version: PlanVersion | None = None, receipt=None) -> str:
    """Who acts next on the plan; at the joint meeting, the offices yet to sign, then the clerk's 定稿.
    Once published, the departments that have not signed for it; none for a liaison whose department
    has (`receipt`, shown instead), nor once every department has."""
    if plan.status == PlanStatus.JOINT and chain.requires_signoffs():
        missing = services.missing_signoffs(version or plan.current_version)
        return join_list(missing) if missing else _("区政协办公室（三办联席会定稿）")
    if plan.status == PlanStatus.PUBLISHED and (
        (receipt is not None and receipt.acknowledged_at) or not selectors.has_pending_receipts(plan)
    ):
        return ""
    return HOLDER_LABELS.get(plan.status, "")


def _require_follower(user) -> None:
    if not p.reads_plans(user):
        raise PermissionDenied


@login_required
def overview(request):
    """Where is each topic now: the year's round, plan, items and suggestions, with deadlines."""
    _require_follower(request.user)
    plans = list(selectors.plan_list(request.user))
    rounds = list(selectors.round_list(request.user))
    under_approval = selectors.plan_years_under_approval()
    years = sorted({x.year for x in plans} | {r.year for r in rounds} | under_approval, reverse=True)
    year = int_or_none(request.GET.get("year")) or (years[0] if years else timezone.localdate().year)
    plan = next((x for x in plans if x.year == year), None)
    rnd = next((r for r in rounds if r.year == year), None)
    receipt = selectors.receipt_for(request.user, plan) if plan else None
    items = list(selectors.items_of(plan)) if plan else []
    steps = selectors.topic_steps(plan, items, request.user) if plan else {}
    return render(
        request,
        "topics/overview.html",
        {
            "year": year,
            "years": years,
            "plan": plan,
            "round": rnd,
            "rows": [(i, steps[i.pk]) for i in items],
            "suggestions": selectors.suggestion_list(request.user, round=rnd) if rnd else [],
            "holder": _holder(plan, receipt=receipt) if plan else "",
            "my_receipt": receipt,
            "under_approval": plan is None and year in under_approval,
            "my_ballot": selectors.open_ballot_for(request.user, plan),
            "chain": services.chain_labels(),
            "open_rounds": selectors.open_rounds() if p.sees_rounds(request.user) else [],
            "can_suggest": p.can_suggest(request.user),
            "inbox": selectors.plan_inbox(request.user),
        },
    )


@login_required
def plans(request):
    _require_follower(request.user)
    status = request.GET.get("status") if request.GET.get("status") in PlanStatus.values else None
    qs = selectors.plan_list(request.user, status=status, year=int_or_none(request.GET.get("year")))
    return render(
        request,
        "topics/plans.html",
        {"plans": qs, "statuses": PlanStatus.choices, "can_create": is_clerk(request.user)},
    )


@login_required
def plan_create(request):
    if not is_clerk(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, initial={"round": selectors.open_rounds().first()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            plan = services.create_plan(**data, actor=request.user)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            return redirect(plan)
    return render(request, "topics/form.html", {"form": form, "title": _("编制年度协商计划")})


@login_required
def plan_edit(request, pk: int):
    plan = selectors.get_plan_for(request.user, pk)
    if not is_clerk(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(
                plan=plan,
                expected_version=data["version"] or 0,
                actor=request.user,
                title=data["title"],
                preamble=data["preamble"],
                round=data["round"],
            )
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            return redirect(plan)
    title = _("修改计划标题、说明与议题征集") if plan.status == PlanStatus.DRAFT else _("修改计划标题与说明")
    return render(request, "topics/form.html", {"form": form, "title": title, "back": plan})


@login_required
def plan_detail(request, pk: int):
    if is_public_account(request.user):  # a citizen's account: the published plan's public page
        plan = get_object_or_404(ConsultationPlan, pk=pk, status=PlanStatus.PUBLISHED)
        return redirect("topics:portal_plan", year=plan.year)
    plan = selectors.get_plan_for(request.user, pk)
    # Members and liaisons read the plan; its deliberations are for those who run or take part in them.
    deliberations = p.sees_plan_deliberations(request.user)
    versions = list(selectors.versions_of(plan)) if deliberations else []
    current = next((v for v in versions if v.pk == plan.current_version_id), None)
    office = services.office_of(request.user)
    receipt = selectors.receipt_for(request.user, plan)
    return render(
        request,
        "topics/plan_detail.html",
        {
            "plan": plan,
            "items": selectors.items_of(plan),
            "deliberations": deliberations,
            "my_department_id": request.user.department_id if is_dept_liaison(request.user) else None,
            "versions": versions,
            "current": current,
            "chain": services.chain_labels(),
            "holder": _holder(plan, current, receipt),
            "instructions": services.open_instructions(plan) if deliberations else None,
            "unversioned": deliberations
            and plan.is_editable
            and plan.current_version_id
            and services.has_unversioned_changes(plan),
            "missing": services.missing_signoffs(current) if deliberations and chain.requires_signoffs() else [],
            # Versions and the offices' sign-offs where the chain has the joint meeting (or some version
            # was signed under an earlier chain); versions alone otherwise.
            "signoffs_shown": chain.requires_signoffs() or any(v.signoffs.all() for v in versions),
            "can_edit": is_clerk(request.user) and plan.is_editable,
            "can_sign": bool(
                office
                and plan.status == PlanStatus.JOINT
                and current
                and not any(s.office == office for s in current.signoffs.all())
            ),
            "votes": selectors.votes_of(plan, request.user),
            "open_vote": open_vote_of(plan),
            "can_open_vote": is_clerk(request.user) and plan.status == PlanStatus.VOTE and not open_vote_of(plan),
            "can_publish": p.can_publish(request.user) and plan.status == PlanStatus.ADOPTED,
            "receipts": selectors.receipts_of(plan, request.user),
            "my_receipt": receipt,
            # 三办联席会定稿 or 宣布表决通过 not offered yet, with the reason (the workflow panel leaves them out).
            "not_ready": selectors.steps_not_ready(plan, request.user),
            # Submitting the draft would close the collection round before its deadline: the clerk is told first.
            "early_close": selectors.round_closed_early_by_submit(plan) if is_clerk(request.user) else None,
            "documents": plan.status == PlanStatus.PUBLISHED,
            "version_form": VersionForm(),
        },
    )


@login_required
def item_create(request, pk: int):
    plan = selectors.get_plan_for(request.user, pk)
    if not is_clerk(request.user):
        raise PermissionDenied
    form = ItemForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.add_item(plan=plan, actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("议题已加入计划。"))
            return redirect(plan)
    return render(request, "topics/form.html", {"form": form, "title": _("添加计划议题"), "back": plan})


@login_required
def item_edit(request, pk: int):
    item = get_object_or_404(
        PlanItem.objects.select_related("plan"), pk=pk, plan__in=selectors.plans_visible_to(request.user)
    )
    if not is_clerk(request.user):
        raise PermissionDenied
    form = ItemForm(request.POST or None, instance=item, plan=item.plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        try:
            services.update_item(item=item, expected_version=expected, actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("议题已保存。"))
            return redirect(item.plan)
    return render(request, "topics/form.html", {"form": form, "title": _("修改计划议题"), "back": item.plan})


@login_required
@require_POST
def item_delete(request, pk: int):
    item = get_object_or_404(
        PlanItem.objects.select_related("plan"), pk=pk, plan__in=selectors.plans_visible_to(request.user)
    )
    try:
        services.delete_item(item=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("议题已移出计划。"))
    return redirect(item.plan)


@login_required
@require_POST
def version_create(request, pk: int):
    plan = selectors.get_plan_for(request.user, pk)
    form = VersionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = services.cut_version(plan=plan, actor=request.user, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # The three offices sign versions only where the district's chain has their joint meeting.
        if chain.requires_signoffs() and plan.status in (PlanStatus.DRAFT, PlanStatus.JOINT):
            messages.success(request, _("已生成%(v)s，请三办会签。") % {"v": version})
        else:
            messages.success(request, _("已生成%(v)s。") % {"v": version})
    return redirect(plan)


def _version_for(user, pk: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.select_related("plan", "author"), pk=pk, plan__in=selectors.plans_deliberated_for(user)
    )


@login_required
def version_detail(request, pk: int):
    version = _version_for(request.user, pk)
    form = SignOffForm(request.POST or None, items=version.items)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off(
                version=version,
                actor=request.user,
                agreed=form.cleaned_data["agreed"],
                comment=form.cleaned_data["comment"],
                item_comments=form.item_comments(),
            )
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("会签意见已提交。"))
            return redirect(version.plan)
    version = selectors.versions_of(version.plan).get(pk=version.pk)
    office = services.office_of(request.user)
    signed = {s.office for s in version.signoffs.all()}
    return render(
        request,
        "topics/version_detail.html",
        {
            "version": version,
            "plan": version.plan,
            "form": form,
            "can_sign": office is not None
            and office not in signed
            and version.plan.status == PlanStatus.JOINT
            and version.plan.current_version_id == version.pk,
        },
    )


@login_required
def version_diff(request, pk: int):
    plan = selectors.get_deliberated_plan_for(request.user, pk)
    versions = list(plan.versions.order_by("number"))
    if len(versions) < 2:
        messages.info(request, _("计划只有一个版本，暂无可比较的版本。"))
        return redirect(plan)
    numbers = {v.number: v for v in versions}
    a = numbers.get(int_or_none(request.GET.get("a"))) or versions[-2]
    b = numbers.get(int_or_none(request.GET.get("b"))) or versions[-1]
    rows = [
        {"kind": r.kind, "changed": r.changed, "old": as_cells(r.old), "new": as_cells(r.new)}
        for r in diff_items(a.items, b.items)
    ]
    return render(
        request,
        "topics/diff.html",
        {"plan": plan, "versions": versions, "a": a, "b": b, "rows": rows, "fields": FIELDS},
    )


@login_required
def publish(request, pk: int):
    plan = selectors.get_plan_for(request.user, pk)
    if not p.can_publish(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"doc_number": publication.doc_number_for(plan, "", issued_on=today), "issued_on": today}
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {"doc_number": form.cleaned_data["doc_number"], "issued_on": form.cleaned_data["issued_on"].isoformat()}
        try:
            perform(plan, "publish", actor=request.user, data=data)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("计划已印发，相关部门将收到签收通知。"))
            return redirect(plan)
    return render(request, "topics/form.html", {"form": form, "title": _("印发计划"), "back": plan})


@login_required
@require_POST
def receipt_ack(request, pk: int):
    plan = selectors.get_plan_for(request.user, pk)
    try:
        receipt = publication.acknowledge_receipt(plan=plan, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(dept)s已签收。") % {"dept": receipt.department})
    return redirect(plan)


def document_response(plan, fmt: str):
    attachment = publication.plan_document(plan, fmt)
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@login_required
def document(request, pk: int, fmt: str):
    return document_response(selectors.get_plan_for(request.user, pk), fmt)


@login_required
def items(request):
    _require_follower(request.user)
    qs = selectors.item_list(
        request.user,
        year=int_or_none(request.GET.get("year")),
        fmt=int_or_none(request.GET.get("format")),
        body=int_or_none(request.GET.get("body")),
        department=int_or_none(request.GET.get("department")),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "topics/items.html",
        {
            "page": page,
            "formats": ConsultationFormat.objects.all(),
            "bodies": Body.objects.filter(kind=Body.Kind.SPECIAL),
            "departments": Department.objects.filter(is_active=True),
        },
    )
