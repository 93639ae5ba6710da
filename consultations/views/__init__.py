"""Office pages for research groups (research.py) and meetings (meetings.py)."""

from django.core.exceptions import ValidationError

from core.exceptions import DomainError


def refuse_into(form, exc: Exception) -> None:
    """Put a service refusal onto the bound form, so the page re-renders with what the user typed."""
    if isinstance(exc, DomainError):
        for field, errors in (exc.fields or {}).items():
            if field in form.fields:
                for err in errors if isinstance(errors, list | tuple) else [errors]:
                    form.add_error(field, str(err))
        form.add_error(None, str(exc.message))
    elif isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)


REFUSALS = (DomainError, ValidationError)
