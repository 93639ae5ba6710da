"""征集 pages: collection rounds and topic suggestions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.predicates import is_clerk
from core.exceptions import DomainError
from core.services import attachments_of
from core.workflow import perform
from topics import predicates as p
from topics import selectors
from topics.forms import MaterialForm, MergeForm, RoundForm, SuggestionForm
from topics.models import ConsultationFormat, SuggestionStatus
from topics.services import suggestions as services
from topics.views.common import add_errors, int_or_none


@login_required
def rounds(request):
    if not (p.can_suggest(request.user) or p.sees_all_plans(request.user)):
        raise PermissionDenied
    return render(
        request,
        "topics/rounds.html",
        {"rounds": selectors.round_list(request.user), "can_create": is_clerk(request.user)},
    )


@login_required
def round_create(request):
    if not is_clerk(request.user):
        raise PermissionDenied
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.open_round(**form.cleaned_data, actor=request.user)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("议题征集已发起，已通知委员。"))
            return redirect(rnd)
    return render(request, "topics/form.html", {"form": form, "title": _("发起议题征集")})


@login_required
def round_edit(request, pk: int):
    rnd = get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    if not is_clerk(request.user):
        raise PermissionDenied
    form = RoundForm(request.POST or None, instance=rnd)
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_round(
                rnd=rnd, title=data["title"], deadline=data["deadline"], notice=data["notice"], actor=request.user
            )
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            return redirect(rnd)
    return render(request, "topics/form.html", {"form": form, "title": _("修改议题征集")})


@login_required
def round_detail(request, pk: int):
    rnd = get_object_or_404(selectors.round_list(request.user), pk=pk)
    items = selectors.suggestion_list(request.user, round=rnd)
    return render(
        request,
        "topics/round_detail.html",
        {
            "round": rnd,
            "suggestions": items,
            "can_edit": is_clerk(request.user),
            "can_suggest": p.can_suggest(request.user),
            "plan_past_drafting": selectors.plan_past_drafting(rnd),
        },
    )


def _filters(request) -> dict:
    return {
        "round": int_or_none(request.GET.get("round")),
        "status": request.GET.get("status") if request.GET.get("status") in SuggestionStatus.values else None,
        "fmt": int_or_none(request.GET.get("format")),
        "q": request.GET.get("q", "").strip()[:50],
    }


@login_required
def suggestions(request):
    # The office's list of suggestions: for those who suggest or follow the plan (not the public's
    # accounts, nor department liaisons, who read the published plan).
    if not p.sees_rounds(request.user):
        raise PermissionDenied
    qs = selectors.suggestion_list(request.user, **_filters(request))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "topics/suggestions.html",
        {
            "page": page,
            "rounds": selectors.rounds_visible_to(request.user),
            "statuses": SuggestionStatus.choices,
            "formats": ConsultationFormat.objects.all(),
            "can_suggest": p.can_suggest(request.user) and selectors.open_rounds().exists(),
        },
    )


@login_required
def suggestion_create(request):
    if not p.can_suggest(request.user):
        raise PermissionDenied
    if not selectors.open_rounds().exists():
        # No round accepts suggestions: say so instead of a form whose 征集 list is empty.
        return render(request, "topics/suggestion_form.html", {"title": _("提出议题建议"), "no_round": True})
    initial = {"round": selectors.open_rounds().first()}
    form = SuggestionForm(request.POST or None, request.FILES or None, initial=initial, suggester=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        material, submit = data.pop("material"), data.pop("submit_now")
        data.pop("version", None)
        try:
            with transaction.atomic():
                suggestion = services.create_suggestion(**data, suggester=request.user, submit=submit)
                if material:
                    services.attach_material(suggestion=suggestion, upload=material, actor=request.user)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("建议已提交。") if submit else _("建议已保存为草稿。"))
            return redirect(suggestion)
    return render(request, "topics/suggestion_form.html", {"form": form, "title": _("提出议题建议")})


@login_required
def suggestion_edit(request, pk: int):
    suggestion = selectors.get_suggestion_for(request.user, pk)
    if suggestion.suggester_id != request.user.pk or suggestion.status != SuggestionStatus.DRAFT:
        raise Http404
    form = SuggestionForm(request.POST or None, request.FILES or None, instance=suggestion, suggester=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        material, submit, version = data.pop("material"), data.pop("submit_now"), data.pop("version")
        data.pop("round")
        departments = data.pop("departments")
        try:
            with transaction.atomic():
                services.update_suggestion(
                    suggestion=suggestion,
                    expected_version=version or 0,
                    actor=request.user,
                    departments=departments,
                    **data,
                )
                if material:
                    services.attach_material(suggestion=suggestion, upload=material, actor=request.user)
                if submit:
                    perform(suggestion, "submit", actor=request.user)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("建议已提交。") if submit else _("建议已保存为草稿。"))
            return redirect(suggestion)
    return render(request, "topics/suggestion_form.html", {"form": form, "title": _("修改议题建议")})


@login_required
def suggestion_detail(request, pk: int):
    suggestion = selectors.get_suggestion_for(request.user, pk)
    can_merge = is_clerk(request.user) and suggestion.status in (
        SuggestionStatus.SUBMITTED,
        SuggestionStatus.SHORTLISTED,
    )
    return render(
        request,
        "topics/suggestion_detail.html",
        {
            "s": suggestion,
            "materials": attachments_of(suggestion).filter(kind="material"),
            "origins": services.origins_of(suggestion)[1:],
            "merge_form": MergeForm(candidates=selectors.merge_candidates(suggestion)) if can_merge else None,
            "material_form": MaterialForm(),
            "can_edit": suggestion.suggester_id == request.user.pk and suggestion.status == SuggestionStatus.DRAFT,
        },
    )


@login_required
@require_POST
def suggestion_merge(request, pk: int):
    suggestion = selectors.get_suggestion_for(request.user, pk)
    form = MergeForm(request.POST, candidates=selectors.merge_candidates(suggestion))
    if not form.is_valid():
        messages.error(request, _("请选择要并入的建议。"))
        return redirect(suggestion)
    try:
        perform(
            suggestion,
            "merge",
            actor=request.user,
            note=form.cleaned_data["note"],
            data={"into": form.cleaned_data["into"].pk},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已合并。"))
    return redirect(suggestion)


@login_required
@require_POST
def suggestion_material(request, pk: int):
    suggestion = selectors.get_suggestion_for(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_material(suggestion=suggestion, upload=form.cleaned_data["material"], actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("材料已上传。"))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect(suggestion)
