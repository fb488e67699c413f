from django.urls import path

from assessments import practice_views as views

app_name = "practice"

urlpatterns = [
    path("", views.practice_home, name="home"),
    path("logs/", views.practice_log_create, name="log_create"),
    path("training/", views.external_training_create, name="training_create"),
    path("training/<int:training_id>/evidence/", views.training_evidence, name="evidence"),
    path("training/review/", views.training_review, name="training_review"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/observe/", views.observe, name="observe"),
    path("supervision/logs/<int:log_id>/", views.practice_log_decide, name="log_decide"),
    path("competencies/", views.competencies, name="competencies"),
]
