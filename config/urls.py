from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from allauth.account.decorators import secure_admin_login

from config.health import healthz
from config.metrics import metrics
from content import serving
from credentials import views as credential_views
from credentials.api import api as credentials_api

# The Django admin signs people in through allauth, so its login honours MFA and rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Recovery Learning administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),  # 404 unless the scraper is allowed
    path(".well-known/did.json", credential_views.did_json, name="did_json"),
    path("django-admin/", admin.site.urls),
    # Wagtail's own sign-in and reset forms would bypass allauth's MFA and rate limits.
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path(
        "cms/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=False),
    ),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/profile/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("assessments/", include("assessments.urls")),
    path("practice/", include("assessments.practice_urls")),
    path("credit/", include("accreditation.urls")),
    path("", include("credentials.urls")),
    path("", include("credentials.oid4vci_urls")),
    path("api/", credentials_api.urls),
    path("board/ce/", include("boards.board_urls")),
    path("board/", include("credentials.board_urls")),
    path("licences/", include("boards.urls")),
    path("learning-record/", include("learning_records.urls")),
    path("", include("courses.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path, so it comes last.
urlpatterns.append(path("", include(serving)))
