"""Drafting a proposal: create, autosave, co-signers' online confirmation, submission."""

import re
from datetime import timedelta

from constance import config
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_cppcc_leader, is_member, is_office, is_proposal_office
from core.exceptions import ActionForbidden, Refused, passes
from core.services import discard_attachment, save_versioned
from district.models import Member, Session
from proposals.models import EDITABLE_STATES, Kind, Proposal, ProposalSigner, Status

REQUIRED_PARTS = ("title", "case", "analysis", "suggestions")
DRAFT_FIELDS = ("title", "case", "analysis", "suggestions", "is_urgent", "consents_to_conversion")
SOURCE_PATTERN = re.compile(r"^(?P<app>[a-z_]+)\.(?P<model>[a-z_]+):(?P<pk>\d+)$")


def member_of(user) -> Member | None:
    """The active member record of a user, if any."""
    return Member.objects.filter(user=user, is_active=True).select_related("term").first()


def parse_source(value: str, *, viewer):
    """Resolve "app_label.model:pk" to a record the viewer may see, or None."""
    match = SOURCE_PATTERN.match((value or "").strip().lower())
    if not match:
        return None
    try:
        model = apps.get_model(match["app"], match["model"])
    except LookupError:
        return None
    from core.visibility import visible_queryset

    visible = visible_queryset(viewer, model)
    if visible is None:
        # A model that declares no visibility: only the office and leaders, who see all records, may link it.
        if not (is_office(viewer) or is_cppcc_leader(viewer)):
            return None
        visible = model._default_manager.all()
    return visible.filter(pk=int(match["pk"])).first()


def prefill_from_source(source) -> dict:
    """Initial title and case text taken from the record a proposal starts from."""
    if source is None:
        return {}
    title = getattr(source, "title", "") or getattr(source, "subject", "") or str(source)
    text = ""
    for attr in ("body", "content", "description", "summary", "text"):
        value = getattr(source, attr, "")
        if isinstance(value, str) and value.strip():
            text = value
            break
    return {"title": str(title)[:200], "case": text}


@transaction.atomic
def create_proposal(
    *,
    actor,
    kind: str,
    title: str,
    case: str = "",
    analysis: str = "",
    suggestions: str = "",
    departments=(),
    is_urgent: bool = False,
    consents_to_conversion: bool = False,
    org_sector=None,
    org_party=None,
    org_body=None,
    source=None,
    cosigners=(),
) -> Proposal:
    """Start a draft proposal (individual, joint or collective), optionally from a source record."""
    if not (is_member(actor) or is_proposal_office(actor)):
        raise ActionForbidden(_("只有政协委员或提案委员会工作人员可以提出提案。"))
    member = member_of(actor)
    if kind not in Kind.values:
        raise Refused(_("请选择提案形式。"), fields={"kind": [_("请选择提案形式。")]})
    if kind != Kind.COLLECTIVE and member is None:
        raise Refused(_("个人提案和联名提案须由在任政协委员提出。"))
    if kind == Kind.COLLECTIVE and sum(x is not None for x in (org_sector, org_party, org_body)) != 1:
        msg = _("集体提案须以一个界别、党派团体或专门委员会的名义提出，请选择其中一个。")
        raise Refused(msg, fields={"org_sector": [msg]})
    if kind == Kind.COLLECTIVE:
        check_speaks_for(actor, org_sector=org_sector, org_party=org_party, org_body=org_body)
    proposal = Proposal(
        kind=kind,
        title=(title or "").strip()[:200],
        case=case,
        analysis=analysis,
        suggestions=suggestions,
        is_urgent=is_urgent,
        consents_to_conversion=consents_to_conversion,
        author=actor,
        member=member,
        org_sector=org_sector if kind == Kind.COLLECTIVE else None,
        org_party=org_party if kind == Kind.COLLECTIVE else None,
        org_body=org_body if kind == Kind.COLLECTIVE else None,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
    )
    if not proposal.title:
        raise Refused(_("请填写提案标题。"), fields={"title": [_("请填写提案标题。")]})
    proposal._history_user = actor
    proposal.full_clean()
    proposal.save()
    proposal.suggested_departments.set(departments)
    if kind == Kind.JOINT and cosigners:
        set_cosigners(proposal=proposal, members=cosigners, actor=actor)
    return proposal


