"""Our OID4VCI issuer, endpoint by endpoint: what a wallet that follows the specification gets,
and the specific error a wrong, replayed or hostile request gets (never a 500, never a second
credential). The whole flow with an independent client is tests/credentials/test_oid4vci_interop.py.
"""

import base64
import json
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.roles import Role
from credentials.issuance import credential_revoke
from credentials.models import WalletOffer
from credentials.multibase import public_multikey
from credentials.oid4vci import (
    CONFIGURATION_ID,
    PRE_AUTHORIZED_GRANT,
    PROOF_TYP,
    nonce_new,
    offer_create,
)
from credentials.signing_keys import signing_key_add
from credentials.verification import verify_document
from tests.credentials.factories import issued_credential
from tests.factories import UserFactory, staff_user

TOKEN = "/oid4vci/token"
CREDENTIAL = "/oid4vci/credential"


@pytest.fixture
def credential(db):
    signing_key_add()
    return issued_credential()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Wallet:
    """A key and the JWTs a wallet makes with it."""

    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.multikey = public_multikey(raw)
        self.did = f"did:key:{self.multikey}"

    def proof(self, *, nonce: str, aud: str, header: dict | None = None, **claims) -> str:
        head = {"alg": "EdDSA", "kid": f"{self.did}#{self.multikey}", "typ": PROOF_TYP}
        head |= header or {}
        payload = {"aud": aud, "nonce": nonce, "iat": int(time.time())} | claims
        signing_input = f"{b64(json.dumps(head).encode())}.{b64(json.dumps(payload).encode())}"
        return f"{signing_input}.{b64(self.key.sign(signing_input.encode()))}"


def code_of(offer_url: str) -> str:
    offer = json.loads(parse_qs(urlsplit(offer_url).query)["credential_offer"][0])
    return offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]


def exchange(client, code: str, **extra):
    data = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, **extra}
    return client.post(TOKEN, data)


def access_token(client, credential) -> str:
    response = exchange(client, code_of(offer_create(credential=credential).url))
    assert response.status_code == 200, response.json()
    return response.json()["access_token"]


