from django.urls import path

from district import views

app_name = "district"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("departments/", views.departments, name="departments"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar-remove"),
    path("rules/", views.rules, name="rules"),
    path("accounts/", views.person_accounts, name="accounts"),
    path("accounts/liaisons/", views.liaisons, name="liaisons"),
    path("accounts/liaisons/departments/<int:pk>/add/", views.liaison_add, name="liaison-add"),
    path("accounts/liaisons/<int:pk>/reissue/", views.liaison_reissue, name="liaison-reissue"),
    path("accounts/liaisons/<int:pk>/leave/", views.liaison_leave, name="liaison-leave"),
    path("accounts/liaisons/<int:pk>/reinstate/", views.liaison_reinstate, name="liaison-reinstate"),
    path("accounts/liaisons/<int:pk>/phone/", views.liaison_phone, name="liaison-phone"),
    path("accounts/<str:kind>/<int:pk>/open/", views.person_account_open, name="account-open"),
    path("accounts/<str:kind>/<int:pk>/reissue/", views.person_account_reissue, name="account-reissue"),
]
