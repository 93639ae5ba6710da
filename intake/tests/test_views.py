import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import PersonalDataAccess
from core.workflow import perform
from district.tests.factories import TownFactory
from intake import services
from intake.models import Appeal, AppealStatus, Route
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return TownFactory(name="新民镇")


# The hidden key the form hands out (signed by the server: see intake.services.retry_key_for).
RETRY_KEY = services.issue_retry_key()


def form_data(town, **extra):
    data = {"title": "路灯不亮", "body": "小区东门路灯坏了一个月。", "town": town.pk, "idempotency_key": RETRY_KEY}
    data.update(extra)
    return data


def test_public_form_needs_no_account_and_gives_a_code(client, town):
    response = client.post("/appeals/", form_data(town, contact_phone="13912345678"), follow=True)
    appeal = Appeal.objects.get()
    assert response.status_code == 200
    assert appeal.tracking_code in response.content.decode()
    assert appeal.contact_phone == "13912345678"


def test_double_submit_creates_one_appeal_and_shows_the_same_code(client, town):
    first = client.post("/appeals/", form_data(town))
    second = client.post("/appeals/", form_data(town))
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_form_hands_out_the_key_that_makes_a_double_submit_one_appeal(client, town):
    page = client.get("/appeals/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = client.post("/appeals/", form_data(town, idempotency_key=key))
    second = client.post("/appeals/", form_data(town, idempotency_key=key))
    assert Appeal.objects.count() == 1 and first["Location"] == second["Location"]


def test_a_key_someone_else_used_never_opens_their_appeal(client, api_client, cast, town):
    """A retry key is the caller's own: a key copied from (or guessed after) another submission,
    sent by someone else, files a new appeal instead of returning the other person's tracking page."""
    api_client.force_authenticate(cast.clerk)
    payload = {"title": "来电反映", "body": "噪音扰民", "channel": "phone", "town": town.pk}
    theirs = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1").json()
    response = client.post("/appeals/", form_data(town, idempotency_key="call-1"))
    assert response.status_code == 302 and theirs["tracking_code"] not in response["Location"]
    # A citizen's own (signed) key sent again by someone else, without an account or from another one.
    client.force_login(cast.citizen)
    mine = client.post("/appeals/", form_data(town))["Location"]
    client.logout()
    assert client.post("/appeals/", form_data(town))["Location"] != mine
    client.force_login(cast.member)
    assert client.post("/appeals/", form_data(town))["Location"] != mine
    assert Appeal.objects.count() == 5


def test_over_the_rate_limit_another_persons_key_is_not_a_way_in(client, cast, town):
    from constance import config

    config.APPEAL_RATE_LIMIT = "1/h"
    client.force_login(cast.citizen)
    mine = client.post("/appeals/", form_data(town))["Location"]
    # The same person sending the same form again is shown their appeal, limit or not.
    assert client.post("/appeals/", form_data(town))["Location"] == mine
    client.logout()
    response = client.post("/appeals/", form_data(town))
    assert response.status_code == 429 and Appeal.objects.count() == 1


def test_too_long_body_is_explained_and_the_text_kept(client, town):
    body = "很" * 20000
    response = client.post("/appeals/", form_data(town, body=body))
    html = response.content.decode()
    assert response.status_code == 400
    assert "最多5000字" in html and body in html
    assert not Appeal.objects.exists()


def test_empty_appeal_is_explained(client, town):
    response = client.post("/appeals/", form_data(town, title="", body=""))
    html = response.content.decode()
    assert response.status_code == 400 and "请填写标题" in html and "请填写诉求内容" in html


def test_refused_attachment_keeps_the_text(client, town):
    upload = SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/octet-stream")
    response = client.post("/appeals/", {**form_data(town, body="独特的描述文字"), "attachments": [upload]})
    html = response.content.decode()
    assert response.status_code == 400 and "类型不被接受" in html and "独特的描述文字" in html
    assert not Appeal.objects.exists()


def test_a_form_sent_back_says_the_chosen_files_must_be_chosen_again(client, town, cast):
    """The text is kept, but a browser cannot refill a file input: a citizen who fixes the phone
    number and sends again would otherwise lose the photo without a word."""
    photo = SimpleUploadedFile("现场.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post("/appeals/", {**form_data(town, contact_phone="12"), "attachments": [photo]})
    assert response.status_code == 400
    assert 'data-testid="files-dropped"' in response.content.decode()
    without_files = client.post("/appeals/", form_data(town, contact_phone="12")).content.decode()
    assert 'data-testid="files-dropped"' not in without_files
    client.force_login(cast.member)
    photo.seek(0)
    response = client.post(
        "/appeals/office/new/", {**form_data(town, channel="mailbox", body=""), "attachments": [photo]}
    )
    assert response.status_code == 400 and 'data-testid="files-dropped"' in response.content.decode()


def test_rate_limit_gives_a_clear_message_and_keeps_the_text(client, town, settings):
    from constance import config

    config.APPEAL_RATE_LIMIT = "2/h"
    for i in range(2):
        assert client.post("/appeals/", form_data(town, idempotency_key=f"k{i}")).status_code == 302
    response = client.post("/appeals/", form_data(town, idempotency_key="k3", body="第三次的内容"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "太频繁" in html and "第三次的内容" in html
    assert Appeal.objects.count() == 2


def test_unknown_tracking_code_is_a_clear_message(client):
    response = client.get("/appeals/track/", {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 404 and "未找到查询码为“ZZZZ-ZZZZ”的诉求" in response.content.decode()
    response = client.get("/appeals/track/NOPE-NOPE/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_citizen_replies_and_withdraws_data_with_the_code(client):
    appeal = AppealFactory()
    url = f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(url).content.decode()
    # Whoever holds the code sees the contact details masked (staff see codes in lists and issues).
    assert "139****5678" in page and "13912345678" not in page and "同安区新民镇某路8号" not in page
    client.post(url, {"op": "reply", "body": "补充：西门也坏了"})
    assert appeal.messages.get().body == "补充：西门也坏了"
    client.post(url, {"op": "withdraw"})
    appeal.refresh_from_db()
    assert appeal.contact_phone == "" and appeal.contact_withdrawn_at
    assert "撤回个人信息" in client.get(url).content.decode()


def test_the_tracking_page_offers_erasing_an_account_appeals_contact_only_to_that_account(client, cast):
    appeal = AppealFactory(citizen=cast.citizen)
    url = f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(url).content.decode()
    assert 'data-testid="erase-why-not"' in page and 'data-testid="withdraw"' not in page
    response = client.post(url, {"op": "withdraw"}, follow=True)
    assert "请登录该账号后删除联系方式" in response.content.decode()
    client.force_login(cast.clerk)
    client.post(url, {"op": "withdraw"})
    appeal.refresh_from_db()
    assert appeal.contact_phone and appeal.contact_withdrawn_at is None
    client.force_login(cast.citizen)
    assert 'data-testid="withdraw"' in client.get(url).content.decode()
    client.post(url, {"op": "withdraw"})
    appeal.refresh_from_db()
    assert appeal.contact_phone == "" and appeal.contact_withdrawn_at


def test_office_sees_masked_contact_until_revealing_which_is_audited(client, cast):
    appeal = AppealFactory()
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert not PersonalDataAccess.objects.exists()
    response = client.post(f"/appeals/office/{appeal.pk}/contact/", follow=True)
    assert response.redirect_chain[-1][0] == f"/appeals/office/{appeal.pk}/"
    assert "13912345678" in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=cast.clerk).count() == 1
    # Reloading the page (a GET, not the form again) masks the contact and logs nothing more.
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert PersonalDataAccess.objects.count() == 1


def test_appeal_invisible_to_an_unrelated_member_is_404(client, cast):
    appeal = AppealFactory()
    client.force_login(cast.other_member)
    assert client.get(f"/appeals/office/{appeal.pk}/").status_code == 404
    assert client.post(f"/appeals/office/{appeal.pk}/contact/").status_code == 404


def test_route_and_close_through_the_page_keep_input_on_error(client, cast):
    appeal = AppealFactory()
    client.force_login(cast.clerk)
    client.post(f"/appeals/office/{appeal.pk}/act/route/", {"route-route": Route.OFFICE})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED
    client.post(f"/appeals/office/{appeal.pk}/act/answer/", {"note": "已联系路灯所"})
    response = client.post(
        f"/appeals/office/{appeal.pk}/act/close/", {"close-outcome": "plan", "close-note": "我的说明文字"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "计划完成日期" in html and "我的说明文字" in html
    client.post(f"/appeals/office/{appeal.pk}/act/close/", {"close-outcome": "on_the_spot", "close-note": "已修复"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED


def test_staff_record_an_appeal_from_a_letter(client, cast, town):
    client.force_login(cast.clerk)
    response = client.post("/appeals/office/new/", {**form_data(town), "channel": "letter", "contact_name": "李某"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.channel == "letter"


def test_the_recording_form_offers_only_channels_staff_take_down_and_speaks_of_the_citizen(client, cast, town):
    """A member recording a letter from their mailbox is not the citizen: the hints say "诉求人", and
    "开放接口" (appeals other systems send by themselves) is not a channel one records by hand."""
    client.force_login(cast.member)
    form = client.get("/appeals/office/new/").context["form"]
    assert [value for value, _label in form.fields["channel"].choices] == [
        "wechat", "phone", "letter", "mailbox", "reception", "visit"
    ]  # fmt: skip
    assert "诉求人" in str(form.fields["title"].help_text) and "您" not in str(form.fields["title"].help_text)
    assert "您" not in str(form.fields["body"].help_text) and "您" not in str(form.fields["contact_phone"].help_text)
    response = client.post("/appeals/office/new/", {**form_data(town), "channel": "open311"})
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_the_recording_form_asks_for_the_title_of_the_citizens_problem_not_yours(client, cast, town):
    client.force_login(cast.clerk)
    response = client.post("/appeals/office/new/", {**form_data(town), "channel": "letter", "title": " "})
    html = response.content.decode()
    assert response.status_code == 400 and not Appeal.objects.exists()
    assert "请填写标题，用一句话概括诉求人反映的问题。" in html and "您反映" not in html
    assert "小区东门路灯坏了一个月。" in html  # what was typed stays
    public = client.post("/appeals/", {**form_data(town), "title": ""}).content.decode()
    assert "请填写标题，用一句话概括您反映的问题。" in public


def test_office_list_query_count_does_not_grow(client, cast, django_assert_max_num_queries):
    client.force_login(cast.clerk)
    AppealFactory.create_batch(3)
    # 13: the page's ratings (群众不满意 badges) are one prefetch query, whatever the number of rows.
    with django_assert_max_num_queries(13) as few:
        client.get("/appeals/office/")
    AppealFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/appeals/office/")
    assert response.status_code == 200


def test_a_text_search_in_the_office_list_counts_to_a_lower_cap(client, cast, monkeypatch):
    from intake.views import office

    monkeypatch.setattr(office, "TEXT_COUNT_CAP", 2)
    monkeypatch.setattr(office, "LIST_COUNT_CAP", 10)
    AppealFactory.create_batch(3, body="东门路灯坏了")
    AppealFactory(body="垃圾清运不及时")
    client.force_login(cast.clerk)

    def count(url):
        page = client.get(url).content.decode()
        return page.split('data-testid="count">')[1].split("<")[0]

    assert count("/appeals/office/?q=路灯") == "2+"  # three match; the count stops at the text cap
    assert count("/appeals/office/") == "4"  # no text: the list's own cap
    assert count("/appeals/office/?q=垃圾") == "1"


def test_member_handles_an_appeal_routed_to_their_workstation(client, cast):
    from grassroots.tests.factories import WorkstationFactory

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    client.force_login(cast.member)
    client.post(f"/appeals/office/{appeal.pk}/forward/")
    appeal.refresh_from_db()
    assert appeal.opinion_report.provider == ws


def test_a_public_submission_costs_a_few_queries_and_one_transaction(client, town, settings):
    """The intake path is the busiest write: town, rules, the appeal, its history row and its tasks
    (its analysis, and telling the clerks it waits for routing: queued, not written in the request).

    (With the database queue of production; 13 queries and two commits before it was trimmed, then
    six statements with one commit, now one statement on PostgreSQL.)
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    client.post("/appeals/", form_data(town, idempotency_key="warm-up"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/appeals/", form_data(town, idempotency_key="counted"))
    assert response.status_code == 302
    # The test runs inside a transaction, so the service's refused-key guard and the insert helper's
    # all-or-nothing block show up as savepoints, which a request outside a transaction never issues.
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    writes = [s for s in sql if "INSERT INTO" in s]
    # The appeal, its history row, its two tasks; no notification row in the request.
    assert sum(s.count("INSERT INTO") for s in writes) == 4, sql
    assert not [s for s in writes if "notifications_notification" in s], sql
    # PostgreSQL: one statement (core.fastwrite), hence no BEGIN/COMMIT either; elsewhere four inserts.
    assert len(writes) == (1 if connection.vendor == "postgresql" else 4), sql
    assert not [s for s in sql if "idempotency_key" in s and s.startswith("SELECT")], sql
    assert len(sql) <= 8, sql


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_citizen_downloads_their_own_files_with_the_tracking_code_only(client, town, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("现场情况.pdf", PDF, content_type="application/pdf")
    client.post("/appeals/", {**form_data(town), "attachments": [upload]})
    appeal = Appeal.objects.get()
    page = client.get(f"/appeals/track/{appeal.tracking_code}/").content.decode()
    assert "现场情况.pdf" in page
    from core.services import attachments_of

    att = attachments_of(appeal).get()
    url = f"/appeals/track/{appeal.tracking_code}/files/{att.token}/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another appeal's code does not open this file, nor does a made-up code.
    other = AppealFactory()
    assert client.get(f"/appeals/track/{other.tracking_code}/files/{att.token}/").status_code == 404
    assert client.get(f"/appeals/track/ZZZZ-ZZZZ/files/{att.token}/").status_code == 404


@pytest.mark.parametrize("route", [Route.WORKSTATION, Route.DUTY_GROUP])
def test_clerk_routes_to_a_workstation_or_duty_group_through_the_page(client, cast, route):
    from grassroots.tests.factories import DutyGroupFactory, WorkstationFactory

    target = WorkstationFactory() if route == Route.WORKSTATION else DutyGroupFactory()
    appeal = AppealFactory()
    client.force_login(cast.clerk)
    response = client.post(
        f"/appeals/office/{appeal.pk}/act/route/", {"route-route": route, f"route-{route}": target.pk}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED
    assert (appeal.workstation if route == Route.WORKSTATION else appeal.duty_group) == target


def test_a_signed_in_citizen_follows_their_appeal_without_the_office_audit_trail(client, cast):
    appeal = AppealFactory(citizen=cast.citizen)
    perform(appeal, "route", actor=cast.clerk, note="内部说明：请工作室联系交通办", data={"route": Route.OFFICE})
    other = AppealFactory(title="别人的诉求")
    client.force_login(cast.citizen)
    response = client.get(f"/appeals/office/{appeal.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(response["Location"]).content.decode()
    assert "内部说明" not in page and cast.clerk.display not in page
    assert "已交办理单位办理" in page and "分派办理" not in page
    assert client.get(f"/appeals/office/{other.pk}/").status_code == 404
    # Their appeals are listed where they look a code up, someone else's are not.
    page = client.get("/appeals/track/").content.decode()
    assert appeal.tracking_code in page and other.tracking_code not in page and "别人的诉求" not in page


def test_staff_still_open_the_office_page_of_an_appeal(client, cast):
    appeal = AppealFactory(citizen=cast.citizen)
    client.force_login(cast.clerk)
    assert client.get(f"/appeals/office/{appeal.pk}/").status_code == 200


def test_referral_with_a_past_deadline_is_refused_and_the_choice_kept(client, cast):
    from supervision.models import SupervisionTask

    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    client.force_login(cast.clerk)
    dept = cast.liaison.department
    response = client.post(f"/appeals/office/{appeal.pk}/refer/", {"department": dept.pk, "due_date": "2020-01-01"})
    html = response.content.decode()
    assert response.status_code == 400 and "办理期限不能早于今天" in html and 'value="2020-01-01"' in html
    assert not SupervisionTask.objects.exists()
    appeal.refresh_from_db()
    assert appeal.department is None


def test_a_citizen_message_reaches_the_handlers_of_the_main_case(client, cast, django_capture_on_commit_callbacks):
    from grassroots.tests.factories import WorkstationFactory
    from intake.services import merge_appeals
    from notifications.models import Notification

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    main = AppealFactory(title="主诉求")
    duplicate = AppealFactory()
    perform(main, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    merge_appeals(duplicate=duplicate, into=main, actor=cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/appeals/track/{duplicate.tracking_code}/", {"op": "reply", "body": "补充：西门也坏了"})
    note = Notification.objects.get(recipient=cast.member)
    assert "主诉求" in note.title and note.url == main.get_absolute_url()
    assert not Notification.objects.filter(recipient=cast.other_member).exists()
    client.force_login(cast.member)
    page = client.get(main.get_absolute_url()).content.decode()
    assert "补充：西门也坏了" in page and duplicate.tracking_code in page


def test_the_public_form_marks_title_and_body_as_required_and_explains_each_once(client, town):
    page = client.get("/appeals/").content.decode()
    for name in ("title", "body"):
        label = page.split(f'for="id_{name}"')[1].split("</label>")[0]
        assert 'class="text-danger">*' in label
    html = client.post("/appeals/", form_data(town, title="  ", body="")).content.decode()
    assert html.count("请填写标题，用一句话概括您反映的问题。") == 1
    assert html.count("请填写诉求内容：发生了什么、在哪里、希望如何解决。") == 1


# Withdrawing an appeal from the tracking page.


def test_the_code_holder_withdraws_an_appeal_sent_without_an_account(client, django_capture_on_commit_callbacks):
    appeal = AppealFactory()
    url = f"/appeals/track/{appeal.tracking_code}/"
    assert 'data-testid="withdraw-appeal-form"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"op": "withdraw_appeal", "reason": "已经修好了"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    page = client.get(url).content.decode()
    assert "已撤回" in page and "您已撤回诉求" in page and "不再办理" in page
    # No more messages, and the offer to withdraw is gone.
    assert 'data-testid="reply-form"' not in page and 'data-testid="withdraw-appeal"' not in page
    assert client.post(url, {"op": "reply", "body": "还有"}).status_code == 400
    assert not appeal.messages.exists()


def test_a_too_long_reason_is_explained_and_kept(client):
    appeal = AppealFactory()
    reason = "原因" * 300
    response = client.post(f"/appeals/track/{appeal.tracking_code}/", {"op": "withdraw_appeal", "reason": reason})
    assert response.status_code == 400 and reason in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED


def test_an_appeal_sent_from_an_account_is_withdrawn_only_signed_in_to_it(client, cast):
    appeal = AppealFactory(citizen=cast.citizen)
    url = f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(url).content.decode()
    assert "请登录该账号后撤回" in page and 'data-testid="withdraw-appeal-form"' not in page
    assert f"/accounts/login/?next=/appeals/track/{appeal.tracking_code}/" in page
    response = client.post(url, {"op": "withdraw_appeal", "reason": "不需要了"})
    assert response.status_code == 400 and "您没有权限" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED
    client.force_login(cast.citizen)
    assert client.post(url, {"op": "withdraw_appeal"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    assert "已撤回" in client.get("/appeals/track/").content.decode()


@pytest.mark.parametrize("role", ["clerk", "member"])
def test_staff_cannot_withdraw_on_the_tracking_page(client, cast, role):
    appeal = AppealFactory()  # sent without an account: staff read its code in their lists
    client.force_login(getattr(cast, role))
    url = f"/appeals/track/{appeal.tracking_code}/"
    assert 'data-testid="withdraw-appeal-form"' not in client.get(url).content.decode()
    response = client.post(url, {"op": "withdraw_appeal"})
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED


def test_the_office_sees_the_withdrawal_and_its_reason(client, cast):
    appeal = AppealFactory(citizen=cast.citizen)
    perform(appeal, "withdraw", actor=cast.citizen, note="已自行解决")
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "已撤回" in page and "已自行解决" in page
    listing = client.get("/appeals/office/", {"status": "withdrawn"}).content.decode()
    assert appeal.tracking_code in listing


# Appeals recorded for a citizen by a member or staff.


def test_the_member_who_records_an_appeal_opens_and_follows_it_with_contact_masked(client, cast, town):
    client.force_login(cast.member)
    data = {**form_data(town), "channel": "phone", "contact_name": "黄丽华", "contact_phone": "13912345678"}
    response = client.post("/appeals/office/new/", data)
    appeal = Appeal.objects.get()
    assert appeal.recorded_by == cast.member and appeal.citizen is None
    assert response.status_code == 302 and response["Location"] == appeal.get_absolute_url()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "办理中" in page and cast.member.display in page
    assert "139****5678" in page and "13912345678" not in page and "黄丽华" not in page
    assert 'data-testid="reveal"' not in page
    assert client.post(f"/appeals/office/{appeal.pk}/contact/").status_code == 403
    assert appeal.tracking_code in client.get("/appeals/office/").content.decode()
    # Following it is not handling it.
    response = client.post(f"/appeals/office/{appeal.pk}/act/answer/", {"note": "已答复"})
    appeal.refresh_from_db()
    assert response.status_code == 400 and appeal.status == AppealStatus.ROUTED
    client.force_login(cast.other_member)
    assert client.get(appeal.get_absolute_url()).status_code == 404


def test_the_api_records_who_entered_an_appeal(api_client, cast, town):
    api_client.force_authenticate(cast.member)
    response = api_client.post(
        "/api/v1/appeals/", {"title": "路灯", "body": "坏了", "channel": "phone", "town": town.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert appeal.recorded_by == cast.member
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 200


def test_a_citizen_submitting_online_is_not_recorded_as_staff(client, cast, town):
    client.force_login(cast.citizen)
    client.post("/appeals/", form_data(town))
    appeal = Appeal.objects.get()
    assert appeal.citizen == cast.citizen and appeal.recorded_by is None


def test_a_liaison_opens_an_appeal_only_once_it_is_referred_to_their_department(client, cast):
    """The department the citizen's category names is the likely one, not a referral: until the
    office refers the appeal, its liaisons neither see it nor the citizen's contact details."""
    appeal = AppealFactory(department=cast.liaison.department, contact_phone="13812345678")
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    client.force_login(cast.liaison)
    assert client.get(f"/appeals/office/{appeal.pk}/").status_code == 404
    assert client.post(f"/appeals/office/{appeal.pk}/contact/").status_code == 404
    assert appeal.title not in client.get("/office/").content.decode()
    task = services.refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)
    assert client.get(f"/appeals/office/{appeal.pk}/").status_code == 404  # not transferred yet
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert 'data-testid="referrals"' in page and appeal.title in client.get("/office/").content.decode()
    assert "转交并督办" not in page  # the department asks to hand the lead over instead
    client.force_login(cast.other_liaison)
    assert client.get(f"/appeals/office/{appeal.pk}/").status_code == 404


def test_a_referral_shows_on_the_appeal_with_the_departments_reply_and_is_not_made_twice(client, cast):
    from supervision.models import SupervisionTask, TaskReply

    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    client.force_login(cast.clerk)
    dept = cast.liaison.department
    assert client.post(f"/appeals/office/{appeal.pk}/refer/", {"department": dept.pk}).status_code == 302
    again = client.post(f"/appeals/office/{appeal.pk}/refer/", {"department": dept.pk})
    assert again.status_code == 400 and "无需重复转交" in again.content.decode()
    task = SupervisionTask.objects.get()
    TaskReply.objects.create(task=task, body="已更换配餐公司。", author=cast.liaison, submitted_at=timezone.now())
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert f'href="{task.get_absolute_url()}"' in page and "已更换配餐公司。" in page
    task_page = client.get(task.get_absolute_url()).content.decode()
    assert f'href="/appeals/office/{appeal.pk}/" data-testid="task-source"' in task_page
    tracking = client.get(f"/appeals/track/{appeal.tracking_code}/").content.decode()
    # Not transferred (交办) yet: the citizen is told it waits for assignment, not that it is with the department.
    assert f"拟转交{dept.name}办理，等待交办" in tracking and f"已转交{dept.name}办理" not in tracking
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    tracking = client.get(f"/appeals/track/{appeal.tracking_code}/").content.decode()
    assert f"已转交{dept.name}办理" in tracking and "等待交办" not in tracking
