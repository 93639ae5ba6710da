from django.core.mail import send_mail
from django_tasks import task


@task()
def send_account_mail(subject: str, body: str, to: str) -> int:
    """Send an account e-mail (a password-reset link) from a task worker, not inside the request: the
    answer to 忘记密码 then takes as long whether or not the address has an account."""
    return send_mail(subject, body, None, [to])
