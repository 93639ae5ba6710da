from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错多次后账号将被暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "email_digest"]
        labels = {"email": _("电子邮箱")}


class OTPVerifyForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=100, help_text=_("写明用途，如“统计报表脚本”，便于日后识别和撤销。")
    )
    scope = forms.ChoiceField(
        label=_("权限范围"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("只读令牌只能查询；读写令牌还可以提交和办理，与您本人在系统中的权限相同。"),
    )
