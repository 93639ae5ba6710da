"""Writes for 征集: collection rounds and topic suggestions (submit, merge, reject, materials)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.predicates import is_clerk, is_office
from accounts.roles import Role
from core.exceptions import ActionForbidden, Refused, passes
from core.i18n import recorded
from core.services import save_versioned, store_attachment
from core.workflow import perform
from notifications.services import notify
from topics import predicates as p
from topics.models import CollectionRound, RoundStatus, SuggestionStatus, TopicSuggestion

SUGGESTION_FIELDS = (
    "title",
    "background",
    "why_now",
    "suggested_format",
    "suggested_lead",
    "suggested_body",
    "body",
    "sector",
    "member",
)


def round_exists_message(rnd: CollectionRound) -> str:
    return _("%(year)s年度已发起议题征集“%(title)s”，每个年度只能发起一次。") % {"year": rnd.year, "title": rnd.title}


@transaction.atomic
def open_round(*, year: int, title: str, deadline, notice: str = "", actor) -> CollectionRound:
    """Open the call for topic suggestions for a year's plan and tell those who may suggest."""
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以发起议题征集。"))
    existing = CollectionRound.objects.filter(year=year).first()
    if existing:
        raise ValidationError({"year": round_exists_message(existing)}, code="round_exists")
    rnd = CollectionRound(year=year, title=title, deadline=deadline, notice=notice, created_by=actor)
    rnd.full_clean()
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("截止日期不能早于今天。")})
    rnd._history_user = actor
    rnd.save()
    from topics.selectors import users_with_roles

    transaction.on_commit(
        lambda: notify(
            recipients=users_with_roles(Role.MEMBER, Role.STANDING_MEMBER),
            event_key=f"round-open:{rnd.pk}",
            title=gettext_lazy("%(title)s：请于%(date)s前提出议题建议"),
            params={"title": rnd.title, "date": rnd.deadline},
            body=rnd.notice,
            target=rnd,
        )
    )
    return rnd


@transaction.atomic
def update_round(*, rnd: CollectionRound, title: str, deadline, notice: str, actor) -> CollectionRound:
    """Change a round's title, deadline or notice."""
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以修改议题征集。"))
    if rnd.status == RoundStatus.OPEN and deadline != rnd.deadline and deadline < timezone.localdate():
        # An open round with a past deadline would refuse every suggestion while still showing as open.
        raise ValidationError({"deadline": _("截止日期不能早于今天。")})
    rnd.title, rnd.deadline, rnd.notice = title, deadline, notice
    rnd.full_clean()
    rnd._history_user = actor
    rnd.save()
    return rnd


def refuse_if_plan_past_drafting(rnd: CollectionRound) -> None:
    """A round feeds its year's plan only while the plan is drafted: once it has gone for approval (or
    been published) its items are fixed, so a new suggestion could never enter it."""
    from topics.selectors import plan_past_drafting

    plan = plan_past_drafting(rnd)
    if plan is not None:
        raise Refused(
            _("%(year)s年度协商计划已提交审定（现为“%(state)s”），“%(round)s”不再接收议题建议。")
            % {"year": plan.year, "state": plan.get_status_display(), "round": rnd.title}
        )


def close_round_for_plan(plan, *, actor) -> None:
    """Close the year's round, on the record, when its plan goes for approval (the plan's submit effect)."""
    from topics.selectors import round_of

    rnd = round_of(plan)
    if rnd is None or rnd.status != RoundStatus.OPEN:
        return
    note = recorded(gettext_lazy("“%(plan)s”已提交审定，议题征集随之截止。"), {"plan": plan.title})
    perform(rnd, "close", actor=actor, note=note)


def on_close_round(rnd: CollectionRound, *, actor, note: str, change, **kwargs) -> None:
    """A round closed before its announced deadline (by hand, or by its plan's submission): whoever was
    asked to suggest until then is told, and those with unsubmitted drafts that these can no longer go in."""
    if rnd.deadline <= timezone.localdate():
        return
    from topics.selectors import users_with_roles

    drafters = set(
        TopicSuggestion.objects.filter(round=rnd, status=SuggestionStatus.DRAFT).values_list("suggester_id", flat=True)
    )
    drafters.discard(actor.pk)
    invited = users_with_roles(Role.MEMBER, Role.STANDING_MEMBER).exclude(pk__in=[*drafters, actor.pk])
    words = {"round": rnd.title, "date": rnd.deadline}
    event_key = f"round-closed-early:{change.pk}"

    def tell() -> None:
        notify(
            recipients=invited,
            event_key=event_key,
            title=gettext_lazy("“%(round)s”已提前截止（原定%(date)s截止），不再接收议题建议"),
            params=words,
            body=note,
            target=rnd,
        )
        notify(
            recipients=User.objects.filter(pk__in=drafters),
            event_key=event_key,
            title=gettext_lazy("“%(round)s”已提前截止（原定%(date)s截止），您尚未提交的议题建议草稿不能再提交"),
            params=words,
            body=note,
            target=rnd,
        )

    transaction.on_commit(tell)


def reopen_offered(user, rnd: CollectionRound) -> bool:
    """重新开放征集 is not offered once the year's plan has gone for approval (its guard would refuse it)."""
    return passes(refuse_if_plan_past_drafting, rnd)


def guard_reopen_round(rnd: CollectionRound, **kwargs) -> None:
    refuse_if_plan_past_drafting(rnd)
    if rnd.deadline < timezone.localdate():
        raise Refused(_("截止日期已过，请先把截止日期改到今天或以后，再重新开放征集。"))


