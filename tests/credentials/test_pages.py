"""The public verification page, the credential and status list JSON, and the learner's page."""

import json
import uuid

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.roles import Role
from credentials.issuance import credential_revoke
from credentials.models import StatusPurpose
from credentials.signing_keys import signing_key_add
from credentials.status_lists import LIST_SIZE, bit_is_set, decode_bits
from credentials.verification import verify_document
from tests.credentials.factories import issued_credential
from tests.factories import UserFactory, staff_user


@pytest.fixture
def credential(db):
    signing_key_add()
    return issued_credential()


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
class VerifyPageTests:
    def test_a_valid_credential_shows_holder_achievement_dates_hours_and_checks(
        self, client, credential
    ):
        body = page(client.get(reverse("credentials:verify", args=[credential.pk])))
        for text in (
            "<strong>Valid.</strong>",
            "Riley Resident",
            "Course sdm",
            "Completed every module.",
            f"{credential.valid_from:%-d %B %Y}",
            "Does not expire",
            "<dt>CE hours</dt><dd>3</dd>",
            "Signature: passed.",
            "Revocation: passed.",
            reverse("credentials:json", args=[credential.pk]),
        ):
            assert text in body, text

    def test_a_revoked_credential_says_so(self, client, credential):
        credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        body = page(client.get(reverse("credentials:verify", args=[credential.pk])))
        assert "<strong>Revoked.</strong>" in body
        assert "Revocation: failed.</strong> Revoked by the issuer." in body

    def test_a_changed_stored_record_is_not_valid_and_names_the_check(self, client, credential):
        credential.document["credentialSubject"]["creditsEarned"] = 40.0
        credential.save(update_fields=["document"])
        body = page(client.get(reverse("credentials:verify", args=[credential.pk])))
        assert "<strong>Not valid.</strong>" in body
        assert "Signature: failed.</strong> The signature does not match" in body

    def test_an_unknown_id_is_a_404_that_says_so(self, client, db):
        missing = uuid.uuid4()
        response = client.get(reverse("credentials:verify", args=[missing]))
        assert response.status_code == 404
        assert f"has not issued a credential with the id {missing}" in response.content.decode()
        assert client.get("/verify/not-a-uuid/").status_code == 404

    def test_the_page_reads_a_fixed_number_of_queries(
        self, client, credential, django_assert_num_queries
    ):
        with django_assert_num_queries(3):  # credential, signing key, status lists
            client.get(reverse("credentials:verify", args=[credential.pk]))


@pytest.mark.django_db
class CredentialJsonTests:
    def test_the_signed_document_is_served_as_issued(self, client, credential):
        response = client.get(reverse("credentials:json", args=[credential.pk]))
        assert response.status_code == 200
        assert response.json() == credential.document
        assert response["Access-Control-Allow-Origin"] == "*"
        assert verify_document(response.json()).status == "valid"

    def test_an_unknown_credential_is_404(self, client, db):
        assert client.get(reverse("credentials:json", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.django_db
class StatusListTests:
    def test_each_list_is_a_signed_credential_of_131072_bits(self, client, credential):
        for purpose in StatusPurpose.values:
            response = client.get(reverse("credentials:status_list", args=[purpose]))
            assert response.status_code == 200
            assert response["Cache-Control"] == "public, max-age=60"
            document = response.json()
            assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
            subject = document["credentialSubject"]
            assert subject["statusPurpose"] == purpose
            bits = decode_bits(subject["encodedList"])
            assert len(bits) * 8 == LIST_SIZE
            assert not bit_is_set(bits, credential.status_index)
            assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    def test_revocation_sets_the_credentials_bit_in_the_served_list(self, client, credential):
        credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        url = reverse("credentials:status_list", args=["revocation"])
        bits = decode_bits(client.get(url).json()["credentialSubject"]["encodedList"])
        assert bit_is_set(bits, credential.status_index)
        assert sum(bin(byte).count("1") for byte in bits) == 1

    def test_an_unknown_list_is_404(self, client, db):
        assert client.get("/credentials/status/expiry").status_code == 404


@pytest.mark.django_db
class MyCredentialsTests:
    def test_a_learner_sees_their_credentials_with_links(self, client, credential):
        client.force_login(credential.learner)
        body = page(client.get(reverse("credentials:mine")))
        assert "Course sdm" in body
        assert reverse("credentials:verify", args=[credential.pk]) in body
        client.force_login(UserFactory())
        assert "Course sdm" not in page(client.get(reverse("credentials:mine")))

    def test_it_needs_sign_in(self, client, db):
        response = client.get(reverse("credentials:mine"))
        assert response.status_code == 302


@pytest.mark.django_db
class CheckFileTests:
    URL = "/verify/"

    def test_an_uploaded_credential_file_is_verified(self, client, credential):
        upload = SimpleUploadedFile(
            "credential.json", json.dumps(credential.document).encode(), "application/json"
        )
        body = page(client.post(self.URL, {"file": upload}))
        assert "<strong>Valid.</strong>" in body
        assert "Riley Resident" in body
        assert "Signature: passed." in body

    def test_pasted_json_with_a_changed_field_is_not_valid_and_says_why(self, client, credential):
        forged = {**credential.document, "name": "Forged"}
        body = page(client.post(self.URL, {"text": json.dumps(forged)}))
        assert "<strong>Not valid.</strong>" in body
        assert "Signature: failed.</strong> The signature does not match" in body

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose a credential file or paste its JSON (one of them)."),
            ({"text": "{oops"}, "This is not valid JSON"),
            ({"text": "[1]"}, "A credential is one JSON object"),
            (
                {"file": SimpleUploadedFile("big.json", b" " * (600 * 1024))},
                "The file is 600 KiB; a credential is at most 512 KiB.",
            ),
            ({"text": "[" * 50_000 + "]" * 50_000}, "The JSON is nested too deeply"),
            ({"text": '{"a": ' + "1" * 5000 + "}"}, "A number has 5000 characters"),
        ],
    )
    def test_bad_files_get_a_form_error(self, client, db, data, message):
        response = client.post(self.URL, data)
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_checks_are_rate_limited_per_address(self, client, settings, db):
        cache.clear()
        settings.CREDENTIALS_API_RATE_LIMITS = {"verify": 1, "bulk": 1}
        assert client.post(self.URL, {"text": "{}"}).status_code == 200
        response = client.post(self.URL, {"text": "{}"})
        assert response.status_code == 429
        assert "Too many checks from your address (at most 1 a minute)" in (
            response.content.decode()
        )
        cache.clear()


@pytest.mark.django_db
class CertificateTests:
    def test_the_pdf_certificate_is_served_with_its_title(self, client, credential):
        response = client.get(reverse("credentials:pdf", args=[credential.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert b"Course sdm: Riley Resident" in response.content  # the document's title
        assert client.get(reverse("credentials:pdf", args=[uuid.uuid4()])).status_code == 404

    def test_a_name_outside_latin_1_does_not_break_it(self, client, credential):
        credential.holder_name = "Zoë Ōkawa 李"
        credential.save(update_fields=["holder_name"])
        response = client.get(reverse("credentials:pdf", args=[credential.pk]))
        assert response.status_code == 200
