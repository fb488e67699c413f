from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("licences/<int:licence_id>/remove/", views.licence_remove, name="licence_remove"),
]
