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
