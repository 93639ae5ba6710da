from django import forms
from django.utils.translation import gettext_lazy as _


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明/理由"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("附件"), required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)
