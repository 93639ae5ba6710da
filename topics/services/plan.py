"""Writes for the draft plan: items, versions, the three offices' sign-offs, the leader's review."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_clerk, is_gov_office, is_party_office
from accounts.roles import Role
from core.exceptions import ActionForbidden, Refused, passes
from core.i18n import join_list, recorded
from core.services import save_versioned
from core.workflow import perform
from district.models import TOPIC_LEAD_POSITIONS
from notifications.services import notify
from notifications.wording import Phrase
from topics import chain
from topics.models import (
    ConsultationPlan,
    LeaderReview,
    OfficeSignOff,
    PlanItem,
    PlanStatus,
    PlanVersion,
    PlanVote,
    SignOffItemComment,
    SuggestionStatus,
    TopicSuggestion,
)
from topics.models.plan import Office

ITEM_FIELDS = ("order", "title", "format", "quarter", "month", "lead_member", "lead_body", "notes")
LEAD_POSITIONS = TOPIC_LEAD_POSITIONS  # one rule with the research group's lead (district.models)


class PlanExists(Refused):
    """A year has one plan only; the refusal names the plan that already holds the year."""

    code = "plan_exists"
    status = 409

    def __init__(self, plan: ConsultationPlan):
        self.plan = plan
        message = plan_exists_message(plan)
        super().__init__(message, fields={"year": [message], "existing_plan": plan.pk})


def plan_exists_message(plan: ConsultationPlan) -> str:
    return _("%(year)s年度已有协商计划《%(title)s》（%(state)s），每个年度只能有一份协商计划。") % {
        "year": plan.year,
        "title": plan.title,
        "state": plan.get_status_display(),
    }


def round_year_message(round, year) -> str:
    return _("所选议题征集“%(round)s”属于%(round_year)s年度，与计划年度%(year)s不一致。") % {
        "round": round.title,
        "round_year": round.year,
        "year": year,
    }


def _require_clerk(actor) -> None:
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以编制协商计划。"))


def _require_editable(plan: ConsultationPlan) -> None:
    if not plan.is_editable:
        raise Refused(_("计划当前处于“%(state)s”，不能修改议题。") % {"state": plan.get_status_display()})


@transaction.atomic
def create_plan(*, year: int, title: str, actor, preamble: str = "", round=None) -> ConsultationPlan:
    """Start the draft plan of a year."""
    _require_clerk(actor)
    existing = ConsultationPlan.objects.filter(year=year).first()
    if existing:
        raise PlanExists(existing)
    if round is not None and round.year != year:
        raise ValidationError({"round": round_year_message(round, year)})
    plan = ConsultationPlan(year=year, title=title, preamble=preamble, round=round, created_by=actor)
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    return plan


_KEEP = object()


def _check_round(plan: ConsultationPlan, round) -> None:
    """A draft's round may be corrected, to the plan year's round (as on creation) or none; not once the
    plan has gone for approval, and not to a round its items' origins do not come from."""
    if plan.status != PlanStatus.DRAFT:
        message = _("计划当前处于“%(state)s”，只有草稿可以更改所属议题征集。") % {"state": plan.get_status_display()}
        raise Refused(message, fields={"round": [message]})
    if round is None:
        return
    if round.year != plan.year:
        raise ValidationError({"round": round_year_message(round, plan.year)})
    other_rounds = TopicSuggestion.objects.exclude(round=round)
    stray = PlanItem.objects.filter(plan=plan, origins__in=other_rounds).order_by("order").first()
    if stray is not None:
        raise ValidationError(
            {
                "round": _("议题“%(item)s”的来源建议不属于“%(round)s”：请先修改该议题的来源建议。")
                % {"item": stray.title, "round": round.title}
            }
        )


