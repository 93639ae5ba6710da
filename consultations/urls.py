from django.urls import path

from consultations.views import meetings, research

app_name = "consultations"
urlpatterns = [
    path("", research.group_list, name="groups"),
    path("groups/new/", research.group_create, name="group_create"),
    path("groups/<int:pk>/", research.group_detail, name="group"),
    path("groups/<int:pk>/invite/", research.group_invite, name="group_invite"),
    path("groups/<int:pk>/respond/", research.group_respond, name="group_respond"),
    path("groups/<int:pk>/visits/new/", research.visit_create, name="visit_create"),
    path("groups/<int:pk>/tasks/new/", research.task_create, name="task_create"),
    # Named apart from the meeting's material_create: one name for both sent a group's files to a meeting.
    path("groups/<int:pk>/materials/new/", research.material_create, name="group_material_create"),
    path("topic/<int:ct>/<int:obj>/", research.topic_redirect, name="topic"),
    path("reports/<int:pk>/", research.report_detail, name="report"),
    path("reports/<int:pk>/versions/<int:number>/", research.report_version, name="report_version"),
    path(
        "reports/<int:pk>/versions/<int:number>/report.<str:fmt>",
        research.report_version_file,
        name="report_version_file",
    ),
    path("reports/<int:pk>/comments/", research.comment_create, name="comment_create"),
    path("comments/<int:pk>/resolve/", research.comment_resolve, name="comment_resolve"),
    path("meetings/", meetings.calendar, name="calendar"),
    path("meetings/calendar.ics", meetings.calendar_ics, name="calendar_ics"),
    path("meetings/subscribe/", meetings.calendar_subscription, name="calendar_subscription"),
    path("meetings/feed/<str:key>.ics", meetings.calendar_feed, name="calendar_feed"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/micro/new/", meetings.micro_create, name="micro_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/meeting.ics", meetings.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/minutes.<str:fmt>", meetings.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes-current.<str:fmt>", meetings.minutes_current, name="minutes_current"),
    path("meetings/<int:pk>/invite/", meetings.participant_invite, name="participant_invite"),
    path("meetings/<int:pk>/reschedule/", meetings.reschedule, name="reschedule"),
    path("meetings/<int:pk>/materials/", meetings.material_create, name="material_create"),
    path("meetings/<int:pk>/attach-report/", research.attach_report, name="attach_report"),
    path("meeting-materials/<int:pk>/remove/", meetings.material_remove, name="material_remove"),
    path("meetings/<int:pk>/speeches/", meetings.speech_create, name="speech_create"),
    path("meetings/<int:pk>/outcomes/", meetings.outcome_create, name="outcome_create"),
    path("meetings/<int:pk>/summary/", meetings.summary_update, name="summary_update"),
    path("outcomes/<int:pk>/edit/", meetings.outcome_edit, name="outcome_edit"),
    path("participants/<int:pk>/respond/", meetings.participant_respond, name="participant_respond"),
    path("participants/<int:pk>/check-in/", meetings.participant_check_in, name="participant_check_in"),
    path("participants/<int:pk>/absent/", meetings.participant_absent, name="participant_absent"),
]
