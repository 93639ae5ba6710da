from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user who chose a language reads the site in it, on any device.

    After LocaleMiddleware (cookie, Accept-Language) and AuthenticationMiddleware; a user without a
    stored choice, and every anonymous visitor, keep the language LocaleMiddleware chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