@transaction.atomic
def update_plan(
    *, plan: ConsultationPlan, expected_version: int, actor, title: str, preamble: str, round=_KEEP
) -> ConsultationPlan:
    """Edit the plan's title and preamble (optimistic locking), and while it is a draft its round."""
    _require_clerk(actor)
    _require_editable(plan)
    fields = ["title", "preamble"]
    # Compared with the stored round: a bound model form has already set the new one on `plan`.
    stored = ConsultationPlan.objects.values_list("round_id", flat=True).get(pk=plan.pk)
    if round is not _KEEP and getattr(round, "pk", None) != stored:
        _check_round(plan, round)
        plan.round = round
        fields.append("round")
    plan.title, plan.preamble = title, preamble
    plan.full_clean()
    return save_versioned(plan, expected_version=expected_version, actor=actor, fields=fields)


def _clean_item(item: PlanItem) -> None:
    errors = {}
    if item.quarter and item.month and item.quarter != (item.month - 1) // 3 + 1:
        errors["month"] = _("月份与季度不一致。")
    if item.lead_member_id and item.lead_member.position not in LEAD_POSITIONS:
        errors["lead_member"] = _("牵头领导应为主席或副主席。")
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["plan"])


def _adopt_origins(item: PlanItem, origins, actor) -> None:
    item.origins.add(*origins)
    for suggestion in origins:
        if suggestion.status in (SuggestionStatus.SUBMITTED, SuggestionStatus.SHORTLISTED):
            note = recorded(gettext_lazy("列入“%(plan)s”"), {"plan": item.plan})
            perform(suggestion, "adopt", actor=actor, note=note)


def _release_origins(plan: ConsultationPlan, suggestions, actor) -> None:
    """Suggestions no item names any more go back to the shortlist (audited), so that the office can
    list, merge or reject them again."""
    for suggestion in suggestions:
        suggestion.refresh_from_db()
        if suggestion.status == SuggestionStatus.ADOPTED and not suggestion.plan_items.exists():
            note = recorded(gettext_lazy("移出“%(plan)s”"), {"plan": plan})
            perform(suggestion, "unadopt", actor=actor, note=note)


@transaction.atomic
def add_item(*, plan: ConsultationPlan, actor, departments=(), origins=(), **fields) -> PlanItem:
    """Add a topic to the draft plan; the suggestions it comes from are marked as adopted."""
    _require_clerk(actor)
    _require_editable(plan)
    if fields.get("order") is None:
        from topics.selectors import next_item_order

        fields["order"] = next_item_order(plan)
    item = PlanItem(plan=plan, **{k: v for k, v in fields.items() if k in ITEM_FIELDS})
    _clean_item(item)
    item._history_user = actor
    item.save()
    _place(item, was=None, actor=actor)
    item.departments.set(departments)
    _adopt_origins(item, list(origins), actor)
    return item


@transaction.atomic
def update_item(*, item: PlanItem, expected_version: int, actor, departments=None, origins=None, **fields) -> PlanItem:
    """Edit one item; refused with who changed it and when if another clerk saved it first."""
    _require_clerk(actor)
    _require_editable(item.plan)
    # Compared with the stored order: a bound model form has already set the new one on `item`.
    was = PlanItem.objects.values_list("order", flat=True).get(pk=item.pk)
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise ValueError(f"not editable: {name}")
        setattr(item, name, value)
    _clean_item(item)
    save_versioned(item, expected_version=expected_version, actor=actor, fields=list(fields))
    if "order" in fields:
        _place(item, was=was, actor=actor)
    if departments is not None:
        item.departments.set(departments)
    if origins is not None:
        origins = list(origins)
        before = list(item.origins.all())
        item.origins.set(origins)
        _adopt_origins(item, [o for o in origins if o not in before], actor)
        _release_origins(item.plan, [o for o in before if o not in origins], actor)
    return item


