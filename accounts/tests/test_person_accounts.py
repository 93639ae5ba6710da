"""Accounts the office opens for experts and members, and the one-time activation link."""

import datetime
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from accounts import services
from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import PASSWORD
from core.exceptions import ActionForbidden, Refused
from core.models import StatusChange
from district.tests.factories import ExpertFactory, MemberFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "qingshan-lushui-2024"


def _path(link) -> str:
    return re.sub(r"^https?://[^/]+", "", link.url)


def _activate(client, link, password=NEW_PASSWORD):
    """Open the link (it moves the token into the session), then set the password."""
    response = client.get(_path(link))
    assert response.status_code == 302, response.content.decode()[:500]
    return client.post(response["Location"], {"new_password1": password, "new_password2": password})


# --- opening an account -------------------------------------------------------------------------


def test_opening_an_account_for_an_expert_creates_an_unusable_expert_login_linked_to_them(cast):
    expert = ExpertFactory(name="王教授", phone="13912345678")
    link = services.open_account(person=expert, actor=cast.clerk, username="wangjs")
    expert.refresh_from_db()
    user = expert.user
    assert (user.username, user.full_name, user.phone) == ("wangjs", "王教授", "13912345678")
    assert user.roles == {Role.EXPERT}
    assert not user.has_usable_password()
    assert "/accounts/activate/" in link.url and link.user == user


def test_a_members_account_holds_the_roles_of_their_record(cast):
    standing = MemberFactory(user=None, is_standing=True)
    services.open_account(person=standing, actor=cast.clerk, username="sc99")
    standing.refresh_from_db()
    assert standing.user.roles == {Role.MEMBER, Role.STANDING_MEMBER}


def test_opening_is_audited_with_who_whose_and_when(cast):
    expert = ExpertFactory()
    services.open_account(person=expert, actor=cast.clerk, username="zhuanjia")
    row = StatusChange.objects.get(content_type=ContentType.objects.get_for_model(expert), object_id=expert.pk)
    assert (row.action, row.from_state, row.to_state, row.actor) == ("open_account", "none", "pending", cast.clerk)
    assert row.data == {"user": User.objects.get(username="zhuanjia").pk, "username": "zhuanjia"}
    assert row.created_at is not None


def test_linking_a_member_is_in_the_members_edit_history(cast):
    member = MemberFactory(user=None)
    services.open_account(person=member, actor=cast.clerk, username="weiyuan")
    last = member.history.order_by("-history_id").first()
    assert last.history_user == cast.clerk and last.user.username == "weiyuan"


def test_opening_twice_is_refused_in_chinese(cast):
    expert = ExpertFactory(name="李研究员")
    services.open_account(person=expert, actor=cast.clerk, username="li1")
    with pytest.raises(Refused, match="已有平台账号.*尚未激活.*重新生成激活链接"):
        services.open_account(person=expert, actor=cast.clerk, username="li2")
    assert not User.objects.filter(username="li2").exists()


def test_opening_for_someone_with_an_active_account_is_refused(cast):
    member = cast.member.member
    with pytest.raises(Refused, match="已开通平台账号.*无需重复开通"):
        services.open_account(person=member, actor=cast.clerk, username="again")


def test_a_login_name_taken_in_any_case_is_refused_on_the_field(cast):
    with pytest.raises(Refused) as exc:
        services.open_account(person=ExpertFactory(), actor=cast.clerk, username="CLERK")
    assert "已被使用" in exc.value.fields["username"][0]
    cast.clerk.refresh_from_db()
    assert cast.clerk.roles == {Role.CLERK}  # the existing account was not touched


def test_an_email_already_on_another_account_is_refused(cast):
    cast.member.email = "hong@example.org"
    cast.member.save()
    with pytest.raises(Refused) as exc:
        services.open_account(person=ExpertFactory(), actor=cast.clerk, username="x1", email="HONG@example.org")
    assert "email" in exc.value.fields


# --- who may open accounts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["research", "proposal", "info", "chair", "member", "liaison", "expert", "citizen", "party_office"]
)
def test_only_clerks_open_accounts(cast, who):
    expert = ExpertFactory()
    with pytest.raises(ActionForbidden):
        services.open_account(person=expert, actor=getattr(cast, who), username="nope")
    expert.refresh_from_db()
    assert expert.user is None


