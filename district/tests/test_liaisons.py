"""部门联络员: the office page (a tab of 人员账号) where a clerk adds department liaisons, re-issues their
activation links, reveals a phone on purpose and records a liaison leaving (离岗)."""

import datetime

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.models import PersonalDataAccess, StatusChange
from district.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

LIST = "/district/accounts/liaisons/"


@pytest.fixture
def clerk_client(client, cast):
    client.force_login(cast.clerk)
    return client


def _add_url(department) -> str:
    return f"{LIST}departments/{department.pk}/add/"


def _leave_url(user) -> str:
    return f"{LIST}{user.pk}/leave/"


def test_the_clerk_reaches_the_liaisons_from_the_accounts_page(clerk_client, cast):
    page = clerk_client.get("/district/accounts/").content.decode()
    assert f'href="{LIST}"' in page and "部门联络员" in page


def test_the_list_shows_each_departments_liaisons_with_phone_masked_state_and_last_login(clerk_client, cast):
    User.objects.filter(pk=cast.liaison.pk).update(
        phone="13812345678", last_login=timezone.make_aware(datetime.datetime(2024, 5, 6, 9, 0))
    )
    html = clerk_client.get(LIST).content.decode()
    assert "教育局" in html and "人社局" in html and "liaison" in html
    assert "138****5678" in html and "13812345678" not in html
    assert "2024-05-06" in html and "在岗" in html
    assert PersonalDataAccess.objects.count() == 0


def test_a_department_without_a_liaison_in_post_is_flagged_and_can_be_filtered(clerk_client, cast):
    DepartmentFactory(name="城管局")
    left = UserFactory(username="oldhand", roles=[Role.DEPT_LIAISON], department=DepartmentFactory(name="文旅局"))
    services.deactivate_liaison(user=left, actor=cast.clerk, reason="retire", leave_unstaffed=True)
    html = clerk_client.get(LIST).content.decode()
    assert "2个部门没有在岗联络员" in html
    only = clerk_client.get(f"{LIST}?unstaffed=1").content.decode()
    assert "城管局" in only and "文旅局" in only and "已离岗" in only
    assert "教育局" not in only and "人社局" not in only
    assert only.count('data-testid="unstaffed"') == 2


def test_adding_shows_the_link_once_and_never_caches_it(clerk_client, cast):
    department = cast.liaison.department
    form = clerk_client.get(_add_url(department)).content.decode()
    assert f'value="liaison_{department.pk}"' in form  # a suggested login name
    data = {"full_name": "郑联络", "phone": "13912345678", "username": "zhengll", "email": ""}
    response = clerk_client.post(_add_url(department), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "只显示这一次" in html and "/accounts/activate/" in html and "郑联络您好" in html
    assert f'href="{LIST}"' in html  # back to the liaisons
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="zhengll")
    assert user.department == department and user.roles == {Role.DEPT_LIAISON}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "phone": "13912345678", "username": "ok1"}, "请填写姓名。"),
        ({"full_name": "郑联络", "phone": "call me", "username": "ok1"}, "有效的电话号码"),
        ({"full_name": "郑联络", "phone": "13912345678", "username": "<b>x</b>"}, "用户名"),
        ({"full_name": "郑联络", "phone": "13912345678", "username": "clerk"}, "已被使用"),
        ({"full_name": "郑" * 10000, "phone": "13912345678", "username": "ok1"}, "50"),
        ({"full_name": "郑联络", "phone": "13912345678", "username": "ok1", "email": "nope"}, "合法的邮件地址"),
    ],
)
def test_bad_input_keeps_what_was_typed_with_a_chinese_message(clerk_client, cast, data, message):
    response = clerk_client.post(_add_url(cast.liaison.department), {"email": "", **data})
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    if data["full_name"] == "郑联络":
        assert 'value="郑联络"' in html
    assert 'value="13912345678"' in html or data["phone"] != "13912345678"
    assert not User.objects.filter(username="ok1").exists()


def test_unknown_or_closed_departments_are_not_found(clerk_client, cast):
    assert clerk_client.get(f"{LIST}departments/99999999999999999999/add/").status_code == 404
    closed = DepartmentFactory(is_active=False)
    assert clerk_client.get(_add_url(closed)).status_code == 404


def test_reissuing_from_the_list_shows_a_new_link(clerk_client, cast):
    link = services.add_liaison(
        department=cast.liaison.department, actor=cast.clerk, full_name="新人", phone="13912345678", username="xinren"
    )
    page = clerk_client.get(LIST).content.decode()
    assert "待激活" in page and f"{LIST}{link.user.pk}/reissue/" in page
    response = clerk_client.post(f"{LIST}{link.user.pk}/reissue/")
    assert response.status_code == 200 and "/accounts/activate/" in response.content.decode()


