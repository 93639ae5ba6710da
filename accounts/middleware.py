from django.conf import settings
from django.utils import translation

# Request attribute: the language the response's switcher cookie is to be set to (at sign-in).
LANGUAGE_COOKIE_DUE = "language_cookie_due"


def set_language_cookie(response, language: str) -> None:
    """Set the switcher's cookie, so that the pages follow the choice after signing out too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """A signed-in user who chose a language reads the site in it, on any device.

    After LocaleMiddleware (cookie, Accept-Language) and AuthenticationMiddleware; a user without a
    stored choice, and every anonymous visitor, keep the language LocaleMiddleware chose. At sign-in
    (accounts.signals) the stored choice is written to the switcher's cookie, on the response set here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        language = getattr(request, LANGUAGE_COOKIE_DUE, None)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response
