from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User
from accounts.selectors import LeaveReason
from core.forms import RequiredMessagesMixin
from core.validators import validate_phone


class LoginForm(RequiredMessagesMixin, AuthenticationForm):
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


class PreferencesForm(RequiredMessagesMixin, forms.ModelForm):
    language = forms.ChoiceField(
        label=_("语言"), required=False, help_text=_("页面、站内消息和邮件使用的语言，页脚切换语言时也会记住。")
    )

    current_password = forms.CharField(
        label=_("当前密码"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("更改电子邮箱时须填写：找回密码的邮件会发到新邮箱。"),
    )

    class Meta:
        model = User
        fields = ["email", "email_digest", "language"]
        labels = {"email": _("电子邮箱")}

    def clean(self):
        data = super().clean()
        email = (data.get("email") or "").strip()
        if "email" in self.changed_data:
            # The address that password resets go to: changed only with the password, and one person's.
            if not self.instance.check_password(data.get("current_password") or ""):
                self.add_error("current_password", _("更改电子邮箱须填写正确的当前密码。"))
            taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
            if email and taken.exists():
                self.add_error("email", _("该邮箱已被其他账号使用。"))
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language named in itself, as in the footer's switcher.
        site = get_language_info(settings.LANGUAGE_CODE)["name_local"]
        self.fields["language"].choices = [
            ("", _("网站默认（%(language)s）") % {"language": site}),
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ]


class OTPVerifyForm(RequiredMessagesMixin, forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ApiTokenForm(RequiredMessagesMixin, forms.Form):
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


class OpenAccountForm(RequiredMessagesMixin, forms.Form):
    """The office opens an account for an expert or a member: a login name and, if known, an e-mail."""

    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        validators=[ASCIIUsernameValidator()],
        help_text=_("本人登录时输入，只能用英文字母、数字和 @ . + - _ ；开通后不便更改。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱（选填）"),
        required=False,
        help_text=_("填写后，激活链接同时发到该邮箱；本人日后也可凭它找回密码。"),
    )


class LiaisonForm(OpenAccountForm):
    """The office adds a department liaison: who they are, how to reach them, and their login name."""

    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    field_order = ["full_name", "phone", "username", "email"]


class LiaisonLeaveForm(RequiredMessagesMixin, forms.Form):
    """A liaison leaves (离岗): why, and, when no other liaison of the department remains, the office's consent."""

    reason = forms.ChoiceField(label=_("离岗原因"), choices=[("", "---------"), *LeaveReason.choices])
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“其他”时必填，如“借调至市局”。"),
    )
    leave_unstaffed = forms.BooleanField(
        label=_("我知道该部门将暂无在岗联络员，仍确认离岗"),
        required=False,
    )

    def __init__(self, *args, last_one: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not last_one:
            del self.fields["leave_unstaffed"]


class LiaisonReinstateForm(RequiredMessagesMixin, forms.Form):
    """A liaison who left returns to post (恢复在岗): why, for the record."""

    reason = forms.CharField(
        label=_("恢复原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如“借调结束，回原岗位”。"),
    )


class PasswordResetRequestForm(RequiredMessagesMixin, PasswordResetForm):
    email = forms.EmailField(
        label=_("电子邮箱"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """Queue the mail (accounts.tasks) instead of talking to the mail server inside the request: by the
        account's id, so that the reset link (made by the task) is never stored in the task table."""
        from django.utils import translation

        from accounts.tasks import send_password_reset_mail

        send_password_reset_mail.enqueue(context["user"].pk, translation.get_language())


class ChangePasswordForm(RequiredMessagesMixin, PasswordChangeForm):
    """Change one's own password: the current one first; Django's password validators apply."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("当前密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _("当前密码不正确。"),
            "password_mismatch": _("两次输入的密码不一致。"),
        }


class NewPasswordForm(RequiredMessagesMixin, SetPasswordForm):
    """Set a password (activation or reset); Django's password validators apply."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")
        self.error_messages = {**self.error_messages, "password_mismatch": _("两次输入的密码不一致。")}
