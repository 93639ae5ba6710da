from django.urls import path

from supervision.views import office, portal

app_name = "supervision"
urlpatterns = [
    path("", office.task_list, name="tasks"),
    path("tasks/<int:pk>/", office.task_detail, name="task"),
    path("tasks/<int:pk>/progress/", office.task_progress, name="task_progress"),
    path("tasks/<int:pk>/reply/", office.task_reply, name="task_reply"),
    path("tasks/<int:pk>/reply/autosave/", office.task_reply_autosave, name="task_reply_autosave"),
    path("tasks/<int:pk>/notes/", office.task_note, name="task_note"),
    path("tasks/<int:pk>/assign/", office.task_assign, name="task_assign"),
    path("tasks/<int:pk>/reassign/", office.task_reassign, name="task_reassign"),
    path("ranking/", office.ranking, name="ranking"),
    path("reports/", office.report_list, name="reports"),
    path("reports/new/", office.report_new, name="report_new"),
    path("reports/<int:pk>/", office.report_detail, name="report"),
    path("reports/<int:pk>/edit/", office.report_edit, name="report_edit"),
    path("reports/<int:pk>/delete/", office.report_delete, name="report_delete"),
    path("reports/<int:pk>/transfer/", office.report_transfer, name="report_transfer"),
    path("reports/<int:pk>/document.<str:fmt>", office.report_document, name="report_document"),
    path("public/", portal.public_list, name="public"),
    path("public/<int:pk>/", portal.public_detail, name="public_report"),
]
