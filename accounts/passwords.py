"""Password validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message in our catalogue: Django 5.2's zh-hans catalogue misses its new wording."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要%(min_length)d个字符。") % {"min_length": self.min_length}


class ComplexityValidator:
    """Password complexity (graded protection, GB/T 22239): characters of at least `min_classes` of the four
    classes (upper-case letters, lower-case letters, digits, symbols), and no run of more than `max_repeat`
    copies of one character ("qqqqqqqqqq", "Aa1!!!!!!!!")."""

    CLASSES = 4

    def __init__(self, min_classes: int = 3, max_repeat: int = 3):
        self.min_classes = max(1, min(int(min_classes), self.CLASSES))
        self.max_repeat = max(1, int(max_repeat))

    @staticmethod
    def classes_of(password: str) -> int:
        kinds = set()
        for char in password:
            if char.isdigit():
                kinds.add("digit")
            elif char.isupper():
                kinds.add("upper")
            elif char.islower():
                kinds.add("lower")
            elif not char.isalpha():
                kinds.add("symbol")
            # A letter of a script without case (汉字) counts as none of the four.
        return len(kinds)

    def longest_run(self, password: str) -> int:
        longest = run = 0
        previous = None
        for char in password:
            run = run + 1 if char == previous else 1
            previous = char
            longest = max(longest, run)
        return longest

    def validate(self, password: str, user=None) -> None:
        errors = []
        if self.classes_of(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _("密码须包含大写字母、小写字母、数字、符号中的至少%(min_classes)d类。"),
                    code="password_too_simple",
                    params={"min_classes": self.min_classes},
                )
            )
        if self.longest_run(password) > self.max_repeat:
            errors.append(
                ValidationError(
                    _("密码中同一字符不能连续出现超过%(max_repeat)d次。"),
                    code="password_repeated_characters",
                    params={"max_repeat": self.max_repeat},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "密码须包含大写字母、小写字母、数字、符号中的至少%(min_classes)d类，同一字符不能连续出现超过%(max_repeat)d次。"
        ) % {
            "min_classes": self.min_classes,
            "max_repeat": self.max_repeat,
        }
