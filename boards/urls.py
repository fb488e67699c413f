"""The licensee side: CE compliance for each licence, consent, evidence uploads."""

from django.urls import path

from boards import views

app_name = "boards"

urlpatterns = [
    path("", views.licences, name="licences"),
    path("share/", views.consent_grant, name="consent_grant"),
    path("shares/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("shares/<uuid:consent_id>/evidence/", views.evidence_submit, name="evidence_submit"),
    path("evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence_file"),
]
