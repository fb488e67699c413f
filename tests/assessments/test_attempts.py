"""Attempts: drawing and freezing items, saving answers, grading on the server, the rules of
exams (attempts, cool-down, time limit) and what a passed knowledge check completes."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from assessments import events
from assessments.models import Attempt, CompetencyEvidence, Item, ItemKind, Response
from assessments.services import (
    AssessmentRefused,
    attempt_answers_save,
    attempt_start,
    attempt_submit,
    draw_items,
)
from courses import services as course_services
from courses.models import ModuleCompletion
from tests.assessments.factories import (
    build_item,
    competencies,
    exam,
    knowledge_check,
    option,
)
from tests.courses.factories import build_course, lessons_of


@pytest.fixture
def course(db):
    return build_course("kc", modules=1, lessons=2)


@pytest.fixture
def module(course):
    return course.get_children().first().specific


@pytest.fixture
def items(course, module):
    return [
        build_item(course, code="kc-one", module=module),
        build_item(course, code="kc-two", module=module, kind=ItemKind.MULTIPLE_RESPONSE),
    ]


@pytest.fixture
def check(course, module, items):
    return knowledge_check(course, module)


def answers(*pairs) -> dict:
    """answers((item, "A"), (item, "A", "B")) -> {version id: [option ids]}."""
    return {
        str(item.current_version_id): [option(item, letter) for letter in letters]
        for item, *letters in pairs
    }


@pytest.mark.django_db
class AttemptLifecycleTests:
    def test_start_freezes_the_module_items_and_resumes_the_open_attempt(
        self, learner, check, items
    ):
        attempt = attempt_start(user=learner, assessment=check)
        assert attempt.version_ids == [item.current_version_id for item in items]
        # Options are shuffled per attempt (knowledge checks too), and the order is frozen.
        assert sorted(attempt.drawn[0]["options"]) == sorted(option(items[0], x) for x in "ABC")
        resumed = attempt_start(user=learner, assessment=check)
        assert resumed == attempt and resumed.drawn == attempt.drawn
        assert Attempt.objects.count() == 1

    def test_answers_are_saved_and_can_change_until_submitted(self, learner, check, items):
        attempt = attempt_start(user=learner, assessment=check)
        attempt_answers_save(attempt=attempt, answers=answers((items[0], "B")))
        attempt_answers_save(attempt=attempt, answers=answers((items[0], "A")))
        [response] = Response.objects.filter(attempt=attempt)
        assert response.selected == [option(items[0], "A")]
        assert response.correct is None  # not graded yet

    def test_submit_grades_all_or_nothing_and_twice_returns_the_first_result(
        self, learner, check, items
    ):
        attempt = attempt_start(user=learner, assessment=check)
        # The multiple-response item needs exactly A and B: A alone is wrong.
        graded = attempt_submit(attempt=attempt, answers=answers((items[0], "A"), (items[1], "A")))
        assert (graded.score, graded.passed) == (50, False)
        again = attempt_submit(
            attempt=attempt, answers=answers((items[0], "A"), (items[1], "A", "B"))
        )
        assert (again.score, again.passed, again.submitted_at) == (50, False, graded.submitted_at)
        assert Response.objects.get(
            attempt=attempt, item_version=items[1].current_version
        ).selected == [option(items[1], "A")]

    def test_unanswered_items_count_as_wrong(self, learner, check, items):
        attempt = attempt_start(user=learner, assessment=check)
        graded = attempt_submit(attempt=attempt, answers=answers((items[0], "A")))
        assert graded.score == 50
        assert (
            Response.objects.get(attempt=attempt, item_version=items[1].current_version).correct
            is False
        )

    def test_grading_records_evidence_per_competency(self, learner, course, module):
        first, second = competencies("test.first", "test.second")
        a = build_item(course, code="ev-a", module=module, competency=first)
        b = build_item(course, code="ev-b", module=module, competency=first)
        c = build_item(course, code="ev-c", module=module, competency=second)
        attempt = attempt_start(user=learner, assessment=knowledge_check(course, module))
        attempt_submit(attempt=attempt, answers=answers((a, "A"), (b, "C"), (c, "A")))
        evidence = {
            e.competency.code: (e.answered, e.correct)
            for e in CompetencyEvidence.objects.filter(attempt=attempt)
        }
        assert evidence == {"test.first": (2, 1), "test.second": (1, 1)}

    def test_events_are_sent_for_start_submit_and_outcome(self, learner, check, items):
        seen = []

        def record(signal_name):
            def receiver(sender, attempt, **kwargs):
                seen.append((signal_name, attempt.number))

            return receiver

        receivers = {name: record(name) for name in ("started", "submitted", "passed", "failed")}
        for name, receiver in receivers.items():
            getattr(events, f"attempt_{name}").connect(receiver, weak=False)
        try:
            first = attempt_start(user=learner, assessment=check)
            attempt_submit(attempt=first, answers=answers((items[0], "B")))
            second = attempt_start(user=learner, assessment=check)
            attempt_submit(attempt=second, answers=answers((items[0], "A"), (items[1], "A", "B")))
        finally:
            for name, receiver in receivers.items():
                getattr(events, f"attempt_{name}").disconnect(receiver)
        assert seen == [
            ("started", 1),
            ("submitted", 1),
            ("failed", 1),
            ("started", 2),
            ("submitted", 2),
            ("passed", 2),
        ]


@pytest.mark.django_db
class BadAnswerTests:
    """Each refusal says what is wrong and writes nothing."""

    @pytest.fixture
    def attempt(self, learner, check):
        return attempt_start(user=learner, assessment=check)

    @pytest.mark.parametrize(
        "bad, message",
        [
            ({"999999": []}, "Question 999999 is not part of this attempt."),
            ("A", "Answers must map each question to the options chosen."),
            (None, "Answers must map each question to the options chosen."),
        ],
    )
    def test_answers_for_other_questions_or_of_the_wrong_shape(self, attempt, bad, message):
        with pytest.raises(AssessmentRefused, match=message):
            attempt_answers_save(attempt=attempt, answers=bad)
        assert not Response.objects.exists()

    def test_an_option_of_another_item(self, attempt, items):
        bad = {str(items[0].current_version_id): [option(items[1], "A")]}
        with pytest.raises(AssessmentRefused, match="does not belong to its question"):
            attempt_answers_save(attempt=attempt, answers=bad)
        assert not Response.objects.exists()

    def test_two_options_for_a_single_choice_item(self, attempt, items):
        with pytest.raises(AssessmentRefused, match="Choose only one option"):
            attempt_answers_save(attempt=attempt, answers=answers((items[0], "A", "B")))

    def test_one_bad_answer_saves_none_of_the_others(self, attempt, items):
        bad = {**answers((items[1], "A")), str(items[0].current_version_id): ["nope"]}
        with pytest.raises(AssessmentRefused):
            attempt_answers_save(attempt=attempt, answers=bad)
        assert not Response.objects.exists()

    def test_answers_after_submitting(self, attempt, items):
        attempt_submit(attempt=attempt)
        with pytest.raises(AssessmentRefused, match="has been submitted"):
            attempt_answers_save(attempt=attempt, answers=answers((items[0], "A")))


@pytest.mark.django_db
class ExamRuleTests:
    @pytest.fixture
    def bank(self, course):
        first, second = competencies("test.first", "test.second")
        return [
            build_item(course, code=f"ex-{n}", competency=first if n < 4 else second)
            for n in range(6)
        ]

    def test_an_exam_draws_its_form_of_summative_items_with_shuffled_options(
        self, learner, course, module, bank
    ):
        formative = build_item(course, code="ex-formative", module=module)
        assessment = exam(course, form_length=4)
        attempt = attempt_start(user=learner, assessment=assessment, rng=random.Random(7))
        drawn = {v: next(i for i in bank if i.current_version_id == v) for v in attempt.version_ids}
        assert len(drawn) == 4
        assert formative.current_version_id not in attempt.version_ids
        orders = [entry["options"] for entry in attempt.drawn]
        assert all(
            sorted(order) == sorted(o["id"] for o in drawn[e["version"]].current_version.options)
            for e, order in zip(attempt.drawn, orders, strict=True)
        )
        assert any(
            order != [o["id"] for o in drawn[e["version"]].current_version.options]
            for e, order in zip(attempt.drawn, orders, strict=True)
        )

    def test_two_attempts_see_different_forms_unseen_items_first(self, learner, course, bank):
        assessment = exam(course, form_length=3)
        first = attempt_start(user=learner, assessment=assessment)
        attempt_submit(attempt=first)  # blank: failed
        second = attempt_start(user=learner, assessment=assessment)
        assert not set(first.version_ids) & set(second.version_ids)
        attempt_submit(attempt=second)
        third = attempt_start(user=learner, assessment=assessment)
        # Only the six items exist: the third form reuses seen items, none twice.
        assert len(set(third.version_ids)) == 3

    def test_retired_and_exposed_items_are_never_drawn(self, learner, course, bank):
        Item.objects.filter(pk=bank[0].pk).update(retired=True)
        Item.objects.filter(pk=bank[1].pk).update(exposed_at=timezone.now())
        attempt = attempt_start(user=learner, assessment=exam(course, form_length=6))
        drawn = set(attempt.version_ids)
        assert drawn == {item.current_version_id for item in bank[2:]}

    def test_fixed_options_and_true_false_keep_their_place(self, learner, course):
        item = build_item(course, code="ex-fixed")
        version = item.current_version
        version.options[2]["fixed"] = True  # "None of the above" stays last
        version.save()
        true_false = build_item(course, code="ex-tf", kind=ItemKind.TRUE_FALSE)
        assessment = exam(course, form_length=2)
        for seed in range(20):
            order = {
                e["version"]: e["options"]
                for e in draw_items(assessment=assessment, rng=random.Random(seed))
            }
            assert order[version.pk][2] == version.options[2]["id"]
            tf_ids = [o["id"] for o in true_false.current_version.options]
            assert order[true_false.current_version_id] == tf_ids

    def test_maximum_attempts(self, learner, course, bank):
        assessment = exam(course, max_attempts=2)
        for _ in range(2):
            attempt_submit(attempt=attempt_start(user=learner, assessment=assessment))
        with pytest.raises(AssessmentRefused, match="You have used all 2 attempts"):
            attempt_start(user=learner, assessment=assessment)
        assert Attempt.objects.count() == 2

    def test_cool_down_between_attempts(self, learner, course, bank):
        assessment = exam(course, cooldown_minutes=60)
        start = timezone.now()
        attempt_submit(
            attempt=attempt_start(user=learner, assessment=assessment, now=start), now=start
        )
        with pytest.raises(AssessmentRefused, match="You can try again from"):
            attempt_start(user=learner, assessment=assessment, now=start + timedelta(minutes=59))
        later = attempt_start(
            user=learner, assessment=assessment, now=start + timedelta(minutes=61)
        )
        assert later.number == 2

    def test_a_passed_exam_cannot_be_retaken(self, learner, course, bank):
        assessment = exam(course)
        attempt = attempt_start(user=learner, assessment=assessment)
        drawn = {item.current_version_id: item for item in bank}
        attempt_submit(
            attempt=attempt,
            answers={str(v): [option(drawn[v], "A")] for v in attempt.version_ids},
        )
        with pytest.raises(AssessmentRefused, match="You have passed this exam."):
            attempt_start(user=learner, assessment=assessment)

    def test_time_limit_is_enforced_by_the_server(self, learner, course, bank):
        assessment = exam(course, time_limit_minutes=10)
        start = timezone.now()
        attempt = attempt_start(user=learner, assessment=assessment, now=start)
        first = next(i for i in bank if i.current_version_id == attempt.version_ids[0])
        attempt_answers_save(attempt=attempt, answers=answers((first, "A")), now=start)
        late = start + timedelta(minutes=11)
        with pytest.raises(AssessmentRefused, match="The time limit ended at"):
            attempt_answers_save(attempt=attempt, answers=answers((first, "B")), now=late)
        # A late submission grades what was saved in time and ignores what came with it.
        everything = {str(v): [option(i, "A")] for i in bank for v in [i.current_version_id]}
        graded = attempt_submit(attempt=attempt, answers=everything, now=late)
        assert graded.submitted_at == attempt.deadline
        assert graded.score == Decimal("16.67")  # 1 of the 6 items, saved in time

    def test_an_expired_open_attempt_is_graded_before_the_next_starts(self, learner, course, bank):
        assessment = exam(course, time_limit_minutes=10)
        start = timezone.now()
        first = attempt_start(user=learner, assessment=assessment, now=start)
        second = attempt_start(user=learner, assessment=assessment, now=start + timedelta(hours=1))
        first.refresh_from_db()
        assert (first.status, first.passed, second.number) == ("submitted", False, 2)


@pytest.mark.django_db
class KnowledgeCheckCompletesModuleTests:
    def test_module_needs_its_lessons_and_a_passed_check(
        self, learner, course, module, check, items
    ):
        for lesson in lessons_of(course):
            course_services.lesson_complete(user=learner, lesson=lesson, course=course)
        assert not ModuleCompletion.objects.filter(user=learner, module=module).exists()

        failed = attempt_start(user=learner, assessment=check)
        attempt_submit(attempt=failed, answers=answers((items[0], "B")))
        assert not ModuleCompletion.objects.filter(user=learner, module=module).exists()

        passed = attempt_start(user=learner, assessment=check)
        attempt_submit(attempt=passed, answers=answers((items[0], "A"), (items[1], "A", "B")))
        assert ModuleCompletion.objects.filter(user=learner, module=module).exists()
        assert learner.enrolments.get(course=course).completed_at is not None

    def test_passing_first_then_finishing_the_lessons_completes_it(
        self, learner, course, module, check, items
    ):
        attempt = attempt_start(user=learner, assessment=check)
        attempt_submit(attempt=attempt, answers=answers((items[0], "A"), (items[1], "A", "B")))
        assert not ModuleCompletion.objects.filter(user=learner, module=module).exists()
        for lesson in lessons_of(course):
            course_services.lesson_complete(user=learner, lesson=lesson, course=course)
        assert ModuleCompletion.objects.filter(user=learner, module=module).exists()


@pytest.mark.django_db
class GradingQueryTests:
    """Submitting costs the same number of queries whatever the exam's size."""

    @pytest.mark.parametrize("size", [5, 50])
    def test_submitting_an_exam_runs_a_fixed_number_of_queries(
        self, learner, course, size, django_assert_num_queries
    ):
        bank = [build_item(course, code=f"size-{n}") for n in range(size)]
        attempt = attempt_start(user=learner, assessment=exam(course, form_length=size))
        everything = answers(*[(item, "A") for item in bank])
        with django_assert_num_queries(22):  # 21, and the xAPI outbox row of the outcome
            graded = attempt_submit(attempt=attempt, answers=everything)
        assert graded.score == 100