def test_a_clerk_cannot_open_a_vice_chairs_account_but_an_administrator_can(cast):
    vice = MemberFactory(user=None, position="vice_chair", is_standing=True)
    with pytest.raises(ActionForbidden, match="系统管理员"):
        services.open_account(person=vice, actor=cast.clerk, username="vice2")
    services.open_account(person=vice, actor=cast.admin, username="vice2")
    vice.refresh_from_db()
    assert vice.user.roles == {Role.MEMBER, Role.STANDING_MEMBER, Role.VICE_CHAIR}


def test_no_account_for_a_member_no_longer_serving(cast):
    former = MemberFactory(user=None, is_active=False)
    with pytest.raises(Refused, match="不在任"):
        services.open_account(person=former, actor=cast.clerk, username="former")


# --- the e-mail ---------------------------------------------------------------------------------


def test_the_link_is_emailed_when_an_address_is_given(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = services.open_account(
            person=ExpertFactory(name="赵专家"), actor=cast.clerk, username="zhao", email="z@example.org"
        )
    assert link.emailed_to == "z@example.org"
    (sent,) = mail.outbox
    assert sent.to == ["z@example.org"] and "激活" in sent.subject
    assert link.url in sent.body and "zhao" in sent.body


def test_no_email_without_an_address(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="nomail")
    assert link.emailed_to == "" and mail.outbox == []


# --- the activation link ------------------------------------------------------------------------


def test_activating_sets_the_password_and_sends_the_person_to_sign_in(client, cast):
    expert = ExpertFactory()
    link = services.open_account(person=expert, actor=cast.clerk, username="newexpert")
    response = _activate(client, link)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?username=newexpert"
    login = client.get(response["Location"]).content.decode()
    assert "账号已激活" in login and 'value="newexpert"' in login
    user = User.objects.get(username="newexpert")
    assert user.check_password(NEW_PASSWORD)
    row = StatusChange.objects.get(action="activate_account")
    assert (row.object_id, row.actor, row.to_state) == (expert.pk, user, "active")


def test_a_used_link_shows_a_clear_page(client, cast):
    link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="once")
    _activate(client, link)
    response = client.get(_path(link))
    assert response.status_code == 200
    assert "链接已失效" in response.content.decode()


def test_an_expired_link_shows_a_clear_page(client, cast, settings):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="late")
    with time_machine.travel(datetime.datetime(2024, 3, 8, 10, tzinfo=datetime.UTC), tick=False):
        html = client.get(_path(link)).content.decode()
    assert "链接已失效" in html and "重新获取" in html


def test_the_validity_is_the_district_rule(client, cast):
    from constance.test import override_config

    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="longer")
    with override_config(ACCOUNT_ACTIVATION_DAYS=10):
        with time_machine.travel(datetime.datetime(2024, 3, 9, 9, tzinfo=datetime.UTC), tick=False):
            assert client.get(_path(link)).status_code == 302


@pytest.mark.parametrize("tail", ["MQ/bad-token/", "%00/x-y/", "zzzzzzzzzzzzzzzzzzzzzzzz/1-1/", "MQ/set-password/"])
def test_a_mangled_link_is_a_clear_page_not_an_error(client, cast, tail):
    response = client.get(f"/accounts/activate/{tail}")
    assert response.status_code == 200
    assert "链接已失效" in response.content.decode()


def test_a_password_reset_link_does_not_activate_an_account(client, cast):
    from django.contrib.auth.tokens import default_token_generator

    link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="salted")
    reset = default_token_generator.make_token(link.user)
    uid = _path(link).split("/")[3]
    assert "链接已失效" in client.get(f"/accounts/activate/{uid}/{reset}/").content.decode()


def test_the_password_validators_apply_with_their_chinese_messages(client, cast):
    link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="weak")
    response = _activate(client, link, password="12345678")
    html = response.content.decode()
    assert response.status_code == 200
    assert "密码太短，至少需要10个字符。" in html and "密码只包含数字。" in html
    assert not User.objects.get(username="weak").has_usable_password()


def test_an_activated_account_cannot_be_activated_again_even_with_a_fresh_token(client, cast):
    from accounts.tokens import activation_token

    link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="done")
    _activate(client, link)
    user = User.objects.get(username="done")
    uid = _path(link).split("/")[3]
    html = client.get(f"/accounts/activate/{uid}/{activation_token.make_token(user)}/").content.decode()
    assert "链接已失效" in html


