"""The board side of CE compliance, under the board portal (board accounts with MFA only)."""

from django.urls import path

from boards import board_views as views

app_name = "boards_board"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("licensees/<uuid:consent_id>/", views.licensee, name="licensee"),
    path("licensees/<uuid:consent_id>/renewal-date/", views.renewal_date, name="renewal_date"),
    path("licensees/<uuid:consent_id>/late-renewal/", views.late_renewal, name="late_renewal"),
    path(
        "licensees/<uuid:consent_id>/evidence/<int:evidence_id>/decide/",
        views.evidence_decide,
        name="evidence_decide",
    ),
    path(
        "licensees/<uuid:consent_id>/evidence/<int:evidence_id>/file/",
        views.evidence_file,
        name="evidence_file",
    ),
    path("rules/", views.rules, name="rules"),
    path("rules/versions/", views.rule_version_add, name="rule_version_add"),
    path("rules/areas/", views.subject_area_add, name="area_add"),
    path("rules/areas/<int:area_id>/", views.subject_area_edit, name="area_edit"),
    path("audits/", views.audits, name="audits"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit"),
    path("audits/<int:audit_id>/audit.csv", views.audit_csv_download, name="audit_csv"),
    path("audits/<int:audit_id>/audit.pdf", views.audit_pdf_download, name="audit_pdf"),
]