@pytest.mark.django_db
class ExamCompletesCourseTests:
    def test_a_course_that_requires_its_exam_completes_once_it_is_passed(self, learner, course):
        item = build_item(course, code="final-1")
        assessment = exam(course, cooldown_minutes=0)
        for lesson in lessons_of(course):
            course_services.lesson_complete(user=learner, lesson=lesson, course=course)
        enrolment = learner.enrolments.get(course=course)
        assert enrolment.completed_at is None  # modules done, exam not yet passed

        failed = attempt_start(user=learner, assessment=assessment)
        attempt_submit(attempt=failed, answers=answers((item, "B")))
        enrolment.refresh_from_db()
        assert enrolment.completed_at is None

        passed = attempt_start(user=learner, assessment=assessment)
        attempt_submit(attempt=passed, answers=answers((item, "A")))
        enrolment.refresh_from_db()
        assert enrolment.completed_at is not None

    def test_a_course_that_does_not_require_its_exam_completes_with_its_modules(
        self, learner, course
    ):
        course.exam_required = False
        course.save_revision().publish()
        build_item(course, code="final-2")
        exam(course)
        for lesson in lessons_of(course):
            course_services.lesson_complete(user=learner, lesson=lesson, course=course)
        assert learner.enrolments.get(course=course).completed_at is not None
