from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from topics import models


def fmt(code: str = "counterpart") -> models.ConsultationFormat:
    from topics.data.formats import ensure_formats

    # A transactional test (browser) flushes the rows the data migration seeded.
    ensure_formats(models.ConsultationFormat)
    return models.ConsultationFormat.objects.get(code=code)


class RoundFactory(factory.django.DjangoModelFactory):
    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"{o.year}年度协商议题征集")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    created_by = factory.SubFactory(UserFactory)

    class Meta:
        model = models.CollectionRound


class SuggestionFactory(factory.django.DjangoModelFactory):
    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"议题建议{n}")
    background = "背景"
    suggester = factory.SubFactory(UserFactory)

    class Meta:
        model = models.TopicSuggestion


class PlanFactory(factory.django.DjangoModelFactory):
    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"{o.year}年度政治协商计划")
    created_by = factory.SubFactory(UserFactory)

    class Meta:
        model = models.ConsultationPlan


class ItemFactory(factory.django.DjangoModelFactory):
    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"协商议题{n}")
    format = factory.LazyFunction(fmt)
    quarter = 2

    class Meta:
        model = models.PlanItem


def sign_all(plan, cast) -> None:
    """The three offices agree to the plan's current version."""
    from topics.services.plan import sign_off

    plan.refresh_from_db()
    for user in (cast.party_office, cast.gov_office, cast.clerk):
        sign_off(version=plan.current_version, actor=user, agreed=True)


def plan_with_items(cast, *, year=2030, departments=()):
    """A draft plan with two items, the first naming `departments`."""
    from topics.services.plan import add_item, create_plan

    plan = create_plan(year=year, title=f"{year}年度政治协商计划", actor=cast.clerk)
    add_item(
        plan=plan,
        actor=cast.clerk,
        title="落实教育“双减”政策",
        format=fmt("standing"),
        quarter=2,
        departments=departments,
    )
    add_item(plan=plan, actor=cast.clerk, title="提升丙洲陈化成公园品位", format=fmt("chairs"), month=9)
    return plan


def drive_to_vote(cast, **kwargs):
    """A plan that went through the seed's chain up to the standing-committee vote."""
    from core.workflow import perform

    plan = plan_with_items(cast, **kwargs)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    perform(plan, "leader_approve_to_vote", actor=cast.party_leader, note="同意")
    return plan


def standing_present(vote, *members) -> None:
    """Mark the given members present and every other standing member absent."""
    from consultations.models import Attendance
    from topics.services.votes import record_attendance

    ids = {m.pk for m in members}
    attendance = {
        p.member_id: Attendance.PRESENT if p.member_id in ids else Attendance.ABSENT
        for p in vote.meeting.participants.all()
    }
    record_attendance(vote=vote, actor=vote.opened_by, attendance=attendance)
