"""Courses that would fill a CE gap: for a subject-area gap, live public courses offered for CE
on a topic the board maps to the missing area; for a total-only gap, any such course; never one
the learner holds, nor one whose credit the rule refuses; at most five, in two queries."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from accreditation.models import CreditDesignation, CreditType
from boards.compliance import AreaProgress, Judgement, Minimum, Status, Terms
from boards.gaps import gap_courses
from courses.models import Topic
from credentials.models import Credential
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, ethics_area
from tests.courses.factories import build_course
from tests.credentials.factories import certification
from tests.factories import UserFactory

TODAY = dt.date(2026, 12, 4)


def judgement(*, areas=(), earned="0", total="4", credit_types=()) -> Judgement:
    """A cycle in progress: `areas` are (SubjectArea, required, earned)."""
    terms = Terms(
        version_id=1,
        number=1,
        effective_from=dt.date(2020, 1, 1),
        cycle_kind="fixed",
        cycle_months=12,
        fixed_start=dt.date(2025, 7, 1),
        total_hours=Decimal(total),
        credit_types=frozenset(credit_types),
        carry_over_hours=Decimal(0),
        minimums=tuple(Minimum(a.pk, a.name, Decimal(r)) for a, r, _ in areas),
    )
    return Judgement(
        status=Status.NOT_YET,
        terms=terms,
        required=Decimal(total),
        earned=Decimal(earned),
        areas=tuple(AreaProgress(a.pk, a.name, Decimal(r), Decimal(e)) for a, r, e in areas),
    )


def course(slug, *, ce_hours="2", topic=None, **fields):
    page = build_course(slug, modules=1, lessons=1, ce_hours=ce_hours)
    for name, value in fields.items():
        setattr(page, name, value)
    if topic:
        page.topics.add(Topic.objects.get_or_create(slug=topic, defaults={"name": topic})[0])
    page.save()
    return page


@pytest.fixture
def ethics(db):
    board, member = board_with_staff()
    return ethics_area(board, member)


def titles(courses):
    return [c.title for c in courses]


def test_an_area_gap_suggests_live_ce_courses_on_its_topics_the_learner_does_not_hold(ethics):
    signing_key_add()
    learner = UserFactory()
    course("ethics-a", topic="ethics")
    held = credential_on(learner, TODAY - dt.timedelta(days=3), hours="1", topic="ethics")
    course("ethics-no-ce", ce_hours="0", topic="ethics")
    course("ethics-expired", topic="ethics", credit_expires_on=TODAY - dt.timedelta(days=1))
    course("ethics-draft", topic="ethics").unpublish()
    course("general")
    found = gap_courses(
        learner=learner,
        judgement=judgement(areas=[(ethics, "1.5", "0")], earned="3"),
        today=TODAY,
    )
    assert titles(found) == ["Course ethics-a"]
    assert held.achievement.course.title not in titles(found)


def test_a_revoked_credential_does_not_count_as_held(ethics):
    signing_key_add()
    learner = UserFactory()
    held = credential_on(learner, TODAY - dt.timedelta(days=3), hours="1", topic="ethics")
    Credential.objects.filter(pk=held.pk).update(revoked_at=timezone.now())
    found = gap_courses(
        learner=learner, judgement=judgement(areas=[(ethics, "1.5", "0")]), today=TODAY
    )
    assert titles(found) == [held.achievement.course.title]


def test_a_total_only_gap_suggests_any_course_offered_for_ce(ethics):
    learner = UserFactory()
    course("general")
    course("ethics-a", topic="ethics")
    course("no-ce", ce_hours="0")
    found = gap_courses(
        learner=learner, judgement=judgement(areas=[(ethics, "1", "1")]), today=TODAY
    )
    assert titles(found) == ["Course ethics-a", "Course general"]


def test_nothing_is_suggested_when_nothing_is_missing(ethics):
    course("ethics-a", topic="ethics")
    met = judgement(areas=[(ethics, "1", "1")], earned="4")
    assert gap_courses(learner=UserFactory(), judgement=met, today=TODAY) == []
    assert met.missing == []


def test_only_courses_with_a_credit_the_rule_accepts(ethics):
    ancc = CreditType.objects.create(
        code="ancc",
        name="ANCC contact hours",
        professions="Nurses",
        accreditation_statement="Accredited.",
        designation_statement="Up to {hours} hours.",
    )
    accepted = course("ethics-ancc", topic="ethics")
    CreditDesignation.objects.create(course=accepted, credit_type=ancc, max_hours=Decimal(2))
    course("ethics-plain", topic="ethics")
    found = gap_courses(
        learner=UserFactory(),
        judgement=judgement(areas=[(ethics, "1.5", "0")], credit_types={"ANCC contact hours"}),
        today=TODAY,
    )
    assert titles(found) == ["Course ethics-ancc"]


def test_a_held_certification_does_not_hide_every_course(ethics, home_page):
    """A certification's credential has no course: excluding held courses must not become
    NOT IN (..., NULL), which matches nothing."""
    learner = UserFactory()
    Credential.objects.create(
        achievement=certification(home_page),
        learner=learner,
        holder_name="Riley",
        valid_from=timezone.now(),
        status_index=987654,
        document={},
    )
    course("ethics-a", topic="ethics")
    found = gap_courses(
        learner=learner, judgement=judgement(areas=[(ethics, "1.5", "0")]), today=TODAY
    )
    assert titles(found) == ["Course ethics-a"]


def test_at_most_five_in_two_queries_however_many_courses_and_credentials(ethics):
    signing_key_add()
    learner = UserFactory()
    for n in range(7):
        course(f"ethics-{n}", topic="ethics")
    gap = judgement(areas=[(ethics, "1.5", "0")])

    def run():
        with CaptureQueriesContext(connection) as queries:
            found = gap_courses(learner=learner, judgement=gap, today=TODAY)
        return found, len(queries)

    found, before = run()
    assert titles(found) == [f"Course ethics-{n}" for n in range(5)]
    for _ in range(3):
        credential_on(learner, TODAY - dt.timedelta(days=3), hours="1")
    assert run()[1] == before == 2


def test_the_gap_in_words_says_hour_for_one_hour(ethics):
    gap = judgement(areas=[(ethics, "1.5", "0")], earned="3")
    assert gap.missing == ["1 more hour in total", "1.5 more hours of Ethics"]


def test_no_course_is_suggested_once_the_self_study_maximum_is_used_up(db):
    from dataclasses import replace

    from boards.compliance import CeItem, Outcome
    from boards.gaps import self_study_used_up

    course("general")
    learner = UserFactory()
    gap = judgement(earned="3")
    capped = replace(gap, terms=replace(gap.terms, maximums={"self_study": Decimal(3)}))
    taken = CeItem("c1", "credential", "Course", TODAY, Decimal(3), "", "self_study", frozenset())
    assert titles(gap_courses(learner=learner, judgement=capped, today=TODAY)) == [
        "Course general"
    ]  # a maximum with room left
    full = replace(capped, outcomes=(Outcome(taken, Decimal(3), ""),))
    assert self_study_used_up(full)
    assert gap_courses(learner=learner, judgement=full, today=TODAY) == []
