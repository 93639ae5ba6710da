"""Reviewers' findings on the grassroots platforms: community consultations for members' duty
records, double bookings, future collection dates, the duty-group page's year."""

import datetime

import pytest
from django.utils import timezone

from consultations.models import MeetingParticipant, ParticipantRole
from core.exceptions import Refused
from district.tests.factories import CommunityFactory, MemberFactory
from grassroots import services
from grassroots.models import Appointment, CommunityConsultation, DutyIssue
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory, ReceptionDayFactory

pytestmark = pytest.mark.django_db


# R4#1: members taking part in a community consultation earn its duty item.


def test_members_chosen_for_a_community_consultation_count_on_their_duty_record(client, cast):
    from insight.models import Item, Variant
    from insight.selectors.duty import activity_counts

    other = MemberFactory(name="张彦")
    community = CommunityFactory()
    when = timezone.localtime() - datetime.timedelta(days=1)
    client.force_login(cast.member)
    response = client.post(
        "/grassroots/community/new/",
        {
            "community": community.pk,
            "matter": "加装电梯",
            "background": "老旧小区",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "residents": "六楼住户王某",
            "others": "街道城建办李主任",
            "members": [cast.member.member.pk, other.pk],
            "agreement_reached": "unknown",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = CommunityConsultation.objects.get()
    rows = MeetingParticipant.objects.filter(meeting=item.meeting, role=ParticipantRole.MEMBER)
    assert {r.member_id for r in rows} == {cast.member.member.pk, other.pk}
    counts = activity_counts(when.year, [cast.member.member.pk, other.pk])
    for member_id in (cast.member.member.pk, other.pk):
        assert counts[member_id].get((Item.COMMUNITY, Variant.PRESENT)) == 1
    assert "张彦" in client.get(item.get_absolute_url()).content.decode()


def test_the_community_form_offers_the_members_to_choose(client, cast):
    client.force_login(cast.member)
    page = client.get("/grassroots/community/new/").content.decode()
    assert 'name="members"' in page and "参加的委员" in page


# R4#5: one live booking per phone and day.


def test_the_same_phone_cannot_book_the_same_day_twice(client):
    day = ReceptionDayFactory(capacity=6)
    first = services.book_appointment(day=day, name="张三", phone="13600001234", topic="医保", service="policy")
    with pytest.raises(Refused, match=first.reference) as err:
        services.book_appointment(day=day, name="张三", phone="136 0000 1234", topic="医保", service="policy")
    assert "已预约" in err.value.message
    assert Appointment.objects.count() == 1
    # Through the page: the form comes back with the existing reference.
    data = {"day": day.pk, "name": "张三", "phone": "13600001234", "service": "policy", "topic": "医保"}
    response = client.post(day.workstation.get_absolute_url(), data)
    assert response.status_code == 400 and first.reference in response.content.decode()
    assert Appointment.objects.count() == 1
    # Once cancelled, the same phone may book again; another phone always may.
    services.book_appointment(day=day, name="李四", phone="13600005678", topic="社保", service="policy")
    services.cancel_appointment(reference=first.reference, phone="13600001234")
    again = services.book_appointment(day=day, name="张三", phone="13600001234", topic="医保", service="policy")
    assert again.status == Appointment.Status.BOOKED


# R4#11: an issue is collected on a day that has come.


def test_a_future_collection_date_is_refused(client, cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(Refused, match="收集日期不能晚于今天"):
        services.collect_issue(group=group, title="路灯", description="不亮", actor=cast.member, collected_on=tomorrow)
    client.force_login(cast.member)
    response = client.post(
        f"/grassroots/groups/{group.pk}/issues/",
        {"title": "路灯", "description": "不亮", "collected_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400 and "收集日期不能晚于今天" in response.content.decode()
    assert not DutyIssue.objects.exists()
    issue = services.collect_issue(
        group=group, title="路灯", description="不亮", actor=cast.member, collected_on=timezone.localdate()
    )
    assert issue.pk


# R4#13: the issue list follows the year chosen.


def test_the_group_pages_finished_issues_follow_the_year(client, cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    done = {"status": "resolved", "outcome": "on_the_spot"}
    DutyIssueFactory(group=group, title="二〇二二年的问题", collected_on=datetime.date(2022, 5, 1), **done)
    DutyIssueFactory(group=group, title="二〇二三年的问题", collected_on=datetime.date(2023, 5, 1), **done)
    client.force_login(cast.member)
    page = client.get(f"/grassroots/groups/{group.pk}/", {"year": 2022}).content.decode()
    assert "二〇二二年的问题" in page and "二〇二三年的问题" not in page
    page = client.get(f"/grassroots/groups/{group.pk}/", {"year": 2023}).content.decode()
    assert "二〇二三年的问题" in page and "二〇二二年的问题" not in page
