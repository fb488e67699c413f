from django.urls import path

from credentials import board_views as views

app_name = "board"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("verify/", views.bulk_verify, name="bulk_verify"),
    path("shares/<uuid:share_id>/", views.shared_transcript, name="share"),
    path(
        "shares/<uuid:share_id>/licences/<int:licence_id>/confirm/",
        views.licence_confirm,
        name="licence_confirm",
    ),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
