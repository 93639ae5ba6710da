"""The admin's history pages say that personal data changed, never what it was or became."""

import pytest
from django.contrib import admin

from accounts.models import User
from accounts.tests.factories import PASSWORD
from core.admin import HistoryAdmin
from district.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_members_history_masks_phone_id_number_and_address(client):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    member = MemberFactory(phone="13800001111", id_number="350212198001011234", address="同安区大同街道1号")
    member.phone, member.id_number, member.address = "13900002222", "350212198001015678", "同安区祥平街道2号"
    member.workplace = "同安区实验中学校长"
    member.save()
    html = client.get(f"/admin/district/member/{member.pk}/history/").content.decode()
    assert "***" in html and "同安区实验中学校长" in html  # the edit is shown, the personal data masked
    for value in ("13800001111", "13900002222", "350212198001011234", "350212198001015678", "大同街道", "祥平街道"):
        assert value not in html


def test_every_admin_with_a_history_of_personal_data_masks_it():
    for model, model_admin in admin.site._registry.items():
        tracked = hasattr(model._meta, "simple_history_manager_attribute")
        sensitive = [f.name for f in getattr(model._meta, "fields", ()) if getattr(f, "sensitive", False)]
        if tracked and sensitive:
            assert isinstance(model_admin, HistoryAdmin), f"{model.__name__} ({', '.join(sensitive)})"


@pytest.mark.django_db
def test_opening_a_members_admin_page_is_recorded_as_a_view_of_their_personal_data(client, cast):
    from core.models import PersonalDataAccess

    member = cast.member.member
    member.phone, member.id_number = "13912345678", "350212199001011234"
    member.save()
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    assert client.get(f"/admin/district/member/{member.pk}/change/").status_code == 200
    access = PersonalDataAccess.objects.get()
    assert access.user == cast.admin and access.object_id == member.pk
    assert {"phone", "id_number"} <= set(access.fields.split(","))
    client.get("/admin/district/member/")  # the list shows none of it: nothing recorded
    assert PersonalDataAccess.objects.count() == 1
