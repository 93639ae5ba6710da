from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="endpoints"),
    path("<int:pk>/deactivate/", views.endpoint_deactivate, name="endpoint-deactivate"),
]
