"""The district rules (规则设置, /district/rules/).

Domain: the office that runs the district's setup — its clerk and the system administrator, who also
open accounts and keep the holiday calendar — changes the rules every area works by (deadlines,
reminders, vote fractions, grade marks). The CPPCC leaders (chair, vice chairs, secretary-general) read
them; everyone else is refused, a signed-out visitor sent to sign in. Not a workflow (the rules have no
status), so the matrix is declared per action.
"""

from __future__ import annotations

import pytest
from constance import config

from core.tests.permission_matrix.common import CLERKS, LEADERS, ROLES
from district.tests.factories import rules_form_data

URL = "/district/rules/"
ACTIONS = {"read": CLERKS | LEADERS, "change": CLERKS}


def _fire(client, action: str, n: int):
    """Fire one action as the signed-in role; returns (status, whether it took effect)."""
    if action == "read":
        response = client.get(URL)
        return response.status_code, response.status_code == 200
    days = 40 + n
    response = client.post(URL, rules_form_data(reason="矩阵", PROPOSAL_URGENT_REPLY_DAYS=str(days)))
    return response.status_code, config.PROPOSAL_URGENT_REPLY_DAYS == days


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_district_rules_per_role(client, cast, action):
    for n, role in enumerate(ROLES):
        client.force_login(getattr(cast, role))
        status, took = _fire(client, action, n)
        may = role in ACTIONS[action]
        assert took == may, (action, role, status)
        if not may:
            assert status == 403, (action, role, status)
        client.logout()
    status, took = _fire(client, action, len(ROLES))
    assert status == 302 and not took, (action, "signed out")


@pytest.mark.django_db
def test_the_menu_offers_the_rules_page_to_those_who_may_read_it(client, cast):
    for role in ROLES:
        client.force_login(getattr(cast, role))
        shown = f'href="{URL}"' in client.get("/office/").content.decode()
        assert shown == (role in ACTIONS["read"]), role
        client.logout()
