"""The personal-data access log (core.models.PersonalDataAccess) as its only reader, the administrator, reads it."""

import pytest

from core.models import PersonalDataAccess
from district.models import Member
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


def test_every_unmasked_view_states_its_purpose_in_chinese_and_the_admin_lists_fields_by_label(
    client, api_client, cast
):
    other = Member.objects.get(user=cast.other_member)
    other.address = "新民镇青山路1号"
    other.save()
    appeal = AppealFactory()

    client.force_login(cast.clerk)
    assert client.get(f"/district/members/{other.pk}/").status_code == 200
    api_client.force_authenticate(cast.info)
    assert api_client.get(f"/api/v1/members/{other.pk}/").status_code == 200
    api_client.force_authenticate(cast.clerk)
    assert api_client.post(f"/api/v1/appeals/{appeal.pk}/contact/").status_code == 200

    rows = list(PersonalDataAccess.objects.order_by("pk"))
    assert [r.purpose for r in rows] == ["查看委员联系方式", "查看委员联系方式（接口）", "办理诉求（接口）"]
    assert [r.field_labels() for r in rows] == [
        ["手机号", "通讯地址"],
        ["手机号"],
        ["联系人", "联系电话", "详细地址"],
    ]

    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    page = client.get("/admin/core/personaldataaccess/").content.decode()
    for heading in ("查看时间", "查看人", "记录类型", "记录编号", "查看的字段", "用途"):
        assert heading in page, heading
    assert "手机号、通讯地址" in page and "联系人、联系电话、详细地址" in page
    for code in ("member_detail", "phone,address", "contact_name"):
        assert code not in page, code
    detail = client.get(f"/admin/core/personaldataaccess/{rows[0].pk}/change/").content.decode()
    assert "手机号、通讯地址" in detail and "phone,address" not in detail


def test_a_field_the_model_no_longer_has_is_shown_as_stored(cast):
    from django.contrib.contenttypes.models import ContentType

    access = PersonalDataAccess(
        user=cast.clerk, content_type=ContentType.objects.get_for_model(Member), object_id=1, fields="phone,fax"
    )
    assert access.field_labels() == ["手机号", "fax"]
