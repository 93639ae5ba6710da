"""The searchable kinds: appeals, opinion reports, meetings (minutes), outcome items, proposals,
topic suggestions and plan items.

Visibility comes from the owning app's selector when it has one (`intake.selectors.appeals_visible_to`,
the workflow's `visible`, or `core.visibility`); until then a conservative rule applies here:
the office and the committee's leaders see everything, others only what is theirs.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.predicates import can_see_contacts, is_dept_liaison
from analytics.registry import SearchKind, register_kind

TRACKING_CODE_LENGTH = 8  # intake's codes: XXXX-XXXX


def owner_selector(model_label: str, selector_path: str):
    """The owning app's visibility selector, if it has one (import path, workflow, core.visibility)."""
    from django.apps import apps

    try:
        return import_string(selector_path)
    except ImportError:
        pass
    from core.visibility import visibility_for

    return visibility_for(apps.get_model(model_label))


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _sees_all(user) -> bool:
    return _authenticated(user) and bool(can_see_contacts(user))


def appeals_visible_to(user) -> QuerySet:
    """Appeals a user may open (intake's selector once it exists)."""
    from intake.models import Appeal

    owner = owner_selector("intake.Appeal", "intake.selectors.appeals_visible_to")
    if owner is not None:
        return owner(user)
    if not _authenticated(user):
        return Appeal.objects.none()
    if _sees_all(user):
        return Appeal.objects.all()
    q = Q(citizen=user)
    if is_dept_liaison(user) and user.department_id:
        q |= Q(department_id=user.department_id)
    return Appeal.objects.filter(q)


def reports_visible_to(user) -> QuerySet:
    """Opinion reports a user may open (the opinions app's selector once it exists)."""
    from opinions.models import OpinionReport

    owner = owner_selector("opinions.OpinionReport", "opinions.selectors.reports_visible_to")
    if owner is not None:
        return owner(user)
    if not _authenticated(user):
        return OpinionReport.objects.none()
    if _sees_all(user):
        return OpinionReport.objects.all()
    return OpinionReport.objects.filter(author=user)


