"""Accounts the office manages: department liaisons (部门联络员).

Domain: the 政协 office (its clerk, and the system administrator) keeps the list of each department's
liaisons: it adds them (an account and a one-time activation link), re-issues a link never used,
reveals a phone to call them (audited), records a liaison leaving (离岗) and returning (恢复在岗). Nobody
else may, and a liaison least of all: a liaison must not add a colleague nor switch one off. Not a workflow (the
account has no status field), so the matrix is declared per action rather than per state.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from core.models import PersonalDataAccess
from core.tests.permission_matrix.common import CLERKS, ROLES

LIST = "/district/accounts/liaisons/"
ACTIONS = {"list": CLERKS, "add": CLERKS, "reissue": CLERKS, "reveal": CLERKS, "leave": CLERKS, "reinstate": CLERKS}


@pytest.fixture
def pending(cast):
    from accounts import services

    return services.add_liaison(
        department=cast.liaison.department, actor=cast.clerk, full_name="待激活", phone="13912345678", username="dai"
    ).user


def _fire(client, action: str, cast, pending, n: int):
    """Fire one action as the signed-in role; returns (status, whether it took effect)."""
    if action == "list":
        response = client.get(LIST)
        return response.status_code, response.status_code == 200
    if action == "add":
        data = {"full_name": "新联络员", "phone": "13912345678", "username": f"new{n}", "email": ""}
        response = client.post(f"{LIST}departments/{cast.other_liaison.department_id}/add/", data)
        return response.status_code, User.objects.filter(username=f"new{n}").exists()
    if action == "reissue":
        before = User.objects.get(pk=pending.pk).password
        response = client.post(f"{LIST}{pending.pk}/reissue/")
        return response.status_code, User.objects.get(pk=pending.pk).password != before
    if action == "reveal":
        before = PersonalDataAccess.objects.count()
        response = client.post(f"{LIST}{pending.pk}/phone/")
        return response.status_code, PersonalDataAccess.objects.count() > before
    if action == "reinstate":
        User.objects.filter(pk=pending.pk).update(is_active=False)
        response = client.post(f"{LIST}{pending.pk}/reinstate/", {"reason": "借调结束"})
        return response.status_code, User.objects.get(pk=pending.pk).is_active
    data = {"reason": "transfer", "leave_unstaffed": "on"}
    response = client.post(f"{LIST}{cast.other_liaison.pk}/leave/", data)
    took = not User.objects.get(pk=cast.other_liaison.pk).is_active
    User.objects.filter(pk=cast.other_liaison.pk).update(is_active=True)  # ready for the next role
    return response.status_code, took


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_liaison_management_per_role(client, cast, pending, action):
    for n, role in enumerate(ROLES):
        client.force_login(getattr(cast, role))
        status, took = _fire(client, action, cast, pending, n)
        may = role in ACTIONS[action]
        assert took == may, (action, role, status)
        if not may:
            assert status == 403, (action, role, status)
        client.logout()
    status, took = _fire(client, action, cast, pending, len(ROLES))
    assert status == 302 and not took, (action, "signed out")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["liaison", "other_liaison"])
def test_a_liaison_cannot_switch_off_a_colleague_of_their_own_department(client, cast, who):
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory

    colleague = UserFactory(roles=[Role.DEPT_LIAISON], department=getattr(cast, who).department)
    client.force_login(getattr(cast, who))
    response = client.post(f"{LIST}{colleague.pk}/leave/", {"reason": "transfer", "leave_unstaffed": "on"})
    assert response.status_code == 403 and User.objects.get(pk=colleague.pk).is_active
    assert client.get(f"{LIST}{colleague.pk}/leave/").status_code == 403


@pytest.mark.django_db
def test_the_menu_offers_the_accounts_pages_only_to_clerks(client, cast):
    for role in ROLES:
        client.force_login(getattr(cast, role))
        shown = 'href="/district/accounts/"' in client.get("/office/").content.decode()
        assert shown == (role in CLERKS), role
        client.logout()
