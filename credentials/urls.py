from django.urls import path

from credentials import views

app_name = "credentials"

urlpatterns = [
    path("credentials/", views.my_credentials, name="mine"),
    path("credentials/transcript/", views.transcript_page, name="transcript"),
    path("credentials/transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("credentials/transcript/shares/", views.transcript_share, name="share"),
    path(
        "credentials/transcript/shares/<uuid:share_id>/withdraw/",
        views.transcript_share_withdraw,
        name="share_withdraw",
    ),
    path("transcripts/<str:token>/", views.shared_transcript, name="shared_transcript"),
    path("credentials/<uuid:credential_id>.json", views.credential_json, name="json"),
    path("credentials/<uuid:credential_id>.pdf", views.credential_pdf, name="pdf"),
    path("credentials/status/<str:purpose>", views.status_list_json, name="status_list"),
    path("verify/", views.verify_check, name="check"),
    path("verify/<uuid:credential_id>/", views.verify_page, name="verify"),
]
