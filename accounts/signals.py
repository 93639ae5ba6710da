"""At login, mark whether the session owes a second factor (`core.middleware.StaffTwoFactorMiddleware`),
and reconcile the language chosen on this device with the one stored on the account."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# Session key: the user signed in with a password and has a confirmed authenticator, so the session
# must pass TOTP before anything else, whatever the role and whether two-factor is enforced.
OTP_REQUIRED = "otp_required"
# Session key: the language chosen with the footer's switcher while signed out, in this session
# (Django's login keeps an anonymous session's data).
LANGUAGE_CHOSEN = "language_chosen_signed_out"


@receiver(user_logged_in)
def ask_for_the_second_factor(sender, request, user, **kwargs):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if request is not None and hasattr(request, "session"):
        request.session[OTP_REQUIRED] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in)
def carry_the_language_over(sender, request, user, **kwargs):
    """A language chosen with the switcher just before signing in (on the login page, say) is the
    user's latest word: it is stored on the account and the pages stay in it. Otherwise the account's
    stored choice is written to this device's cookie, so the pages stay in it after signing out."""
    from accounts import services
    from accounts.middleware import LANGUAGE_COOKIE_DUE

    if request is None or not hasattr(request, "session"):
        return
    chosen = request.session.pop(LANGUAGE_CHOSEN, None)
    if chosen in dict(settings.LANGUAGES):
        services.set_language_preference(user=user, language=chosen)
    elif user.language:
        setattr(request, LANGUAGE_COOKIE_DUE, user.preferred_language)
