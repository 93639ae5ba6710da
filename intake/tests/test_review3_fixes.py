"""Review 3 (a citizen's matter on the phone): #3 the referral on the audit record, #4 one rule for
offering and refusing 转交部门办理 (and 报送社情民意), #5 new appeals told to the clerks and on top of
their workbench, #7 writing to a workstation's mailbox online."""

import datetime
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from core.exceptions import Refused
from core.models import StatusChange
from core.workflow import history_for, perform
from district.tests.factories import TownFactory
from grassroots.tests.factories import WorkstationFactory
from intake import selectors, services
from intake.models import Appeal, AppealStatus, Channel, Outcome, Route
from intake.tests.factories import AppealFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _routed(cast, **fields) -> Appeal:
    appeal = AppealFactory(**fields)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    return appeal


def _closed(cast) -> Appeal:
    appeal = _routed(cast)
    perform(appeal, "answer", actor=cast.clerk, note="已协调修复。")
    perform(appeal, "close", actor=cast.clerk, note="已修复。", data={"outcome": Outcome.ON_THE_SPOT})
    return appeal


def _steps(appeal: Appeal, action: str):
    ct = ContentType.objects.get_for_model(Appeal)
    return StatusChange.objects.filter(content_type=ct, object_id=appeal.pk, action=action)


# R3#3: a referral is a step on the appeal's audit record: who, when, to whom, by when.


def test_a_referral_is_recorded_on_the_appeals_audit_record(client, cast):
    appeal = _routed(cast)
    department = cast.liaison.department
    due = timezone.localdate() + datetime.timedelta(days=14)
    before = timezone.now()
    services.refer_to_department(appeal=appeal, department=department, actor=cast.clerk, due_date=due)
    step = _steps(appeal, "refer").get()
    assert step.actor == cast.clerk and step.created_at >= before
    assert (step.from_state, step.to_state) == (AppealStatus.ROUTED, AppealStatus.ROUTED)
    assert department.name in step.note and due.isoformat() in step.note
    assert step.data["department"] == department.pk and step.data["due_date"] == due.isoformat()
    # The timeline names it, with who and the note, for the handling side.
    shown = [e for e in history_for(appeal, cast.clerk) if e.get("action") == "refer"]
    assert shown and shown[0]["action_label"] == "转交部门办理" and shown[0]["actor"] == cast.clerk.display
    assert department.name in shown[0]["note"]
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "转交部门办理" in page and f"转交{department.name}办理，办理期限{due.isoformat()}" in page
    # The citizen's 办理过程 keeps its one line for the referral (from its task), not a second one.
    labels = [s["label"] for s in selectors.public_timeline(appeal)]
    assert sum(department.name in label for label in labels) == 1, labels


def test_a_referral_without_a_deadline_says_so(cast):
    appeal = _routed(cast)
    services.refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)
    assert _steps(appeal, "refer").get().note == f"转交{cast.liaison.department.name}办理，未定办理期限"


# R3#4: 转交部门办理 is offered exactly when it would be accepted, and refused with the true reason.


def _refer_offered(client, user, appeal) -> bool:
    client.force_login(user)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    return f"/appeals/office/{appeal.pk}/refer/" in page


def test_a_closed_appeal_is_not_offered_for_referral_and_is_refused_with_the_true_reason(client, cast):
    appeal = _closed(cast)
    assert not _refer_offered(client, cast.clerk, appeal)
    with pytest.raises(Refused, match="诉求已办结，如需部门办理请先重新办理"):
        services.refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)
    response = client.post(
        f"/appeals/office/{appeal.pk}/refer/", {"department": cast.liaison.department.pk, "due_date": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "诉求已办结，如需部门办理请先重新办理" in html and "诉求分派办理后才能转交部门" not in html
    assert not _steps(appeal, "refer").exists()
    # Reopened (重新办理), it is being handled again and may be referred.
    perform(appeal, "reopen", actor=cast.clerk, note="群众不满意，请部门处理。")
    assert _refer_offered(client, cast.clerk, appeal)
    services.refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)


@pytest.mark.parametrize(
    ("state", "offered", "reason"),
    [
        ("received", False, "诉求分派办理后才能转交部门"),
        ("routed", True, ""),
        ("answered", True, ""),
        ("closed", False, "诉求已办结，如需部门办理请先重新办理"),
        ("merged", False, "已与其他诉求合并办理"),
        ("withdrawn", False, "诉求人已撤回该诉求"),
    ],
)
def test_one_rule_offers_and_refuses_a_referral_in_each_state(client, cast, state, offered, reason):
    fields = {"status": state}
    if state != "received":
        fields["route"] = Route.OFFICE
    appeal = AppealFactory(**fields)
    assert (selectors.refer_blocker(appeal) == "") == offered
    if state in ("routed", "answered", "closed"):  # the page's block for a handled appeal
        assert _refer_offered(client, cast.clerk, appeal) == offered
    if offered:
        services.refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)
    else:
        with pytest.raises(Refused, match=reason):
            services.refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)