def request_credential(client, token: str, body) -> object:
    return client.post(
        CREDENTIAL,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def error_of(response, status: int = 400) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error_description"]
    return body["error"]


@pytest.mark.django_db
class MetadataTests:
    def test_the_issuer_metadata_names_our_endpoints_and_the_open_badge_configuration(
        self, client, settings
    ):
        metadata = client.get("/.well-known/openid-credential-issuer").json()
        assert metadata["credential_issuer"] == settings.SITE_URL
        assert metadata["credential_endpoint"] == settings.SITE_URL + CREDENTIAL
        assert metadata["nonce_endpoint"] == settings.SITE_URL + "/oid4vci/nonce"
        configuration = metadata["credential_configurations_supported"][CONFIGURATION_ID]
        assert configuration["format"] == "ldp_vc"
        assert "OpenBadgeCredential" in configuration["credential_definition"]["type"]
        assert configuration["proof_types_supported"]["jwt"] == {
            "proof_signing_alg_values_supported": ["EdDSA"]
        }

    def test_the_authorization_server_metadata_offers_the_pre_authorized_grant(
        self, client, settings
    ):
        for path in (
            "/.well-known/oauth-authorization-server",
            "/.well-known/oauth-authorization-server/",
        ):
            metadata = client.get(path).json()
            assert metadata["token_endpoint"] == settings.SITE_URL + TOKEN
            assert metadata["grant_types_supported"] == [PRE_AUTHORIZED_GRANT]


@pytest.mark.django_db
class TokenTests:
    def test_a_code_gives_a_bearer_token_for_its_credential_once(self, client, credential):
        code = code_of(offer_create(credential=credential).url)
        body = exchange(client, code).json()
        assert body["token_type"] == "bearer"
        assert body["authorization_details"][0]["credential_identifiers"] == [str(credential.pk)]
        assert error_of(exchange(client, code)) == "invalid_grant"

    def test_an_expired_code_is_refused(self, client, credential):
        offer = offer_create(credential=credential)
        WalletOffer.objects.filter(pk=offer.offer.pk).update(expires_at=timezone.now())
        assert error_of(exchange(client, code_of(offer.url))) == "invalid_grant"

    def test_unknown_codes_and_other_grants_are_refused(self, client, db):
        assert error_of(exchange(client, "guessed")) == "invalid_grant"
        response = client.post(TOKEN, {"grant_type": "client_credentials"})
        assert error_of(response) == "unsupported_grant_type"

    def test_authorization_details_for_something_else_are_refused(self, client, credential):
        code = code_of(offer_create(credential=credential).url)
        other = json.dumps([{"type": "openid_credential", "credential_configuration_id": "x"}])
        assert error_of(exchange(client, code, authorization_details=other)) == (
            "invalid_authorization_details"
        )
        assert error_of(exchange(client, code, authorization_details="{")) == "invalid_request"
        assert exchange(client, code).status_code == 200  # a refused request spent nothing

    def test_a_client_asking_too_often_is_told_to_wait(self, client, db, settings):
        settings.OID4VCI_RATE_PER_MINUTE = 2
        assert error_of(exchange(client, "a")) == "invalid_grant"
        assert error_of(exchange(client, "b")) == "invalid_grant"
        assert error_of(exchange(client, "c"), 429) == "invalid_request"
        assert error_of(request_credential(client, "t", {}), 429) == "invalid_request"

    def test_a_get_is_not_allowed(self, client, db):
        assert client.get(TOKEN).status_code == 405


@pytest.mark.django_db
class CredentialTests:
    def test_a_proof_of_a_did_key_gets_the_credential_bound_to_it_once(
        self, client, credential, settings
    ):
        token, wallet = access_token(client, credential), Wallet()
        proof = wallet.proof(
            nonce=client.post("/oid4vci/nonce").json()["c_nonce"], aud=settings.SITE_URL
        )
        body = {"credential_identifier": str(credential.pk), "proofs": {"jwt": [proof]}}
        response = request_credential(client, token, body)
        assert response.status_code == 200, response.json()
        assert response["Cache-Control"] == "no-store"
        document = response.json()["credentials"][0]["credential"]
        assert document["credentialSubject"]["id"] == wallet.did
        assert document["id"] == credential.document["id"]
        assert verify_document(document).valid
        assert error_of(request_credential(client, token, body), 401) == "invalid_token"

    def test_without_a_proof_the_wallet_is_told_to_send_one_with_a_nonce(self, client, credential):
        token = access_token(client, credential)
        response = request_credential(client, token, {"credential_identifier": str(credential.pk)})
        assert error_of(response) == "invalid_proof"
        assert response.json()["c_nonce"]

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"aud": "https://elsewhere.example"}, "invalid_proof"),
            ({"nonce": "made-up"}, "invalid_nonce"),
            ({"iat": int(time.time()) + 3600}, "invalid_proof"),
            ({"iat": int(time.time()) - 3600}, "invalid_proof"),
            ({"header": {"typ": "JWT"}}, "invalid_proof"),
            ({"header": {"alg": "none"}}, "invalid_proof"),
            ({"header": {"kid": "did:web:elsewhere.example#key-1"}}, "invalid_proof"),
        ],
    )
    def test_a_wrong_proof_is_refused_and_the_token_still_works(
        self, client, credential, settings, change, error
    ):
        token, wallet = access_token(client, credential), Wallet()
        claims = {"aud": settings.SITE_URL, "nonce": nonce_new()} | change
        body = {
            "credential_identifier": str(credential.pk),
            "proofs": {"jwt": [wallet.proof(**claims)]},
        }
        assert error_of(request_credential(client, token, body)) == error
        good = wallet.proof(aud=settings.SITE_URL, nonce=nonce_new())
        body["proofs"]["jwt"] = [good]
        assert request_credential(client, token, body).status_code == 200

    def test_a_proof_signed_by_another_key_than_its_kid_is_refused(
        self, client, credential, settings
    ):
        token, wallet, thief = access_token(client, credential), Wallet(), Wallet()
        forged = thief.proof(aud=settings.SITE_URL, nonce=nonce_new(), header={"kid": wallet.did})
        body = {"credential_identifier": str(credential.pk), "proofs": {"jwt": [forged]}}
        response = request_credential(client, token, body)
        assert error_of(response) == "invalid_proof"
        assert "signature" in response.json()["error_description"]

    def test_bad_requests_get_their_reasons(self, client, credential):
        token = access_token(client, credential)
        assert error_of(request_credential(client, "nope", {}), 401) == "invalid_token"
        assert error_of(client.post(CREDENTIAL, "{}", content_type="application/json"), 401) == (
            "invalid_token"
        )
        response = client.post(
            CREDENTIAL,
            "{",
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert error_of(response) == "invalid_credential_request"
        assert error_of(request_credential(client, token, [1])) == "invalid_credential_request"
        assert error_of(request_credential(client, token, {"credential_identifier": "x"})) == (
            "unknown_credential_identifier"
        )
        assert error_of(request_credential(client, token, {})) == "unknown_credential_configuration"
        for proofs in ({"jwt": "x"}, {"jwt": ["a", "b"]}, {"jwt": ["not-a-jwt"]}):
            body = {"credential_configuration_id": CONFIGURATION_ID, "proofs": proofs}
            assert error_of(request_credential(client, token, body)) == "invalid_proof"

    def test_a_credential_revoked_after_the_offer_is_not_delivered(
        self, client, credential, settings
    ):
        token = access_token(client, credential)
        credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        proof = Wallet().proof(aud=settings.SITE_URL, nonce=nonce_new())
        body = {"credential_identifier": str(credential.pk), "proofs": {"jwt": [proof]}}
        assert error_of(request_credential(client, token, body)) == "credential_request_denied"


@pytest.mark.django_db
class OfferPageTests:
    def url(self, credential) -> str:
        return reverse("oid4vci:wallet_offer", args=[credential.pk])

    def test_the_learner_gets_a_qr_code_of_a_new_offer(self, client, credential):
        client.force_login(credential.learner)
        response = client.post(self.url(credential))
        assert response.status_code == 200
        assert response.context["offer_url"].startswith("openid-credential-offer://?")
        assert 'src="data:image/png;base64,' in response.content.decode()
        assert WalletOffer.objects.filter(credential=credential).count() == 1

    def test_only_the_holder_may_offer_it_and_only_by_post(self, client, credential):
        assert client.post(self.url(credential)).status_code == 302  # sign in first
        client.force_login(UserFactory())
        assert client.post(self.url(credential)).status_code == 404
        client.force_login(credential.learner)
        assert client.get(self.url(credential)).status_code == 405
        assert not WalletOffer.objects.exists()

    def test_a_revoked_credential_is_not_offered(self, client, credential):
        credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        client.force_login(credential.learner)
        response = client.post(self.url(credential))
        assert response.status_code == 409
        assert "revoked or suspended" in response.content.decode()
        assert not WalletOffer.objects.exists()

    def test_the_credentials_page_offers_the_wallet_for_credentials_in_force(
        self, client, credential
    ):
        client.force_login(credential.learner)
        body = client.get(reverse("credentials:mine")).content.decode()
        assert self.url(credential) in body
        expired = timezone.now() - timedelta(days=1)
        type(credential).objects.filter(pk=credential.pk).update(suspended_at=expired)
        assert self.url(credential) not in client.get(reverse("credentials:mine")).content.decode()
