"""The proposal page and the handling forms: units, contacts, co-unit opinions, replies, ratings, key, excellent."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.exports import file_response
from core.forms import submit
from core.revealed import remember_revealed, take_revealed
from core.unsaved import unsaved_extension, unsaved_input
from core.workflow import history_for, perform, workflow_for
from proposals import selectors, services
from proposals.forms import (
    ContactForm,
    ExcellentForm,
    KeyForm,
    MeetingForm,
    OpinionForm,
    RatingForm,
    ReplyForm,
    UnitsForm,
    WithdrawExcellentForm,
)
from proposals.models import Conversion, Proposal, RejectGround
from proposals.workflow import SYSTEM_ACTIONS

# Actions with their own form on the page rather than a plain button.
OWN_FORMS = SYSTEM_ACTIONS | {"set_units"}


# The proposers' phone numbers a handling unit's liaison asked to see are shown once (core.revealed).
REVEALED = "proposals.proposal"


def _render(request, proposal, status=200, *, revealed: list[dict] | None = None, **forms):
    flags = selectors.viewer_flags(request.user, proposal)
    if flags["may_reveal_proposer_contacts"]:
        flags["proposer_contacts"] = revealed or selectors.proposer_contacts(proposal)
        flags["proposer_contacts_revealed"] = revealed is not None
    actions = [a for a in workflow_for(proposal).available(proposal, request.user) if a.name not in OWN_FORMS]
    today = timezone.localdate()
    defaults = {
        "units_form": UnitsForm(initial=selectors.units_initial(proposal) if flags["can_set_units"] else {}),
        "contact_form": ContactForm(initial={"contacted_on": today, "proposer_name": proposal.proposer_label}),
        "opinion_form": OpinionForm(),
        "reply_form": ReplyForm(initial=selectors.reply_initial(request.user, proposal) if flags["can_reply"] else {}),
        "rating_form": RatingForm(),
        "key_form": KeyForm(),
        "meeting_form": MeetingForm(),
        "excellent_form": ExcellentForm(initial={"year": proposal.session.year if proposal.session else today.year}),
        "withdraw_excellent_form": WithdrawExcellentForm(),
    }
    # A refused extension form's typing goes back into that form only (before the other forms' share).
    unsaved_ext = unsaved_extension(request, "due")
    context = {
        "proposal": proposal,
        **selectors.detail_context(request.user, proposal),
        **flags,
        **defaults,
        **forms,
        "actions": actions,
        "reject_grounds": RejectGround.choices,
        "conversions": Conversion.choices,
        "merge_candidates": selectors.merge_candidates(proposal) if any(a.name == "merge" for a in actions) else [],
        "replacement_units": (
            selectors.replacement_units(proposal) if any(a.name == "accept_co_return" for a in actions) else []
        ),
        "letter_ids": {r.pk for r in selectors.letters_for(request.user, proposal)},
        "reminders": selectors.reminders_for(request.user, proposal),
        # The audit timeline with the notes the viewer may read (`Workflow.reads_notes`).
        "history": history_for(proposal, request.user),
        # What the viewer typed into an action's note before core:transition refused it.
        **unsaved_input(request, offered=[a.name for a in actions if not a.own_form]),
        "unsaved_extension": unsaved_ext,
    }
    return render(request, "proposals/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    proposal = selectors.get_proposal_for(request.user, pk)
    # The phone numbers revealed just before (the look logged then) are shown once, then masked again.
    revealed = None
    if take_revealed(request, REVEALED) == proposal.pk:
        from proposals.predicates import sees_proposer_contacts

        if sees_proposer_contacts(request.user, proposal):
            revealed = selectors.proposer_contacts(proposal, full=True)
    return _render(request, proposal, revealed=revealed)


@login_required
@require_POST
def reveal_proposer_contacts(request, pk: int):
    """查看提案者联系方式: a handling unit's liaison sees the proposers' phone numbers, the look logged."""
    proposal = selectors.get_proposal_for(request.user, pk)
    try:
        services.reveal_proposer_contacts(proposal=proposal, viewer=request.user)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    remember_revealed(request, REVEALED, proposal.pk)
    return redirect(proposal.get_absolute_url())


@dataclass(frozen=True)
class PageForm:
    """A form of the proposal page that calls one service (which checks who may) and says what it did.

    The service is called as `service(proposal=, actor=, **arguments(request, form))`."""

    form_class: type[forms.Form]
    # The form's name in the page's context: on a refusal the page shows it again with what was typed.
    context_name: str
    service: Callable[..., object]
    done: Promise
    arguments: Callable[[HttpRequest, forms.Form], dict] = lambda _request, form: form.cleaned_data
    # Where the user lands on success, from what the service returned (default: back to the proposal).
    lands_on: Callable[[object], object] | None = None


def _page_form_view(spec: PageForm):
    """The POST view of one page form: validate, call the service, then back to the page (or where the
    form lands) or show the form again."""

    @login_required
    @require_POST
    def view(request, pk: int):
        proposal = selectors.get_proposal_for(request.user, pk)
        form = spec.form_class(request.POST, request.FILES)
        outcome = {}

        def call(_data):
            outcome["result"] = spec.service(proposal=proposal, actor=request.user, **spec.arguments(request, form))

        done = submit(request, form, call, success=spec.done, redirect_to=proposal)
        if done and spec.lands_on is not None:
            return redirect(spec.lands_on(outcome["result"]))
        if done:
            return done
        proposal.refresh_from_db()
        return _render(request, proposal, status=400, **{spec.context_name: form})

    return view


LETTER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def letter(request, pk: int, reply_id: int, fmt: str):
    """Download a reply letter (答复函) as DOCX or PDF; 404 for anyone not entitled to it."""
    from proposals.services import letters

    if fmt not in LETTER_TYPES:
        raise Http404
    reply = selectors.get_letter_for(request.user, pk, reply_id)
    render_letter = letters.letter_docx if fmt == "docx" else letters.letter_pdf
    return file_response(render_letter(reply), letters.letter_filename(reply, fmt), LETTER_TYPES[fmt])


def _set_units(*, proposal: Proposal, actor, note: str, data: dict) -> None:
    perform(proposal, "set_units", actor=actor, note=note, data=data)


set_units = _page_form_view(
    PageForm(
        UnitsForm,
        "units_form",
        _set_units,
        _("已确定承办单位。"),
        arguments=lambda request, form: {"note": request.POST.get("note", ""), "data": form.payload()},
    )
)
contact = _page_form_view(PageForm(ContactForm, "contact_form", services.record_contact, _("已保存沟通记录。")))
opinion = _page_form_view(PageForm(OpinionForm, "opinion_form", services.submit_opinion, _("已提交会办意见。")))
reply = _page_form_view(PageForm(ReplyForm, "reply_form", services.submit_reply, _("已报送答复。")))
rate = _page_form_view(PageForm(RatingForm, "rating_form", services.rate_reply, _("已提交评价。")))
mark_key = _page_form_view(PageForm(KeyForm, "key_form", services.mark_key, _("已确定为重点提案。")))
# The meeting is created in preparation (筹备中): the office checks who is invited on its page and sends
# the notice from there, as for any meeting (consultations).
meeting = _page_form_view(
    PageForm(
        MeetingForm,
        "meeting_form",
        services.schedule_handling_meeting,
        _("已安排提案办理协商会。核对参会人员后请发出会议通知。"),
        lands_on=lambda meeting: meeting,
    )
)
excellent = _page_form_view(PageForm(ExcellentForm, "excellent_form", services.select_excellent, _("已评为优秀提案。")))
withdraw_excellent = _page_form_view(
    PageForm(WithdrawExcellentForm, "withdraw_excellent_form", services.withdraw_excellent, _("已撤销优秀提案。"))
)
