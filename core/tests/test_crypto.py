import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from core import crypto
from core.privacy import mask_address, mask_id_number, mask_name, mask_phone
from district.tests.factories import MemberFactory


@given(st.text(max_size=200))
def test_encrypt_round_trips_any_text(text):
    assert crypto.decrypt(crypto.encrypt(text)) == text


def test_ciphertexts_differ_for_equal_plaintexts():
    assert crypto.encrypt("13800001111") != crypto.encrypt("13800001111")


@pytest.mark.django_db
def test_personal_data_is_encrypted_at_rest():
    member = MemberFactory(phone="13912345678", id_number="350212199001011234")
    with connection.cursor() as cur:
        cur.execute("SELECT phone, id_number FROM district_member WHERE id = %s", [member.pk])
        phone, id_number = cur.fetchone()
    assert "13912345678" not in phone
    assert "350212199001011234" not in id_number
    assert phone.split(":")[0] in ("sm4", "aes")
    member.refresh_from_db()
    assert member.phone == "13912345678"


def test_masks_keep_only_what_identifies_loosely():
    assert mask_phone("13912345678") == "139****5678"
    # Shorter or longer numbers the forms accept keep at most half of their characters.
    assert [mask_phone(p) for p in ("1380000", "59001234", "0592-7000000", "+8613912345678", "123")] == [
        "13****0",
        "59****34",
        "059******000",
        "+861*******678",
        "****",
    ]
    assert mask_id_number("350212199001011234") == "3502**********1234"
    assert mask_address("同安区新民镇某路1号").endswith("****")
    assert "某路1号" not in mask_address("同安区新民镇某路1号")
    assert mask_name("洪志强") == "洪**"


OTHER_KEY = "b3RoZXIta2V5LW5vdC10aGUtb25lLXdyaXR0ZW4td2l0aA=="


@pytest.mark.django_db
def test_a_value_the_key_cannot_decrypt_shows_as_unreadable_and_is_logged_once(
    client, cast, settings, caplog, monkeypatch
):
    """Served with another FIELD_ENCRYPTION_KEY than the data was written with (a backup restored without
    its key), pages showing contact data answer, with the value unreadable, instead of a 500."""
    from district.models import Member
    from district.selectors import members_list

    member = members_list().filter(phone__isnull=False).exclude(user=cast.clerk).first() or MemberFactory()
    Member.objects.filter(pk=member.pk).update(phone=crypto.encrypt("13912345678"))
    monkeypatch.setattr(crypto, "_unreadable_logged", False)
    settings.FIELD_ENCRYPTION_KEY = OTHER_KEY
    client.force_login(cast.clerk)
    with caplog.at_level("ERROR", logger="core.crypto"):
        first = client.get(f"/district/members/{member.pk}/")
        second = client.get(f"/district/members/{member.pk}/")
    assert first.status_code == second.status_code == 200
    html = first.content.decode()
    assert "无法解密" in html and "13912345678" not in html
    assert [r.levelname for r in caplog.records if r.name == "core.crypto"] == ["ERROR"]


@pytest.mark.django_db
def test_saving_a_row_whose_value_is_unreadable_keeps_the_stored_ciphertext(settings, monkeypatch):
    from core.privacy import masked

    member = MemberFactory(phone="13912345678")
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM district_member WHERE id = %s", [member.pk])
        (stored,) = cur.fetchone()
    monkeypatch.setattr(crypto, "_unreadable_logged", True)
    right_key = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = OTHER_KEY
    member.refresh_from_db()
    assert str(member.phone) == "无法解密" and masked(member.phone, "phone") == "********"
    member.name = "改名"
    member.save()
    settings.FIELD_ENCRYPTION_KEY = right_key
    member.refresh_from_db()
    assert member.phone == "13912345678" and member.name == "改名"
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM district_member WHERE id = %s", [member.pk])
        assert cur.fetchone()[0] == stored
