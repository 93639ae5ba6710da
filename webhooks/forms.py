from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.forms import RequiredMessagesMixin
from webhooks.services import event_choices


class HttpUrlField(forms.URLField):
    """A web address (http or https only); one validator, so a bad address is reported once."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class WebhookEndpointForm(RequiredMessagesMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    url = HttpUrlField(
        label=_("接收地址"),
        max_length=500,
        assume_scheme="https",
        help_text=_("对方系统接收通知的地址，建议使用 https。"),
    )
    events = forms.MultipleChoiceField(
        label=_("订阅的事件"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("这些记录的状态发生变化时，向接收地址发送签名通知。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = event_choices()
