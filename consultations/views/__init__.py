"""Office pages for research groups (research.py) and meetings (meetings.py)."""

from django.core.exceptions import ValidationError

from core.exceptions import DomainError
from core.forms import refuse_into

__all__ = ["REFUSALS", "refuse_into"]

REFUSALS = (DomainError, ValidationError)
