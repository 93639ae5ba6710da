"""Notifications and their e-mails read in the recipient's language, not in the language of whoever
triggered them; a signed-in user's language choice is stored."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from notifications.models import Notification
from notifications.services import notify, send_digests
from notifications.wording import Phrase, pack_params, pack_text, word_text
from topics.models.plan import Office

pytestmark = pytest.mark.django_db


def _speaks(user, language, email=""):
    user.language, user.email = language, email
    user.save()
    return user


def _open_round_in_english(client, clerk, capture):
    """The clerk, reading the site in English, opens the call for topic suggestions (members are told)."""
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    deadline = timezone.localdate() + timedelta(days=20)
    with capture(execute=True):
        response = client.post(
            "/plan/rounds/new/", {"year": deadline.year, "title": "年度议题征集", "deadline": deadline.isoformat()}
        )
    assert response.status_code == 302
    return deadline


def test_a_notification_from_an_english_clerk_reads_in_each_members_language(
    client, cast, django_capture_on_commit_callbacks
):
    deadline = _open_round_in_english(client, cast.clerk, django_capture_on_commit_callbacks)
    _speaks(cast.member, "zh-hans")
    _speaks(cast.standing, "en")
    client.cookies.clear()

    client.force_login(cast.member)
    html = client.get("/notifications/").content.decode()
    assert f"年度议题征集：请于{deadline.isoformat()}前提出议题建议" in html
    assert "please submit" not in html

    client.force_login(cast.standing)  # no language cookie: the stored choice decides
    html = client.get("/notifications/").content.decode()
    assert f"年度议题征集: please submit topic suggestions by {deadline.isoformat()}" in html
    assert "前提出议题建议" not in html
    # The dashboard's latest messages and the API say the same.
    assert "please submit topic suggestions" in client.get("/office/").content.decode()


def test_the_api_words_the_inbox_in_the_readers_language(api_client, client, cast, django_capture_on_commit_callbacks):
    _open_round_in_english(client, cast.clerk, django_capture_on_commit_callbacks)
    api_client.force_authenticate(_speaks(cast.standing, "en"))
    (item,) = api_client.get("/api/v1/notifications/").json()["results"]
    assert "please submit topic suggestions" in item["title"]
    api_client.force_authenticate(_speaks(cast.member, ""))
    (item,) = api_client.get("/api/v1/notifications/").json()["results"]
    assert "前提出议题建议" in item["title"]


def test_the_stored_wording_stays_chinese_whoever_triggers_it(cast):
    """Existing readers of Notification.title (admin, reports, tests) keep the site's Chinese text."""
    with translation.override("en"):
        (note,) = notify(
            recipients=[cast.member],
            event_key="x",
            title=gettext_lazy("督办指示：%(t)s"),
            params={"t": "落实双减"},
            body="请于周五前报送。",
        )
    note.refresh_from_db()
    assert note.title == "督办指示：落实双减" and note.body == "请于周五前报送。"


