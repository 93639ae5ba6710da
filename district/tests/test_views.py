import pytest

from core.models import PersonalDataAccess
from district.models import Member

pytestmark = pytest.mark.django_db


def test_member_sees_colleagues_phone_masked(client, cast):
    other = Member.objects.get(user=cast.other_member)
    client.force_login(cast.member)
    html = client.get(f"/district/members/{other.pk}/").content.decode()
    assert "138****1111" in html
    assert "13800001111" not in html
    assert not PersonalDataAccess.objects.exists()


def test_office_sees_full_phone_and_the_access_is_audited(client, cast):
    other = Member.objects.get(user=cast.other_member)
    client.force_login(cast.clerk)
    html = client.get(f"/district/members/{other.pk}/").content.decode()
    assert "13800001111" in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id) == (cast.clerk, other.pk)


def test_member_sees_own_contact(client, cast):
    me = Member.objects.get(user=cast.member)
    client.force_login(cast.member)
    assert "13800001111" in client.get(f"/district/members/{me.pk}/").content.decode()


def test_member_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    from district.tests.factories import MemberFactory

    client.force_login(cast.clerk)
    with django_assert_max_num_queries(12) as few:
        client.get("/district/members/")
    MemberFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/district/members/")


def test_api_masks_phone_for_liaison(api_client, cast):
    api_client.force_authenticate(cast.liaison)
    rows = api_client.get("/api/v1/members/").json()["results"]
    assert rows and all("****" in r["phone"] for r in rows)


def test_api_list_masks_phones_even_for_the_office(api_client, cast):
    """A list is a bulk copy: the office reads a member's full phone one member at a time, audited."""
    other = Member.objects.get(user=cast.other_member)
    api_client.force_authenticate(cast.clerk)
    rows = {r["id"]: r["phone"] for r in api_client.get("/api/v1/members/").json()["results"]}
    assert rows[other.pk] == "138****1111"
    assert not PersonalDataAccess.objects.exists()
    assert api_client.get(f"/api/v1/members/{other.pk}/").json()["phone"] == "13800001111"
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields) == (cast.clerk, other.pk, "phone")


def test_api_member_detail_stays_masked_for_other_members_and_is_not_audited(api_client, cast):
    other = Member.objects.get(user=cast.other_member)
    me = Member.objects.get(user=cast.member)
    api_client.force_authenticate(cast.member)
    assert api_client.get(f"/api/v1/members/{other.pk}/").json()["phone"] == "138****1111"
    assert api_client.get(f"/api/v1/members/{me.pk}/").json()["phone"] == "13800001111"
    rows = {r["id"]: r["phone"] for r in api_client.get("/api/v1/members/").json()["results"]}
    assert rows[me.pk] == "13800001111"
    assert not PersonalDataAccess.objects.exists()
