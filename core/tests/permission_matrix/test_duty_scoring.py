"""Duty-record scoring (履职积分规则, /insight/rules/) and the office's corrections of a member's record.

Domain: the office that sets the year's assessment rules on 规则设置 — the clerk and the system
administrator — sets the scoring rules and grade marks and corrects a member's counted items
(`insight.predicates.edits_duty_scoring`, the same predicate as `district.predicates.edits_district_rules`).
The research, proposal and information offices record activities (谁组织谁记录) and read the rules, but
do not set the points of their own kind of work; the CPPCC leaders read the rules. A member asks about
their own record only. Not a workflow (rules have no status), so the matrix is declared per action; a
role that may not is answered 404 (the pages are not offered to it).
"""

from __future__ import annotations

import pytest

from core.tests.permission_matrix.common import CLERKS, LEADERS, OFFICE, ROLES
from insight.models import DutyAdjustment, DutyQuery, GradeMarks, ScoringRule

ACTIONS = {
    "read_rules": OFFICE | LEADERS,
    "change_rule": CLERKS,
    "change_grade_marks": CLERKS,
    "adjust_record": CLERKS,
    "ask_about_own_record": frozenset({"member"}),
}


def _fire(client, cast, action: str, n: int):
    """Fire one action as the signed-in role; returns (status, whether it took effect)."""
    year = 2030 + n
    if action == "read_rules":
        response = client.get("/insight/rules/")
        return response.status_code, response.status_code == 200
    if action == "change_rule":
        data = {"points": "30", "cap": "", "effective_year": year, "note": "", "reason": "矩阵"}
        response = client.post("/insight/rules/proposal/filed_lead/edit/", data)
        return response.status_code, ScoringRule.objects.filter(effective_year=year).exists()
    if action == "change_grade_marks":
        data = {"excellent": 95, "good": 80, "passing": 60, "effective_year": year, "reason": "矩阵"}
        response = client.post("/insight/rules/grades/edit/", data)
        return response.status_code, GradeMarks.objects.filter(effective_year=year).exists()
    member = cast.member.member
    before = DutyAdjustment.objects.count(), DutyQuery.objects.count()
    if action == "adjust_record":
        data = {"year": 2022, "line": "speech:", "points": "1", "reason": "矩阵"}
        response = client.post(f"/insight/duty/{member.pk}/adjust/", data)
        return response.status_code, DutyAdjustment.objects.count() > before[0]
    response = client.post(f"/insight/duty/{member.pk}/ask/", {"year": 2022, "question": "矩阵"})
    return response.status_code, DutyQuery.objects.count() > before[1]


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_duty_scoring_per_role(client, cast, action):
    for n, role in enumerate(ROLES):
        client.force_login(getattr(cast, role))
        status, took = _fire(client, cast, action, n)
        may = role in ACTIONS[action]
        assert took == may, (action, role, status)
        if not may:
            assert status == 404, (action, role, status)
        client.logout()
    status, took = _fire(client, cast, action, len(ROLES))
    assert status == 302 and not took, (action, "signed out")


@pytest.mark.django_db
def test_the_rules_page_offers_the_edits_to_those_who_may_make_them(client, cast):
    for role in OFFICE | LEADERS:
        client.force_login(getattr(cast, role))
        html = client.get("/insight/rules/?year=2022").content.decode()
        assert ("/insight/rules/grades/edit/" in html) == (role in ACTIONS["change_grade_marks"]), role
        assert ("/insight/rules/speech/edit/" in html) == (role in ACTIONS["change_rule"]), role
        client.logout()
