"""The proposal page and the handling forms: units, contacts, co-unit opinions, replies, ratings, key, excellent."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import file_response
from core.forms import submit
from core.workflow import perform, workflow_for
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
from proposals.models import Conversion, RejectGround
from proposals.workflow import SYSTEM_ACTIONS

# Actions with their own form on the page rather than a plain button.
OWN_FORMS = SYSTEM_ACTIONS | {"set_units"}


def _render(request, proposal, status=200, **forms):
    flags = selectors.viewer_flags(request.user, proposal)
    actions = [a for a in workflow_for(proposal).available(proposal, request.user) if a.name not in OWN_FORMS]
    today = timezone.localdate()
    defaults = {
        "units_form": UnitsForm(),
        "contact_form": ContactForm(initial={"contacted_on": today, "proposer_name": proposal.proposer_label}),
        "opinion_form": OpinionForm(),
        "reply_form": ReplyForm(
            initial={"contact_name": request.user.display, "contact_phone": getattr(request.user, "phone", "")}
        ),
        "rating_form": RatingForm(),
        "key_form": KeyForm(),
        "meeting_form": MeetingForm(),
        "excellent_form": ExcellentForm(initial={"year": proposal.session.year if proposal.session else today.year}),
        "withdraw_excellent_form": WithdrawExcellentForm(),
    }
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
        "letter_ids": {r.pk for r in selectors.letters_for(request.user, proposal)},
        "reminders": selectors.reminders_for(request.user, proposal),
        # What the viewer typed into an action's note before core:transition refused it.
        "unsaved_note": request.session.pop("unsaved_note", ""),
        "unsaved_data": request.session.pop("unsaved_data", {}),
    }
    return render(request, "proposals/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _render(request, selectors.get_proposal_for(request.user, pk))


def _handle(request, pk: int, form_class, form_key: str, call, success: str):
    """Validate one form, call one service (which checks who may); on refusal re-render with what was typed."""
    proposal = selectors.get_proposal_for(request.user, pk)
    form = form_class(request.POST)
    done = submit(request, form, lambda _data: call(proposal, form), success=success, redirect_to=proposal)
    if done:
        return done
    proposal.refresh_from_db()
    return _render(request, proposal, status=400, **{form_key: form})


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


@login_required
@require_POST
def set_units(request, pk: int):
    def call(proposal, form):
        perform(proposal, "set_units", actor=request.user, note=request.POST.get("note", ""), data=form.payload())

    return _handle(request, pk, UnitsForm, "units_form", call, _("已确定承办单位。"))


@login_required
@require_POST
def contact(request, pk: int):
    def call(proposal, form):
        services.record_contact(proposal=proposal, actor=request.user, **form.cleaned_data)

    return _handle(request, pk, ContactForm, "contact_form", call, _("已保存沟通记录。"))


@login_required
@require_POST
def opinion(request, pk: int):
    def call(proposal, form):
        services.submit_opinion(proposal=proposal, actor=request.user, opinion=form.cleaned_data["opinion"])

    return _handle(request, pk, OpinionForm, "opinion_form", call, _("已提交会办意见。"))


@login_required
@require_POST
def reply(request, pk: int):
    def call(proposal, form):
        services.submit_reply(proposal=proposal, actor=request.user, **form.cleaned_data)

    return _handle(request, pk, ReplyForm, "reply_form", call, _("已报送答复。"))


@login_required
@require_POST
def rate(request, pk: int):
    def call(proposal, form):
        services.rate_reply(proposal=proposal, actor=request.user, **form.cleaned_data)

    return _handle(request, pk, RatingForm, "rating_form", call, _("已提交评价。"))


@login_required
@require_POST
def mark_key(request, pk: int):
    def call(proposal, form):
        services.mark_key(proposal=proposal, supervisor=form.cleaned_data["supervisor"], actor=request.user)

    return _handle(request, pk, KeyForm, "key_form", call, _("已确定为重点提案。"))


@login_required
@require_POST
def meeting(request, pk: int):
    def call(proposal, form):
        services.schedule_handling_meeting(proposal=proposal, actor=request.user, **form.cleaned_data)

    return _handle(request, pk, MeetingForm, "meeting_form", call, _("已安排提案办理协商会。"))


@login_required
@require_POST
def excellent(request, pk: int):
    def call(proposal, form):
        services.select_excellent(proposal=proposal, actor=request.user, year=form.cleaned_data["year"])

    return _handle(request, pk, ExcellentForm, "excellent_form", call, _("已评为优秀提案。"))


@login_required
@require_POST
def withdraw_excellent(request, pk: int):
    def call(proposal, form):
        services.withdraw_excellent(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])

    return _handle(request, pk, WithdrawExcellentForm, "withdraw_excellent_form", call, _("已撤销优秀提案。"))
