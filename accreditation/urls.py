from django.urls import path

from accreditation import views

app_name = "accreditation"

urlpatterns = [
    path("<int:course_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:course_id>/claim/", views.claim, name="claim"),
    path("follow-up/<str:token>/", views.follow_up, name="follow_up"),
]
