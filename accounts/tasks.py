from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template import loader
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def send_password_reset_mail(user_id: int, language: str) -> int:
    """Send the 忘记密码 e-mail from a task worker, not inside the request: the answer to 忘记密码 then
    takes as long whether or not the address has an account. Queued by the account's id only: the link
    (a credential for PASSWORD_RESET_TIMEOUT) is made here, so it never sits in the task table nor in a
    backup of it. An account that meanwhile was deactivated or lost its password gets nothing."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return 0
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        # Links are built on the configured address, never on the Host header of a request.
        "site": settings.SITE_URL.rstrip("/"),
        "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        subject = "".join(loader.render_to_string("accounts/password_reset_subject.txt", context).splitlines())
        body = loader.render_to_string("accounts/password_reset_email.txt", context)
    return send_mail(subject, body, None, [user.email])


@task()
def send_account_mail(subject: str, body: str, to: str) -> int:
    """Only for tasks queued by an earlier release (which put the whole mail in the task's arguments);
    nothing queues it any more."""
    return send_mail(subject, body, None, [to])
