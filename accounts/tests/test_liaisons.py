"""Department liaisons (部门联络员) managed by the office: added with a one-time activation link, re-issued
under the same rules as experts' and members' accounts, and deactivated when they leave (离岗)."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from accounts import selectors, services
from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.exceptions import ActionForbidden, Refused
from core.models import PersonalDataAccess, StatusChange
from district.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "qingshan-lushui-2024"


def _add(cast, department=None, **extra):
    data = {"full_name": "周联络", "phone": "13912345678", "username": "zhoull", "email": "", **extra}
    return services.add_liaison(department=department or cast.liaison.department, actor=cast.clerk, **data)


def _audit(user, action):
    return StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(User), object_id=user.pk, action=action
    )


def _path(link) -> str:
    return re.sub(r"^https?://[^/]+", "", link.url)


# --- adding -------------------------------------------------------------------------------------


def test_adding_a_liaison_opens_an_unusable_liaison_account_of_the_department(cast):
    link = _add(cast)
    user = link.user
    assert (user.username, user.full_name, user.phone) == ("zhoull", "周联络", "13912345678")
    assert user.department == cast.liaison.department and user.roles == {Role.DEPT_LIAISON}
    assert not user.has_usable_password() and user.is_active
    assert "/accounts/activate/" in link.url
    assert selectors.liaison_state(user) == selectors.LiaisonState.PENDING


def test_adding_is_audited_with_who_whose_which_department_and_when(cast):
    user = _add(cast).user
    row = _audit(user, "add_liaison")
    assert (row.from_state, row.to_state, row.actor) == ("none", "pending", cast.clerk)
    assert row.data == {"user": user.pk, "username": "zhoull", "department": cast.liaison.department_id}
    assert row.created_at is not None


def test_the_new_liaison_activates_with_the_link_and_signs_in(client, cast):
    link = _add(cast)
    response = client.get(_path(link))
    client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user = User.objects.get(username="zhoull")
    assert user.check_password(NEW_PASSWORD)
    assert _audit(user, "activate_account").actor == user
    signed_in = client.post("/accounts/login/", {"username": "zhoull", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and client.get("/office/").status_code == 200


def test_the_link_is_emailed_when_an_address_is_given(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _add(cast, email="zhou@example.org")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhou@example.org"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "请填写联络员姓名"),
        ({"phone": ""}, "phone", "请填写联络员手机号"),
        ({"phone": "call me"}, "phone", "有效的电话号码"),
        ({"username": "Clerk"}, "username", "已被使用"),
    ],
)
def test_bad_details_are_refused_on_their_field_in_chinese(cast, data, field, message):
    with pytest.raises(Refused) as refused:
        _add(cast, **data)
    assert message in str(refused.value.fields[field][0])
    assert not User.objects.filter(username=data.get("username", "zhoull")).exclude(pk=cast.clerk.pk).exists()


def test_an_email_already_on_another_account_is_refused(cast):
    cast.member.email = "taken@example.org"
    cast.member.save()
    with pytest.raises(Refused, match="电子邮箱已登记"):
        _add(cast, email="TAKEN@example.org")


def test_no_liaison_for_a_department_no_longer_in_use(cast):
    closed = DepartmentFactory(is_active=False)
    with pytest.raises(Refused, match="部门已停用"):
        _add(cast, department=closed)


@pytest.mark.parametrize("who", ["liaison", "research", "member", "party_office", "gov_office", "citizen"])
def test_only_clerks_add_liaisons(cast, who):
    with pytest.raises(ActionForbidden):
        services.add_liaison(
            department=cast.liaison.department,
            actor=getattr(cast, who),
            full_name="某人",
            phone="13912345678",
            username="someone",
        )
    assert not User.objects.filter(username="someone").exists()


def test_an_administrator_may_add_a_liaison(cast):
    link = services.add_liaison(
        department=cast.liaison.department, actor=cast.admin, full_name="某人", phone="13912345678", username="x1"
    )
    assert link.user.roles == {Role.DEPT_LIAISON}


# --- re-issuing (the session-11 rules) -----------------------------------------------------------


def test_reissuing_gives_a_new_link_and_the_old_one_stops_working(client, cast):
    first = _add(cast)
    second = services.reissue_liaison_activation(user=first.user, actor=cast.clerk)
    assert second.url != first.url
    assert "链接已失效" in client.get(_path(first)).content.decode()
    assert client.get(_path(second)).status_code == 302  # a live link moves its token into the session
    row = StatusChange.objects.filter(object_id=first.user.pk, action="reissue_activation").get()
    assert (row.actor, row.from_state, row.to_state) == (cast.clerk, "pending", "pending")


def test_reissuing_is_refused_once_the_liaison_activated(cast):
    with pytest.raises(Refused, match="已开通平台账号"):
        services.reissue_liaison_activation(user=cast.liaison, actor=cast.clerk)


def test_reissuing_never_opens_an_account_holding_more_than_the_liaison_role(cast):
    user = _add(cast).user
    user.groups.add(Group.objects.get(name=Role.CLERK))
    with pytest.raises(ActionForbidden):
        services.reissue_liaison_activation(user=User.objects.get(pk=user.pk), actor=cast.clerk)


def test_reissuing_is_refused_once_the_liaison_left(cast):
    user = _add(cast).user
    services.deactivate_liaison(user=user, actor=cast.clerk, reason="transfer")
    with pytest.raises(Refused, match="已停用"):
        services.reissue_liaison_activation(user=user, actor=cast.clerk)


def test_reissuing_is_for_clerks_only(cast):
    user = _add(cast).user
    with pytest.raises(ActionForbidden):
        services.reissue_liaison_activation(user=user, actor=cast.liaison)


def test_reissuing_is_only_for_liaisons(cast):
    with pytest.raises(User.DoesNotExist):
        services.reissue_liaison_activation(user=cast.member, actor=cast.clerk)


# --- leaving (离岗) -----------------------------------------------------------------------------


def _second_liaison(cast):
    return UserFactory(username="liaison_b", roles=[Role.DEPT_LIAISON], department=cast.liaison.department)


def test_leaving_deactivates_the_account_and_keeps_it_and_its_records(cast):
    _second_liaison(cast)
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="retire")
    user = User.objects.get(pk=cast.liaison.pk)
    assert not user.is_active and user.department == cast.liaison.department
    assert selectors.liaison_state(user) == selectors.LiaisonState.LEFT
    assert user.roles == frozenset()  # an inactive account holds no role in the platform


def test_leaving_is_audited_with_who_when_what_and_why(cast):
    _second_liaison(cast)
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="other", note="借调至市局")
    row = _audit(cast.liaison, "deactivate_liaison")
    assert (row.actor, row.from_state, row.to_state) == (cast.clerk, "active", "left")
    assert row.note == "其他：借调至市局"
    assert row.data["reason"] == "other" and row.data["department"] == cast.liaison.department_id
    assert row.created_at is not None
    record = User.objects.get(pk=cast.liaison.pk).history.first()
    assert not record.is_active and record.history_user == cast.clerk


def test_leaving_ends_the_liaisons_sessions_at_once(client, cast):
    _second_liaison(cast)
    client.force_login(cast.liaison)
    assert client.get("/office/").status_code == 200
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="resign")
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(cast.liaison.pk)]
    response = client.get("/office/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _audit(cast.liaison, "deactivate_liaison").data["sessions_ended"] == 1


def test_other_peoples_sessions_survive(client, cast):
    _second_liaison(cast)
    client.force_login(cast.clerk)
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="resign")
    assert client.get("/office/").status_code == 200


def test_leaving_needs_a_reason_and_other_needs_words(cast):
    _second_liaison(cast)
    with pytest.raises(Refused, match="请选择离岗原因") as refused:
        services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="x")
    assert "reason" in refused.value.fields
    with pytest.raises(Refused, match="请写明原因"):
        services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="other", note="  ")
    assert User.objects.get(pk=cast.liaison.pk).is_active


def test_the_last_liaison_of_a_department_leaves_only_with_the_offices_consent(cast):
    with pytest.raises(Refused, match="唯一的在岗联络员") as refused:
        services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer")
    assert "leave_unstaffed" in refused.value.fields
    assert User.objects.get(pk=cast.liaison.pk).is_active
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    assert not User.objects.get(pk=cast.liaison.pk).is_active


def test_a_pending_liaison_does_not_count_as_gone(cast):
    _add(cast)  # not activated yet, but work is routed to them and they can activate
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer")
    assert not User.objects.get(pk=cast.liaison.pk).is_active


def test_leaving_twice_is_refused(cast):
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    with pytest.raises(Refused, match="已离岗"):
        services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer", leave_unstaffed=True)


def test_an_account_with_other_roles_is_left_to_the_administrator(cast):
    both = UserFactory(roles=[Role.DEPT_LIAISON, Role.MEMBER], department=cast.liaison.department)
    with pytest.raises(ActionForbidden, match="其他角色"):
        services.deactivate_liaison(user=both, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    assert User.objects.get(pk=both.pk).is_active


@pytest.mark.parametrize("who", ["liaison", "other_liaison", "research", "chair", "gov_office", "citizen"])
def test_only_clerks_record_a_liaison_leaving(cast, who):
    with pytest.raises(ActionForbidden):
        services.deactivate_liaison(
            user=cast.liaison, actor=getattr(cast, who), reason="transfer", leave_unstaffed=True
        )
    assert User.objects.get(pk=cast.liaison.pk).is_active


# --- returning to post (恢复在岗) ------------------------------------------------------------------


def _left(cast, user=None):
    user = user or cast.liaison
    services.deactivate_liaison(user=user, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    return User.objects.get(pk=user.pk)


def test_reinstating_reactivates_the_account_with_its_own_password(client, cast):
    left = _left(cast)
    assert services.reinstate_liaison(user=left, actor=cast.clerk, reason="借调结束") is None
    user = User.objects.get(pk=left.pk)
    assert user.is_active and user.roles == {Role.DEPT_LIAISON}
    assert selectors.liaison_state(user) == selectors.LiaisonState.ACTIVE
    assert selectors.active_liaisons_of(user.department_id).filter(pk=user.pk).exists()
    response = client.post("/accounts/login/", {"username": "liaison", "password": "test-pass-123456"})
    assert response.status_code == 302


def test_a_liaison_leaving_ends_their_api_tokens_for_good(api_client, cast):
    _token, key = services.issue_api_token(user=cast.liaison, scope="read", name="部门系统")
    left = _left(cast)
    assert _audit(left, "deactivate_liaison").data["tokens_revoked"] == 1
    services.reinstate_liaison(user=left, actor=cast.clerk, reason="借调结束")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/auth/me/").status_code == 401


def test_reinstating_is_audited_with_who_when_and_why(cast):
    left = _left(cast)
    services.reinstate_liaison(user=left, actor=cast.clerk, reason="  借调结束，回原岗位 ")
    row = _audit(left, "reinstate_liaison")
    assert (row.actor, row.from_state, row.to_state, row.note) == (cast.clerk, "left", "active", "借调结束，回原岗位")
    assert row.data["department"] == left.department_id and row.data["activation_link"] is False
    assert row.created_at is not None
    record = User.objects.get(pk=left.pk).history.first()
    assert record.is_active and record.history_user == cast.clerk


def test_reinstating_a_liaison_who_never_activated_issues_a_fresh_link(client, cast):
    link = _add(cast)
    old_path = _path(link)
    left = _left(cast, link.user)
    fresh = services.reinstate_liaison(user=left, actor=cast.clerk, reason="误操作离岗")
    assert fresh is not None and fresh.user == left and "/accounts/activate/" in fresh.url
    assert selectors.liaison_state(User.objects.get(pk=left.pk)) == selectors.LiaisonState.PENDING
    assert "链接已失效" in client.get(old_path).content.decode()  # the link issued before leaving is dead
    response = client.get(_path(fresh))
    client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(pk=left.pk).check_password(NEW_PASSWORD)
    assert _audit(left, "reinstate_liaison").data["activation_link"] is True


def test_reinstating_an_account_whose_password_was_disabled_issues_a_link_that_works(client, cast):
    left = _left(cast)
    left.last_login = timezone.now()  # they had signed in; then an administrator disabled the password
    left.set_unusable_password()
    left.save(update_fields=["password", "last_login"])
    fresh = services.reinstate_liaison(user=left, actor=cast.clerk, reason="回原岗位")
    assert fresh is not None
    response = client.get(_path(fresh))
    client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(pk=left.pk).check_password(NEW_PASSWORD)
    assert _audit(left, "reinstate_liaison").data["previous_last_login"] is not None


def test_reinstating_e_mails_the_fresh_link(cast, django_capture_on_commit_callbacks):
    left = _left(cast, _add(cast, email="zhou@example.org").user)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.reinstate_liaison(user=left, actor=cast.clerk, reason="回原岗位")
    assert [m.to for m in mail.outbox][-1] == ["zhou@example.org"] and fresh.url in mail.outbox[-1].body


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reinstating_needs_a_reason(cast, reason):
    left = _left(cast)
    with pytest.raises(Refused, match="请填写恢复在岗的原因") as refused:
        services.reinstate_liaison(user=left, actor=cast.clerk, reason=reason)
    assert "reason" in refused.value.fields
    assert not User.objects.get(pk=left.pk).is_active


def test_reinstating_a_liaison_in_post_is_refused(cast):
    with pytest.raises(Refused, match="在岗，无需恢复"):
        services.reinstate_liaison(user=cast.liaison, actor=cast.clerk, reason="回原岗位")
    assert not StatusChange.objects.filter(action="reinstate_liaison").exists()


def test_reinstating_into_a_closed_department_is_refused(cast):
    left = _left(cast)
    left.department.is_active = False
    left.department.save()
    with pytest.raises(Refused, match="部门已停用"):
        services.reinstate_liaison(user=left, actor=cast.clerk, reason="回原岗位")
    assert not User.objects.get(pk=left.pk).is_active


@pytest.mark.parametrize("extra", [{"roles": [Role.CLERK]}, {"is_staff": True}, {"is_superuser": True}])
def test_reinstating_never_reopens_an_account_holding_more_than_the_liaison_role(cast, extra):
    left = _left(cast)
    if "roles" in extra:
        left.groups.add(*Group.objects.filter(name__in=extra["roles"]))
    else:
        User.objects.filter(pk=left.pk).update(**extra)
    with pytest.raises(ActionForbidden, match="其他角色"):
        services.reinstate_liaison(user=left, actor=cast.clerk, reason="回原岗位")
    assert not User.objects.get(pk=left.pk).is_active


def test_reinstating_is_only_for_liaisons(cast):
    User.objects.filter(pk=cast.member.pk).update(is_active=False)
    with pytest.raises(User.DoesNotExist):
        services.reinstate_liaison(user=cast.member, actor=cast.clerk, reason="回原岗位")


@pytest.mark.parametrize("who", ["liaison", "other_liaison", "member", "research", "gov_office", "citizen"])
def test_only_clerks_reinstate_a_liaison(cast, who):
    left = _left(cast, _second_liaison(cast))
    with pytest.raises(ActionForbidden):
        services.reinstate_liaison(user=left, actor=getattr(cast, who), reason="回原岗位")
    assert not User.objects.get(pk=left.pk).is_active


# --- the phone is revealed on purpose ----------------------------------------------------------------


def test_revealing_a_phone_is_for_clerks_and_audited(cast):
    user = _add(cast).user
    assert services.reveal_liaison_phone(user=user, viewer=cast.clerk) == "13912345678"
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields, access.purpose) == (
        cast.clerk,
        user.pk,
        "phone",
        "联系部门联络员",
    )
    with pytest.raises(ActionForbidden):
        services.reveal_liaison_phone(user=user, viewer=cast.other_liaison)
    assert PersonalDataAccess.objects.count() == 1


# --- the department's open work, and routing that ignores liaisons who left --------------------------


def test_open_items_count_what_waits_on_the_department(cast):
    from proposals.tests.factories import assigned

    assert selectors.open_items_waiting_on(cast.liaison) == 0
    assigned(cast)  # handed to 教育局, cast.liaison's department
    assert selectors.open_items_waiting_on(cast.liaison) == 1
    assert selectors.open_items_waiting_on(cast.other_liaison) == 0


def test_work_routed_to_a_department_reaches_only_its_liaisons_in_post(cast):
    from consultations.selectors import participant_recipients
    from intake.selectors import message_recipients
    from intake.tests.factories import AppealFactory
    from opinions.selectors import holders as report_holders
    from proposals.selectors import holders as proposal_holders
    from proposals.tests.factories import assigned
    from supervision.selectors import liaisons_of
    from supervision.services import create_task

    dept = cast.liaison.department
    proposal = assigned(cast)
    appeal = AppealFactory(status="routed", route="office")
    create_task(source=appeal, title=appeal.title, actor=cast.clerk, lead_department=dept)  # referred to it
    stays = _second_liaison(cast)
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer")
    left = cast.liaison
    found = {
        "proposals": proposal_holders(proposal, "assigned"),
        "supervision": liaisons_of([dept.pk]),
        "consultations": participant_recipients(SimpleNamespace(user_id=None, member_id=None, department_id=dept.pk)),
        "opinions": report_holders(SimpleNamespace(forwarded_to_id=dept.pk), "forwarded"),
        "intake": message_recipients(appeal),
    }
    for area, users in found.items():
        assert left not in list(users) and stays in list(users), area


def test_a_notification_for_the_department_skips_the_liaison_who_left(cast):
    from notifications.models import Notification
    from notifications.services import notify
    from supervision.selectors import liaisons_of

    stays = _second_liaison(cast)
    recipients = User.objects.filter(department=cast.liaison.department)
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer")
    notify(recipients=recipients, event_key="test:dept", title="新的转办工作")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {stays.pk}
    assert liaisons_of([cast.liaison.department_id]) == [stays]
