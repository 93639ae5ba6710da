from django.urls import path
from django.views.generic import RedirectView

app_name = "consultations"
urlpatterns = [
    # The meeting page is built by the research-and-consultation issue; until then, the dashboard.
    path("meetings/<int:pk>/", RedirectView.as_view(url="/office/"), name="meeting"),
]
