"""The wallet's endpoints (OpenID for Verifiable Credential Issuance), mounted at the site root
because their metadata lives under /.well-known/."""

from django.urls import path

from credentials import oid4vci_views as views

app_name = "oid4vci"

urlpatterns = [
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="metadata"),
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server_metadata,
        name="authorization_server",
    ),
    # RFC 8414 appends the issuer's path, which some clients give as "/" for ours.
    path(".well-known/oauth-authorization-server/", views.authorization_server_metadata),
    path("oid4vci/token", views.token, name="token"),
    path("oid4vci/nonce", views.nonce, name="nonce"),
    path("oid4vci/credential", views.credential, name="credential"),
    path(
        "credentials/<uuid:credential_id>/wallet-offer/",
        views.wallet_offer,
        name="wallet_offer",
    ),
]
