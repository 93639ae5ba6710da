"""The admin reads in Chinese for a Chinese reader where the installed packages (Django's admin, django-axes,
django-otp, django-tasks, simple-history, the permission names Django stores) speak English: the Chinese is
in locale/zh_Hans (compiled by `make setup`), core/third_party.py hands to gettext the English the packages
write outside it. The English admin still reads as the packages wrote it."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    return client


@pytest.fixture
def third_party_rows(cast):
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult

    AccessAttempt.objects.create(
        username="sc01",
        ip_address="10.0.0.9",
        user_agent="UA",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
        attempt_time=timezone.now(),
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="notifications.tasks.send_digests",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    return TOTPDevice.objects.create(user=cast.member, name="phone", confirmed=True)


class _Text(HTMLParser):
    """What a reader sees and hears: text outside scripts and styles, and the attributes read out."""

    ATTRS = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in self.ATTRS and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _read(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Text()
    parser.feed(response.content.decode())
    return "\n".join(part.strip() for part in parser.parts if part.strip())


# Page → the packages' English a Chinese reader met there, and some of the Chinese they read now.
PAGES = {
    "/admin/": (
        [
            "Access attempts",
            "Access logs",
            "TOTP devices",
            "Task Results",
            "Otp_Totp",
            "Tasks Database Backend",
            "Axes",
            "Constance",
            "Model name",
            "Change or view list link",
        ],
        ["登录尝试", "登录日志", "两步验证设备", "任务结果", "两步验证", "后台任务", "登录防护", "区政协规则"],
    ),
    "/admin/axes/accessattempt/": (
        [
            "access attempt",
            "Attempt Time",
            "IP Address",
            "User Agent",
            "Failed Logins",
            "Attempt Remaining",
            "Status",
            "Locked Out",
            "Clean up expired attempts",
        ],
        ["尝试时间", "IP 地址", "失败次数", "次尝试机会剩余", "以 已锁定", "清理已过期的登录尝试"],
    ),
    "/admin/otp_totp/totpdevice/": (
        ["TOTP device", "Search by user's", "Created at", "Last used at", "Confirmed", "QR Code", "qrcode"],
        ["两步验证设备", "按用户的用户名或电子邮件地址搜索", "创建时间", "以 已确认", "二维码"],
    ),
    "/admin/django_tasks_database/dbtaskresult/": (
        ["Task Result", "Task name", "Enqueued at", "Queue name", "Ready", "Running", "Successful"],
        ["任务结果", "任务名称", "入队时间", "队列名称", "待执行", "执行中", "成功"],
    ),
    "/admin/auth/group/add/": (
        ["Can add", "Can change", "Can view", "access attempt", "TOTP device", "historical", "Historical"],
        [
            "登录防护 | 登录尝试 | 可增加登录尝试",
            "账号与角色 | 用户 | 可修改用户",
            "用户（历史记录） | 可查看用户（历史记录）",
            "用户 – 组（历史记录）",
            "区政协规则 | Constance模块 | 可修改配置",
        ],
    ),
    "/admin/accounts/user/add/": (["After you’ve created a user"], ["创建用户后，即可编辑更多用户选项。"]),
}


@pytest.mark.parametrize("url", list(PAGES))
def test_the_admin_says_in_chinese_what_the_packages_say_in_english(admin_client, third_party_rows, url):
    english, chinese = PAGES[url]
    text = _read(admin_client, url, "zh-hans")
    assert [s for s in english if s in text] == [], url
    assert [s for s in chinese if s not in text] == [], url


def test_the_totp_device_page_labels_and_explains_its_fields_in_chinese(admin_client, third_party_rows):
    text = _read(admin_client, f"/admin/otp_totp/totpdevice/{third_party_rows.pk}/change/", "zh-hans")
    for english in (
        "Identity",
        "Timestamps",
        "Configuration",
        "Throttling",
        "Step:",
        "Tolerance:",
        "Drift:",
        "The time step in seconds.",
        "The user that this device belongs to.",
    ):
        assert english not in text
    for chinese in ("身份", "失败限制", "时间步长:", "容差:", "时间步长（秒）。", "该设备所属的用户。"):
        assert chinese in text


def test_the_english_admin_still_reads_as_the_packages_wrote_it(admin_client, third_party_rows):
    index = _read(admin_client, "/admin/", "en")
    for english in ("Access attempts", "TOTP devices", "Task Results", "Model name"):
        assert english in index
    attempts = _read(admin_client, "/admin/axes/accessattempt/", "en")
    assert "Attempt Time" in attempts and "Attempt Remaining" in attempts and "Status" in attempts
    device = _read(admin_client, f"/admin/otp_totp/totpdevice/{third_party_rows.pk}/change/", "en")
    assert "Identity" in device and "The time step in seconds." in device
    groups = _read(admin_client, "/admin/auth/group/add/", "en")
    assert "Can add access attempt" in groups and "Can change config" in groups


def test_the_admin_scripts_choose_and_remove_in_chinese(admin_client):
    admin_client.cookies["django_language"] = "zh-hans"
    script = admin_client.get("/admin/jsi18n/").content.decode()
    for chinese in ("选择全部%s", "删除全部%s", "（点击清除）"):
        assert json.dumps(chinese)[1:-1] in script


def _entries(name: str):
    return [entry for entry in polib.pofile(str(CATALOGUES / name)) if not entry.obsolete]


@pytest.mark.parametrize("name", ["django.po", "djangojs.po"])
def test_the_chinese_catalogue_holds_only_the_packages_english_each_translated(name):
    """Our messages are Chinese in the code; a Chinese msgid here means makemessages ran on zh_Hans."""
    entries = _entries(name)
    assert entries
    assert [e.msgid for e in entries if CJK.search(e.msgid)] == []
    assert [e.msgid for e in entries if not e.translated() or "fuzzy" in e.flags] == []


def test_the_chinese_catalogue_is_compiled_and_wins_over_the_packages():
    """Run `make setup` (it compiles locale/zh_Hans) if this fails after an edit of the .po."""
    with translation.override("zh-hans"):
        wrong = []
        for entry in _entries("django.po"):
            if entry.msgid_plural:
                said = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                meant = entry.msgstr_plural[0]
            elif entry.msgctxt:
                said, meant = translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
            else:
                said, meant = translation.gettext(entry.msgid), entry.msgstr
            if said != meant:
                wrong.append(f"{entry.msgid!r}: {said!r} != {meant!r}")
    assert wrong == []