def test_a_closed_appeal_may_still_be_forwarded_as_an_opinion_report(client, cast):
    """社情民意 written from a handled, even closed, appeal is the information office's daily work."""
    appeal = _closed(cast)
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert 'data-testid="forward"' in page
    assert client.post(f"/appeals/office/{appeal.pk}/forward/").status_code == 302
    appeal.refresh_from_db()
    assert appeal.opinion_report_id
    assert 'data-testid="forward"' not in client.get(f"/appeals/office/{appeal.pk}/").content.decode()


@pytest.mark.parametrize(
    ("state", "reason"),
    [("received", "诉求分派办理后才能报送"), ("merged", "请在主诉求上报送"), ("withdrawn", "诉求人已撤回")],
)
def test_forwarding_is_refused_where_it_is_not_offered(cast, state, reason):
    appeal = AppealFactory(status=state)
    with pytest.raises(Refused, match=reason):
        services.forward_as_opinion(appeal=appeal, actor=cast.clerk)


# R3#5: a new appeal is told to the clerks, once, and is on top of their workbench.


@pytest.fixture
def town():
    return TownFactory(name="新民镇")


def _form(town, **extra):
    return {"title": "路灯不亮", "body": "小区东门路灯坏了一个月。", "town": town.pk, **extra}


def _new_appeal_notes():
    return Notification.objects.filter(event_key__startswith="intake.new-appeal:")


