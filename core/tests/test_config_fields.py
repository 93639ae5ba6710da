"""The district rules are checked in the Config page: a mistyped rule is refused there, with a
message, instead of being saved and breaking the pages that read it."""

import pytest
from constance.forms import ConstanceForm
from constance.utils import get_values

pytestmark = pytest.mark.django_db


def _form(**changes):
    initial = get_values()
    form = ConstanceForm(initial=initial)
    data = {name: form[name].value() for name in initial}
    data["version"] = form.initial["version"]
    data.update(changes)
    return ConstanceForm(initial=initial, data=data)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PROPOSAL_REPLY_DAYS", "-5"),
        ("APPEAL_MAX_CHARS", "-1"),
        ("APPEAL_RATE_LIMIT", "ten per hour"),
        ("APPEAL_RATE_LIMIT", "10/0m"),  # a period of 0 failed every public appeal (500)
        ("STANDING_QUORUM_FRACTION", "half"),
        ("STANDING_PASS_FRACTION", "3/2"),
        ("PLAN_APPROVAL_CHAIN", "chairs_meeting,party_leder"),
        ("PLAN_APPROVAL_CHAIN", ""),
        ("PLAN_APPROVAL_CHAIN", "chairs_meeting,chairs_meeting"),
        ("PLAN_DOC_NUMBER_FORMAT", "{prefix}委办〔{yr}〕{seq}号"),
        ("PLAN_DOC_NUMBER_FORMAT", "{prefix}委办〔{year}〕{seq:03d}号"),  # the publish page was a 500
        ("PROPOSAL_REPLY_LETTER_NUMBER", "{unit}提复〔{year!r}〕{serial}号"),
        ("PROPOSAL_REPLY_LETTER_NUMBER", "{unit}提复〔{year}〕{serial号"),
        ("CONSULT_DEPARTMENT_REQUIRED_KINDS", "thematic,coffee"),
        ("RECEPTION_WEEK_OF_MONTH", "0"),
        ("ANALYTICS_DUPLICATE_MIN_SIMILARITY", "1.5"),
        ("ANALYTICS_CLUSTER_MIN_SIMILARITY", "0"),  # every pair alike: one cluster of everything
    ],
)
def test_a_mistyped_rule_is_refused_with_a_message(name, value):
    form = _form(**{name: value})
    assert not form.is_valid()
    assert form.errors[name] and all(str(e) for e in form.errors[name])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PROPOSAL_REPLY_DAYS", "60"),
        ("APPEAL_RATE_LIMIT", "20/5m"),
        ("STANDING_PASS_FRACTION", "2/3"),
        ("PLAN_APPROVAL_CHAIN", "joint_offices, chairs_meeting, party_leader"),
        ("PLAN_DOC_NUMBER_FORMAT", "{prefix}政协〔{year}〕{seq}号"),
        ("CONSULT_DEPARTMENT_REQUIRED_KINDS", ""),
        ("PROPOSAL_RETURN_WINDOW_DAYS", "0"),
    ],
)
def test_another_districts_rule_is_accepted(name, value):
    form = _form(**{name: value})
    assert form.is_valid(), form.errors


def test_a_rule_change_is_kept_with_its_old_and_new_value_and_its_reason(client, cast):
    from django.contrib.admin.models import LogEntry

    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    form = _form(PROPOSAL_REPLY_DAYS="60")
    data = {name: form.data[name] for name in form.data} | {"reason": "按新办法调整"}
    response = client.post("/admin/constance/config/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    entry = LogEntry.objects.get(object_id="Config")
    assert entry.user == cast.admin
    assert entry.get_change_message() == "修改提案答复期限（天）：90 → 60。理由：按新办法调整"


def test_the_admin_config_page_names_each_step_and_meeting_kind(client, cast):
    """Review 7 #6: the admin's Config page too says which code is which step or meeting kind."""
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    page = client.get("/admin/constance/config/").content.decode()
    assert "chairs_meeting = 主席会议审议" in page and "joint_offices = 三办联席会" in page
    assert "proposal_handling = 提案办理协商会" in page


def test_an_unknown_meeting_kind_is_refused_with_the_kinds_and_their_names():
    form = _form(CONSULT_DEPARTMENT_REQUIRED_KINDS="thematic,coffee")
    assert not form.is_valid()
    (message,) = form.errors["CONSULT_DEPARTMENT_REQUIRED_KINDS"]
    assert message.startswith("未知的会议类型：coffee。可填代码或名称：")
    assert "thematic = 专题协商会" in message and "micro = 微协商" in message
