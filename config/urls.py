from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as accounts_views
from accounts.login_limits import guard_admin_login
from config.api_urls import DOMAIN_APPS

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

urlpatterns = [
    # The admin's own sign-in, under the same limit of failed sign-ins per address as the login page.
    path("admin/login/", guard_admin_login(admin.site.login)),
    path("admin/", admin.site.urls),
    # Django's switcher, which also stores a signed-in user's choice.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("core.urls")),
]
for app, prefix in DOMAIN_APPS.items():
    urlpatterns.append(path(prefix, include(f"{app}.urls")))

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
