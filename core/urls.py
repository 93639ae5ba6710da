from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("office/", views.dashboard, name="dashboard"),
    path("workflow/<str:label>/<int:pk>/", views.transition, name="transition"),
    path("files/<str:token>/", views.attachment_download, name="attachment"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("bench/bare", views.bare, name="bare"),
]