def test_a_later_change_of_language_applies_to_earlier_notifications(client, cast):
    notify(recipients=[cast.member], event_key="x", title=gettext_lazy("督办指示：%(t)s"), params={"t": "落实双减"})
    client.force_login(cast.member)
    assert "督办指示：落实双减" in client.get("/notifications/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    assert "Supervision instruction: 落实双减" in client.get("/notifications/").content.decode()


def test_notifications_stored_before_keep_their_text(client, cast):
    Notification.objects.create(recipient=cast.member, event_key="old", title="旧的通知", body="旧的内容")
    client.force_login(_speaks(cast.member, "en"))
    html = client.get("/notifications/").content.decode()
    assert "旧的通知" in html and "旧的内容" in html


def test_the_email_is_written_in_the_recipients_language(cast, django_capture_on_commit_callbacks):
    english = _speaks(cast.standing, "en", "standing@example.org")
    chinese = _speaks(cast.member, "", "member@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[english, chinese],
            event_key="e",
            title=gettext_lazy("督办指示：%(t)s"),
            params={"t": "落实双减"},
            body="请于周五前报送。",
        )
    mails = {m.to[0]: m for m in mail.outbox}
    en, zh = mails["standing@example.org"], mails["member@example.org"]
    assert en.subject == "[Consultation Platform] Supervision instruction: 落实双减"
    assert "Supervision instruction: 落实双减" in en.body and "请于周五前报送。" in en.body  # typed text as typed
    assert "您好" not in en.body
    assert zh.subject == "[协商平台] 督办指示：落实双减"
    assert "您好" in zh.body and "督办指示：落实双减" in zh.body


def test_the_digest_is_written_in_the_recipients_language(cast):
    for user, address in ((cast.standing, "s@example.org"), (cast.member, "m@example.org")):
        _speaks(user, "en" if user == cast.standing else "zh-hans", address)
        user.email_digest = True
        user.save()
    notify(recipients=[cast.standing, cast.member], event_key="a", title=gettext_lazy("提出修改意见"))
    assert send_digests() == 2
    mails = {m.to[0]: m for m in mail.outbox}
    assert mails["s@example.org"].subject == "[Consultation Platform] Daily digest: 1 new messages"
    assert "Request changes" in mails["s@example.org"].body
    assert mails["m@example.org"].subject == "[协商平台] 每日摘要：1条新消息"
    assert "提出修改意见" in mails["m@example.org"].body


def test_switching_language_while_signed_in_stores_the_choice(client, cast):
    client.force_login(cast.member)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    cast.member.refresh_from_db()
    assert cast.member.language == "en"
    # Another browser, without the cookie, shows the site in the stored language.
    other = client.__class__()
    other.force_login(cast.member)
    assert 'lang="en"' in other.get("/notifications/").content.decode()


def test_switching_to_an_unknown_language_stores_nothing(client, cast):
    client.force_login(cast.member)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    cast.member.refresh_from_db()
    assert cast.member.language == ""


def test_anonymous_visitors_switch_language_as_before(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


def test_the_language_is_chosen_on_the_preferences_page(client, cast):
    client.force_login(cast.member)
    assert 'name="language"' in client.get("/accounts/preferences/").content.decode()
    from accounts.tests.factories import PASSWORD

    mine = {"email": "m@example.org", "current_password": PASSWORD}
    response = client.post("/accounts/preferences/", {**mine, "language": "en"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    cast.member.refresh_from_db()
    assert cast.member.language == "en" and cast.member.email == "m@example.org"
    response = client.post("/accounts/preferences/", {**mine, "language": "fr"})
    assert response.status_code == 200 and "fr" not in dict(response.context["form"].fields["language"].choices)
    assert response.context["form"].errors["language"]
    cast.member.refresh_from_db()
    assert cast.member.language == "en"
    client.post("/accounts/preferences/", {**mine, "language": ""})
    cast.member.refresh_from_db()
    assert cast.member.language == ""


def test_a_parameter_can_be_worded_too():
    """A choice label, a word and a phrase with its own number, as in an office's sign-off."""
    params = pack_params(
        {
            "office": Office.PARTY.label,
            "plan": "2026年度协商计划",
            "version": Phrase(gettext_lazy("第%(n)s稿"), {"n": 2}),
            "verdict": gettext_lazy("提出修改意见"),
        }
    )
    title = pack_text(gettext_lazy("%(office)s对%(plan)s%(version)s%(verdict)s"))
    with translation.override("zh-hans"):
        assert word_text(title, params) == "区委办对2026年度协商计划第2稿提出修改意见"
    with translation.override("en"):
        office = str(Office.PARTY.label)
        assert office != "区委办"
        assert word_text(title, params) == f"{office} on 2026年度协商计划 Draft 2: Request changes"


def test_typed_text_is_shown_as_typed():
    """A plain string (a note, an agenda) is neither translated nor formatted, even with % signs."""
    assert word_text(pack_text("完成率100%，见%(附件)s"), pack_params({"t": "x"})) == "完成率100%，见%(附件)s"


def test_the_admin_lists_notifications_in_the_readers_language(client, cast, django_user_model):
    notify(recipients=[cast.member], event_key="x", title=gettext_lazy("督办指示：%(t)s"), params={"t": "落实双减"})
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x", language="en")
    client.force_login(root)
    html = client.get("/admin/notifications/notification/").content.decode()
    assert "Supervision instruction: 落实双减" in html and "督办指示" not in html