def meetings_visible_to(user) -> QuerySet:
    """Meetings a user may open: the office and leaders, and everyone invited."""
    from consultations.models import Meeting

    owner = owner_selector("consultations.Meeting", "consultations.selectors.meetings_visible_to")
    if owner is not None:
        return owner(user)
    if not _authenticated(user):
        return Meeting.objects.none()
    if _sees_all(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(Q(participants__user=user) | Q(participants__member__user=user)).distinct()


def outcome_items_visible_to(user) -> QuerySet:
    """Outcome items: those of visible meetings, and those a liaison's department is responsible for."""
    from consultations.models import OutcomeItem

    if not _authenticated(user):
        return OutcomeItem.objects.none()
    q = Q(meeting__in=meetings_visible_to(user).values("pk"))
    if is_dept_liaison(user) and user.department_id:
        q |= Q(responsible_department_id=user.department_id) | Q(co_departments=user.department_id)
    return OutcomeItem.objects.filter(q).distinct()


def proposals_visible_to(user) -> QuerySet:
    """Proposals: the proposals app's own rule (own and co-signed; filed ones for members; assigned ones
    for a liaison's department; never someone else's draft)."""
    from proposals.selectors import proposals_visible_to as owner

    return owner(user)


def suggestions_visible_to(user) -> QuerySet:
    """Topic suggestions: topics' rule (own ones; the office side sees submitted ones, never drafts)."""
    from topics.selectors import suggestions_visible_to as owner

    return owner(user)


def plan_items_visible_to(user) -> QuerySet:
    """Plan items: those of the plans the user may see (topics' rule: published plans for everyone)."""
    from topics.models import PlanItem
    from topics.selectors import plans_visible_to

    return PlanItem.objects.filter(plan__in=plans_visible_to(user).values("pk"))


def _proposal_text(p) -> str:
    return "\n".join(filter(None, [p.case, p.analysis, p.suggestions]))


def absolute_url(obj) -> str:
    """The record's own page, or '' while its app has no page yet."""
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return ""


def appeal_url(obj) -> str:
    """The appeal's page in intake, else its analysis page here."""
    return absolute_url(obj) or reverse("analytics:appeal", args=[obj.pk])


def appeal_code(query: str) -> Q | None:
    """The appeal whose tracking code the whole query is (any case, with or without the dash)."""
    code = re.sub(r"[^0-9A-Z]", "", query.upper())
    if len(code) != TRACKING_CODE_LENGTH:
        return None
    return Q(tracking_code=f"{code[:4]}-{code[4:]}")


def outcome_item_url(obj) -> str:
    return absolute_url(obj) or absolute_url(obj.meeting)


def _place(obj) -> str:
    community = getattr(obj, "community", None)
    town = getattr(obj, "town", None)
    return str(community or town or "")


def _meeting_minutes(meeting) -> str:
    # Outcome items are the agreed part of the minutes; the consultations app may add minutes text.
    items = "\n".join(i.recommendation + " " + i.agreed_action for i in meeting.outcome_items.all())
    return "\n".join(filter(None, [getattr(meeting, "minutes", "") or "", items]))


def register_defaults() -> None:
    """Register the kinds whose models exist on main (called from AnalyticsConfig.ready)."""
    register_kind(
        SearchKind(
            key="appeal",
            label=_("群众诉求"),
            model="intake.Appeal",
            title="title",
            text_fields=("body",),
            visible=appeals_visible_to,
            url=appeal_url,
            queryset=lambda: _appeals_for_index(),
            town=lambda a: a.town,
            hot_topics=True,
            place=_place,
            support=lambda a: 0,
            code=appeal_code,
        )
    )
    register_kind(
        SearchKind(
            key="opinion_report",
            label=_("社情民意信息"),
            model="opinions.OpinionReport",
            title="title",
            text_fields=("body",),
            visible=reports_visible_to,
            url=absolute_url,
            hot_topics=True,
            place=lambda r: "",
            support=lambda r: 0,
        )
    )
    register_kind(
        SearchKind(
            key="meeting",
            label=_("会议与纪要"),
            model="consultations.Meeting",
            title="title",
            text_fields=("agenda", _meeting_minutes),
            visible=meetings_visible_to,
            url=absolute_url,
            queryset=lambda: _meetings_for_index(),
            created_field="starts_at",
            town=lambda m: m.town,
            depends_on=(("consultations.OutcomeItem", lambda item: item.meeting),),
        )
    )
    register_kind(
        SearchKind(
            key="outcome_item",
            label=_("协商成果事项"),
            model="consultations.OutcomeItem",
            title=lambda i: i.recommendation[:80],
            text_fields=("recommendation", "agreed_action"),
            visible=outcome_items_visible_to,
            url=outcome_item_url,
            queryset=lambda: _outcome_items_for_index(),
            town=lambda i: i.meeting.town,
        )
    )

    register_kind(
        SearchKind(
            key="proposal",
            label=_("提案"),
            model="proposals.Proposal",
            title="title",
            text_fields=(_proposal_text,),
            visible=proposals_visible_to,
            url=absolute_url,
        )
    )
    register_kind(
        SearchKind(
            key="topic_suggestion",
            label=_("议题建议"),
            model="topics.TopicSuggestion",
            title="title",
            text_fields=("background", "why_now"),
            visible=suggestions_visible_to,
            url=absolute_url,
        )
    )
    register_kind(
        SearchKind(
            key="plan_item",
            label=_("协商计划议题"),
            model="topics.PlanItem",
            title="title",
            text_fields=("notes",),
            visible=plan_items_visible_to,
            url=absolute_url,
            queryset=lambda: _plan_items_for_index(),
        )
    )


def appeals_for_analysis() -> QuerySet:
    """Appeals with what analysis reads (category, town, community)."""
    from intake.models import Appeal

    return Appeal.objects.select_related("category", "town", "community")


def _appeals_for_index() -> QuerySet:
    from intake.models import Appeal

    return Appeal.objects.select_related("town", "community")


def _meetings_for_index() -> QuerySet:
    from consultations.models import Meeting

    return Meeting.objects.select_related("town").prefetch_related("outcome_items")


def _outcome_items_for_index() -> QuerySet:
    from consultations.models import OutcomeItem

    return OutcomeItem.objects.select_related("meeting__town")


def _plan_items_for_index() -> QuerySet:
    from topics.models import PlanItem

    return PlanItem.objects.select_related("plan")
