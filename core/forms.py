from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明/理由"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("附件"), required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


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


def submit(request, form, call, *, success, redirect_to):
    """Validate a bound form and call one service with its cleaned data.

    Returns a redirect on success. On invalid input or a refusal it returns None, with the refusal
    on the form and in the page messages: the caller re-renders the same bound form (status 400),
    so nothing the user typed is lost.
    """
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            refuse_into(form, exc)
            messages.error(request, exc.message if isinstance(exc, DomainError) else " ".join(exc.messages))
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return None