@transaction.atomic
def delete_item(*, item: PlanItem, actor) -> None:
    """Take an item out of the working copy (earlier versions keep it)."""
    _require_clerk(actor)
    _require_editable(item.plan)
    plan, origins = item.plan, list(item.origins.all())
    item._history_user = actor
    item.delete()
    _number(list(plan.items.order_by("order", "id")), actor=actor)
    _release_origins(plan, origins, actor)


def _place(item: PlanItem, *, was: int | None, actor) -> None:
    """序号 is the item's place in the plan's table (1, 2, 3 … as the formal document numbers them): an
    order another item holds puts this one there and moves that one and those after it down a place
    (up, when this item moved down past them); an order past the end puts it last."""
    others = list(item.plan.items.exclude(pk=item.pk).order_by("order", "id"))
    if was is not None and was < item.order:
        before = [o for o in others if o.order <= item.order]
    else:
        before = [o for o in others if o.order < item.order]
    _number([*before, item, *others[len(before) :]], actor=actor, placed=item)


def _number(items: list[PlanItem], *, actor, placed: PlanItem | None = None) -> None:
    """Number the items 1..n in the given order, on the record. The others moved get a new version, so
    that a form opened on them before is refused rather than putting back their old order."""
    for n, item in enumerate(items, start=1):
        if item.order == n:
            continue
        item.order = n
        item._history_user = actor
        fields = ["order", "updated_at"]
        if item is not placed:
            item.version += 1
            fields.append("version")
        item.save(update_fields=fields)


def snapshot(plan: ConsultationPlan) -> list[dict]:
    """The working copy as plain data, in the shape stored in a PlanVersion."""
    from topics.selectors import items_of

    return [
        {
            "id": item.pk,
            "order": item.order,
            "title": item.title,
            "format": item.format.name,
            "format_code": item.format.code,
            "quarter": item.quarter,
            "month": item.month,
            "timing": item.timing,
            "lead_member": item.lead_member.name if item.lead_member else "",
            "lead_title": item.lead_member.title if item.lead_member else "",
            "lead_body": item.lead_body.name if item.lead_body else "",
            "departments": [d.name for d in item.departments.all()],
            "origins": [o.title for o in item.origins.all()],
            "notes": item.notes,
        }
        for item in items_of(plan)
    ]


def same_items(a: list[dict], b: list[dict]) -> bool:
    """Whether two snapshots hold the same items. The worded timing is left out: it follows from the
    quarter and month, in the language of whoever took the snapshot."""

    def plain(items):
        return [{k: v for k, v in i.items() if k != "timing"} for i in items]

    return plain(a) == plain(b)


def has_unversioned_changes(plan: ConsultationPlan) -> bool:
    """Whether the working copy differs from the current version."""
    return plan.current_version is None or not same_items(plan.current_version.items, snapshot(plan))


@transaction.atomic
def cut_version(*, plan: ConsultationPlan, actor, note: str = "") -> PlanVersion:
    """Freeze the working copy as the next version; the offices sign versions, not the working copy."""
    _require_clerk(actor)
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
    _require_editable(plan)
    items = snapshot(plan)
    if not items:
        raise Refused(_("计划还没有议题。"))
    if plan.current_version is not None and same_items(plan.current_version.items, items):
        raise Refused(_("与当前版本（%(v)s）相比没有修改，无需生成新版本。") % {"v": plan.current_version})
    number = (plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, items=items, stage=plan.status, note=note.strip(), author=actor
    )
    plan.current_version = version
    plan._history_user = actor
    plan.save(update_fields=["current_version", "updated_at"])
    if plan.status == PlanStatus.JOINT:
        _ask_offices_to_sign(plan, version, actor)
    return version


