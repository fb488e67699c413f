"""The verification API: each check with its result, a 4xx with a reason for bad input, fixed
query counts for bulk checks, and a rate limit on anonymous use."""

import copy
import json
import uuid
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

import pytest

from accounts.roles import Role
from credentials import verification
from credentials.issuance import credential_issue, credential_revoke
from credentials.models import SigningKey
from credentials.signing_keys import signing_key_add
from credentials.verification import verify_stored
from tests.credentials.factories import complete_course, issued_credential
from tests.factories import UserFactory, staff_user

VERIFY, BULK = "/api/v1/verify", "/api/v1/verify/bulk"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def credential(db):
    signing_key_add()
    return issued_credential()


def post(client, url, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def failed(result: dict) -> dict:
    return {c["name"]: c["detail"] for c in result["checks"] if not c["passed"]}


@pytest.mark.django_db
class VerifyTests:
    def test_an_issued_credential_is_valid_with_every_check(self, client, credential):
        response = post(client, VERIFY, credential.document)
        assert response.status_code == 200
        result = response.json()
        assert (result["status"], result["valid"]) == ("valid", True)
        assert [c["name"] for c in result["checks"]] == [
            "shape",
            "issuer",
            "signature",
            "dates",
            "revocation",
            "suspension",
        ]

    def test_tampering_says_which_check_failed(self, client, credential):
        forged = copy.deepcopy(credential.document)
        forged["credentialSubject"]["creditsEarned"] = 40.0
        result = post(client, VERIFY, forged).json()
        assert result["status"] == "invalid"
        assert failed(result) == {
            "signature": "The signature does not match: the credential was changed after it was "
            "signed, or signed with another key."
        }

    def test_a_proof_from_another_key_or_issuer_or_purpose(self, client, credential):
        other_key = copy.deepcopy(credential.document)
        other_key["proof"]["verificationMethod"] += "-other"
        assert "has no key" in failed(post(client, VERIFY, other_key).json())["signature"]
        other_issuer = copy.deepcopy(credential.document)
        other_issuer["issuer"]["id"] = "did:web:evil.example"
        assert "not us" in failed(post(client, VERIFY, other_issuer).json())["issuer"]
        purpose = copy.deepcopy(credential.document)
        purpose["proof"]["proofPurpose"] = "authentication"
        assert "purpose" in failed(post(client, VERIFY, purpose).json())["signature"]

    def test_revoked_and_expired_credentials_are_named(self, client, credential):
        achievement = credential.achievement
        achievement.validity_months = 12
        achievement.save(update_fields=["validity_months"])
        learner = UserFactory()
        complete_course(learner, achievement)
        yearly = credential_issue(learner=learner, achievement=achievement).credential
        two_years_on = verification.Verifier(now=timezone.now() + timedelta(days=730))
        result = two_years_on.verify(yearly.document)
        assert result.status == "expired"
        assert [c.name for c in result.checks if not c.passed] == ["dates"]
        credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        result = post(client, VERIFY, credential.document).json()
        assert result["status"] == "revoked"
        assert failed(result) == {"revocation": "Revoked by the issuer."}

    @pytest.mark.parametrize(
        ("body", "status", "reason"),
        [
            ("{not json", 400, "This is not valid JSON"),
            ("[1, 2]", 400, "Send one credential: a JSON object."),
            ("x" * (600 * 1024), 413, "The body is 600 KiB; at most 512 KiB is accepted."),
            ("[" * 50_000 + "]" * 50_000, 400, "nested too deeply"),
            ('{"a": ' + "9" * 5000 + "}", 400, "A number has 5000 characters"),
            ('{"a": NaN}', 400, "NaN is not a JSON number."),
        ],
    )
    def test_bad_bodies_get_a_4xx_with_a_reason(self, client, db, body, status, reason):
        response = post(client, VERIFY, body)
        assert response.status_code == status
        assert reason in response.json()["detail"]

    def test_content_the_signature_does_not_cover_makes_a_credential_invalid(
        self, client, credential
    ):
        added = copy.deepcopy(credential.document)
        added["credentialSubject"]["ceHoursSecretlyAdded"] = 40
        result = post(client, VERIFY, added).json()
        assert result["status"] == "invalid"
        assert "content its signature does not cover" in failed(result)["signature"]
        assert "ceHoursSecretlyAdded" in failed(result)["signature"]
        inline = copy.deepcopy(credential.document)
        inline["@context"] = [*inline["@context"], {"@vocab": "urn:anything:"}]
        result = post(client, VERIFY, inline).json()
        assert result["status"] == "invalid"
        assert "an inline context is not accepted" in failed(result)["shape"]

    def test_something_that_is_not_a_credential_is_invalid_with_the_reason(self, client, db):
        result = post(client, VERIFY, {"hello": "world"}).json()
        assert result["status"] == "invalid"
        assert "@context must start with" in failed(result)["shape"]


@pytest.mark.django_db
class CredentialStatusTests:
    def test_a_stored_credential_reports_its_summary(self, client, credential):
        result = client.get(f"/api/v1/credentials/{credential.pk}").json()
        assert result["status"] == "valid"
        assert (result["holder_name"], result["achievement"], result["ce_hours"]) == (
            "Riley Resident",
            "Course sdm",
            3.0,
        )
        assert result["valid_until"] is None

    def test_unknown_and_malformed_ids(self, client, db):
        missing = uuid.uuid4()
        response = client.get(f"/api/v1/credentials/{missing}")
        assert response.status_code == 404
        assert str(missing) in response.json()["detail"]
        assert client.get("/api/v1/credentials/not-an-id").status_code == 422

    def test_a_stored_credential_skips_canonicalization_but_not_the_key_check(
        self, credential, monkeypatch
    ):
        def never(*args, **kwargs):
            raise AssertionError("an unchanged stored credential needs no canonicalization")

        monkeypatch.setattr(verification, "proof_verify", never)
        assert verify_stored(credential).status == "valid"
        SigningKey.objects.update(revoked_at=timezone.now(), is_current=False)
        result = verify_stored(credential)
        assert result.status == "invalid"
        assert "revoked the key" in [c.detail for c in result.checks if not c.passed][0]


@pytest.mark.django_db
class BulkTests:
    def test_ids_and_documents_in_one_request_in_input_order(self, client, credential):
        forged = copy.deepcopy(credential.document)
        forged["name"] = "Forged"
        body = {"ids": [str(credential.pk), "nope", str(uuid.uuid4())], "credentials": [forged]}
        results = post(client, BULK, body).json()["results"]
        assert [(r["input"], r["status"]) for r in results] == [
            (0, "valid"),
            (1, "unknown"),
            (2, "unknown"),
            (3, "invalid"),
        ]
        assert failed(results[1]) == {"id": "nope: not a credential id."}

    def test_over_the_limit_or_empty_is_refused_with_the_reason(self, client, db):
        response = post(client, BULK, {"ids": [str(uuid.uuid4()) for _ in range(1001)]})
        assert response.status_code == 400
        assert response.json()["detail"] == "At most 1000 ids a request; this one has 1001."
        response = post(client, BULK, {})
        assert response.status_code == 400
        assert "Send 'ids'" in response.json()["detail"]
        response = post(client, BULK, {"ids": "x"})
        assert response.status_code == 400
        assert response.json()["detail"] == "ids: Input should be a valid list."

    def test_oversized_and_hostile_bulk_bodies_are_refused_unread_or_with_a_reason(
        self, client, db
    ):
        big = {"ids": ["x" * 1000] * 2200}  # over 2 MiB: refused from its Content-Length
        response = post(client, BULK, big)
        assert response.status_code == 413
        assert "at most 2048 KiB is accepted" in response.json()["detail"]
        response = post(client, BULK, '{"ids": ' + "[" * 10_000 + "]" * 10_000 + "}")
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["detail"]
        documents = {"credentials": [{"id": f"urn:uuid:{uuid.uuid4()}"}] * 26}
        response = post(client, BULK, documents)
        assert response.status_code == 400
        assert response.json()["detail"].startswith("At most 25 whole credentials a request")

    def test_a_proof_value_longer_than_a_signature_is_refused_before_decoding(
        self, client, credential
    ):
        document = {**credential.document}
        document["proof"] = {**document["proof"], "proofValue": "z" + "2" * 200_000}
        result = post(client, VERIFY, document).json()
        assert result["status"] == "invalid"
        assert (
            "200000 characters is longer than any key or signature" in (failed(result)["signature"])
        )

    def test_a_thousand_ids_read_a_fixed_number_of_queries(
        self, client, credential, django_assert_num_queries
    ):
        ids = [str(credential.pk)] * 500 + [str(uuid.uuid4()) for _ in range(500)]
        with django_assert_num_queries(3):  # credentials, signing keys, status lists
            results = post(client, BULK, {"ids": ids}).json()["results"]
        assert len(results) == 1000
        assert sum(r["status"] == "valid" for r in results) == 500


@pytest.mark.django_db
class RateLimitTests:
    def test_anonymous_use_is_limited_per_minute_with_a_reason(self, client, settings, db):
        settings.CREDENTIALS_API_RATE_LIMITS = {"verify": 2, "bulk": 5}
        for _ in range(2):
            assert post(client, VERIFY, {}).status_code == 200
        response = post(client, VERIFY, {})
        assert response.status_code == 429
        assert response.json()["detail"] == (
            "Too many requests: at most 2 a minute. Try again in a minute."
        )
        # Bulk checks count each credential: 3, then 3 more, is over 5.
        assert post(client, BULK, {"ids": [str(uuid.uuid4())] * 3}).status_code == 200
        response = post(client, BULK, {"ids": [str(uuid.uuid4())] * 3})
        assert response.status_code == 429
        assert "Too many credentials checked: at most 5 a minute" in response.json()["detail"]


@pytest.mark.django_db
class ClientBehindProxyTests:
    """Rate limits count each client, not the proxy in front of them, and only trust
    X-Forwarded-For as far as TRUSTED_PROXY_COUNT says."""

    def from_client(self, client, address: str):
        return post(client, VERIFY, {}, HTTP_X_FORWARDED_FOR=f"{address}, 10.0.0.9")

    def test_without_trusted_proxies_a_forged_header_changes_nothing(self, client, settings):
        settings.CREDENTIALS_API_RATE_LIMITS = {"verify": 1, "bulk": 1}
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
        assert self.from_client(client, "198.51.100.1").status_code == 200
        assert self.from_client(client, "198.51.100.2").status_code == 429

    def test_behind_one_proxy_each_client_has_its_own_allowance(self, client, settings):
        settings.CREDENTIALS_API_RATE_LIMITS = {"verify": 1, "bulk": 1}
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2  # the TLS proxy and the load balancer
        assert self.from_client(client, "198.51.100.1").status_code == 200
        assert self.from_client(client, "198.51.100.2").status_code == 200
        assert self.from_client(client, "198.51.100.1").status_code == 429


@pytest.mark.django_db
def test_the_openapi_document_and_docs_are_served_without_a_cdn(client):
    document = client.get("/api/openapi.json").json()
    assert {"/api/v1/verify", "/api/v1/verify/bulk", "/api/v1/credentials/{credential_id}"} <= set(
        document["paths"]
    )
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn." not in docs


@pytest.mark.django_db
def test_malformed_credentials_get_an_answer_never_a_500(client, credential):
    """Shapes a careless or hostile sender might try: each is a 200 with status invalid."""
    good = credential.document

    def changed(**parts):
        document = copy.deepcopy(good)
        for path, value in parts.items():
            target = document
            *keys, last = path.split("__")
            for key in keys:
                target = target[key]
            target[last] = value
        return document

    samples = [
        changed(type=[{}, []]),
        changed(issuer={"id": 5}),
        changed(issuer=None),
        changed(proof="not an object"),
        changed(proof__verificationMethod=5),
        changed(proof__proofValue=None),
        changed(proof__created={"when": "now"}),
        changed(credentialSubject__achievement=[]),
        changed(validFrom=12345),
        changed(validUntil="tomorrow"),
        changed(credentialStatus=[{"statusPurpose": "revocation", "statusListIndex": "x"}]),
        changed(credentialSubject__identifier=[{"@id": 5}]),
        {**good, "@context": [*good["@context"], {"@vocab": 5}]},
        {**good, "@context": [*good["@context"], 7]},
    ]
    for sample in samples:
        response = post(client, VERIFY, sample)
        assert response.status_code == 200, (sample, response.content[:300])
        assert response.json()["status"] == "invalid", sample
