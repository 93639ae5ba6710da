"""Password rules (settings.AUTH_PASSWORD_VALIDATORS, accounts/passwords.py)."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import ComplexityValidator
from accounts.tests.factories import PASSWORD


def _refusals(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    "password",
    ["qqqqqqqqqqqqqqqq", "abcdefghijk", "lushuiqingshan", "LUSHUIQINGSHAN2024", "xieshang-demo"],
)
def test_a_password_of_fewer_than_three_kinds_of_character_is_refused_in_chinese(password):
    assert "密码须包含大写字母、小写字母、数字、符号中的至少3类。" in _refusals(password)


def test_a_long_run_of_one_character_is_refused_even_with_three_kinds():
    assert _refusals("Lushui-2024!!!!") == ["密码中同一字符不能连续出现超过3次。"]
    assert _refusals("Lushui-2024!!!") == []


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "qingshan-lushui-2024", "Another-strong-pass-42", "lushui-qingshan-2025", "Qingshan2024x"],
)
def test_the_passwords_the_tests_and_the_guides_use_pass(password):
    assert _refusals(password) == []


def test_the_rule_is_set_by_its_options():
    relaxed = ComplexityValidator(min_classes=2, max_repeat=5)
    relaxed.validate("xieshang-demo")
    relaxed.validate("Aaaaaa1")  # "aaaaa": five in a row
    with pytest.raises(ValidationError):
        relaxed.validate("Aaaaaaa1")


def test_the_password_forms_state_the_rule():
    assert "密码须包含大写字母、小写字母、数字、符号中的至少3类，同一字符不能连续出现超过3次。" in (
        password_validators_help_text_html()
    )


@pytest.mark.django_db
def test_changing_to_one_letter_repeated_is_refused_and_the_old_password_still_works(client, cast):
    client.force_login(cast.expert)
    trivial = "qqqqqqqqqqqqqqqq"
    response = client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": trivial, "new_password2": trivial}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "密码须包含大写字母、小写字母、数字、符号中的至少3类。" in page and "同一字符不能连续出现超过3次" in page
    cast.expert.refresh_from_db()
    assert cast.expert.check_password(PASSWORD) and not cast.expert.check_password(trivial)
