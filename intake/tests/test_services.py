import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import Refused
from core.models import Attachment, PersonalDataAccess
from district.tests.factories import CommunityFactory, DepartmentFactory, TownFactory
from grassroots.tests.factories import WorkstationFactory
from intake import selectors, services
from intake.models import Appeal, AppealStatus, Channel, Route
from intake.tests.factories import AppealCategoryFactory, AppealFactory

pytestmark = pytest.mark.django_db


def test_submit_gives_a_readable_tracking_code_and_category_department():
    dept = DepartmentFactory(name="城管局")
    category = AppealCategoryFactory(name="市容环境", department=dept)
    appeal, created = services.submit_appeal(
        title="垃圾清运不及时", body="小区门口垃圾三天没人清运。", category=category
    )
    assert created
    assert appeal.status == AppealStatus.RECEIVED
    assert len(appeal.tracking_code) == 9 and appeal.tracking_code[4] == "-"
    assert not set(appeal.tracking_code.replace("-", "")) & set("01IO")
    assert appeal.department == dept


def test_same_idempotency_key_creates_one_appeal():
    first, created = services.submit_appeal(title="路灯", body="路灯坏了", idempotency_key="k-1")
    again, created_again = services.submit_appeal(title="路灯", body="路灯坏了", idempotency_key="k-1")
    assert created and not created_again
    assert first.pk == again.pk
    assert Appeal.objects.count() == 1


def test_a_retry_key_is_scoped_to_its_caller(cast):
    """The same key from two users is two keys; without an account only a key the form signed counts."""
    mine, theirs = (services.retry_key_for("k-1", caller=u) for u in (cast.clerk, cast.member))
    assert mine and theirs and mine != theirs and len(mine) <= 64
    assert services.retry_key_for("k-1", caller=cast.clerk) == mine
    assert services.retry_key_for("k-1", caller=cast.anonymous) is None
    signed = services.issue_retry_key()
    anonymous = services.retry_key_for(signed, caller=cast.anonymous)
    assert anonymous and anonymous == services.retry_key_for(signed, caller=cast.anonymous)
    assert anonymous != services.retry_key_for(signed, caller=cast.citizen)
    assert services.retry_key_for(signed.replace(":", ":x", 1), caller=cast.anonymous) is None
    assert services.retry_key_for("", caller=cast.clerk) is None


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "内容", "title"), ("标题", "   ", "body"), ("标题", "字" * 20000, "body"), ("长" * 201, "内容", "title")],
)
def test_empty_or_overlong_text_is_refused_with_a_field_message(title, body, field):
    with pytest.raises(Refused) as err:
        services.submit_appeal(title=title, body=body)
    assert field in err.value.fields
    assert Appeal.objects.count() == 0


def test_over_long_body_message_states_the_limit(settings):
    with pytest.raises(Refused) as err:
        services.submit_appeal(title="t", body="字" * 20000)
    assert "5000" in str(err.value.message) and "20000" in str(err.value.message)


def test_community_must_belong_to_the_town():
    community = CommunityFactory()
    with pytest.raises(Refused):
        services.submit_appeal(title="t", body="b", town=TownFactory(), community=community)
    appeal, _ = services.submit_appeal(title="t", body="b", community=community)
    assert appeal.town == community.town


def test_refused_attachment_rolls_back_the_whole_submission():
    bad = SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>", content_type="text/html")
    with pytest.raises(Refused) as err:
        services.submit_appeal(title="t", body="b", attachments=[bad])
    assert "x.html" in str(err.value.message)
    assert Appeal.objects.count() == 0
    good = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    appeal, _ = services.submit_appeal(title="t", body="b", attachments=[good])
    assert Attachment.objects.filter(object_id=appeal.pk).count() == 1


def test_too_big_attachment_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("a.txt", b"a" * 200, content_type="text/plain")
    with pytest.raises(Refused) as err:
        services.submit_appeal(title="t", body="b", attachments=[big])
    assert "超过上限" in str(err.value.message)


def test_tracking_code_lookup_ignores_case_spaces_and_dash():
    appeal = AppealFactory(tracking_code="K7QM-3XPA")
    assert selectors.find_by_tracking_code(" k7qm 3xpa ") == appeal
    assert selectors.find_by_tracking_code("k7qm3xpa") == appeal
    assert selectors.find_by_tracking_code("ZZZZ-ZZZZ") is None


