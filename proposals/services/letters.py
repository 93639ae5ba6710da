"""The reply letter (答复函): a handling unit's reply laid out as an official letter, as DOCX and PDF.

Built once as a `core.documents.DocSpec` so the DOCX and the PDF always say the same thing. The letter
prints the unit's contact person and phone (the proposer may call the handler); it never prints the
proposer's own phone, ID number or address.
"""

import string

from constance import config
from django.utils import timezone
from django.utils.translation import gettext as _

from core.documents import DocSpec, render_docx, render_pdf
from core.i18n import record_language
from proposals.models import Kind, Proposal, ProposalReply, Status

# States in which the office has approved the reply of the current round and sent it to the proposers.
RELEASED_STATES = frozenset({Status.REPLIED, Status.UNSATISFIED, Status.FOLLOW_UP, Status.CLOSED})
# {unit}提复〔{year}〕{serial}{round_suffix}号: 教育局提复〔2022〕7号, and 教育局提复〔2022〕7-2号 for the reply
# of the re-handling round, so that each letter has its own number.
DEFAULT_NUMBER_FORMAT = "{unit}\u63d0\u590d\u3014{year}\u3015{serial}{round_suffix}\u53f7"
ROUND_PLACEHOLDERS = frozenset({"round", "round_suffix"})
NUMBER_END = "\u53f7"  # 号


def is_released(reply: ProposalReply, proposal: Proposal) -> bool:
    """Whether the proposers have received this reply (approved by the office)."""
    return reply.round < proposal.round or proposal.status in RELEASED_STATES


def letter_date(reply: ProposalReply):
    return timezone.localdate(reply.submitted_at or reply.updated_at)


def _placeholders(pattern: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None}


def _format(pattern: str, values: dict) -> str:
    fields = _placeholders(pattern)
    if not fields <= set(values):
        raise KeyError(fields - set(values))
    if values["round"] > 1 and not fields & ROUND_PLACEHOLDERS:
        # A pattern without the round would give the re-handling round's letter the first one's number.
        head, end = (pattern[: -len(NUMBER_END)], NUMBER_END) if pattern.endswith(NUMBER_END) else (pattern, "")
        pattern = head + "{round_suffix}" + end
    return pattern.format(**values)


def letter_number(reply: ProposalReply) -> str:
    """The letter's number in the configured pattern, e.g. 教育局提复〔2022〕7号, and 教育局提复〔2022〕7-2号 for
    the reply of the re-handling round: `{round_suffix}` is empty in the first round and -<round> after it.
    Every letter has its own number: a pattern without `{round}` or `{round_suffix}` gets the suffix
    (before its closing 号) from the second round on.

    A pattern the office mistyped in the admin (unknown placeholder, stray brace) falls back to the
    default pattern rather than breaking the download."""
    proposal = reply.proposal
    dept = reply.department
    values = {
        "unit": dept.short_name or dept.name,
        "year": proposal.session.year if proposal.session_id else letter_date(reply).year,
        "serial": proposal.serial if proposal.serial is not None else proposal.pk,
        "round": reply.round,
        "round_suffix": f"-{reply.round}" if reply.round > 1 else "",
    }
    try:
        return _format(str(config.PROPOSAL_REPLY_LETTER_NUMBER), values)
    except (KeyError, ValueError, IndexError):
        return _format(DEFAULT_NUMBER_FORMAT, values)


def addressees(proposal: Proposal) -> list[str]:
    """Who the letter is addressed to: the lead proposer (领衔人) first, then confirmed co-signers and the
    proposers of merged proposals, by name only."""
    names: list[str] = []

    def add(name: str, member: bool) -> None:
        label = _("%(name)s委员") % {"name": name} if member else name
        if label not in names:
            names.append(label)

    for p in [proposal, *proposal.merged.select_related("member", "author", "org_sector", "org_party", "org_body")]:
        add(p.proposer_label, p.kind != Kind.COLLECTIVE and p.member_id is not None)
        for signer in p.signers.filter(accepted=True).select_related("member"):
            add(signer.member.name, True)
    return names


def build_letter(reply: ProposalReply) -> DocSpec:
    """The letter, worded in the district's language whatever language the acting user reads (it is the
    record the proposers receive): the reply class and the proposer's sector or party print as named."""
    with record_language():
        return _letter(reply)


def _letter(reply: ProposalReply) -> DocSpec:
    proposal = reply.proposal
    number = proposal.number or _("（未编号）")
    if reply.round > 1:
        opening = _(
            "您（们）提出的《%(title)s》（%(number)s）提案，经重新办理（第%(round)s轮办理），现将办理情况答复如下："
        )
        title = _("对%(number)s提案的答复（重新办理，第%(round)s轮）")
    else:
        opening = _("您（们）提出的《%(title)s》（%(number)s）提案收悉。现将办理情况答复如下：")
        title = _("对%(number)s提案的答复")
    words = {"title": proposal.title, "number": number, "round": reply.round}
    blocks = [
        opening % words,
        *[line.strip() for line in reply.body.splitlines() if line.strip()],
        _("答复类别：%(klass)s") % {"klass": str(reply.reply_class)},
        _("感谢您（们）对我单位工作的关心和支持。"),
    ]
    contact = reply.contact_name or ""
    if reply.contact_phone:
        contact = _("%(name)s，联系电话：%(phone)s") % {"name": contact, "phone": reply.contact_phone}
    if contact:
        blocks.append(_("联系人：%(contact)s") % {"contact": contact})
    blocks.append(_("签发人：%(name)s") % {"name": reply.signed_by})
    blocks.append(_("（单位印章）"))
    return DocSpec(
        title=title % words,
        number=letter_number(reply),
        issuer=reply.department.name,
        issued_on=letter_date(reply),
        recipients="、".join(addressees(proposal)) + "：",
        blocks=blocks,
        footer_note=_("抄送：区政协提案委员会"),
    )


def letter_filename(reply: ProposalReply, fmt: str) -> str:
    """The download's name: the proposal, the unit and, for a re-handling round, the round."""
    proposal = reply.proposal
    words = {
        "number": proposal.number or proposal.pk,
        "unit": reply.department.short_name or reply.department.name,
        "round": reply.round,
        "fmt": fmt,
    }
    if reply.round > 1:
        return _("%(number)s提案答复函（%(unit)s，重新办理第%(round)s轮）.%(fmt)s") % words
    return _("%(number)s提案答复函（%(unit)s）.%(fmt)s") % words


def letter_docx(reply: ProposalReply) -> bytes:
    # Rendered in the record's language too: the renderer prints the letter's date.
    with record_language():
        return render_docx(build_letter(reply))


def letter_pdf(reply: ProposalReply) -> bytes:
    with record_language():
        return render_pdf(build_letter(reply))