# --- re-issuing ---------------------------------------------------------------------------------


def test_reissuing_gives_a_new_link_and_the_old_one_stops_working(client, cast):
    expert = ExpertFactory()
    old = services.open_account(person=expert, actor=cast.clerk, username="again1")
    new = services.reissue_activation(person=expert, actor=cast.clerk)
    assert new.url != old.url
    assert "链接已失效" in client.get(_path(old)).content.decode()
    assert _activate(client, new).status_code == 302
    row = StatusChange.objects.get(action="reissue_activation")
    assert (row.actor, row.object_id) == (cast.clerk, expert.pk)


def test_reissuing_works_for_the_account_an_invitation_created(cast):
    from consultations.services import ensure_expert_account

    expert = ExpertFactory()
    user = ensure_expert_account(expert=expert, actor=cast.research)
    opened = StatusChange.objects.get(action="open_account", object_id=expert.pk)
    assert (opened.actor, opened.data["user"]) == (cast.research, user.pk)
    link = services.reissue_activation(person=expert, actor=cast.clerk)
    assert link.user == user


def test_reissuing_is_refused_once_the_account_is_active(cast):
    with pytest.raises(Refused, match="已开通平台账号"):
        services.reissue_activation(person=cast.member.member, actor=cast.clerk)


def test_reissuing_is_refused_without_an_account(cast):
    with pytest.raises(Refused, match="尚未开通平台账号"):
        services.reissue_activation(person=ExpertFactory(), actor=cast.clerk)


def test_reissuing_never_opens_an_account_holding_more_than_the_persons_roles(cast):
    from accounts.services import create_user

    elevated = create_user(username="hidden", password=None, roles=[Role.EXPERT, Role.RESEARCH_OFFICE])
    expert = ExpertFactory(user=elevated)
    with pytest.raises(ActionForbidden):
        services.reissue_activation(person=expert, actor=cast.clerk)


def test_reissuing_is_for_clerks_only(cast):
    expert = ExpertFactory()
    services.open_account(person=expert, actor=cast.clerk, username="only")
    with pytest.raises(ActionForbidden):
        services.reissue_activation(person=expert, actor=cast.research)


# --- an invited expert, from invitation to answer -------------------------------------------------


def test_an_invited_expert_activates_signs_in_and_answers_the_invitation(client, cast):
    from consultations.models import InvitationResponse
    from consultations.tests.factories import research_group

    group = research_group(cast, with_expert=False, start=False)
    expert = ExpertFactory(name="孙教授")
    from consultations import services as consultations

    row = consultations.invite_to_group(group=group, actor=cast.research, expert=expert)
    link = services.reissue_activation(person=expert, actor=cast.clerk)
    _activate(client, link)
    response = client.post("/accounts/login/", {"username": link.user.username, "password": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/office/"
    assert group.title in response.content.decode()
    assert "您被邀请参加本课题组，请回复" in client.get(group.get_absolute_url()).content.decode()
    client.post(f"/consultations/groups/{group.pk}/respond/", {"accept": "1", "reason": ""})
    row.refresh_from_db()
    assert row.response == InvitationResponse.ACCEPTED


def test_a_member_invited_before_having_an_account_finds_the_invitation_after_activating(client, cast):
    from consultations import services as consultations
    from consultations.tests.factories import research_group

    group = research_group(cast, with_member=False, with_expert=False, start=False)
    offline = MemberFactory(user=None)
    consultations.invite_to_group(group=group, actor=cast.research, member=offline)
    link = services.open_account(person=offline, actor=cast.clerk, username="offline1")
    _activate(client, link)
    client.post("/accounts/login/", {"username": "offline1", "password": NEW_PASSWORD})
    assert group.title in client.get("/office/").content.decode()


def test_free_username_never_takes_over_an_existing_account(cast):
    from consultations.services import ensure_expert_account

    expert = ExpertFactory()
    squatter = User.objects.create_user(username=f"expert{expert.pk}", password=PASSWORD)
    user = ensure_expert_account(expert=expert, actor=cast.research)
    assert user != squatter and user.username == f"expert{expert.pk}2"
    squatter.refresh_from_db()
    assert squatter.roles == frozenset()
