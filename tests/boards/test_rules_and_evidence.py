"""Rule versions are validated and never edited; evidence counts once a board accepts it."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from boards import services
from boards.compliance import Status
from boards.models import CycleKind, Delivery, EvidenceStatus, RuleVersion
from boards.selectors import judge_consents, live_consents
from credentials.models import AuditEntry
from tests.boards.factories import board_with_staff, ethics_area, licensee, rule

D = dt.date
PDF = b"%PDF-1.4\n%test certificate\n"


@pytest.fixture
def board(db):
    return board_with_staff()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"licence_type": "WIZARD"}, "licence types listed"),
        ({"cycle_kind": "lunar"}, "fixed dates or anchored"),
        ({"cycle_months": 0}, "from 1 to 120 months"),
        ({"cycle_months": 121}, "from 1 to 120 months"),
        ({"fixed_start": None}, "first day of one cycle"),
        ({"total_hours": Decimal(-1)}, "The total must be from 0 to 1,000"),
        ({"total_hours": Decimal(1001)}, "The total must be from 0 to 1,000"),
        ({"maximums": {"carrier pigeon": Decimal(1)}}, "delivery types listed"),
        ({"carry_over_hours": Decimal(-2)}, "Carry-over must be"),
    ],
)
def test_bad_rule_terms_are_refused_with_a_reason(board, terms, message):
    board, member = board
    with pytest.raises(services.BoardsRefused, match=message):
        rule(board, member, **terms)
    assert not RuleVersion.objects.exists()


def test_a_minimum_above_the_total_or_of_another_board_is_refused(board):
    board, member = board
    ethics = ethics_area(board, member)
    with pytest.raises(services.BoardsRefused, match="more than the total"):
        rule(board, member, total_hours=Decimal(2), minimums={ethics: Decimal(3)})
    other, other_member = board_with_staff("Another Board")
    theirs = ethics_area(other, other_member, slug="theirs")
    with pytest.raises(services.BoardsRefused, match="your own subject areas"):
        rule(board, member, minimums={theirs: Decimal(1)})


def test_versions_are_numbered_and_one_per_effective_date(board):
    board, member = board
    first = rule(board, member)
    second = rule(board, member, effective_from=D(2027, 1, 1), total_hours=Decimal(30))
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.total_hours == Decimal(20)  # the earlier terms stand for their cycles
    with pytest.raises(services.BoardsRefused, match="already takes effect"):
        rule(board, member, effective_from=D(2027, 1, 1))
    entry = AuditEntry.objects.filter(action="board rule version added").last()
    assert entry.details["total_hours"] == "30" and entry.details["effective_from"] == "2027-01-01"


def test_an_anchored_rule_ignores_a_fixed_start(board):
    board, member = board
    version = rule(board, member, cycle_kind=CycleKind.ANCHORED)
    assert version.fixed_start is None


def test_subject_area_needs_a_mapping_and_a_unique_name(board):
    board, member = board
    with pytest.raises(services.BoardsRefused, match="at least one course topic"):
        services.subject_area_save(board=board, by=member, name="Ethics", topics=[], domains=[])
    ethics_area(board, member)
    with pytest.raises(services.BoardsRefused, match="already have a subject area"):
        ethics_area(board, member)


def _evidence(consent, person, **overrides):
    values = {
        "learner": person,
        "consent": consent,
        "title": "Ethics in prescribing",
        "provider": "State Medical Society",
        "completed_on": D(2026, 9, 10),
        "hours": Decimal(2),
        "delivery": Delivery.LIVE,
        "area": None,
        "credit_type": "AMA PRA Category 1",
        "file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
    }
    values.update(overrides)
    return services.evidence_submit(**values)


def test_evidence_counts_only_once_the_board_accepts_it(board):
    board, member = board
    ethics = ethics_area(board, member)
    rule(board, member, total_hours=Decimal(2), minimums={ethics: Decimal(2)})
    person, licence = licensee("300")
    consent = services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
    evidence = _evidence(consent, person, area=ethics)

    def status():
        row = judge_consents(board, live_consents(board), today=D(2026, 12, 4))[0]
        return row.current.status

    assert status() == Status.NOT_YET
    with pytest.raises(services.BoardsRefused, match="Say why you reject it"):
        services.evidence_decide(board=board, by=member, evidence=evidence, accept=False)
    services.evidence_decide(board=board, by=member, evidence=evidence, accept=True)
    assert status() == Status.COMPLIANT
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.ACCEPTED and evidence.decided_by == member


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"completed_on": D(2999, 1, 1)}, "in the future"),
        ({"hours": Decimal(0)}, "from 0.25 to 1,000"),
        ({"delivery": "telepathy"}, "delivery types listed"),
        (
            {"file": SimpleUploadedFile("notes.pdf", b"just text", content_type="application/pdf")},
            "PDF, PNG or JPEG",
        ),
    ],
)
def test_bad_evidence_is_refused_with_a_reason(board, overrides, message):
    board, member = board
    rule(board, member)
    person, licence = licensee("301")
    consent = services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
    with pytest.raises(services.BoardsRefused, match=message):
        _evidence(consent, person, **overrides)


def test_a_board_cannot_decide_evidence_of_another_board_or_after_withdrawal(board):
    board, member = board
    rule(board, member)
    person, licence = licensee("302")
    consent = services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
    evidence = _evidence(consent, person)
    other, other_member = board_with_staff("Another Board")
    with pytest.raises(services.BoardsRefused, match="another board"):
        services.evidence_decide(board=other, by=other_member, evidence=evidence, accept=True)
    services.consent_withdraw(consent=consent, learner=person)
    with pytest.raises(services.BoardsRefused, match="no longer shares"):
        services.evidence_decide(board=board, by=member, evidence=evidence, accept=True)


def test_the_board_decides_the_subject_area_when_it_accepts(board):
    board, member = board
    ethics = ethics_area(board, member)
    rule(board, member, total_hours=Decimal(2), minimums={ethics: Decimal(2)})
    person, licence = licensee("303")
    consent = services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
    other, other_member = board_with_staff("Another Board")
    theirs = ethics_area(other, other_member, slug="theirs")
    evidence = _evidence(consent, person, area=None)
    with pytest.raises(services.BoardsRefused, match="your own subject areas"):
        services.evidence_decide(
            board=board, by=member, evidence=evidence, accept=True, area=theirs
        )
    services.evidence_decide(board=board, by=member, evidence=evidence, accept=True, area=ethics)
    row = judge_consents(board, live_consents(board), today=D(2026, 12, 4))[0]
    assert row.current.status == Status.COMPLIANT  # its 2 hours count as Ethics
    entry = AuditEntry.objects.filter(action="CE evidence accepted").get()
    assert entry.details["area"] == "Ethics"