def check_speaks_for(actor, **orgs) -> None:
    """A collective proposal is submitted in an organisation's name only by whoever may speak for it
    (`selectors.proposing_organisations`): a member for his own sector, party or group and special committee;
    the proposal office for any of them (an organisation's sealed paper proposal). The office, the research office
    and the proposal committee itself do not propose."""
    from proposals.selectors import proposing_bodies, proposing_organisations

    allowed = proposing_organisations(actor)
    for field, org in orgs.items():
        if org is None or allowed[field].filter(pk=org.pk).exists():
            continue
        if field == "org_body" and not proposing_bodies().filter(pk=org.pk).exists():
            msg = _("%(org)s不以自己的名义提出提案，请选择专门委员会。") % {"org": org}
        else:
            msg = _("您不是%(org)s的委员，不能以其名义提出集体提案；盖章的书面集体提案请交提案委员会录入。") % {
                "org": org
            }
        raise Refused(msg, fields={field: [msg]})


def _require_editable(proposal: Proposal, actor) -> None:
    if proposal.author_id != actor.pk:
        raise ActionForbidden(_("只有提案的提交人可以修改草稿。"))
    if proposal.status not in EDITABLE_STATES:
        raise Refused(
            _("提案当前状态为“%(state)s”，不能再修改。如需修改联名中的提案，请先撤回联名。")
            % {"state": proposal.get_status_display()}
        )


