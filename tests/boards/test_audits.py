"""Audit samples: seeded, recorded, reproducible from what the audit keeps; each sampled
licensee judged from verified signed documents."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from boards import services
from boards.audits import audit_draw, audit_results, rank, sample, sample_size
from boards.compliance import Status
from boards.models import AuditSelection
from credentials.models import AuditEntry, Credential
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, licensee, rule

D = dt.date


def test_sample_size_rounds_up_and_draws_at_least_one():
    assert sample_size(0, Decimal(10)) == 0
    assert sample_size(7, Decimal(10)) == 1
    assert sample_size(100, Decimal(5)) == 5
    assert sample_size(101, Decimal(5)) == 6
    assert sample_size(40, Decimal(100)) == 40


def test_the_sample_is_the_lowest_sha256_ranks_and_depends_on_the_seed():
    numbers = [f"NY-{n}" for n in range(200)]
    drawn = sample(numbers, Decimal(5), "board-2026")
    by_hand = sorted(numbers, key=lambda n: hashlib.sha256(f"board-2026:{n}".encode()).hexdigest())
    assert drawn == by_hand[:10]
    assert rank("board-2026", "NY-1") == hashlib.sha256(b"board-2026:NY-1").hexdigest()
    # The order the population arrives in does not matter; the seed does.
    assert sample(list(reversed(numbers)), Decimal(5), "board-2026") == drawn
    assert sample(numbers, Decimal(5), "another seed") != drawn


@pytest.fixture
def audited_board(db):
    signing_key_add()
    board, member = board_with_staff()
    rule(board, member, total_hours=Decimal(2))
    people = {}
    for n in range(6):
        person, licence = licensee(f"50{n}")
        services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
        people[licence.number] = person
    return board, member, people


def test_a_drawn_audit_records_its_seed_and_population_and_redraws_identically(audited_board):
    board, member, _people = audited_board
    audit = audit_draw(
        board=board, by=member, licence_type="MD", cycle="current", percent=Decimal(50), seed="s1"
    )
    chosen = list(
        AuditSelection.objects.filter(audit=audit).values_list("licence__number", flat=True)
    )
    assert audit.population == sorted(["500", "501", "502", "503", "504", "505"])
    assert chosen == sample(audit.population, audit.percent, audit.seed)
    assert len(chosen) == 3
    entry = AuditEntry.objects.get(action="board drew an audit sample")
    assert entry.details["seed"] == "s1" and entry.details["population"] == 6
    again = audit_draw(
        board=board, by=member, licence_type="MD", cycle="current", percent=Decimal(50), seed="s1"
    )
    assert list(again.selections.values_list("licence__number", flat=True)) == chosen
    unseeded = audit_draw(
        board=board, by=member, licence_type="MD", cycle="current", percent=Decimal(50)
    )
    assert len(unseeded.seed) == 32  # a random seed is made and kept


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"percent": Decimal(0)}, "from 0.01% to 100%"),
        ({"percent": Decimal(101)}, "from 0.01% to 100%"),
        ({"percent": "lots"}, "a percentage"),
        ({"cycle": "next"}, "current or the previous"),
        ({"licence_type": "RN"}, "No licensee of that licence type"),
        ({"seed": "x" * 65}, "at most 64"),
    ],
)
def test_bad_audit_requests_are_refused_with_a_reason(audited_board, values, message):
    board, member, _ = audited_board
    request = {"licence_type": "MD", "cycle": "current", "percent": Decimal(10), **values}
    with pytest.raises(services.BoardsRefused, match=message):
        audit_draw(board=board, by=member, **request)


def test_audit_results_come_from_verified_documents(audited_board):
    board, member, people = audited_board
    today = dt.date.today()
    for person in people.values():
        credential_on(person, today, hours="2")
    audit = audit_draw(
        board=board, by=member, licence_type="MD", cycle="current", percent=Decimal(100), seed="s"
    )
    results = audit_results(audit, by=member)
    assert [r.compliance.status for r in results] == [Status.COMPLIANT] * 6
    assert all(v.valid for r in results for v in r.verifications.values())
    # A document altered in our database no longer verifies, and its hours stop counting,
    # even though the columns still say 2 hours.
    tampered = Credential.objects.get(learner=people[results[0].licence.number])
    tampered.document["credentialSubject"]["creditsEarned"] = 20.0
    tampered.save(update_fields=["document"])
    first = audit_results(audit, by=member)[0]
    assert first.compliance.status != Status.COMPLIANT
    assert "verification failed" in first.compliance.outcomes[0].reason
    assert AuditEntry.objects.filter(action="board read CE compliance").count() == 2


def test_a_licensee_who_withdrew_after_the_draw_is_shown_without_their_ce(audited_board):
    board, member, people = audited_board
    audit = audit_draw(
        board=board, by=member, licence_type="MD", cycle="current", percent=Decimal(100), seed="s"
    )
    person = people["503"]
    consent = person.licences.get().board_consents.get()
    services.consent_withdraw(consent=consent, learner=person)
    results = {r.licence.number: r for r in audit_results(audit, by=member)}
    assert results["503"].compliance is None
    assert results["502"].compliance is not None
