from django.urls import path

from grassroots.views import office, portal

app_name = "grassroots"
urlpatterns = [
    path("", portal.workstations, name="workstations"),
    path("workstations/<int:pk>/", portal.workstation, name="workstation"),
    path("workstations/<int:pk>/calendar.ics", portal.workstation_ics, name="workstation-ics"),
    path("bookings/cancel/", portal.cancel_booking, name="booking-cancel"),
    path("office/", office.home, name="office"),
    path("office/workstations/<int:pk>/", office.workstation, name="ws-office"),
    path("office/workstations/<int:pk>/days/", office.workstation_days, name="ws-days"),
    path("office/workstations/<int:pk>/contacts/", office.workstation_contact, name="ws-contact"),
    path("office/days/<int:pk>/", office.reception_day, name="day"),
    path("office/days/<int:pk>/cancel/", office.reception_day_cancel, name="day-cancel"),
    path("office/days/<int:pk>/roster/", office.reception_day_roster, name="day-roster"),
    path("office/days/<int:pk>/attended/<int:appointment_pk>/", office.appointment_attended, name="day-attended"),
    path("office/days/<int:pk>/phone/<int:appointment_pk>/", office.appointment_phone, name="day-phone"),
    path("groups/<int:pk>/", office.group, name="group"),
    path("groups/<int:pk>/issues/", office.group_issue_create, name="group-issue-create"),
    path("issues/<int:pk>/", office.issue, name="issue"),
    path("issues/<int:pk>/micro/", office.issue_micro, name="issue-micro"),
    path("issues/<int:pk>/micro/schedule/", office.issue_micro_schedule, name="issue-micro-schedule"),
    path("issues/<int:pk>/micro/outcome/", office.issue_micro_outcome, name="issue-micro-outcome"),
    path("issues/<int:pk>/proposal/", office.issue_link_proposal, name="issue-proposal"),
    path("community/", office.community_list, name="community-list"),
    path("community/new/", office.community_create, name="community-create"),
    path("community/schedule/", office.community_schedule, name="community-schedule"),
    path("community/<int:pk>/", office.community_detail, name="community"),
    path("community/<int:pk>/conclude/", office.community_conclude, name="community-conclude"),
    path("community/<int:pk>/tasks/", office.community_tasks_add, name="community-tasks-add"),
    path("community/<int:pk>/tasks/<int:task_pk>/done/", office.community_task_done, name="community-task-done"),
    path("community/<int:pk>/tasks/<int:task_pk>/reopen/", office.community_task_reopen, name="community-task-reopen"),
    path("community/<int:pk>/void/", office.community_void, name="community-void"),
    path("outcomes/", portal.community_outcomes, name="community-outcomes"),
    path("outcomes/<int:pk>/", portal.community_outcome, name="community-outcome"),
]