@transaction.atomic
def update_draft(*, proposal: Proposal, actor, expected_version: int, departments=None, **fields) -> Proposal:
    """Save the author's edits to a draft (autosave), refusing if someone saved a newer version."""
    _require_editable(proposal, actor)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise Refused(_("不能修改这些内容：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(proposal, name, value.strip()[:200] if name == "title" else value)
    if not proposal.title:
        raise Refused(_("请填写提案标题。"), fields={"title": [_("请填写提案标题。")]})
    save_versioned(proposal, expected_version=expected_version, actor=actor, fields=list(fields))
    if departments is not None:
        proposal.suggested_departments.set(departments)
    return proposal


def resolve_cosigner_names(text: str) -> list[Member]:
    """Turn "洪冬云、张彦" into active members, refusing names that are not (unambiguously) members."""
    names = [n.strip() for n in re.split(r"[,，、;；\s]+", text or "") if n.strip()]
    members = []
    for name in dict.fromkeys(names):
        found = list(Member.objects.filter(name=name, is_active=True)[:2])
        if not found:
            raise Refused(
                _("“%(name)s”不是在任政协委员，不能作为联名人。") % {"name": name},
                fields={"cosigners": [_("“%(name)s”不是在任政协委员。") % {"name": name}]},
            )
        if len(found) > 1:
            raise Refused(
                _("有多位委员名为“%(name)s”，请联系提案委员会确认。") % {"name": name},
                fields={"cosigners": [_("重名：%(name)s") % {"name": name}]},
            )
        members.append(found[0])
    return members


@transaction.atomic
def set_cosigners(*, proposal: Proposal, members, actor) -> list[ProposalSigner]:
    """Replace the co-signers of a joint draft; each must be an active member with an account."""
    _require_editable(proposal, actor)
    if proposal.kind != Kind.JOINT:
        raise Refused(_("只有联名提案需要联名人。"))
    chosen = []
    for member in members:
        if not isinstance(member, Member) or not member.is_active:
            raise Refused(
                _("所选联名人不是在任政协委员，不能联名。"), fields={"cosigners": [_("联名人须为在任政协委员。")]}
            )
        if member.pk == proposal.member_id:
            raise Refused(_("第一提案人不需要再作为联名人。"), fields={"cosigners": [_("不能选择自己。")]})
        if member.user_id is None or not is_member(member.user):
            raise Refused(
                _("委员%(name)s尚未开通平台账号，无法在线确认联名。") % {"name": member.name},
                fields={"cosigners": [_("%(name)s无平台账号。") % {"name": member.name}]},
            )
        if member not in chosen:
            chosen.append(member)
    proposal.signers.all().delete()
    rows = [ProposalSigner(proposal=proposal, member=m, user=m.user, order=i) for i, m in enumerate(chosen, start=1)]
    return ProposalSigner.objects.bulk_create(rows)


@transaction.atomic
def respond_cosign(*, proposal: Proposal, actor, accept: bool) -> ProposalSigner:
    """A co-signer confirms (or declines) a joint proposal online before the deadline."""
    signer = proposal.signers.select_for_update().filter(user=actor).first()
    if signer is None:
        raise ActionForbidden(_("您不在本提案的联名人之列。"))
    if proposal.status != Status.COSIGNING:
        raise Refused(_("本提案当前不在联名确认阶段。"))
    if not proposal.cosign_window_open:
        raise Refused(
            _("联名确认已于%(date)s截止。") % {"date": proposal.cosign_deadline.isoformat()},
        )
    signer.accepted = accept
    signer.responded_at = timezone.now()
    signer._history_user = actor
    signer.save(update_fields=["accepted", "responded_at"])
    # Each answer is a step of the proposal's timeline (who, when, which answer): the signers' table keeps the last.
    from core.services import record_status_change

    step = "cosign_accept" if accept else "cosign_decline"
    record_status_change(proposal, step, proposal.status, proposal.status, actor=actor)
    from notifications.services import notify

    notify(
        recipients=[proposal.author],
        event_key=f"proposal:{proposal.pk}:cosign:{signer.pk}:{int(accept)}",
        title=gettext_lazy("%(name)s已同意联名：%(title)s") if accept else gettext_lazy("%(name)s谢绝联名：%(title)s"),
        params={"name": signer.member.name, "title": proposal.title[:60]},
        target=proposal,
    )
    return signer


@transaction.atomic
def make_individual(*, proposal: Proposal, actor) -> Proposal:
    """Turn a joint draft into an individual proposal of its author (its co-signers declined or did not
    answer, say): the co-signers are dropped and the draft may then be submitted alone."""
    _require_editable(proposal, actor)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_editable(proposal, actor)
    if proposal.kind != Kind.JOINT:
        raise Refused(_("只有联名提案可以改为个人提案。"))
    proposal.signers.all().delete()
    proposal.kind = Kind.INDIVIDUAL
    proposal.cosign_deadline = None
    proposal.version += 1
    proposal._history_user = actor
    proposal.save(update_fields=["kind", "cosign_deadline", "version", "updated_at"])
    return proposal


def submit_offered(user, proposal: Proposal) -> bool:
    """Offer 提交提案 only when `guard_submit` lets it: a joint draft goes out for co-signing first (发起联名),
    and is submitted once its co-signers have answered (or the deadline has passed) with at least one
    confirmation. Meanwhile the page says what it waits for (`submit_waits`)."""
    if proposal.kind == Kind.JOINT and proposal.status == Status.DRAFT:
        return False
    return passes(guard_submit, proposal)


def invite_offered(user, proposal: Proposal) -> bool:
    """Offer 发起联名 only when `guard_invite` lets it: a complete joint draft with its co-signers."""
    return passes(guard_invite, proposal)


# What a joint proposal in co-signing waits for, in one line: who has not answered, until when.
COSIGN_WAITING = gettext_lazy("等待联名人确认：%(names)s（截止%(date)s）。全部答复或截止后即可提交。")


def submit_waits(proposal: Proposal) -> str:
    """One line for the author on what the draft or co-signing proposal waits for before it may be submitted
    (or, for a joint draft, sent out for co-signing), as the guards refuse it; "" when it may be now."""
    if proposal.status not in (Status.DRAFT, Status.COSIGNING):
        return ""
    if proposal.status == Status.COSIGNING and proposal.cosign_window_open:
        pending = proposal.signers.filter(accepted__isnull=True).select_related("member").order_by("order", "id")
        names = "、".join(s.member.name for s in pending)
        if names:
            deadline = proposal.cosign_deadline.isoformat() if proposal.cosign_deadline else "—"
            return str(COSIGN_WAITING % {"names": names, "date": deadline})
    joint_draft = proposal.kind == Kind.JOINT and proposal.status == Status.DRAFT
    try:
        (guard_invite if joint_draft else guard_submit)(proposal)
    except Refused as exc:
        return str(exc.message)
    return ""


def missing_parts(proposal: Proposal) -> dict:
    """Required parts (title, case, analysis, suggestions) left empty, as form errors."""
    labels = {name: Proposal._meta.get_field(name).verbose_name for name in REQUIRED_PARTS}
    return {
        name: [_("请填写%(part)s。") % {"part": labels[name]}]
        for name in REQUIRED_PARTS
        if not (getattr(proposal, name) or "").strip()
    }


def _require_complete(proposal: Proposal) -> None:
    missing = missing_parts(proposal)
    if missing:
        parts = "、".join(str(Proposal._meta.get_field(n).verbose_name) for n in missing)
        raise Refused(_("提案须包括标题、案由、分析和具体建议，尚缺：%(parts)s。") % {"parts": parts}, fields=missing)


def guard_invite(proposal: Proposal, **kwargs) -> None:
    """Only a complete joint draft with co-signers goes out for confirmation."""
    if proposal.kind != Kind.JOINT:
        raise Refused(_("只有联名提案需要发起联名。"))
    _require_complete(proposal)
    if not proposal.signers.exists():
        raise Refused(_("请先添加联名人。"), fields={"cosigners": [_("请先添加联名人。")]})


def on_invite(proposal: Proposal, *, actor, **kwargs) -> None:
    """Open the confirmation window and ask every co-signer afresh."""
    proposal.cosign_deadline = timezone.localdate() + timedelta(days=int(config.PROPOSAL_COSIGN_DAYS))
    proposal.save(update_fields=["cosign_deadline"])
    proposal.signers.update(accepted=None, responded_at=None)


def on_recall(proposal: Proposal, *, actor, **kwargs) -> None:
    """Back to editing: confirmations given for the old text no longer count."""
    proposal.cosign_deadline = None
    proposal.save(update_fields=["cosign_deadline"])
    proposal.signers.update(accepted=None, responded_at=None)


def guard_submit(proposal: Proposal, **kwargs) -> None:
    """Complete, one organisation for collective ones, co-signers settled for joint ones."""
    _require_complete(proposal)
    if proposal.kind != Kind.JOINT:
        return
    if proposal.status == Status.DRAFT:
        raise Refused(_("联名提案须先发起联名，由联名人在线确认后再提交。"))
    pending = proposal.signers.filter(accepted__isnull=True).count()
    if pending and proposal.cosign_window_open:
        raise Refused(
            _("尚有%(n)s位联名人未确认（截止%(date)s），请等待确认或截止后再提交。")
            % {"n": pending, "date": proposal.cosign_deadline.isoformat() if proposal.cosign_deadline else ""}
        )
    if not proposal.signers.filter(accepted=True).exists():
        raise Refused(_("没有联名人确认同意联名，可撤回后改为个人提案提交。"))


def session_for(year: int) -> Session | None:
    """The plenary session a proposal of this year is numbered in: the year's latest, else the last before it."""
    sessions = Session.objects.filter(term__is_current=True).order_by("-year", "-number")
    return sessions.filter(year=year).first() or sessions.filter(year__lte=year).first()


def on_submit(proposal: Proposal, *, actor, **kwargs) -> None:
    """Stamp the submission and the session it belongs to."""
    now = timezone.now()
    proposal.submitted_at = now
    if proposal.session_id is None:
        proposal.session = session_for(timezone.localtime(now).year)
    proposal.save(update_fields=["submitted_at", "session"])
    source = proposal.source
    if source is not None and source._meta.label_lower == "grassroots.dutyissue":
        from grassroots.services import record_proposal_from_issue

        proposal._history_user = actor
        record_proposal_from_issue(issue=source, proposal=proposal)


# Supporting material the author attaches to the draft (附件); the workflow's own attachments (a note's
# file on a status change) are the proposal's too, but of no kind.
SUPPORTING = "supporting"


def supporting_files(proposal: Proposal):
    """The author's supporting material of a proposal, oldest first."""
    from core.services import attachments_of

    return attachments_of(proposal).filter(kind=SUPPORTING, status_change__isnull=True)


@transaction.atomic
def attach_supporting_files(*, proposal: Proposal, actor, uploads) -> list:
    """Attach supporting material to the author's draft; each file is checked (type and size) and a
    refused one refuses them all (DomainError)."""
    from core.services import store_attachment

    _require_editable(proposal, actor)
    return [store_attachment(target=proposal, upload=u, actor=actor, kind=SUPPORTING) for u in uploads or () if u]


@transaction.atomic
def remove_supporting_file(*, proposal: Proposal, actor, token: str) -> None:
    """The author removes a file from the draft's supporting material (only while it is a draft)."""
    _require_editable(proposal, actor)
    attachment = supporting_files(proposal).filter(token=token).first()
    if attachment is None:
        raise Refused(_("附件不存在或已删除。"))
    discard_attachment(attachment)
