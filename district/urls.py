from django.urls import path

from district import views

app_name = "district"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("departments/", views.departments, name="departments"),
]
