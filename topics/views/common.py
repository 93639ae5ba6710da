"""Small helpers shared by the plan's views: turning refusals into form errors."""

from django.core.exceptions import ValidationError

from core.exceptions import DomainError


def add_errors(form, exc: Exception) -> None:
    """Show a service refusal on the bound form, so that nothing the user typed is lost."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    elif isinstance(exc, DomainError):
        form.add_error(None, str(exc.message))


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
