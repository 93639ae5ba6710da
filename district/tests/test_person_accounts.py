"""人员账号: the office page where a clerk opens accounts for experts and members."""

import pytest

from accounts import services
from accounts.models import User
from district.tests.factories import ExpertFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, cast):
    client.force_login(cast.clerk)
    return client


def test_the_clerk_finds_the_page_in_the_menu_and_sees_who_has_no_account(clerk_client, cast):
    ExpertFactory(name="无账号专家")
    html = clerk_client.get("/office/").content.decode()
    assert 'href="/district/accounts/"' in html
    page = clerk_client.get("/district/accounts/?kind=expert&state=none").content.decode()
    assert "无账号专家" in page and "开通账号" in page


@pytest.mark.parametrize("who", ["research", "proposal", "member", "expert", "liaison", "party_leader", "citizen"])
def test_other_roles_are_refused_every_page(client, cast, who):
    expert = ExpertFactory()
    client.force_login(getattr(cast, who))
    assert client.get("/district/accounts/").status_code == 403
    assert client.get(f"/district/accounts/expert/{expert.pk}/open/").status_code == 403
    assert client.post(f"/district/accounts/expert/{expert.pk}/open/", {"username": "x1"}).status_code == 403
    assert client.post(f"/district/accounts/expert/{expert.pk}/reissue/").status_code == 403
    expert.refresh_from_db()
    assert expert.user is None
    assert 'href="/district/accounts/"' not in client.get("/office/").content.decode()


def test_opening_shows_the_link_once_and_never_caches_it(clerk_client, cast):
    expert = ExpertFactory(name="周专家")
    form = clerk_client.get(f"/district/accounts/expert/{expert.pk}/open/").content.decode()
    assert f'value="expert{expert.pk}"' in form  # a suggested login name
    response = clerk_client.post(f"/district/accounts/expert/{expert.pk}/open/", {"username": "zhou", "email": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "只显示这一次" in html and "/accounts/activate/" in html and "周专家您好" in html
    assert "no-store" in response["Cache-Control"]
    assert User.objects.get(username="zhou").expert == expert


def test_opening_twice_on_the_page_says_so_keeping_the_form(clerk_client, cast):
    expert = ExpertFactory(name="吴专家")
    services.open_account(person=expert, actor=cast.clerk, username="wu")
    response = clerk_client.post(f"/district/accounts/expert/{expert.pk}/open/", {"username": "wu2", "email": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "已有平台账号" in html and 'value="wu2"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "email": ""}, "请填写登录名。"),
        ({"username": "<script>alert(1)</script>", "email": ""}, "用户名"),
        ({"username": "ok-name", "email": "not-an-address"}, "合法的邮件地址"),
        ({"username": "x" * 10000, "email": ""}, "150"),
        ({"username": "clerk", "email": ""}, "已被使用"),
    ],
)
def test_bad_input_gets_a_chinese_message_not_an_error(clerk_client, cast, data, message):
    expert = ExpertFactory()
    response = clerk_client.post(f"/district/accounts/expert/{expert.pk}/open/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_kinds_and_people_are_not_found(clerk_client, cast):
    assert clerk_client.get("/district/accounts/partyleader/1/open/").status_code == 404
    assert clerk_client.get("/district/accounts/expert/99999999999999999999/open/").status_code == 404
    former = MemberFactory(user=None, is_active=False)
    assert clerk_client.get(f"/district/accounts/member/{former.pk}/open/").status_code == 404


def test_a_clerk_is_told_a_leaders_account_is_for_the_administrator(clerk_client, cast):
    vice = MemberFactory(user=None, name="某副主席", position="vice_chair", is_standing=True)
    page = clerk_client.get("/district/accounts/?kind=member&q=某副主席").content.decode()
    assert "须由系统管理员开通" in page and f"/district/accounts/member/{vice.pk}/open/" not in page
    response = clerk_client.post(f"/district/accounts/member/{vice.pk}/open/", {"username": "vice9"})
    assert response.status_code == 400 and "系统管理员" in response.content.decode()


def test_reissuing_from_the_list_shows_a_new_link(clerk_client, cast):
    expert = ExpertFactory()
    services.open_account(person=expert, actor=cast.clerk, username="again")
    page = clerk_client.get("/district/accounts/?kind=expert&state=pending").content.decode()
    assert "again" in page and "重新生成激活链接" in page
    response = clerk_client.post(f"/district/accounts/expert/{expert.pk}/reissue/")
    assert response.status_code == 200 and "/accounts/activate/" in response.content.decode()


def test_reissuing_for_an_active_account_is_refused_with_a_message(clerk_client, cast):
    member = cast.member.member
    response = clerk_client.post(f"/district/accounts/member/{member.pk}/reissue/", follow=True)
    assert "已开通平台账号" in response.content.decode()


def test_the_state_filter_separates_none_pending_and_active(clerk_client, cast):
    ExpertFactory(name="甲无")
    services.open_account(person=ExpertFactory(name="乙待"), actor=cast.clerk, username="yi")
    ExpertFactory(name="丙有", user=cast.expert)
    pages = {
        s: clerk_client.get(f"/district/accounts/?kind=expert&state={s}").content.decode()
        for s in ("none", "pending", "active")
    }
    assert "甲无" in pages["none"] and "乙待" not in pages["none"] and "丙有" not in pages["none"]
    assert "乙待" in pages["pending"] and "甲无" not in pages["pending"] and "丙有" not in pages["pending"]
    assert "丙有" in pages["active"] and "甲无" not in pages["active"] and "乙待" not in pages["active"]


def test_the_list_query_count_does_not_grow_with_rows(clerk_client, cast, django_assert_max_num_queries):
    MemberFactory(user=None)
    with django_assert_max_num_queries(20) as few:
        clerk_client.get("/district/accounts/?kind=member")
    MemberFactory.create_batch(20, user=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        clerk_client.get("/district/accounts/?kind=member")


def test_a_members_page_shows_the_clerk_their_account_state(clerk_client, client, cast):
    offline = MemberFactory(user=None)
    html = clerk_client.get(f"/district/members/{offline.pk}/").content.decode()
    assert "未开通" in html and f"/district/accounts/member/{offline.pk}/open/" in html
    client.force_login(cast.member)
    assert "平台账号" not in client.get(f"/district/members/{offline.pk}/").content.decode()
