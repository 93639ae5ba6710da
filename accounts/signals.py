"""At login, mark whether the session owes a second factor (`core.middleware.StaffTwoFactorMiddleware`)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# Session key: the user signed in with a password and has a confirmed authenticator, so the session
# must pass TOTP before anything else, whatever the role and whether two-factor is enforced.
OTP_REQUIRED = "otp_required"


@receiver(user_logged_in)
def ask_for_the_second_factor(sender, request, user, **kwargs):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if request is not None and hasattr(request, "session"):
        request.session[OTP_REQUIRED] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
