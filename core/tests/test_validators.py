"""core.validators: a phone number the office can call back (bookings, appeals, replies, accounts)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.validators import MOBILE_MESSAGE, PHONE_MESSAGE, phone_error, validate_phone

# (typed, the message refusing it or None when it is a number)
CASES = [
    # Mobiles: 11 digits, 13x to 19x, written as people write them.
    ("13800001111", None),
    ("13905920000", None),
    ("138 0000 1111", None),
    ("138-0000-1111", None),
    ("+86 138 0000 1111", None),
    ("+8613800001111", None),
    ("0086 138 0000 1111", None),
    ("19912345678", None),
    # Fixed lines: 7 or 8 digits, or with the area code.
    ("7023456", None),
    ("70234567", None),
    ("0592-7023456", None),
    ("0592 7023 4567", None),
    ("010-12345678", None),
    ("+86 592 7023456", None),
    ("400-800-1234", None),  # a service number (not starting with 1)
    ("+1 202 555 0100", None),  # another country's number: its own plan
    # A mobile with digits missing or added, or not a mobile prefix: nobody can call it back.
    ("1390592", MOBILE_MESSAGE),  # review 3 #8: a mobile four digits short
    ("13905920", MOBILE_MESSAGE),
    ("1390592000", MOBILE_MESSAGE),
    ("139059200001", MOBILE_MESSAGE),
    ("139 0592", MOBILE_MESSAGE),
    ("+86 1390592", MOBILE_MESSAGE),
    ("0086-1390592", MOBILE_MESSAGE),
    ("12345678901", MOBILE_MESSAGE),  # 12x is no mobile prefix
    ("10086000000", MOBILE_MESSAGE),
    # Not numbers at all (the general message, as before).
    ("0592-12", PHONE_MESSAGE),
    ("-------", PHONE_MESSAGE),
    ("138--0000-1111", PHONE_MESSAGE),
    ("call me", PHONE_MESSAGE),
]


@pytest.mark.parametrize(("typed", "refused_with"), CASES)
def test_a_number_starting_with_1_must_be_a_whole_mobile(typed, refused_with):
    assert phone_error(typed) == refused_with
    if refused_with is None:
        validate_phone(typed)
    else:
        with pytest.raises(ValidationError) as err:
            validate_phone(typed)
        assert err.value.messages == [str(refused_with)]
        assert err.value.code == "invalid_phone"


def test_the_message_for_a_short_mobile_is_chinese_and_says_what_is_wrong():
    assert "11位" in str(MOBILE_MESSAGE) and "手机" in str(MOBILE_MESSAGE)


@given(st.integers(min_value=3, max_value=9), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_11_digit_mobile_passes_however_it_is_spaced(second, rest):
    number = f"1{second}{rest}"
    for typed in (number, f"{number[:3]} {number[3:7]} {number[7:]}", f"{number[:3]}-{number[3:7]}-{number[7:]}"):
        assert phone_error(typed) is None
        assert phone_error(f"+86 {typed}") is None


@given(st.text(alphabet="0123456789", min_size=0, max_size=15).filter(lambda rest: len(rest) != 10))
def test_no_number_of_another_length_starting_with_1_passes(rest):
    assert phone_error(f"1{rest}") is not None


@given(st.integers(min_value=2, max_value=9), st.text(alphabet="0123456789", min_size=6, max_size=7))
def test_local_fixed_lines_and_area_codes_still_pass(first, rest):
    local = f"{first}{rest}"  # 7 or 8 digits, never starting with 0 or 1
    assert phone_error(local) is None
    assert phone_error(f"0592-{local}") is None


def test_the_demo_and_factory_numbers_still_pass():
    """The numbers the demo and the factories store (district/demo.py, intake/demo.py, the factories)."""
    import random

    from district.demo import _phone

    rng = random.Random(0)
    numbers = [_phone(rng) for _ in range(200)]
    numbers += ["13800001111", "13912345678", "13900000011", "0592-0000000", "0592-7031234", "1385920" + "0001"]
    numbers += ["139" + "".join(rng.choice("0123456789") for _ in range(8)) for _ in range(50)]
    assert [n for n in numbers if phone_error(n) is not None] == []


@pytest.mark.django_db
def test_a_booking_with_a_truncated_mobile_is_refused_and_what_was_typed_kept(client):
    """Review 3 #8: 1390592 was booked, and the workstation could not phone the resident."""
    from grassroots.models import Appointment
    from grassroots.tests.factories import ReceptionDayFactory

    day = ReceptionDayFactory()
    data = {"day": day.pk, "name": "张三", "phone": "1390592", "service": "policy", "topic": "邻里纠纷调解"}
    response = client.post(day.workstation.get_absolute_url(), data)
    html = response.content.decode()
    assert response.status_code == 400 and str(MOBILE_MESSAGE) in html and "邻里纠纷调解" in html
    assert not Appointment.objects.exists()
    assert client.post(day.workstation.get_absolute_url(), {**data, "phone": "139 0592 0000"}).status_code == 302


@pytest.mark.django_db
def test_a_booking_made_before_the_mobile_rule_is_still_cancelled_with_its_number(client):
    """The cancel form matches the number the booking holds: a short one stored earlier still cancels it."""
    from grassroots.models import Appointment
    from grassroots.services import book_appointment
    from grassroots.tests.factories import ReceptionDayFactory

    appointment = book_appointment(
        day=ReceptionDayFactory(), name="张三", phone="1390592", topic="医保", service="policy"
    )
    response = client.post("/grassroots/bookings/cancel/", {"reference": appointment.reference, "phone": "1390592"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