def test_reissuing_for_an_active_liaison_is_refused_with_a_message(clerk_client, cast):
    response = clerk_client.post(f"{LIST}{cast.liaison.pk}/reissue/", follow=True)
    assert "已开通平台账号" in response.content.decode()


def test_only_liaison_accounts_are_managed_here(clerk_client, cast):
    assert clerk_client.get(_leave_url(cast.member)).status_code == 404
    assert clerk_client.post(f"{LIST}{cast.clerk.pk}/reissue/").status_code == 404
    assert clerk_client.post(f"{LIST}{cast.member.pk}/phone/").status_code == 404


def test_the_leave_page_shows_the_departments_open_work_and_warns_for_the_last_liaison(clerk_client, cast):
    from proposals.tests.factories import assigned

    assigned(cast)
    html = clerk_client.get(_leave_url(cast.liaison)).content.decode()
    assert "该部门目前有 1 项待办工作" in html
    assert 'data-testid="last-liaison"' in html and 'name="leave_unstaffed"' in html
    UserFactory(username="liaison_b", roles=[Role.DEPT_LIAISON], department=cast.liaison.department)
    html = clerk_client.get(_leave_url(cast.liaison)).content.decode()
    assert 'data-testid="last-liaison"' not in html and 'name="leave_unstaffed"' not in html


def test_leaving_the_last_liaison_without_consent_keeps_the_form_as_typed(clerk_client, cast):
    response = clerk_client.post(_leave_url(cast.liaison), {"reason": "other", "note": "借调至市局"})
    html = response.content.decode()
    assert response.status_code == 400 and "唯一的在岗联络员" in html
    assert "借调至市局" in html and 'value="other" selected' in html
    assert User.objects.get(pk=cast.liaison.pk).is_active


def test_leaving_with_consent_deactivates_and_returns_to_the_list(clerk_client, cast):
    data = {"reason": "transfer", "note": "", "leave_unstaffed": "on"}
    response = clerk_client.post(_leave_url(cast.liaison), data, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == LIST
    assert "已登记liaison离岗" in html and "已离岗" in html
    assert not User.objects.get(pk=cast.liaison.pk).is_active
    row = StatusChange.objects.get(action="deactivate_liaison")
    assert (row.actor, row.object_id, row.note) == (cast.clerk, cast.liaison.pk, "调任其他岗位")


@pytest.mark.parametrize("reason", ["", "x", "99999999999999999999", "<script>alert(1)</script>" * 400, "\x00"])
def test_a_bad_reason_is_a_chinese_message_not_an_error(clerk_client, cast, reason):
    response = clerk_client.post(_leave_url(cast.liaison), {"reason": reason, "note": reason})
    assert response.status_code == 400
    assert "离岗原因" in response.content.decode()
    assert User.objects.get(pk=cast.liaison.pk).is_active


def test_a_liaison_who_left_shows_as_such_and_cannot_leave_again(clerk_client, cast):
    services.deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="retire", leave_unstaffed=True)
    assert 'data-testid="already-left"' in clerk_client.get(_leave_url(cast.liaison)).content.decode()
    data = {"reason": "retire", "leave_unstaffed": "on"}
    assert clerk_client.post(_leave_url(cast.liaison), data).status_code == 400
    assert StatusChange.objects.filter(action="deactivate_liaison").count() == 1


def test_revealing_one_phone_shows_it_on_the_list_and_is_audited(clerk_client, cast):
    User.objects.filter(pk=cast.liaison.pk).update(phone="13812345678")
    User.objects.filter(pk=cast.other_liaison.pk).update(phone="13987654321")
    response = clerk_client.post(f"{LIST}{cast.liaison.pk}/phone/?unstaffed=0&page=1")
    assert response.status_code == 302 and response["Location"] == f"{LIST}?unstaffed=0&page=1"  # the list as it was
    shown = clerk_client.get(response["Location"])
    html = shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert 'href="tel:13812345678"' in html and "13987654321" not in html and "139****4321" in html
    assert "13812345678" not in clerk_client.get(LIST).content.decode()  # shown once; again means asking again
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields, access.purpose) == (
        cast.clerk,
        cast.liaison.pk,
        "phone",
        "联系部门联络员",
    )
    assert clerk_client.get(f"{LIST}{cast.liaison.pk}/phone/").status_code == 405