@transaction.atomic
def create_suggestion(
    *,
    round: CollectionRound,
    title: str,
    background: str,
    suggester,
    why_now: str = "",
    suggested_format=None,
    departments=(),
    suggested_lead=None,
    suggested_body=None,
    body=None,
    sector=None,
    member=None,
    source=None,
    submit: bool = False,
) -> TopicSuggestion:
    """Record a topic suggestion (draft, or submitted at once); `source` links the appeal or hot topic behind it."""
    if source is None and not p.can_suggest(suggester):
        raise ActionForbidden(_("您没有提出议题建议的权限。"))
    refuse_if_plan_past_drafting(round)
    if not round.accepting:
        raise Refused(_("“%(round)s”已截止，不能再提出建议。") % {"round": round})
    _check_speaks_for(suggester, body=body, sector=sector)
    if member is None and body is None and sector is None:
        member = getattr(suggester, "member", None)
    suggestion = TopicSuggestion(
        round=round,
        title=title.strip(),
        background=background.strip(),
        why_now=why_now.strip(),
        suggested_format=suggested_format,
        suggested_lead=suggested_lead,
        suggested_body=suggested_body,
        suggester=suggester,
        body=body,
        sector=sector,
        member=member,
    )
    if source is not None:
        suggestion.source_type = ContentType.objects.get_for_model(source)
        suggestion.source_id = source.pk
    suggestion.full_clean()
    suggestion._history_user = suggester
    suggestion.save()
    suggestion.departments.set(departments)
    if submit:
        perform(suggestion, "submit", actor=suggester)
    return suggestion


def _check_speaks_for(actor, *, body, sector) -> None:
    """A member suggests in the name of their own committee or sector only; the office records for any."""
    if is_office(actor):
        return
    member = getattr(actor, "member", None)
    errors = {}
    if body is not None and getattr(member, "body_id", None) != body.pk:
        errors["body"] = [_("只能以您所在的委处名义提出。")]
    if sector is not None and getattr(member, "sector_id", None) != sector.pk:
        errors["sector"] = [_("只能以您所在的界别名义提出。")]
    if errors:
        raise Refused(next(iter(errors.values()))[0], fields=errors)


@transaction.atomic
def update_suggestion(*, suggestion: TopicSuggestion, expected_version: int, actor, departments=None, **fields):
    """Edit a draft suggestion (its suggester only), refusing if someone saved a newer version meanwhile."""
    if suggestion.suggester_id != actor.pk:
        raise ActionForbidden(_("只有提出人可以修改该建议。"))
    if suggestion.status != SuggestionStatus.DRAFT:
        raise Refused(_("建议已提交，不能再修改。"))
    unknown = set(fields) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {unknown}")
    _check_speaks_for(actor, body=fields.get("body"), sector=fields.get("sector"))
    for name, value in fields.items():
        setattr(suggestion, name, value.strip() if isinstance(value, str) else value)
    suggestion.full_clean()
    save_versioned(suggestion, expected_version=expected_version, actor=actor, fields=list(fields))
    if departments is not None:
        suggestion.departments.set(departments)
    return suggestion


@transaction.atomic
def attach_material(*, suggestion: TopicSuggestion, upload, actor):
    """Add supporting material: the suggester before screening, or the office at any time."""
    own = suggestion.suggester_id == actor.pk and suggestion.status in (
        SuggestionStatus.DRAFT,
        SuggestionStatus.SUBMITTED,
    )
    if not (own or is_clerk(actor)):
        raise ActionForbidden(_("您不能为该建议添加材料。"))
    return store_attachment(target=suggestion, upload=upload, actor=actor, kind="material")


def guard_submit(suggestion: TopicSuggestion, **kwargs) -> None:
    refuse_if_plan_past_drafting(suggestion.round)
    if not suggestion.round.accepting:
        raise Refused(_("“%(round)s”已截止，不能再提交建议。") % {"round": suggestion.round})


def on_submit(suggestion: TopicSuggestion, **kwargs) -> None:
    suggestion.submitted_at = timezone.now()
    suggestion.save(update_fields=["submitted_at"])


def _merge_target(suggestion: TopicSuggestion, data: dict) -> TopicSuggestion:
    from topics.selectors import merge_candidates

    raw = data.get("into")
    try:
        pk = int(raw.pk if isinstance(raw, TopicSuggestion) else raw)
    except (TypeError, ValueError):
        raise Refused(_("请选择要并入的建议。"), fields={"into": _("请选择要并入的建议。")}) from None
    target = merge_candidates(suggestion).filter(pk=pk).first()
    if target is None:
        raise Refused(_("只能并入同一征集中尚未处理完的其他建议。"), fields={"into": _("请选择其他建议。")})
    return target


def guard_merge(suggestion: TopicSuggestion, *, data: dict, **kwargs) -> None:
    _merge_target(suggestion, data)


def on_merge(suggestion: TopicSuggestion, *, data: dict, actor, **kwargs) -> None:
    """Point the duplicate at the kept suggestion; the kept one gains its departments (both origins stay)."""
    target = _merge_target(suggestion, data)
    suggestion.merged_into = target
    suggestion._history_user = actor
    suggestion.save(update_fields=["merged_into"])
    target.departments.add(*suggestion.departments.all())


def on_reject(suggestion: TopicSuggestion, *, note: str, actor, **kwargs) -> None:
    suggestion.rejection_reason = note
    suggestion._history_user = actor
    suggestion.save(update_fields=["rejection_reason"])


def origins_of(suggestion: TopicSuggestion) -> list[TopicSuggestion]:
    """The suggestion and every duplicate merged into it (recursively): all origins of one topic."""
    out, todo = [], [suggestion]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(current.merged_from.all())
    return out
