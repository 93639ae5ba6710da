"""A scoring rule changed from a year on moves the members' scores: the members in office are told what
changed, before and after, and why, with a link to their own record of that year; once each."""

from decimal import Decimal

import pytest
from django.utils import translation

from district.tests.factories import MemberFactory
from insight import services
from insight.models import Item, Variant
from notifications.models import Notification
from notifications.wording import word_text

pytestmark = pytest.mark.django_db


def change_speech_rule(cast, points="8", cap="12", reason="主席会议决定提高发言分值"):
    return services.set_scoring_rule(
        item=Item.SPEECH,
        variant="",
        points=Decimal(points),
        cap=Decimal(cap),
        effective_year=2022,
        actor=cast.clerk,
        reason=reason,
    )


def test_the_members_in_office_are_told_what_changed_and_why(cast, django_capture_on_commit_callbacks):
    retired = MemberFactory(user=cast.citizen, is_active=False)  # a former member's account
    with django_capture_on_commit_callbacks(execute=True):
        change_speech_rule(cast)
    told = Notification.objects.filter(title__startswith="履职积分规则调整")
    recipients = set(told.values_list("recipient__username", flat=True))
    assert {"member", "member2", "chair", "vicechair", "secgen", "standing"} <= recipients
    assert not recipients & {"clerk", "liaison", "research", retired.user.username}
    notice = told.get(recipient=cast.member)
    assert notice.title == "履职积分规则调整：会议发言"
    assert "自2022年度起" in notice.body and "5.0 / —" in notice.body and "8.0 / 12.0" in notice.body
    assert "主席会议决定提高发言分值" in notice.body
    assert notice.url == "/insight/duty/me/?year=2022"


def test_an_unchanged_save_tells_nobody_and_a_repeated_run_tells_nobody_twice(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change_speech_rule(cast)
    count = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        change_speech_rule(cast, reason="只改了说明")
    assert Notification.objects.count() == count
    from core.models import StatusChange

    change = StatusChange.objects.filter(action=services.RULE_CHANGED).earliest("created_at")
    assert services.tell_members_of_rule_change(change_id=change.pk) == 0
    assert Notification.objects.count() == count


def test_a_member_reading_in_english_reads_it_in_english(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_scoring_rule(
            item=Item.STANDING,
            variant=Variant.ABSENT,
            points=Decimal("-7"),
            cap=None,
            effective_year=2022,
            actor=cast.clerk,
            reason="纪律要求",
        )
    notice = Notification.objects.filter(recipient=cast.member).latest("created_at")
    with translation.override("en"):
        title = word_text(notice.message["title"], notice.message["params"])
        english_item = str(Item.STANDING.label)
    assert title != notice.title and english_item in title and "履职" not in title