def test_the_list_query_count_does_not_grow_with_departments(clerk_client, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        clerk_client.get(LIST)
    for department in DepartmentFactory.create_batch(15):
        UserFactory(roles=[Role.DEPT_LIAISON], department=department, phone="13812345678")
        UserFactory(roles=[Role.DEPT_LIAISON], department=department, is_active=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = clerk_client.get(LIST).content.decode()
    assert html.count('data-testid="liaison-row"') == 2 + 30


# --- returning to post (恢复在岗) ------------------------------------------------------------------


def _reinstate_url(user) -> str:
    return f"{LIST}{user.pk}/reinstate/"


def _left(cast, user=None):
    user = user or cast.liaison
    services.deactivate_liaison(user=user, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    return User.objects.get(pk=user.pk)


def test_a_liaison_who_left_is_offered_reinstating_on_the_list(clerk_client, cast):
    left = _left(cast)
    html = clerk_client.get(LIST).content.decode()
    assert html.count('data-testid="reinstate"') == 1 and f'href="{_reinstate_url(left)}"' in html
    assert f'href="{_reinstate_url(left)}"' in clerk_client.get(_leave_url(left)).content.decode()


def test_reinstating_with_a_reason_reactivates_and_returns_to_the_list(clerk_client, cast):
    left = _left(cast)
    response = clerk_client.post(_reinstate_url(left), {"reason": "借调结束，回原岗位"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == LIST
    assert "已恢复liaison在岗" in html and "原密码" in html
    assert User.objects.get(pk=left.pk).is_active
    row = StatusChange.objects.get(action="reinstate_liaison")
    assert (row.actor, row.object_id, row.note, row.to_state) == (cast.clerk, left.pk, "借调结束，回原岗位", "active")


def test_reinstating_an_account_never_activated_shows_a_fresh_link_once(clerk_client, cast):
    link = services.add_liaison(
        department=cast.liaison.department, actor=cast.clerk, full_name="新人", phone="13912345678", username="xinren"
    )
    left = _left(cast, link.user)
    response = clerk_client.post(_reinstate_url(left), {"reason": "误操作离岗"})
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "只显示这一次" in html and "/accounts/activate/" in html and link.url not in html
    assert User.objects.get(pk=left.pk).is_active


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "请填写恢复原因。"),
        ("   ", "请填写恢复原因。"),
        ("<b>回来</b>" * 200, "不超过 500 字符"),
        ("回\x00来", "控制字符"),
    ],
)
def test_a_bad_reason_keeps_what_was_typed_with_a_chinese_message(clerk_client, cast, reason, message):
    left = _left(cast)
    response = clerk_client.post(_reinstate_url(left), {"reason": reason})
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    if reason.startswith("<b>"):
        assert "&lt;b&gt;回来&lt;/b&gt;" * 200 in html  # as typed, escaped
    assert not User.objects.get(pk=left.pk).is_active
    assert not StatusChange.objects.filter(action="reinstate_liaison").exists()


def test_a_liaison_in_post_shows_as_such_and_is_not_reinstated(clerk_client, cast):
    assert 'data-testid="already-serving"' in clerk_client.get(_reinstate_url(cast.liaison)).content.decode()
    assert clerk_client.post(_reinstate_url(cast.liaison), {"reason": "回原岗位"}).status_code == 400
    assert not StatusChange.objects.filter(action="reinstate_liaison").exists()


def test_reinstating_an_account_with_other_roles_is_refused_with_a_message(clerk_client, cast):
    left = _left(cast, UserFactory(username="both", roles=[Role.DEPT_LIAISON], department=cast.liaison.department))
    User.objects.filter(pk=left.pk).update(is_staff=True)
    response = clerk_client.post(_reinstate_url(left), {"reason": "回原岗位"})
    html = response.content.decode()
    assert response.status_code == 400 and "其他角色" in html and "回原岗位" in html
    assert not User.objects.get(pk=left.pk).is_active


@pytest.mark.parametrize("who", ["member", "liaison", "other_liaison", "citizen", "research"])
def test_only_clerks_reinstate(client, cast, who):
    left = _left(cast, UserFactory(username="gone", roles=[Role.DEPT_LIAISON], department=cast.liaison.department))
    client.force_login(getattr(cast, who))
    assert client.get(_reinstate_url(left)).status_code == 403
    assert client.post(_reinstate_url(left), {"reason": "回原岗位"}).status_code == 403
    assert not User.objects.get(pk=left.pk).is_active


def test_reinstating_is_only_for_liaison_accounts(clerk_client, cast):
    User.objects.filter(pk=cast.member.pk).update(is_active=False)
    assert clerk_client.post(_reinstate_url(cast.member), {"reason": "回原岗位"}).status_code == 404
    assert clerk_client.get(f"{LIST}99999999999999999999/reinstate/").status_code == 404
