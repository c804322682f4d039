from django.urls import path

from learning import assessment_views, cohort_views, nomination_views, value_views, views

app_name = "learning"

urlpatterns = [
    path("record/", views.record, name="record"),
    path("modules/<id:module_id>/checks/<slug:block>/", views.answer, name="answer"),
    path("modules/<id:module_id>/reflections/<slug:block>/", views.reflect, name="reflect"),
    path("modules/<id:module_id>/complete/", views.complete, name="complete"),
    path("programmes/<id:programme_id>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("programmes/<id:programme_id>/self-assessment/", assessment_views.self_assessment, name="self_assessment"),
    path(
        "programmes/<id:programme_id>/self-assessment/summary/",
        assessment_views.self_assessment_summary,
        name="self_assessment_summary",
    ),
    path("certificates/<uuid:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<uuid:code>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("cohorts/<id:cohort_id>/", cohort_views.cohort, name="cohort"),
    path("cohorts/<id:cohort_id>/applications/", cohort_views.applications, name="applications"),
    path("cohorts/<id:cohort_id>/dashboard/", cohort_views.dashboard, name="dashboard"),
    path("cohorts/<id:cohort_id>/dashboard.csv", cohort_views.dashboard_download, name="dashboard_csv"),
    path("cohorts/<id:cohort_id>/nominate/", nomination_views.nominate, name="nominate"),
    path("cohorts/<id:cohort_id>/line-manager/", nomination_views.ask_manager, name="ask_manager"),
    path("line-manager/<str:token>/", nomination_views.manager_confirm, name="manager_confirm"),
    path("teams/<id:team_id>/", cohort_views.team, name="team"),
    path("sessions/<id:event_id>/attendance/", cohort_views.attendance, name="attendance"),
    path("value/community/<id:community_id>/", value_views.community_exercises, name="exercises"),
    path("value/<id:exercise_id>/", value_views.exercise, name="exercise"),
    path("value/priorities/<slug:slug>/", value_views.priority_proposals, name="priority_proposals"),
]
