"""Demo data for `manage.py load_demo`: a licensing board, staffed by the demo board account,
with a subject area mapped to curriculum topics and renewal rules, and consenting licensees in
each state the board sees: compliant, not yet, not compliant last cycle, renewal date unknown,
and the demo learner, whose evidence of CE taken elsewhere waits for the board.

The cycles are placed around the day the demo is first loaded (the current one started on the
first of the month five months before), so every state shows for months. The licensees'
credentials are issued by hand by the demo administrator, on chosen days, rather than earned
lesson by lesson: that keeps this part fast, and each credential says so. The licensees'
accounts cannot sign in, except the demo learner's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fpdf import FPDF

from accounts.demo import demo_account
from accounts.models import Licence, User
from accounts.roles import Role
from accounts.services import licence_verify, user_roles_set
from boards import services
from boards.cycles import add_months
from boards.models import (
    Board,
    CeEvidence,
    CycleKind,
    Delivery,
    LicenceConsent,
    RuleVersion,
    SubjectArea,
)
from courses.models import Topic
from credentials.issuance import credential_issue
from credentials.models import Achievement, AchievementKind

BOARD = "Demo State Medical Board"
JURISDICTION = "US-NY"
AREA = "Ethics and shared decisions"
AREA_TOPICS = ["shared-decision-making", "rights"]
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Evidence:
    title: str
    provider: str
    day: int  # days after the current cycle's start
    hours: str
    accepted: bool


@dataclass(frozen=True)
class Licensee:
    email: str
    first_name: str
    last_name: str
    licence_type: str
    number: str
    # (course slug, cycle: 0 current / -1 previous, days after that cycle's start)
    credentials: tuple[tuple[str, int, int], ...]
    evidence: Evidence | None = None


LICENSEES = [
    Licensee(
        "licensee-compliant@example.org",
        "Jordan",
        "Okafor",
        "MD",
        "MD-204118",
        (
            ("shared-decision-making", 0, 10),
            ("antidepressants", 0, 40),
            ("recovery-foundations", 0, 70),
            ("non-drug-approaches", 0, 100),  # past the self-study maximum: counts in part
        ),
        Evidence("Motivational interviewing workshop", "County Medical Society", 120, "1.5", True),
    ),
    Licensee(
        "licensee-not-yet@example.org",
        "Morgan",
        "Patel",
        "MD",
        "MD-311502",
        (("antipsychotics", 0, 30), ("recovery-foundations", 0, 60)),
    ),
    Licensee(
        "licensee-lapsed@example.org",
        "Taylor",
        "Nguyen",
        "MD",
        "MD-187730",
        (
            ("evidence-and-its-limits", -1, 60),
            ("peer-role-in-practice", -1, 200),
            ("supporting-shared-decisions", 0, 20),
        ),
    ),
    Licensee(
        "licensee-renewal-unknown@example.org",
        "Quinn",
        "Harper",
        "NP",
        "NP-550921",
        (("rights-and-alternatives-to-coercion", 0, 15),),
    ),
]
# The demo learner shares their licence too: their own credential (credentials.demo) counts,
# and their evidence of a live session waits for the board.
LEARNER_LICENCE = ("MD", "MD-100245")
LEARNER_EVIDENCE = Evidence(
    "Grand rounds: trauma-informed care", "Demo City Hospital", 50, "1", False
)


def _certificate(licensee: str, evidence: Evidence, day: datetime.date) -> SimpleUploadedFile:
    """A one-page attendance certificate, as a licensee would upload it (a built-in font: no
    font file to embed)."""
    pdf = FPDF(format="Letter")
    pdf.add_page()
    lines = [
        (18, "Certificate of attendance"),
        (13, licensee),
        (12, f'attended "{evidence.title}"'),
        (12, f"{evidence.provider}, {day:%-d %B %Y}: {evidence.hours} hours, live"),
        (10, "Demo data: not a real certificate."),
    ]
    for size, text in lines:
        pdf.set_font("Helvetica", size=size)
        pdf.multi_cell(0, size * 0.6, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return SimpleUploadedFile("certificate.pdf", bytes(pdf.output()), "application/pdf")


def _board(member: User, today: datetime.date) -> tuple[Board, datetime.date]:
    """The board, its staff, subject area and rules; the start of the current cycle."""
    board = Board.objects.filter(name=BOARD).first() or services.board_create(
        name=BOARD, jurisdiction=JURISDICTION
    )
    services.board_member_add(board=board, user=member)
    area = SubjectArea.objects.filter(board=board, name=AREA).first()
    topics = list(Topic.objects.filter(slug__in=AREA_TOPICS))
    if area is None and topics:
        area = services.subject_area_save(
            board=board, by=member, name=AREA, topics=topics, domains=[]
        )
    version = RuleVersion.objects.filter(rule__board=board, rule__licence_type="MD").first()
    if version is None:
        first_start = add_months(today.replace(day=1), -17)
        services.rule_version_add(
            board=board,
            by=member,
            licence_type="MD",
            effective_from=first_start,
            cycle_kind=CycleKind.FIXED,
            cycle_months=12,
            fixed_start=first_start,
            total_hours=Decimal(5),
            minimums={area: Decimal(1)} if area else {},
            maximums={Delivery.SELF_STUDY: Decimal(4)},
        )
        # Nurse practitioners renew every two years on their own licence's date.
        services.rule_version_add(
            board=board,
            by=member,
            licence_type="NP",
            effective_from=first_start,
            cycle_kind=CycleKind.ANCHORED,
            cycle_months=24,
            fixed_start=None,
            total_hours=Decimal(10),
        )
        version = RuleVersion.objects.get(rule__board=board, rule__licence_type="MD")
    return board, add_months(version.fixed_start, 12)


def _licence(user: User, licence_type: str, number: str, board: Board, member: User) -> Licence:
    licence, _ = Licence.objects.get_or_create(
        user=user, jurisdiction=JURISDICTION, licence_type=licence_type, number=number
    )
    return licence_verify(licence=licence, by=member)


def _consent(user: User, licence: Licence, board: Board) -> LicenceConsent:
    live = LicenceConsent.objects.filter(licence=licence, board=board, withdrawn_at__isnull=True)
    return live.first() or services.consent_grant(
        learner=user, licence=licence, board=board, renews_on=None
    )


def _evidence(user, consent, evidence: Evidence, start: datetime.date, board, member) -> None:
    if CeEvidence.objects.filter(licence=consent.licence, board=board, title=evidence.title):
        return
    day = min(start + evidence.day * ONE_DAY, timezone.localdate())
    row = services.evidence_submit(
        learner=user,
        consent=consent,
        title=evidence.title,
        provider=evidence.provider,
        completed_on=day,
        hours=Decimal(evidence.hours),
        delivery=Delivery.LIVE,
        area=None,
        credit_type="",
        file=_certificate(user.get_full_name(), evidence, day),
    )
    if evidence.accepted:
        services.evidence_decide(board=board, by=member, evidence=row, accept=True)


def _noon(day: datetime.date) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return min(moment, timezone.now())


def _licensee(spec: Licensee, *, board, member, admin, start, achievements) -> None:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create(
            email=spec.email, first_name=spec.first_name, last_name=spec.last_name
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_roles_set(user=user, roles={Role.LEARNER})
    licence = _licence(user, spec.licence_type, spec.number, board, member)
    consent = _consent(user, licence, board)
    for slug, cycle, days in spec.credentials:
        achievement = achievements.get(slug)
        if achievement is None:  # a curriculum without that course (the tests' small one)
            continue
        day = add_months(start, 12 * cycle) + days * ONE_DAY
        credential_issue(learner=user, achievement=achievement, issued_by=admin, now=_noon(day))
    if spec.evidence:
        _evidence(user, consent, spec.evidence, start, board, member)


def load(*, stdout) -> None:
    member = demo_account(Role.BOARD_VERIFIER)
    admin = demo_account(Role.ADMINISTRATOR)
    learner = demo_account(Role.LEARNER)
    board, start = _board(member, timezone.localdate())
    slugs = {slug for spec in LICENSEES for slug, *_ in spec.credentials}
    achievements = {
        a.course.slug: a
        for a in Achievement.objects.filter(
            kind=AchievementKind.COURSE, course__slug__in=slugs
        ).select_related("course")
    }
    # Each step finds what an earlier run made (credential_issue returns the credential it
    # already issued for a course), so running again adds nothing.
    for spec in LICENSEES:
        _licensee(
            spec, board=board, member=member, admin=admin, start=start, achievements=achievements
        )
    licence = _licence(learner, *LEARNER_LICENCE, board, member)
    consent = _consent(learner, licence, board)
    _evidence(learner, consent, LEARNER_EVIDENCE, start, board, member)
    stdout.write(
        f"Boards: {BOARD} (the demo board account) sees the CE compliance of five consenting "
        "licensees at /board/ce/; the demo learner shares their licence and uploads CE evidence "
        "at /licences/."
    )
