from django.urls import path

from insight.views import dashboard, duty, exports, report

app_name = "insight"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("duty/", duty.ranking, name="duty-ranking"),
    path("duty/me/", duty.my_record, name="duty-me"),
    path("duty/<int:pk>/", duty.member_record, name="duty-member"),
    path("duty/<int:pk>/adjust/", duty.adjust, name="duty-adjust"),
    path("duty/<int:pk>/ask/", duty.ask, name="duty-ask"),
    path("duty/queries/<int:pk>/answer/", duty.answer, name="duty-answer"),
    path("rules/", duty.rules, name="rules"),
    path("rules/grades/edit/", duty.grade_marks_edit, name="grade-marks-edit"),
    path("rules/<slug:item>/edit/", duty.rule_edit, name="rule-edit"),
    path("rules/<slug:item>/<slug:variant>/edit/", duty.rule_edit, name="rule-edit"),
    path("export/<slug:kind>.xlsx", exports.export, name="export"),
    path("report/", report.report_page, name="report"),
    path("report/<int:year>.<str:fmt>", report.report_document, name="report-document"),
]