def _ask_offices_to_sign(plan: ConsultationPlan, version: PlanVersion, actor) -> None:
    """A new version at the joint meeting needs every office's sign-off again: tell the offices."""
    from topics.selectors import users_with_roles

    words = {"plan": plan, "version": Phrase(gettext_lazy("第%(n)s稿"), {"n": version.number})}
    transaction.on_commit(
        lambda: notify(
            recipients=users_with_roles(Role.PARTY_OFFICE, Role.GOV_OFFICE, Role.CLERK).exclude(pk=actor.pk),
            event_key=f"plan-version:{version.pk}",
            title=gettext_lazy("%(plan)s%(version)s已形成，请会签"),
            params=words,
            body=version.note,
            target=plan,
        )
    )


def office_of(user) -> str | None:
    """Which of the three offices the user signs for."""
    if is_party_office(user):
        return Office.PARTY
    if is_gov_office(user):
        return Office.GOV
    if is_clerk(user):
        return Office.CPPCC
    return None


def missing_signoffs(version: PlanVersion | None) -> list[str]:
    """Labels of the offices that have not agreed to this version."""
    agreed = set(version.signoffs.filter(agreed=True).values_list("office", flat=True)) if version else set()
    return [str(label) for value, label in Office.choices if value not in agreed]


@transaction.atomic
def sign_off(
    *, version: PlanVersion, actor, agreed: bool, comment: str = "", item_comments: dict | None = None
) -> OfficeSignOff:
    """One office agrees to the current version, or sends comments (per item) asking for changes."""
    office = office_of(actor)
    if office is None:
        raise ActionForbidden(_("只有区委办、区政府办和区政协办可以会签。"))
    plan = ConsultationPlan.objects.select_for_update().get(pk=version.plan_id)
    if plan.status != PlanStatus.JOINT:
        raise Refused(_("计划不在三办联席会修改阶段，不能会签。"))
    if plan.current_version_id != version.pk:
        raise Refused(_("只能会签当前版本（%(v)s）。") % {"v": plan.current_version})
    if version.signoffs.filter(office=office).exists():
        raise Refused(_("%(office)s已会签该版本，不能重复会签。") % {"office": Office(office).label})
    item_comments = {int(k): v.strip() for k, v in (item_comments or {}).items() if v and v.strip()}
    if not agreed and not comment.strip() and not item_comments:
        raise ValidationError({"comment": _("不同意时请填写修改意见。")})
    items = {i.pk: i for i in plan.items.filter(pk__in=item_comments)}
    if set(item_comments) - set(items):
        raise ValidationError({"item_comments": _("意见针对的议题不在本计划中。")})
    signoff = OfficeSignOff.objects.create(
        version=version, office=office, agreed=agreed, comment=comment.strip(), signed_by=actor
    )
    SignOffItemComment.objects.bulk_create(
        SignOffItemComment(signoff=signoff, item=items[pk], item_title=items[pk].title, text=text)
        for pk, text in item_comments.items()
    )
    _tell_clerks_of_signoff(plan, signoff)
    return signoff


def _tell_clerks_of_signoff(plan: ConsultationPlan, signoff: OfficeSignOff) -> None:
    from topics.selectors import users_with_roles

    verdict = gettext_lazy("同意") if signoff.agreed else gettext_lazy("提出修改意见")
    words = {
        "office": Office(signoff.office).label,
        "plan": plan,
        "version": Phrase(gettext_lazy("第%(n)s稿"), {"n": signoff.version.number}),
        "verdict": verdict,
    }
    transaction.on_commit(
        lambda: notify(
            recipients=users_with_roles(Role.CLERK).exclude(pk=signoff.signed_by_id),
            event_key=f"signoff:{signoff.pk}",
            title=gettext_lazy("%(office)s对%(plan)s%(version)s%(verdict)s"),
            params=words,
            body=signoff.comment,
            target=plan,
        )
    )


def guard_submit(plan: ConsultationPlan, **kwargs) -> None:
    if not plan.items.exists():
        raise Refused(_("计划还没有议题，不能提交。"))


