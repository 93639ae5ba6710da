"""The district's configurable lists (答复类别, 诉求类别, 采用层级, 协商形式; 委处, 界别, 党派团体, 镇街, 社区/村)
keep every edit: who, when, the old and the new value and the reason, like every other edited record; also
排序/启用 changed on the list page."""

import pytest
from django.contrib import admin

from core.admin import HistoryAdmin
from grassroots.models import WorkstationService
from intake.models import AppealCategory
from opinions.models import AdoptionLevel
from proposals.models import ReplyClass
from supervision.models import TaskReplyClass
from topics.models import ConsultationFormat

pytestmark = pytest.mark.django_db

LISTS = [
    (ReplyClass, "/admin/proposals/replyclass/"),
    (AppealCategory, "/admin/intake/appealcategory/"),
    (AdoptionLevel, "/admin/opinions/adoptionlevel/"),
    (ConsultationFormat, "/admin/topics/consultationformat/"),
    (TaskReplyClass, "/admin/supervision/taskreplyclass/"),
    (WorkstationService, "/admin/grassroots/workstationservice/"),
]


@pytest.fixture
def root(client, cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    return cast.admin


def _row(model):
    """A row as the district has it: the seeded one (there before its history began) where there is one."""
    row = model.objects.order_by("pk").first()
    if row is None:
        row = model.objects.create(code="edu", name="教育")
    return row


def _posted(client, url):
    """The change form as the page sends it (every field with its current value)."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


@pytest.mark.parametrize(("model", "base"), LISTS)
def test_a_renamed_row_keeps_its_old_name_the_editor_and_the_reason(client, root, model, base):
    row = _row(model)
    before = row.name
    data = _posted(client, f"{base}{row.pk}/change/") | {"name": "改名后的类别", "change_reason": "按新办法调整"}
    response = client.post(f"{base}{row.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    last = row.history.first()
    assert (last.name, last.history_user, last.history_change_reason) == ("改名后的类别", root, "按新办法调整")
    assert last.prev_record is not None and last.prev_record.name == before
    html = client.get(f"{base}{row.pk}/history/").content.decode()
    assert before in html and "改名后的类别" in html and "按新办法调整" in html


@pytest.mark.parametrize(("model", "base"), LISTS)
def test_retiring_a_row_on_the_list_page_is_kept_old_to_new_with_who(client, root, model, base):
    row = _row(model)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(row.pk),
        "form-0-order": "9",  # 启用 left unticked: retired
        "_save": "保存",
    }
    assert client.post(base, data).status_code == 302
    row.refresh_from_db()
    assert (row.is_active, row.order) == (False, 9)
    last = row.history.first()
    assert last.history_user == root
    changed = {c.field: (c.old, c.new) for c in last.diff_against(last.prev_record).changes}
    assert changed["is_active"] == (True, False)


def test_every_configurable_list_has_a_history_page():
    for model, _base in LISTS:
        assert hasattr(model._meta, "simple_history_manager_attribute"), model.__name__
        assert isinstance(admin.site._registry[model], HistoryAdmin), model.__name__


# The district's own lists (委处, 界别, 党派团体, 镇街, 社区/村) are edited in the admin the same way.
DISTRICT_LISTS = [
    ("Sector", "/admin/district/sector/", {}),
    ("Party", "/admin/district/party/", {"short_name": "甲"}),
    ("Town", "/admin/district/town/", {}),
]


@pytest.mark.parametrize(("name", "base", "extra"), DISTRICT_LISTS)
def test_a_renamed_district_list_row_keeps_its_old_name_the_editor_and_the_reason(client, root, name, base, extra):
    from district import models

    model = getattr(models, name)
    row = model.objects.create(name="旧名称", **extra)
    data = _posted(client, f"{base}{row.pk}/change/") | {"name": "新名称", "change_reason": "区划调整"}
    response = client.post(f"{base}{row.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    last = row.history.first()
    assert (last.name, last.history_user, last.history_change_reason) == ("新名称", root, "区划调整")
    assert last.prev_record.name == "旧名称"


def test_every_district_list_has_a_history_page():
    from district import models

    for model in (models.Body, models.Sector, models.Party, models.Town, models.Community):
        assert hasattr(model._meta, "simple_history_manager_attribute"), model.__name__
        assert isinstance(admin.site._registry[model], HistoryAdmin), model.__name__
