"""Member pages: start a proposal (optionally from a source record), edit the draft with autosave, co-sign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.i18n import join_clauses
from core.workflow import done_message, perform
from proposals import selectors, services
from proposals.forms import DraftForm, ProposalForm
from proposals.models import Kind
from proposals.predicates import may_draft_proposal
from proposals.services.drafting import DRAFT_FIELDS, prefill_from_source, supporting_files

FOLLOW_UPS = ("invite", "submit")


def _add_errors(form, exc: DomainError) -> None:
    for name, errors in (exc.fields or {}).items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
    if not exc.fields:
        form.add_error(None, exc.message)


@login_required
def create(request):
    """A new proposal; ?source=app_label.model:pk prefills it from an issue or appeal and keeps the link."""
    if not may_draft_proposal(request.user):
        raise Http404
    source_ref = request.POST.get("source") or request.GET.get("source") or ""
    source = services.parse_source(source_ref, viewer=request.user) if source_ref else None
    if request.method == "POST":
        form = ProposalForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cosigners = services.resolve_cosigner_names(data["cosigners"]) if data["kind"] == Kind.JOINT else []
                proposal = services.create_proposal(
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    case=data["case"],
                    analysis=data["analysis"],
                    suggestions=data["suggestions"],
                    departments=data["suggested_departments"],
                    is_urgent=data["is_urgent"],
                    consents_to_conversion=data["consents_to_conversion"],
                    org_sector=data["org_sector"],
                    org_party=data["org_party"],
                    org_body=data["org_body"],
                    source=source,
                    cosigners=cosigners,
                )
            except DomainError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("草稿已保存，之后的修改会自动保存。"))
                return redirect("proposals:edit", proposal.pk)
    else:
        form = ProposalForm(initial={"kind": Kind.INDIVIDUAL, **prefill_from_source(source)}, user=request.user)
    return render(
        request, "proposals/create.html", {"form": form, "source": source, "source_ref": source_ref if source else ""}
    )


def _own_draft(request, pk: int):
    proposal = selectors.get_proposal_for(request.user, pk)
    if proposal.author_id != request.user.pk:
        raise Http404
    return proposal


@login_required
def edit(request, pk: int):
    """Edit a draft: fields autosave as the member types; the buttons save and then invite or submit."""
    proposal = _own_draft(request, pk)
    if proposal.status != "draft":
        return redirect(proposal)
    signer_names = "、".join(s.member.name for s in proposal.signers.select_related("member"))
    if request.method == "POST":
        form = DraftForm(request.POST, request.FILES, instance=proposal)
        if form.is_valid():
            then = request.POST.get("then")
            try:
                _save(form, proposal, request.user, cosigners=then != "individual")
                services.attach_supporting_files(
                    proposal=proposal, actor=request.user, uploads=form.cleaned_data["attachments"]
                )
                # The files are kept now: a refused invitation or submission does not ask for them again.
                form._files_hinted = True
                if then == "individual" and proposal.kind == Kind.JOINT:
                    services.make_individual(proposal=proposal, actor=request.user)
                    messages.success(request, _("已改为个人提案，联名人已移除；可直接提交。"))
                    return redirect("proposals:edit", proposal.pk)
                if then in FOLLOW_UPS:
                    perform(proposal, then, actor=request.user)
                    messages.success(request, done_message(proposal, then))
                    return redirect(proposal)
            except DomainError as exc:
                _add_errors(form, exc)
                proposal.refresh_from_db(fields=["version"])
                form.data = form.data.copy()
                form.data["version"] = proposal.version
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("proposals:edit", proposal.pk)
    else:
        form = DraftForm(instance=proposal, initial={"version": proposal.version, "cosigners": signer_names})
    return render(
        request,
        "proposals/edit.html",
        {"form": form, "proposal": proposal, "files": list(supporting_files(proposal))},
    )


def _save(form, proposal, actor, *, cosigners: bool = True) -> None:
    data = form.cleaned_data
    services.update_draft(
        proposal=proposal,
        actor=actor,
        expected_version=data["version"],
        departments=data["suggested_departments"],
        **{name: data[name] for name in DRAFT_FIELDS},
    )
    if cosigners and proposal.kind == Kind.JOINT:
        services.set_cosigners(
            proposal=proposal, members=services.resolve_cosigner_names(data["cosigners"]), actor=actor
        )


@login_required
@require_POST
def autosave(request, pk: int):
    """htmx autosave of a draft's text with optimistic locking; a conflict is reported, never overwritten."""
    proposal = _own_draft(request, pk)
    form = DraftForm(request.POST, instance=proposal)
    if not form.is_valid():
        message = join_clauses(str(e) for errors in form.errors.values() for e in errors)
        return JsonResponse({"error": {"code": "invalid", "message": message, "fields": form.errors}}, status=400)
    data = form.cleaned_data
    try:
        services.update_draft(
            proposal=proposal,
            actor=request.user,
            expected_version=data["version"],
            departments=data["suggested_departments"],
            **{name: data[name] for name in DRAFT_FIELDS},
        )
    except DomainError as exc:
        return JsonResponse(
            {"error": {"code": exc.code, "message": str(exc.message), "fields": exc.fields}}, status=exc.status
        )
    return render(request, "proposals/_autosave_status.html", {"proposal": proposal, "saved_at": timezone.localtime()})


@login_required
@require_POST
def remove_file(request, pk: int, token: str):
    """The author removes a file of the draft's supporting material."""
    proposal = _own_draft(request, pk)
    try:
        services.remove_supporting_file(proposal=proposal, actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("proposals:edit", proposal.pk) if proposal.status == "draft" else redirect(proposal)


@login_required
@require_POST
def cosign(request, pk: int):
    """A co-signer confirms or declines a joint proposal."""
    proposal = selectors.get_proposal_for(request.user, pk)
    accept = request.POST.get("answer") == "accept"
    try:
        services.respond_cosign(proposal=proposal, actor=request.user, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认联名。") if accept else _("已谢绝联名。"))
    return redirect(proposal)