def on_submit(plan: ConsultationPlan, *, actor, note: str, **kwargs) -> None:
    """Submitting freezes the draft as a version (unless it is unchanged since the last one) and closes
    the year's collection round: no suggestion can enter the plan from now on."""
    from topics.services.suggestions import close_round_for_plan

    close_round_for_plan(plan, actor=actor)
    if has_unversioned_changes(plan):
        version = PlanVersion.objects.create(
            plan=plan,
            number=(plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1,
            items=snapshot(plan),
            stage=PlanStatus.DRAFT,
            note=note or recorded(gettext_lazy("提交稿")),
            author=actor,
        )
        plan.current_version = version
        plan.save(update_fields=["current_version"])


def guard_joint_agree(plan: ConsultationPlan, **kwargs) -> None:
    """定稿 needs the current version complete, agreed by the three offices, and not one the party leader
    returned or the standing committee voted down: that version goes back revised, as a new version
    signed again. A meeting closed for lack of quorum took no vote, so it does not count as voted down."""
    if has_unversioned_changes(plan):
        raise Refused(_("有尚未形成版本的修改：请先生成新版本，并请三办会签。"))
    if plan.leader_reviews.filter(version=plan.current_version, decision=LeaderReview.Decision.RETURN).exists():
        raise Refused(_("区委领导已退回%(v)s：请按批示修改，形成新版本后再定稿。") % {"v": plan.current_version})
    if plan.votes.filter(version=plan.current_version, result=PlanVote.Result.FAILED).exists():
        raise Refused(
            _("%(v)s未获常委会表决通过：请修改计划，形成新版本并经三办会签后再定稿。") % {"v": plan.current_version}
        )
    missing = missing_signoffs(plan.current_version)
    if missing:
        raise Refused(
            _("三办会签未齐：%(version)s尚缺%(offices)s同意。")
            % {"version": plan.current_version, "offices": join_list(missing)}
        )


def joint_agree_offered(user, plan: ConsultationPlan) -> bool:
    """三办联席会定稿 is offered once the current version is complete and agreed by the three offices."""
    return passes(guard_joint_agree, plan)


def _review(plan: ConsultationPlan, decision: str, actor, note: str) -> None:
    LeaderReview.objects.create(
        plan=plan, version=plan.current_version, decision=decision, instructions=note, reviewer=actor
    )


def on_leader_approve(plan: ConsultationPlan, *, actor, note: str, **kwargs) -> None:
    _review(plan, LeaderReview.Decision.APPROVE, actor, note)


def on_leader_return(plan: ConsultationPlan, *, actor, note: str, change, **kwargs) -> None:
    _review(plan, LeaderReview.Decision.RETURN, actor, note)
    tell_returned(plan, actor=actor, note=note, change=change)


def tell_returned(plan: ConsultationPlan, *, actor, note: str, change, **kwargs) -> None:
    """Whoever revises a returned plan is told that it came back, by which step and why (the return's
    note), not only that it waits for them."""
    from core.workflow import workflow_for
    from topics.selectors import plan_holders

    action = workflow_for(plan).action(change.action)
    words = {"plan": plan, "action": action.label, "state": PlanStatus(change.to_state).label}
    transaction.on_commit(
        lambda: notify(
            recipients=[u for u in plan_holders(plan, change.to_state) if u.pk != actor.pk],
            event_key=f"status:{change.pk}",
            title=gettext_lazy("“%(plan)s”%(action)s，待您处理：%(state)s"),
            params=words,
            body=note,
            target=plan,
        )
    )


def open_instructions(plan: ConsultationPlan) -> LeaderReview | None:
    """The leader's latest return instructions while the plan is being revised after them."""
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.JOINT):
        return None
    last = plan.leader_reviews.select_related("reviewer", "version").order_by("-created_at", "-id").first()
    return last if last and last.decision == LeaderReview.Decision.RETURN else None


def chain_labels() -> list[str]:
    """The configured approval steps as labels, for the plan page."""
    return [str(PlanStatus(chain.STEP_STATE[s]).label) for s in chain.approval_chain()]
