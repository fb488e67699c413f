from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "learning/lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"
    ),
    path("learning/lessons/<int:lesson_id>/time/", views.lesson_time, name="lesson_time"),
    path("learning/programs/<int:program_id>/enrol/", views.program_enrol, name="program_enrol"),
]
