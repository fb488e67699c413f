"""LinkedIn's "Add to profile" link for a certification: the public URL that opens the member's
add-certification form filled in with the credential's name, our name as issuer, its dates, its
id and its verification page (so that the profile links back to where a reader can check it).
No LinkedIn account, app or API key is involved; the member confirms on LinkedIn."""

from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from credentials.certificate import verify_url
from credentials.models import Credential
from credentials.open_badges import ISSUER_NAME

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def add_to_profile_url(credential: Credential) -> str | None:
    """The link, or None for a credential that is revoked or suspended (nothing to show)."""
    if credential.revoked_at or credential.suspended_at:
        return None
    params = {"startTask": "CERTIFICATION_NAME", "name": credential.achievement.name}
    # LinkedIn shows its page for the organisation when it knows our id; else our name.
    if settings.LINKEDIN_ORGANIZATION_ID:
        params["organizationId"] = settings.LINKEDIN_ORGANIZATION_ID
    else:
        params["organizationName"] = ISSUER_NAME
    issued = timezone.localdate(credential.valid_from)  # the date the certificate shows
    params |= {"issueYear": issued.year, "issueMonth": issued.month}
    if credential.valid_until:
        expires = timezone.localdate(credential.valid_until)
        params |= {"expirationYear": expires.year, "expirationMonth": expires.month}
    params |= {"certUrl": verify_url(credential), "certId": str(credential.pk)}
    return f"{ADD_TO_PROFILE}?{urlencode(params)}"
