"""The "Add to LinkedIn profile" link on the learner's credentials page."""

import datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from credentials.issuance import credential_revoke
from credentials.linkedin import add_to_profile_url
from credentials.signing_keys import signing_key_add
from tests.credentials.factories import issued_credential
from tests.factories import staff_user


@pytest.fixture
def credential(db):
    signing_key_add()
    return issued_credential()


def query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    return {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}


@pytest.mark.django_db
class AddToProfileTests:
    def test_the_link_names_the_certification_issuer_dates_id_and_verification_page(
        self, credential, settings
    ):
        issued = timezone.localdate(credential.valid_from)
        assert query(add_to_profile_url(credential)) == {
            "startTask": "CERTIFICATION_NAME",
            "name": "Course sdm",
            "organizationName": "Recovery Learning",
            "issueYear": str(issued.year),
            "issueMonth": str(issued.month),
            "certUrl": settings.SITE_URL + reverse("credentials:verify", args=[credential.pk]),
            "certId": str(credential.pk),
        }

    def test_an_expiring_credential_gives_its_expiry_and_our_linkedin_id_when_set(
        self, credential, settings
    ):
        settings.LINKEDIN_ORGANIZATION_ID = "1234567"
        credential.valid_until = datetime.datetime(2028, 3, 1, 12, tzinfo=datetime.UTC)
        params = query(add_to_profile_url(credential))
        assert (params["expirationYear"], params["expirationMonth"]) == ("2028", "3")
        assert params["organizationId"] == "1234567"
        assert "organizationName" not in params

    def test_a_revoked_credential_has_no_link_on_the_page(self, client, credential):
        client.force_login(credential.learner)
        body = client.get(reverse("credentials:mine")).content.decode()
        links = [unescape(part.split('"')[0]) for part in body.split('href="')[1:]]
        assert [query(link)["certId"] for link in links if "linkedin" in link] == [
            str(credential.pk)
        ]
        credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        body = client.get(reverse("credentials:mine")).content.decode()
        assert "linkedin.com" not in body
        credential.refresh_from_db()
        assert add_to_profile_url(credential) is None