def test_withdrawing_personal_data_erases_it_and_keeps_the_appeal():
    from intake.predicates import TrackingCodeHolder

    appeal = AppealFactory()
    services.withdraw_personal_data(appeal=appeal, actor=TrackingCodeHolder(appeal.pk))
    appeal.refresh_from_db()
    assert (appeal.contact_name, appeal.contact_phone, appeal.address) == ("", "", "")
    assert appeal.contact_withdrawn_at is not None
    assert not any(h.contact_phone for h in appeal.history.all() if hasattr(h, "contact_phone"))
    assert appeal.history.latest().history_change_reason.startswith("withdraw personal data")


def test_only_the_citizen_erases_their_contact_details(cast):
    """It cannot be undone and leaves the office unable to reach them: never staff, and for an appeal
    sent from an account only that account, not whoever holds the code."""
    from intake.predicates import TrackingCodeHolder

    mine = AppealFactory(citizen=cast.citizen, contact_phone="13812345678")
    for actor in (TrackingCodeHolder(mine.pk), cast.clerk, cast.member):
        with pytest.raises(Refused):
            services.withdraw_personal_data(appeal=mine, actor=actor)
    mine.refresh_from_db()
    assert mine.contact_phone == "13812345678"
    services.withdraw_personal_data(appeal=mine, actor=cast.citizen)
    mine.refresh_from_db()
    assert mine.contact_phone == "" and mine.history.latest().history_user == cast.citizen
    anonymous = AppealFactory(contact_phone="13812345678")
    with pytest.raises(Refused, match="工作人员不能代为删除"):
        services.withdraw_personal_data(appeal=anonymous, actor=cast.clerk)


def test_contact_revealed_only_to_handlers_and_audited(cast):
    appeal = AppealFactory()
    shown = services.reveal_contact(appeal=appeal, viewer=cast.clerk)
    assert shown["contact_phone"] == "13912345678"
    assert PersonalDataAccess.objects.filter(user=cast.clerk, object_id=appeal.pk).count() == 1
    for outsider in (cast.member, cast.chair, cast.liaison):
        with pytest.raises(Refused):
            services.reveal_contact(appeal=appeal, viewer=outsider)


def test_workstation_member_handles_appeals_routed_to_it(cast):
    from core.workflow import perform

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    assert selectors.may_see_contact(cast.member, appeal)
    assert not selectors.may_see_contact(cast.other_member, appeal)
    assert appeal in selectors.appeals_visible_to(cast.member)
    assert appeal not in selectors.appeals_visible_to(cast.other_member)


def test_forwarding_as_opinion_is_counted_for_the_workstation(cast):
    from core.workflow import perform
    from opinions.models import OpinionReport

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    report = services.forward_as_opinion(appeal=appeal, actor=cast.member)
    assert report.provider == ws and report.source == appeal and report.member == cast.member.member
    with pytest.raises(Refused):
        services.forward_as_opinion(appeal=appeal, actor=cast.member)
    assert OpinionReport.objects.count() == 1


def test_referral_to_a_department_opens_a_supervision_task(cast):
    from core.workflow import perform

    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    dept = cast.liaison.department
    task = services.refer_to_department(appeal=appeal, department=dept, actor=cast.clerk)
    assert task.source == appeal and task.lead_department == dept
    # The department has it once the government office transfers the task (交办), as every task.
    assert appeal not in selectors.appeals_visible_to(cast.liaison)
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    assert appeal in selectors.appeals_visible_to(cast.liaison)
    assert appeal not in selectors.appeals_visible_to(cast.other_liaison)


def test_citizen_message_must_not_be_empty():
    appeal = AppealFactory()
    with pytest.raises(Refused):
        services.add_citizen_message(appeal=appeal, body="  ")
    services.add_citizen_message(appeal=appeal, body="补充：东门也有")
    assert appeal.messages.get().author_kind == "citizen"


def test_staff_channels_are_recorded_as_given(cast):
    appeal, _ = services.submit_appeal(title="t", body="b", channel=Channel.LETTER, actor=cast.clerk)
    assert appeal.channel == "letter"
    assert appeal.history.first().history_user == cast.clerk


def test_tracking_codes_use_every_unambiguous_character_with_the_same_chance():
    from collections import Counter

    from intake.services import _CODE_TABLE, CODE_ALPHABET, new_tracking_code

    # Each random byte maps to a character; every character has the same number of bytes (8 of 256).
    assert Counter(_CODE_TABLE.decode()) == dict.fromkeys(CODE_ALPHABET, 256 // len(CODE_ALPHABET))
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000  # 40 random bits: no repeat in a sample this small
    seen = Counter("".join(codes).replace("-", ""))
    assert set(seen) == set(CODE_ALPHABET)  # 16,000 draws: each of the 32 characters turns up
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in codes)
