"""Reviewer 3's #5: a community-affairs consultation (社区事务协商) can be scheduled ahead — a planned meeting
of kind COMMUNITY on the matter, its members and department invited, the usual notice / ICS / replies —
and, once held, its outcome is recorded on that same meeting with the community record form (prefilled
from it): one meeting, one duty credit; never before the meeting has begun."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Meeting, MeetingKind, MeetingStatus
from core.exceptions import Refused
from core.workflow import perform
from district.tests.factories import CommunityFactory
from grassroots import services
from grassroots.models import CommunityConsultation
from insight.models import Item, Variant
from insight.selectors.duty import activity_counts
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def _community_present(member) -> int:
    return activity_counts(2026, [member.pk]).get(member.pk, {}).get((Item.COMMUNITY, Variant.PRESENT), 0)


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _record_on(meeting, cast, matter="小区停车位划分", background="车位不足"):
    """The member records the outcome on the scheduled meeting through the service (its guard)."""
    return services.hold_community_consultation(
        community=meeting.community,
        matter=matter,
        background=background,
        starts_at=meeting.starts_at,
        members=[cast.member.member],
        actor=cast.member,
        meeting=meeting,
    )


def _schedule(client, cast, community, start):
    client.force_login(cast.member)
    page = client.get(reverse("grassroots:community-schedule"))
    assert page.status_code == 200
    data = {
        "title": "小区停车位划分",
        "starts_at": _local(start),
        "ends_at": _local(start + datetime.timedelta(hours=2)),
        "place": "东山社区议事厅",
        "community": community.pk,
        "department": cast.liaison.department_id,
        "department_head_name": "柯水",
        "members": [cast.member.member.pk, cast.other_member.member.pk],
        "residents": "王阿姨",
        "issue": "车位不足，邻里纠纷",
        "idempotency_key": page.context["form"].initial["idempotency_key"],
    }
    return client.post(reverse("grassroots:community-schedule"), data)


def test_a_community_consultation_is_scheduled_ahead_and_its_notice_reaches_the_invitees(client, cast):
    community = CommunityFactory()
    start = NOW + datetime.timedelta(days=7)
    response = _schedule(client, cast, community, start)
    meeting = Meeting.objects.get(kind=MeetingKind.COMMUNITY)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.status == MeetingStatus.PLANNED and meeting.community == community
    assert "小区停车位划分" in meeting.title and meeting.agenda == "车位不足，邻里纠纷"
    assert not CommunityConsultation.objects.exists()  # nothing recorded as held yet

    # The usual meeting flow: the notice goes to the members with accounts and the department's liaisons.
    perform(meeting, "send_invitations", actor=cast.member)
    for user in (cast.other_member, cast.liaison):
        assert Notification.objects.filter(recipient=user, object_id=meeting.pk).exists(), user
    assert client.get(reverse("consultations:meeting_ics", args=[meeting.pk])).status_code == 200

    # The list shows it awaiting its record; the meeting page says when its outcome can be recorded.
    listing = client.get(reverse("grassroots:community-list"))
    assert [m.pk for m in listing.context["scheduled"]] == [meeting.pk]
    page = client.get(meeting.get_absolute_url())
    assert page.context["records_community_outcome"]
    assert "会议开始后才能登记结果" in page.context["community_outcome_blocker"]


def test_the_outcome_is_recorded_on_the_same_meeting_one_meeting_one_credit(client, cast, time_machine):
    community = CommunityFactory()
    start = NOW + datetime.timedelta(days=2)
    _schedule(client, cast, community, start)
    meeting = Meeting.objects.get(kind=MeetingKind.COMMUNITY)
    perform(meeting, "send_invitations", actor=cast.member)

    time_machine.move_to(start + datetime.timedelta(hours=3), tick=False)
    client.force_login(cast.member)  # a new session on the day
    page = client.get(meeting.get_absolute_url())
    record_url = f"{reverse('grassroots:community-create')}?meeting={meeting.pk}"
    assert page.context["community_outcome_blocker"] == "" and record_url in page.content.decode()
    form_page = client.get(record_url)
    initial = form_page.context["form"].initial
    assert initial["matter"] == "小区停车位划分" and initial["background"] == "车位不足，邻里纠纷"
    assert set(initial["members"]) == {cast.member.member.pk, cast.other_member.member.pk}
    assert "王阿姨" in initial["residents"]

    # Only one of the two invited members came; a resident not invited is added.
    done = client.post(
        reverse("grassroots:community-create"),
        {
            "meeting": meeting.pk,
            "matter": initial["matter"],
            "background": initial["background"],
            "starts_at": "2020-01-01T00:00",  # ignored: the meeting's time is the record's
            "members": [cast.member.member.pk],
            "residents": "王阿姨\n李大爷",
            "agreement_reached": "true",
            "agreement": "划线增设车位，抽签分配",
            "idempotency_key": initial["idempotency_key"],
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert Meeting.objects.filter(kind=MeetingKind.COMMUNITY).count() == 1  # no second meeting
    item = CommunityConsultation.objects.get()
    meeting.refresh_from_db()
    assert item.meeting == meeting and item.community == community and meeting.subject == item
    assert meeting.status == MeetingStatus.HELD and meeting.starts_at == start
    assert _community_present(cast.member.member) == 1
    assert _community_present(cast.other_member.member) == 0  # invited, did not come
    assert sorted(meeting.participants.filter(role="resident").values_list("name", flat=True)) == ["李大爷", "王阿姨"]
    # The meeting page now links to the record, and offers no second record.
    page = client.get(meeting.get_absolute_url())
    assert "records_community_outcome" not in page.context and item.get_absolute_url() in page.content.decode()
    with pytest.raises(Refused, match="已经登记"):
        _record_on(meeting, cast, matter="x", background="y")
    assert _community_present(cast.member.member) == 1


def test_no_outcome_before_the_scheduled_meeting_has_begun(client, cast, time_machine):
    community = CommunityFactory()
    start = NOW + datetime.timedelta(hours=5)  # later today
    _schedule(client, cast, community, start)
    meeting = Meeting.objects.get(kind=MeetingKind.COMMUNITY)
    with pytest.raises(Refused, match="会议开始后才能登记结果"):
        _record_on(meeting, cast)
    refused = client.post(
        reverse("grassroots:community-create"),
        {"meeting": meeting.pk, "matter": "小区停车位划分", "background": "车位不足", "agreement_reached": "unknown"},
    )
    assert refused.status_code == 400 and "会议开始后才能登记结果" in refused.content.decode()
    assert not CommunityConsultation.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_the_meeting_page_asks_once_whether_the_outcome_is_recorded(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _schedule(client, cast, CommunityFactory(), NOW + datetime.timedelta(hours=5))
    meeting = Meeting.objects.get(kind=MeetingKind.COMMUNITY)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200 and page.context["community_outcome_blocker"].startswith("社区事务协商定于")
    asked = [q["sql"] for q in ctx.captured_queries if 'FROM "grassroots_communityconsultation"' in q["sql"]]
    assert len(asked) == 1, asked
