"""Rules that must agree with each other are checked together (core.config.check_rules), by the same
function on the office's 规则设置 page and in the admin's Config page."""

import pytest
from constance import config
from django.contrib.admin.models import LogEntry

from core.config import CONSTANCE_CONFIG, check_rules
from district.tests.factories import rules_form_data

DEFAULTS = {name: options[0] for name, options in CONSTANCE_CONFIG.items()}
ADMIN_URL = "/admin/constance/config/"


def test_the_seed_rules_agree():
    assert check_rules(DEFAULTS) == {}


@pytest.mark.parametrize(
    ("changes", "flagged"),
    [
        ({"DUTY_GRADE_GOOD": 90}, {"DUTY_GRADE_GOOD", "DUTY_GRADE_EXCELLENT"}),  # equal is not descending
        ({"DUTY_GRADE_PASS": 85}, {"DUTY_GRADE_PASS", "DUTY_GRADE_GOOD"}),
        ({"PROPOSAL_URGENT_REPLY_DAYS": 120}, {"PROPOSAL_URGENT_REPLY_DAYS", "PROPOSAL_REPLY_DAYS"}),
        ({"PROPOSAL_REPLY_DAYS": 200}, {"PROPOSAL_REPLY_DAYS", "PROPOSAL_REPLY_MAX_DAYS"}),
        (
            {"PROPOSAL_URGENT_REPLY_DAYS": 5},
            {"PROPOSAL_REMIND_BEFORE_DAYS", "PROPOSAL_URGENT_REPLY_DAYS", "PROPOSAL_RETURN_WINDOW_DAYS"},
        ),
        ({"PROPOSAL_REHANDLE_DAYS": 7}, {"PROPOSAL_REMIND_BEFORE_DAYS", "PROPOSAL_REHANDLE_DAYS"}),
        ({"PROPOSAL_RETURN_WINDOW_DAYS": 30}, {"PROPOSAL_RETURN_WINDOW_DAYS", "PROPOSAL_URGENT_REPLY_DAYS"}),
        ({"SUPERVISION_DEFAULT_DAYS": 7}, {"SUPERVISION_REMIND_BEFORE_DAYS", "SUPERVISION_DEFAULT_DAYS"}),
        ({"SUPERVISION_REHANDLE_DAYS": 5}, {"SUPERVISION_REMIND_BEFORE_DAYS", "SUPERVISION_REHANDLE_DAYS"}),
        ({"SUPERVISION_RETURN_WINDOW_DAYS": 60}, {"SUPERVISION_RETURN_WINDOW_DAYS", "SUPERVISION_DEFAULT_DAYS"}),
        ({"CONSULT_MATERIALS_WORKDAYS": 16}, {"CONSULT_MATERIALS_WORKDAYS", "CONSULT_NOTICE_WORKDAYS"}),
    ],
)
def test_rules_that_disagree_are_named_with_a_message_beside_both(changes, flagged):
    problems = check_rules(DEFAULTS | changes)
    assert set(problems) == flagged
    assert all(messages and all(messages) for messages in problems.values())


@pytest.mark.parametrize(
    "changes",
    [
        {"PROPOSAL_URGENT_REPLY_DAYS": 90},  # the fast track may be as long as the ordinary one
        {"PROPOSAL_REPLY_DAYS": 180},  # no extension beyond the first deadline
        {"PROPOSAL_REMIND_BEFORE_DAYS": 0, "SUPERVISION_REMIND_BEFORE_DAYS": 0},  # no reminder at all
        {"CONSULT_MATERIALS_WORKDAYS": 15},  # materials with the notice
        {"CONSULT_NOTICE_WORKDAYS": 0},  # no notice period: nothing to compare the materials with
        {"DUTY_GRADE_EXCELLENT": 120, "DUTY_GRADE_GOOD": 100, "DUTY_GRADE_PASS": 0},
    ],
)
def test_rules_that_agree_pass(changes):
    assert check_rules(DEFAULTS | changes) == {}


def test_a_rule_missing_or_refused_by_its_own_field_is_not_compared():
    values = DEFAULTS | {"DUTY_GRADE_GOOD": "abc"}
    del values["DUTY_GRADE_PASS"]
    assert check_rules(values) == {}


def test_the_message_says_the_values_typed():
    problems = check_rules(DEFAULTS | {"DUTY_GRADE_GOOD": 95})
    assert problems["DUTY_GRADE_GOOD"] == ["分数线须依次递减：“良好”分数线（95分）须低于“优秀”分数线（90分）。"]


@pytest.fixture
def superuser_client(client, cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    return client


@pytest.mark.django_db
def test_the_admin_refuses_grade_marks_that_do_not_descend_with_the_same_message(superuser_client):
    response = superuser_client.post(ADMIN_URL, rules_form_data(DUTY_GRADE_GOOD="95"))
    assert response.status_code == 200  # constance's page comes back with the errors
    assert response.context["form"].errors["DUTY_GRADE_GOOD"] == [
        "分数线须依次递减：“良好”分数线（95分）须低于“优秀”分数线（90分）。"
    ]
    assert "分数线须依次递减" in response.content.decode()
    assert config.DUTY_GRADE_GOOD == 80 and not LogEntry.objects.exists()


@pytest.mark.django_db
def test_the_admin_asks_for_the_reason_too(superuser_client):
    response = superuser_client.post(ADMIN_URL, rules_form_data(reason="", PROPOSAL_REPLY_DAYS="60"))
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert 'name="reason"' in response.content.decode()
    assert config.PROPOSAL_REPLY_DAYS == 90


@pytest.mark.django_db
def test_a_change_in_the_admin_is_in_the_office_pages_record(superuser_client, cast):
    assert superuser_client.post(ADMIN_URL, rules_form_data(reason="更正", DUTY_GRADE_PASS="65")).status_code == 302
    superuser_client.force_login(cast.clerk)
    page = superuser_client.get("/district/rules/").content.decode()
    assert "履职积分“合格”分数线（默认值）：60 → 65。理由：更正" in page
