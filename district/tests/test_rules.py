"""The district rules on the 规则设置 page: the office changes them (with a reason, audited), the leaders
read them, rules that must agree are checked together, and nobody else opens the page."""

import pytest
from constance import config
from django.contrib.admin.models import LogEntry

from core.exceptions import ActionForbidden, Refused
from district import services
from district.tests.factories import rules_form_data

pytestmark = pytest.mark.django_db

URL = "/district/rules/"


def test_the_clerk_changes_a_rule_and_it_is_in_force_at_once(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, rules_form_data(reason="区委办通知缩短答复期限", PROPOSAL_REPLY_DAYS="60"))
    assert response.status_code == 302 and response["Location"] == URL
    assert config.PROPOSAL_REPLY_DAYS == 60
    entry = LogEntry.objects.get(object_id="Config")
    assert entry.user == cast.clerk
    # Named as the form names it, never by the internal key.
    assert entry.get_change_message() == "修改提案答复期限（天）：90 → 60。理由：区委办通知缩短答复期限"
    page = client.get(URL).content.decode()
    assert "已保存1项规则的修改" in page
    assert "修改提案答复期限（天）：90 → 60。理由：区委办通知缩短答复期限" in page and cast.clerk.display in page
    assert "PROPOSAL_REPLY_DAYS（" not in page


def test_several_changes_are_one_record_with_each_old_and_new_value(client, cast):
    client.force_login(cast.admin)
    data = rules_form_data(reason="调整", DUTY_GRADE_PASS="65", PROPOSAL_EXTENSION_AFTER_DUE="on")
    assert client.post(URL, data).status_code == 302
    message = LogEntry.objects.get(object_id="Config").get_change_message()
    assert "答复期限已过后承办单位仍可申请延期：否 → 是" in message
    assert "履职积分“合格”分数线（默认值）：60 → 65" in message and "；" in message
    assert config.PROPOSAL_EXTENSION_AFTER_DUE is True and config.DUTY_GRADE_PASS == 65


def test_saving_without_a_change_records_nothing(client, cast):
    client.force_login(cast.clerk)
    assert client.post(URL, rules_form_data()).status_code == 302
    assert not LogEntry.objects.filter(object_id="Config").exists()


def test_a_change_without_a_reason_is_refused(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, rules_form_data(reason=" ", PROPOSAL_REPLY_DAYS="60"))
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["请填写修改理由。"]
    assert config.PROPOSAL_REPLY_DAYS == 90 and not LogEntry.objects.exists()


def test_grade_marks_that_do_not_descend_are_refused_beside_both_and_what_was_typed_is_kept(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, rules_form_data(reason="新办法", DUTY_GRADE_GOOD="95", PROPOSAL_REPLY_DAYS="60"))
    assert response.status_code == 400
    message = "分数线须依次递减：“良好”分数线（95分）须低于“优秀”分数线（90分）。"
    errors = response.context["form"].errors
    assert errors["DUTY_GRADE_GOOD"] == [message] and errors["DUTY_GRADE_EXCELLENT"] == [message]
    page = response.content.decode()
    assert message in page
    assert 'name="DUTY_GRADE_GOOD" value="95"' in page and 'name="PROPOSAL_REPLY_DAYS" value="60"' in page
    assert "新办法" in page
    assert config.DUTY_GRADE_GOOD == 80 and config.PROPOSAL_REPLY_DAYS == 90
    assert not LogEntry.objects.exists()


