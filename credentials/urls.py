from django.urls import path

from credentials import views

app_name = "credentials"

urlpatterns = [
    path("credentials/", views.my_credentials, name="mine"),
    path("credentials/<uuid:credential_id>.json", views.credential_json, name="json"),
    path("credentials/<uuid:credential_id>.pdf", views.credential_pdf, name="pdf"),
    path("credentials/status/<str:purpose>", views.status_list_json, name="status_list"),
    path("verify/", views.verify_check, name="check"),
    path("verify/<uuid:credential_id>/", views.verify_page, name="verify"),
]
