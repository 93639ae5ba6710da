"""Factories and small builders for research groups and meetings (built through the services)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory

from consultations import services
from consultations.models import Meeting, MeetingKind
from district.tests.factories import DepartmentFactory, ExpertFactory, MemberFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 9, month: int = 6, year: int = 2022) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=TZ)


class MeetingFactory(factory.django.DjangoModelFactory):
    kind = MeetingKind.OTHER
    title = factory.Sequence(lambda n: f"会议{n}")
    starts_at = factory.LazyFunction(lambda: at(10, 9))
    ends_at = factory.LazyFunction(lambda: at(10, 11))
    place = "区政协三楼会议室"

    class Meta:
        model = Meeting


def research_group(cast, *, title="落实教育“双减”政策", with_member=True, with_expert=True, start=True):
    """A group led by the vice-chair; cast.member and an expert (cast.expert's account) accept."""
    lead = cast.vice_chair.member
    group = services.create_research_group(title=title, year=2022, lead=lead, actor=cast.research)
    if with_member:
        row = services.invite_to_group(group=group, actor=cast.research, member=cast.member.member)
        services.respond_to_group_invitation(membership=row, actor=cast.member, accept=True)
    if with_expert:
        expert = ExpertFactory(user=cast.expert, name="专家甲")
        row = services.invite_to_group(group=group, actor=cast.research, expert=expert)
        services.respond_to_group_invitation(membership=row, actor=cast.expert, accept=True)
    if start:
        from core.workflow import perform

        perform(group, "start_research", actor=cast.research)
    group.refresh_from_db()
    return group


def consultation_meeting(cast, *, group=None, departments=None, kind=MeetingKind.THEMATIC):
    """A thematic consultation facing 教育局 (cast.liaison's department) by default."""
    if departments is None:
        departments = [cast.liaison.department]
    return services.create_consultation_meeting(
        title="落实教育“双减”政策专题协商会",
        kind=kind,
        starts_at=at(20, 9),
        ends_at=at(20, 12),
        place="区政协三楼会议室",
        agenda="一、教育局通报\n二、课题组汇报\n三、委员发言\n四、部门回应",
        leader_name="区领导（演示）",
        departments=departments,
        members=[cast.other_member.member],
        research_group=group,
        actor=cast.clerk,
    )


def send_notice(meeting, *, actor, **kwargs):
    """Send the meeting's notice as its convener did, ahead of the meeting: the tests' meetings lie in
    2022, and a notice for a meeting already begun is refused (`selectors.notice_blocker`)."""
    import time_machine
    from django.utils import timezone

    from core.workflow import perform

    if timezone.now() < meeting.starts_at:
        return perform(meeting, "send_invitations", actor=actor, **kwargs)
    with time_machine.travel(meeting.starts_at - timedelta(hours=1), tick=False):
        return perform(meeting, "send_invitations", actor=actor, **kwargs)


__all__ = [
    "DepartmentFactory",
    "MemberFactory",
    "MeetingFactory",
    "at",
    "consultation_meeting",
    "research_group",
    "send_notice",
]
