"""Edit history of accounts: an administrator's edits of a user (fields and roles) are recorded with who made
them; logins and password changes are not edits; the phone stays encrypted in the history table too."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts import services
from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory
from district.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    return root


def _admin_form(user: User, **changes) -> dict:
    """What the admin's change form posts for the user, with `changes` applied."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "full_name": user.full_name,
        "department": user.department_id or "",
        "body": user.body_id or "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_an_admin_edit_of_department_and_roles_is_recorded_with_who_made_it(client, root, cast):
    user = cast.liaison
    before = user.history.count()
    new_department = DepartmentFactory(name="文旅局")
    clerk_group = Group.objects.get(name=Role.CLERK)
    data = _admin_form(user, department=new_department.pk, groups=[clerk_group.pk])
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    records = list(user.history.order_by("history_date", "history_id"))[before:]
    assert records and all(r.history_user == root for r in records)
    assert {r.department_id for r in records} == {new_department.pk}
    latest = records[-1]
    assert [row.group.name for row in latest.groups.all()] == [Role.CLERK]
    earlier = user.history.order_by("history_date", "history_id")[before - 1]
    assert [row.group.name for row in earlier.groups.all()] == [Role.DEPT_LIAISON]


def test_the_admin_shows_the_edits_with_who_made_them_and_masks_the_phone(client, root, cast):
    user = cast.liaison
    user.phone = "13812345678"
    user._history_user = root
    user.save()
    user.phone = "13987654321"
    user.save()
    html = client.get(f"/admin/accounts/user/{user.pk}/history/").content.decode()
    assert "root" in html and "***" in html
    assert "13812345678" not in html and "13987654321" not in html
    record = user.history.first()
    assert client.get(f"/admin/accounts/user/{user.pk}/history/{record.history_id}/").status_code == 200


def test_saving_the_admin_form_unchanged_records_nothing(client, root, cast):
    before = cast.member.history.count()
    response = client.post(f"/admin/accounts/user/{cast.member.pk}/change/", _admin_form(cast.member))
    assert response.status_code == 302
    assert cast.member.history.count() == before


def test_a_login_records_no_edit(client, cast):
    before = cast.clerk.history.count()
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.clerk.pk).last_login is not None
    assert cast.clerk.history.count() == before


def test_a_password_change_records_no_edit(client, root, cast):
    before = cast.member.history.count()
    data = {"password1": "qingshan-lushui-2024", "password2": "qingshan-lushui-2024", "usable_password": "true"}
    response = client.post(f"/admin/accounts/user/{cast.member.pk}/password/", data)
    assert response.status_code == 302
    services.reset_password(user=cast.member, password="lushui-qingshan-2025")
    assert User.objects.get(pk=cast.member.pk).check_password("lushui-qingshan-2025")
    assert cast.member.history.count() == before


def test_a_password_change_does_not_read_the_history_table(cast):
    from django.test.utils import CaptureQueriesContext

    user = User.objects.get(pk=cast.member.pk)
    user.set_password("qingshan-lushui-2024")
    with CaptureQueriesContext(connection) as queries:
        user.save()
    table = User.history.model._meta.db_table
    assert not [q["sql"] for q in queries if table in q["sql"]]


def test_an_edit_after_a_refresh_is_recorded_and_a_repeat_is_not(cast):
    user = User.objects.get(pk=cast.member.pk)
    before = user.history.count()
    User.objects.filter(pk=user.pk).update(full_name="陈委员")
    user.refresh_from_db()
    user.save()  # update() bypassed the history: this save records the value it wrote
    user.full_name = "陈明"
    user.save()
    user.save()
    assert user.history.count() == before + 2
    assert [r.full_name for r in user.history.order_by("-history_date", "-history_id")[:2]] == ["陈明", "陈委员"]


def test_the_history_keeps_neither_password_nor_last_login():
    columns = {f.name for f in User.history.model._meta.fields}
    assert "password" not in columns and "last_login" not in columns


def test_the_phone_in_the_history_table_is_encrypted(cast):
    user = UserFactory(phone="13912345678")
    user.full_name = "改名"
    user.save()
    table = User.history.model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT phone FROM {table} WHERE id = %s", [user.pk])
        stored = [row[0] for row in cur.fetchall()]
    assert stored and all("13912345678" not in value for value in stored)
    assert all(value.split(":")[0] in ("sm4", "aes") for value in stored)
    assert user.history.first().phone == "13912345678"


def test_roles_given_from_the_groups_side_are_recorded_on_the_user(cast):
    before = cast.citizen.history.count()
    Group.objects.get(name=Role.EXPERT).user_set.add(cast.citizen)
    assert cast.citizen.history.count() == before + 1
    assert {row.group.name for row in cast.citizen.history.first().groups.all()} == {Role.CITIZEN, Role.EXPERT}


def test_a_new_account_starts_its_history_with_one_row_that_shows_its_roles():
    user = services.create_user(username="newclerk", password=PASSWORD, roles=[Role.CLERK], full_name="新文员")
    (row,) = user.history.all()
    assert row.history_type == "+" and row.full_name == "新文员"
    assert [r.group.name for r in row.groups.all()] == [Role.CLERK]
    services.create_user(
        username="newclerk", password=None, roles=[Role.CLERK, Role.RESEARCH_OFFICE], full_name="新文员"
    )
    assert user.history.count() == 2  # an existing account's new role is an edit
