from django.urls import path

from intake.views import office, portal

app_name = "intake"
urlpatterns = [
    path("", portal.submit, name="submit"),
    path("write/<int:workstation>/", portal.submit, name="write-to-workstation"),
    path("track/", portal.track, name="track"),
    path("track/<str:code>/", portal.track_detail, name="track-detail"),
    path("track/<str:code>/files/<str:token>/", portal.track_attachment, name="track-attachment"),
    path("wechat/", portal.wechat_callback, name="wechat"),
    path("office/", office.appeal_list, name="office-list"),
    path("office/new/", office.appeal_create, name="office-create"),
    path("office/<int:pk>/", office.appeal_detail, name="office-detail"),
    path("office/<int:pk>/contact/", office.appeal_reveal, name="office-reveal"),
    path("office/<int:pk>/act/<str:action>/", office.appeal_action, name="office-action"),
    path("office/<int:pk>/message/", office.appeal_message, name="office-message"),
    path("office/<int:pk>/forward/", office.appeal_forward, name="office-forward"),
    path("office/<int:pk>/refer/", office.appeal_refer, name="office-refer"),
]
