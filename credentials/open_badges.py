"""The Open Badges 3.0 credential a learner receives: an OpenBadgeCredential on the VC Data
Model 2.0, whose AchievementSubject names the achievement, the CE credits earned and the holder.

The holder is identified by a salted hash of their email address (never the address itself),
and by the name and licence numbers captured at issuance.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings

from accounts.models import CONTROL_CHARACTERS
from credentials.issuer import issuer_did
from credentials.jsonld_documents import OB_V3, VC_V2
from credentials.models import Achievement, AchievementKind

ISSUER_NAME = "Recovery Learning"
ACHIEVEMENT_TYPES = {
    AchievementKind.COURSE: "Course",
    AchievementKind.CERTIFICATION: "Certification",
}


def control_character_problem(value, path: str = "") -> str:
    """Where the first control character in a document's text is, in words; "" when none.
    RDFC-1.0 writes those characters as escapes where pyld writes them raw, so a signature
    over such text would not verify with other implementations: nothing holding one is signed."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        if found:
            return f"{path or 'the text'} contains the control character U+{ord(found[0]):04X}"
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = control_character_problem(item, f"{path}.{key}" if path else key)
            if problem:
                return problem
    elif isinstance(value, list):
        for number, item in enumerate(value):
            problem = control_character_problem(item, f"{path}[{number}]")
            if problem:
                return problem
    return ""


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement_url(achievement: Achievement) -> str:
    return f"{settings.SITE_URL}/credentials/achievements/{achievement.slug}"


def email_identity(email: str) -> dict:
    """OB 3.0 IdentityObject: sha256 of the address and a salt of its own, so the hash cannot be
    matched across credentials or guessed from a list of addresses without the salt."""
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def achievement_document(achievement: Achievement, competencies) -> dict:
    document = {
        "id": achievement_url(achievement),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[achievement.kind],
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
    }
    if achievement.ce_hours:
        document["creditsAvailable"] = float(achievement.ce_hours)
    if competencies:
        document["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": competency.name,
                "targetDescription": competency.description,
                "targetCode": competency.code,
                "targetFramework": "Recovery Learning competency framework",
                "targetType": "ceasn:Competency",
                "targetUrl": f"{settings.SITE_URL}/credentials/competencies/{competency.code}",
            }
            for competency in competencies
        ]
    return document


BY_HAND_EVIDENCE = {
    "type": ["Evidence"],
    "name": "Issued by hand",
    "narrative": (
        "Issued by hand by a Recovery Learning administrator, not by the platform's check of "
        "the achievement's criteria. The issuer's audit log records who issued it and when."
    ),
}


def open_badge_credential(
    *,
    credential_id: str,
    achievement: Achievement,
    competencies,
    email: str,
    holder_name: str,
    licence_numbers: list[str],
    credits: Decimal,
    valid_from: datetime,
    valid_until: datetime | None,
    status: list[dict],
    by_hand: bool = False,
    credit_type: str = "",
) -> dict:
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            email_identity(email),
            {
                "type": "IdentityObject",
                "identityHash": holder_name,
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": achievement_document(achievement, competencies),
    }
    if credits:
        subject["creditsEarned"] = float(credits)
    if credit_type:
        # The credit the learner claimed (e.g. "ANCC contact hours"), as an OB 3.0 result that
        # a verifier can read beside creditsEarned, described by the achievement it belongs to.
        described = f"{achievement_url(achievement)}#credit-type"
        subject["achievement"]["resultDescription"] = [
            {
                "id": described,
                "type": ["ResultDescription"],
                "name": "Continuing education credit type claimed",
                "resultType": "Result",
            }
        ]
        subject["result"] = [
            {"type": ["Result"], "resultDescription": described, "value": credit_type}
        ]
    if licence_numbers:
        subject["licenseNumber"] = "; ".join(licence_numbers)
    document = {
        "@context": [VC_V2, OB_V3],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": {
            "id": issuer_did(),
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": settings.SITE_URL + "/",
        },
        "validFrom": timestamp(valid_from),
        "credentialSubject": subject,
        "credentialStatus": status,
    }
    if valid_until is not None:
        document["validUntil"] = timestamp(valid_until)
    if by_hand:
        # Signed with the rest, so a verifier sees that no rule check stands behind it.
        document["evidence"] = [BY_HAND_EVIDENCE]
    return document
