"""Judging licensees: totals, subject minimums, delivery maximums, credit types, rule versions,
carry-over, revoked credentials, late renewals, consent, and queries constant in licensees."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.roles import Role
from boards import services
from boards.compliance import Status
from boards.models import CycleKind, Delivery
from boards.selectors import judge_consents, live_consents
from credentials.issuance import credential_revoke
from credentials.signing_keys import signing_key_add
from tests.boards.factories import (
    board_with_staff,
    credential_on,
    ethics_area,
    licensee,
    rule,
)
from tests.factories import staff_user

D = dt.date
TODAY = D(2026, 12, 4)  # in the cycle 1 July 2026 - 30 June 2027


@pytest.fixture
def key(db):
    signing_key_add()


@pytest.fixture
def setup(key):
    board, member = board_with_staff()
    return board, member


def grant(board, person, licence, renews_on=None):
    return services.consent_grant(learner=person, licence=licence, board=board, renews_on=renews_on)


def judged(board, today=TODAY):
    return {
        row.licence.number: row for row in judge_consents(board, live_consents(board), today=today)
    }


def test_hours_in_the_cycle_make_a_licensee_compliant_and_before_it_do_not(setup):
    board, member = setup
    rule(board, member, total_hours=Decimal(4))
    person, licence = licensee("100")
    grant(board, person, licence)
    credential_on(person, D(2026, 6, 30), hours="3")  # previous cycle
    credential_on(person, D(2026, 7, 1), hours="2")
    row = judged(board)["100"]
    assert row.current.status == Status.NOT_YET
    assert (row.current.cycle.start, row.current.cycle.end) == (D(2026, 7, 1), D(2027, 6, 30))
    assert row.current.counted == Decimal(2)
    assert row.current.missing == ["2 more hours in total"]
    # The previous cycle is over and 3 of 4 hours were earned in it.
    assert row.previous.status == Status.NOT_COMPLIANT
    assert row.previous.counted == Decimal(3)
    credential_on(person, D(2026, 12, 1), hours="2")
    assert judged(board)["100"].current.status == Status.COMPLIANT


def test_subject_minimum_must_be_met_besides_the_total(setup):
    board, member = setup
    ethics = ethics_area(board, member)
    rule(board, member, total_hours=Decimal(4), minimums={ethics: Decimal("1.5")})
    person, licence = licensee("101")
    grant(board, person, licence)
    credential_on(person, D(2026, 8, 1), hours="5")
    row = judged(board)["101"].current
    assert row.status == Status.NOT_YET
    assert row.missing == ["1.5 more hours of Ethics"]
    credential_on(person, D(2026, 9, 1), hours="1", topic="ethics")
    row = judged(board)["101"].current
    assert row.missing == ["0.5 more hours of Ethics"]
    credential_on(person, D(2026, 10, 1), hours="1", topic="ethics")
    row = judged(board)["101"].current
    assert row.status == Status.COMPLIANT
    assert [(a.area, a.earned) for a in row.areas] == [("Ethics", Decimal(2))]


def test_self_study_maximum_counts_part_of_a_credential_and_says_why(setup):
    board, member = setup
    rule(board, member, total_hours=Decimal(6), maximums={Delivery.SELF_STUDY: Decimal(3)})
    person, licence = licensee("102")
    grant(board, person, licence)
    credential_on(person, D(2026, 8, 1), hours="2")
    credential_on(person, D(2026, 9, 1), hours="2")
    row = judged(board)["102"].current
    assert [o.counted for o in row.outcomes] == [Decimal(2), Decimal(1)]
    assert "at most 3 hours of self study" in row.outcomes[1].reason
    assert row.counted == Decimal(3)


def test_a_revoked_credential_is_listed_and_not_counted(setup):
    board, member = setup
    rule(board, member, total_hours=Decimal(2))
    person, licence = licensee("103")
    grant(board, person, licence)
    credential = credential_on(person, D(2026, 8, 1), hours="2")
    assert judged(board)["103"].current.status == Status.COMPLIANT
    admin = staff_user(Role.ADMINISTRATOR)
    credential_revoke(credential=credential, by=admin, reason="Issued in error")
    row = judged(board)["103"].current
    assert row.status == Status.NOT_YET
    assert row.outcomes[0].counted == 0
    assert "revoked" in row.outcomes[0].reason


def test_a_licensee_is_judged_by_the_version_in_force_for_each_cycle(setup):
    board, member = setup
    rule(board, member, total_hours=Decimal(2))
    # From the cycle starting 1 July 2026 the board asks for 10 hours; adopted in March.
    rule(board, member, total_hours=Decimal(10), effective_from=D(2026, 3, 1))
    person, licence = licensee("104")
    grant(board, person, licence)
    credential_on(person, D(2026, 2, 1), hours="3")
    credential_on(person, D(2026, 8, 1), hours="3")
    row = judged(board)["104"]
    assert row.previous.terms.number == 1  # the cycle began before version 2 took effect
    assert row.previous.status == Status.COMPLIANT
    assert row.current.terms.number == 2
    assert row.current.missing == ["7 more hours in total"]


def test_carry_over_brings_excess_hours_into_the_next_cycle_up_to_the_limit(setup):
    board, member = setup
    rule(board, member, total_hours=Decimal(4), carry_over_hours=Decimal(2))
    person, licence = licensee("105")
    grant(board, person, licence)
    credential_on(person, D(2026, 3, 1), hours="8")  # 4 over in the previous cycle
    row = judged(board)["105"].current
    assert row.carried_in == Decimal(2)
    assert row.counted == Decimal(2)
    assert row.status == Status.NOT_YET


def test_credit_types_outside_the_rule_do_not_count(setup):
    from accreditation.models import CreditType

    board, member = setup
    ancc = CreditType.objects.create(
        code="ancc",
        name="ANCC contact hours",
        professions="Nurses",
        accreditation_statement="Accredited.",
        designation_statement="Up to {hours} hours.",
    )
    rule(board, member, total_hours=Decimal(2), credit_types=[ancc])
    person, licence = licensee("106")
    grant(board, person, licence)
    credential_on(person, D(2026, 8, 1), hours="2")
    outcome = judged(board)["106"].current.outcomes[0]
    assert outcome.counted == 0
    assert "not one this rule accepts (ANCC contact hours)" in outcome.reason


def test_anchored_cycles_need_the_renewal_date(setup):
    board, member = setup
    rule(board, member, cycle_kind=CycleKind.ANCHORED, fixed_start=None, total_hours=Decimal(2))
    person, licence = licensee("107")
    consent = grant(board, person, licence)
    assert judged(board)["107"].current.status == Status.RENEWAL_DATE_UNKNOWN
    services.renewal_date_confirm(board=board, by=member, consent=consent, renews_on=D(2027, 2, 28))
    credential_on(person, D(2026, 3, 1), hours="2")
    row = judged(board)["107"]
    assert (row.current.cycle.start, row.current.cycle.end) == (D(2026, 3, 1), D(2027, 2, 28))
    assert row.current.status == Status.COMPLIANT


def test_ce_after_a_late_renewal_counts_for_the_late_cycle_only(setup):
    board, member = setup
    rule(board, member, total_hours=Decimal(2))
    person, licence = licensee("108")
    consent = grant(board, person, licence)
    credential_on(person, D(2026, 7, 20), hours="2")  # after the previous cycle ended
    assert judged(board)["108"].previous.status == Status.NOT_COMPLIANT
    assert judged(board)["108"].current.status == Status.COMPLIANT
    services.late_renewal_record(
        board=board, by=member, consent=consent, cycle_end=D(2026, 6, 30), renewed_on=D(2026, 8, 1)
    )
    row = judged(board)["108"]
    assert row.previous.status == Status.COMPLIANT
    assert row.current.status == Status.NOT_YET  # the same hours never count twice


def test_consent_withdrawn_mid_cycle_removes_the_licensee_from_the_board(setup):
    board, member = setup
    rule(board, member)
    person, licence = licensee("109")
    consent = grant(board, person, licence)
    assert "109" in judged(board)
    services.consent_withdraw(consent=consent, learner=person)
    assert "109" not in judged(board)
    # Consent given again starts a new consent; the board sees the whole cycle again.
    grant(board, person, licence)
    assert "109" in judged(board)


def test_consent_refused_for_an_unverified_licence_or_another_jurisdiction(setup):
    board, member = setup
    rule(board, member)
    person, licence = licensee("110", verified=False)
    with pytest.raises(services.BoardsRefused, match="not verified"):
        grant(board, person, licence)
    licence.verified_at, licence.jurisdiction = dt.datetime.now(dt.UTC), "US-CA"
    licence.save()
    with pytest.raises(services.BoardsRefused, match="not in US-CA"):
        grant(board, person, licence)
    other, nurse = licensee("111", licence_type="RN")
    with pytest.raises(services.BoardsRefused, match="no CE rule for Registered nurse"):
        grant(board, other, nurse)


def test_queries_are_constant_in_the_number_of_licensees(setup):
    board, member = setup
    ethics = ethics_area(board, member)
    rule(board, member, minimums={ethics: Decimal(2)}, maximums={Delivery.SELF_STUDY: Decimal(10)})

    def count():
        with CaptureQueriesContext(connection) as queries:
            judge_consents(board, live_consents(board), today=TODAY)
        return len(queries)

    for n in range(2):
        person, licence = licensee(f"2{n}")
        grant(board, person, licence)
        credential_on(person, D(2026, 8, 1), topic="ethics")
    two = count()
    for n in range(2, 8):
        person, licence = licensee(f"2{n}")
        grant(board, person, licence)
        credential_on(person, D(2026, 8, 1))
    assert count() == two == 12
