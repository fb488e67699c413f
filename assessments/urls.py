from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("attempts/<uuid:attempt_id>/", views.attempt_take, name="take"),
    path("attempts/<uuid:attempt_id>/answers/", views.attempt_answers, name="answers"),
    path("attempts/<uuid:attempt_id>/result/", views.attempt_result, name="result"),
]