def test_a_public_appeal_is_told_to_the_clerks_once(client, cast, town, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/appeals/", _form(town))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    note = _new_appeal_notes().get()
    assert note.recipient == cast.clerk and note.object_id == appeal.pk
    assert "新的群众诉求待分派" in note.title and "网上提交" in note.title and appeal.title in note.title
    assert note.url == appeal.get_absolute_url()
    # Told once: the task run again (a retried worker) writes nothing new.
    assert services.tell_of_new_appeal(appeal_id=appeal.pk) == 0
    assert _new_appeal_notes().count() == 1


def test_every_channel_tells_the_clerks_but_not_the_clerk_who_recorded_it(
    client, cast, town, django_capture_on_commit_callbacks
):
    client.force_login(cast.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/appeals/", _form(town, title="账号提交"))
    client.force_login(cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/appeals/office/new/", _form(town, title="委员登记的来信", channel=Channel.MAILBOX))
    client.force_login(cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/appeals/office/new/", _form(town, title="办公室接的电话", channel=Channel.PHONE))
    told = {n.title for n in _new_appeal_notes().filter(recipient=cast.clerk)}
    assert any("账号提交" in t for t in told) and any("委员登记的来信" in t and "委员信箱" in t for t in told)
    assert not any("办公室接的电话" in t for t in told)  # the clerk took it down: no need to tell them
    assert not _new_appeal_notes().exclude(recipient=cast.clerk).exists()


def test_an_appeal_routed_before_the_notice_runs_is_not_told(cast):
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    assert services.tell_of_new_appeal(appeal_id=appeal.pk) == 0
    assert not _new_appeal_notes().exists()


def test_the_clerks_workbench_shows_todays_appeals_before_the_old_backlog(client, cast):
    old = timezone.now() - datetime.timedelta(days=900)
    backlog = [AppealFactory(title=f"2023年旧诉求{i}") for i in range(10)]
    Appeal.objects.filter(pk__in=[a.pk for a in backlog]).update(created_at=old)
    in_hand = _routed(cast, title="办公室办理中")
    Appeal.objects.filter(pk=in_hand.pk).update(created_at=old - datetime.timedelta(days=1))
    yesterday, today = AppealFactory(title="昨天的新诉求"), AppealFactory(title="今天的新诉求")
    Appeal.objects.filter(pk=yesterday.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    queue = list(selectors.inbox(cast.clerk))
    assert queue[:2] == [today, yesterday]
    assert queue[-1] == in_hand  # what the office handles itself comes after what waits for routing
    client.force_login(cast.clerk)
    page = client.get("/office/").content.decode()
    assert "今天的新诉求" in page and "昨天的新诉求" in page
    # The office list keeps its own order (newest first), untouched.
    assert list(selectors.appeals_list(cast.clerk))[0] == today


# R3#7: a citizen writes to a workstation's mailbox (委员信箱) from its page.


@pytest.fixture
def workstation(cast):
    ws = WorkstationFactory(name="同安民建政协委员工作室")
    ws.members.add(cast.member.member)
    return ws


def test_the_workstation_page_offers_to_write_to_it(client, workstation):
    page = client.get(f"/grassroots/workstations/{workstation.pk}/").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="write-to-workstation"', page)
    assert link and "给工作室写信" in page
    form = client.get(link.group(1)).content.decode()
    assert "给工作室写信" in form and "同安民建政协委员工作室" in form and 'name="csrfmiddlewaretoken"' in form


def test_a_letter_to_the_workstation_is_its_appeal_from_the_start(
    client, cast, town, workstation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/appeals/write/{workstation.pk}/", _form(town, title="给工作室的信"), follow=True)
    assert response.status_code == 200 and "您的来信已送达同安民建政协委员工作室" in response.content.decode()
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.MAILBOX and appeal.status == AppealStatus.ROUTED
    assert (appeal.route, appeal.workstation) == (Route.WORKSTATION, workstation)
    step = _steps(appeal, "route").get()
    assert step.actor is None and workstation.name in step.note
    # Its members handle it and are told; the clerks have nothing to route.
    assert appeal in selectors.inbox(cast.member) and appeal not in selectors.inbox(cast.clerk)
    note = _new_appeal_notes().get()
    assert note.recipient == cast.member and "同安民建政协委员工作室" in note.title and "委员信箱" in note.title
    # The citizen's 办理过程 says it went to its handlers.
    assert [s["label"] for s in selectors.public_timeline(appeal)] == ["诉求已受理", "已交办理单位办理"]


def test_a_letter_to_a_workstation_without_members_waits_for_the_clerks(
    client, cast, town, django_capture_on_commit_callbacks
):
    empty = WorkstationFactory(name="新建工作室")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/appeals/write/{empty.pk}/", _form(town))
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.MAILBOX and appeal.status == AppealStatus.RECEIVED
    assert appeal.workstation == empty and not appeal.route
    assert _new_appeal_notes().get().recipient == cast.clerk


def test_an_inactive_workstation_takes_no_letters(client, town):
    closed = WorkstationFactory(is_active=False)
    assert client.get(f"/appeals/write/{closed.pk}/").status_code == 404
    assert client.post(f"/appeals/write/{closed.pk}/", _form(town)).status_code == 404
    assert not Appeal.objects.exists()


def test_the_letter_form_has_the_public_forms_rate_limit_and_csrf(client, town, workstation):
    from constance import config

    config.APPEAL_RATE_LIMIT = "2/h"
    # The limit counts per fixed hour: the clock stands still so that the three posts cannot straddle two.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):
        assert client.post("/appeals/", _form(town, title="一")).status_code == 302
        assert client.post(f"/appeals/write/{workstation.pk}/", _form(town, title="二")).status_code == 302
        # The same per-client limit counts both forms.
        response = client.post(f"/appeals/write/{workstation.pk}/", _form(town, body="第三封信的内容"))
    assert response.status_code == 429 and "第三封信的内容" in response.content.decode()
    assert Appeal.objects.count() == 2
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(f"/appeals/write/{workstation.pk}/", _form(town)).status_code == 403
    assert Appeal.objects.count() == 2


def test_a_truncated_mobile_is_refused_on_the_letter_form(client, town, workstation):
    response = client.post(f"/appeals/write/{workstation.pk}/", _form(town, contact_phone="1390592"))
    assert response.status_code == 400 and "11位" in response.content.decode()
    assert not Appeal.objects.exists()
