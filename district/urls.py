from django.urls import path

from district import views

app_name = "district"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("departments/", views.departments, name="departments"),
    path("accounts/", views.person_accounts, name="accounts"),
    path("accounts/<str:kind>/<int:pk>/open/", views.person_account_open, name="account-open"),
    path("accounts/<str:kind>/<int:pk>/reissue/", views.person_account_reissue, name="account-reissue"),
]
