from django.urls import path

from opinions import views

app_name = "opinions"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.create, name="create"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>.docx", views.bulletin_docx, name="bulletin_docx"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