def test_a_reminder_as_long_as_its_period_is_refused(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, rules_form_data(SUPERVISION_REMIND_BEFORE_DAYS="60"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (
        "督办任务到期前提醒的天数（60天）须少于默认办理期限（60天），否则交办当天就会提醒。"
        in errors["SUPERVISION_REMIND_BEFORE_DAYS"]
    )
    assert config.SUPERVISION_REMIND_BEFORE_DAYS == 7


def test_a_form_read_before_someone_else_saved_is_refused_and_keeps_what_was_typed(client, cast):
    stale = rules_form_data(PROPOSAL_COSIGN_DAYS="10")
    config.PROPOSAL_REPLY_DAYS = 60  # another clerk saved meanwhile
    client.force_login(cast.clerk)
    response = client.post(URL, stale)
    assert response.status_code == 400
    assert "规则已被他人修改" in response.content.decode()
    assert 'name="PROPOSAL_COSIGN_DAYS" value="10"' in response.content.decode()
    assert config.PROPOSAL_COSIGN_DAYS == 7


def test_each_rule_shows_what_it_means_and_its_default_in_its_section(client, cast):
    config.PROPOSAL_REPLY_DAYS = 60
    client.force_login(cast.clerk)
    page = client.get(URL).content.decode()
    for text in ("提案", "督办", "统计与履职", "提案答复期限（天）", "默认：90（PROPOSAL_REPLY_DAYS）", "默认：否"):
        assert text in page, text
    assert 'name="PROPOSAL_REPLY_DAYS" value="60"' in page and 'name="reason"' in page


def test_a_leader_reads_the_rules_but_cannot_save(client, cast):
    client.force_login(cast.chair)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="rules-read-only"' in text and 'name="reason"' not in text
    assert all(field.disabled for field in page.context["form"].fields.values() if not field.widget.is_hidden)
    response = client.post(URL, rules_form_data(PROPOSAL_REPLY_DAYS="60"))
    assert response.status_code == 403 and config.PROPOSAL_REPLY_DAYS == 90


def test_a_member_is_refused(client, cast):
    client.force_login(cast.member)
    assert client.get(URL).status_code == 403
    assert client.post(URL, rules_form_data(PROPOSAL_REPLY_DAYS="60")).status_code == 403
    assert config.PROPOSAL_REPLY_DAYS == 90


def test_the_service_refuses_rules_that_disagree_even_when_only_one_is_sent(cast):
    with pytest.raises(Refused) as refused:
        services.change_district_rules(values={"DUTY_GRADE_PASS": 85}, reason="调整", actor=cast.clerk)
    assert set(refused.value.fields) == {"DUTY_GRADE_PASS", "DUTY_GRADE_GOOD"}
    assert config.DUTY_GRADE_PASS == 60


def test_the_service_refuses_others_and_a_missing_reason(cast):
    with pytest.raises(ActionForbidden):
        services.change_district_rules(values={"PROPOSAL_REPLY_DAYS": 60}, reason="调整", actor=cast.chair)
    with pytest.raises(Refused) as refused:
        services.change_district_rules(values={"PROPOSAL_REPLY_DAYS": 60}, reason="", actor=cast.clerk)
    assert "reason" in refused.value.fields
    assert config.PROPOSAL_REPLY_DAYS == 90


def test_the_approval_chain_and_meeting_kinds_show_each_code_with_its_chinese_name(client, cast):
    """Review 7 #6: the office was asked to type chairs_meeting, joint_offices... with nothing saying
    which is 三办联席会; the default ran unbroken past a phone's edge."""
    client.force_login(cast.clerk)
    page = client.get(URL).content.decode()
    for text in (
        "joint_offices = 三办联席会",
        "party_leader = 区委领导审阅",
        "standing_vote = 常委会表决",
        "counterpart = 委处对口协商会",
        "micro = 微协商",
        "默认：chairs_meeting, joint_offices, party_leader, standing_vote（PLAN_APPROVAL_CHAIN）",
    ):
        assert text in page, text


def test_the_chain_may_be_typed_by_its_chinese_names_and_is_kept_as_codes(client, cast):
    client.force_login(cast.clerk)
    data = rules_form_data(
        reason="本区计划不经常委会表决",
        PLAN_APPROVAL_CHAIN="主席会议审议，三办联席会、区委领导审阅",
        CONSULT_DEPARTMENT_REQUIRED_KINDS="专题协商会,micro",
    )
    assert client.post(URL, data).status_code == 302
    assert config.PLAN_APPROVAL_CHAIN == "chairs_meeting,joint_offices,party_leader"
    assert config.CONSULT_DEPARTMENT_REQUIRED_KINDS == "thematic,micro"


def test_an_unknown_step_is_refused_with_the_steps_and_their_names(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, rules_form_data(reason="调整", PLAN_APPROVAL_CHAIN="主席会议,三办联席会"))
    assert response.status_code == 400
    (message,) = response.context["form"].errors["PLAN_APPROVAL_CHAIN"]
    assert message.startswith("未知的审定环节：主席会议。可填代码或名称：chairs_meeting = 主席会议审议；")
    assert "standing_vote = 常委会表决" in message
    assert config.PLAN_APPROVAL_CHAIN == "chairs_meeting,joint_offices,party_leader,standing_vote"
