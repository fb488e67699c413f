"""Varied Open Badges credentials of our own shape, built by the code that issues them
(credentials.open_badges) from unsaved achievements: no database. For the differential test of
the fast canonicalization against pyld, and for the credential benchmark."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from credentials.models import Achievement, AchievementKind
from credentials.open_badges import open_badge_credential
from credentials.status_lists import status_entries

# Names people have, and text that JSON-LD and N-Quads must escape or carry as is.
NAMES = [
    "Riley Resident",
    "José Álvarez-Núñez",
    "Zoë O'Brien",
    "李小龍",
    "Nguyễn Thị Minh Khai",
    "محمد عبد الله",
    "Ørjan Ødegård",
    'Sam "Sammy" Smith',
    "Back\\slash Person",
    "Tab\tName",
    "Line\nBreak",
    "Carriage\rReturn",
    "Bell\x07Control",
    "Emoji 🧠 Peer",
    "Line\u2028Separator",
    "  spaced  ",
    "<script>alert(1)</script> & co",
    "x" * 300,
    "",
]
TEXTS = [
    "Shared decision-making in recovery-oriented care.",
    "Understands trauma-informed practice; applies it.",
    'Quotes "inside" and a \\ backslash.',
    "Multi\nline\ndescription\twith tabs.",
    "Ünïcödé — dashes – and … ellipses",
    "<b>markup</b> &amp; entities",
    "",
]
CREDIT_TYPES = ["", "", "ANCC contact hours", "AMA PRA Category 1 Credit™", "Participation"]
HOURS = ["0", "1", "1.5", "0.25", "2.0", "12", "0.1", "3.75", "40"]


@dataclass
class Competency:
    code: str
    name: str
    description: str


def generated_credential(rng: random.Random, *, duplicate_alignment: bool = False) -> dict:
    """One unsigned credential; `duplicate_alignment` repeats a competency (two blank nodes
    with the same first-degree hash)."""
    kind = rng.choice([AchievementKind.COURSE, AchievementKind.CERTIFICATION])
    slug = f"course-{rng.randrange(10**6)}-{rng.choice(['sdm', 'peer', 'mat-101'])}"
    achievement = Achievement(
        slug=slug,
        kind=kind,
        name=rng.choice(TEXTS[:5]) + f" {rng.randrange(1000)}",
        description=rng.choice(TEXTS),
        criteria=rng.choice(TEXTS),
        ce_hours=Decimal(rng.choice(HOURS)),
    )
    competencies = [
        Competency(
            code=f"domain-{rng.randrange(5)}.skill-{i}-{rng.randrange(10**4)}",
            name=rng.choice(TEXTS[:5]) + f" {i}",
            description=rng.choice(TEXTS),
        )
        for i in range(rng.randrange(21))
    ]
    if duplicate_alignment:
        competencies = [*competencies, Competency("dup.same", "Same", "Same")] * 2
    valid_from = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**9))
    valid_until = (
        valid_from + timedelta(days=rng.choice([365, 730, 1095])) if rng.random() < 0.5 else None
    )
    credits = Decimal(rng.choice(HOURS))
    return open_badge_credential(
        credential_id=str(uuid.UUID(int=rng.getrandbits(128))),
        achievement=achievement,
        competencies=competencies,
        email=f"learner{rng.randrange(10**6)}@example.org",
        holder_name=rng.choice(NAMES),
        licence_numbers=[
            f"{rng.choice(['NY', 'CA', 'ON'])} {rng.choice(['RN', 'LCSW', 'CPS'])} {n}"
            for n in range(rng.randrange(3))
        ],
        credits=credits,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status_entries(rng.randrange(131072)),
        by_hand=rng.random() < 0.3,
        credit_type=rng.choice(CREDIT_TYPES),
    )


def generated_credentials(count: int, *, seed: int = 17) -> list[dict]:
    rng = random.Random(seed)
    return [generated_credential(rng) for _ in range(count)]
