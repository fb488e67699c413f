"""Attempts: start (draw and freeze items), save answers, submit (grade on the server).

Every refusal raises AssessmentRefused with a sentence the learner can act on, before anything
is written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from assessments import events
from assessments.grading import grade
from assessments.models import (
    Assessment,
    AssessmentKind,
    Attempt,
    AttemptStatus,
    CompetencyEvidence,
    FeedbackPolicy,
    Item,
    ItemKind,
    ItemPool,
    ItemVersion,
    Response,
)
from courses import services as course_services

DEFAULT_FORM_LENGTH = 8


class AssessmentRefused(Exception):
    """A request the rules do not allow; `str()` is the message for the learner."""


@dataclass(frozen=True)
class Availability:
    can_start: bool
    reason: str  # why not, when can_start is False
    open_attempt: Attempt | None
    attempts_used: int
    next_start_at: datetime | None = None


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i T")


def assessment_availability(*, user: User, assessment: Assessment, now=None) -> Availability:
    now = now or timezone.now()
    attempts = list(Attempt.objects.filter(assessment=assessment, user=user))
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    if open_attempt is not None:
        return Availability(True, "", open_attempt, len(attempts))
    if any(a.passed for a in attempts) and assessment.is_exam:
        return Availability(False, "You have passed this exam.", None, len(attempts))
    if (
        assessment.is_pretest
        and Attempt.objects.filter(
            user=user,
            assessment__course_id=assessment.course_id,
            assessment__kind=AssessmentKind.EXAM,
        ).exists()
    ):
        # After the exam it would measure nothing: the pre-test is a starting point.
        return Availability(
            False,
            "The pre-test is taken before the exam; you have started the exam.",
            None,
            len(attempts),
        )
    if assessment.max_attempts and len(attempts) >= assessment.max_attempts:
        return Availability(
            False,
            f"You have used all {assessment.max_attempts} attempts at this assessment.",
            None,
            len(attempts),
        )
    last = max((a.submitted_at for a in attempts if a.submitted_at), default=None)
    if last and assessment.cooldown_minutes:
        next_start = last + timedelta(minutes=assessment.cooldown_minutes)
        if now < next_start:
            return Availability(
                False,
                f"You can try again from {_when(next_start)}.",
                None,
                len(attempts),
                next_start,
            )
    return Availability(True, "", None, len(attempts))


def draw_items(*, assessment: Assessment, rng: random.Random, user: User | None = None) -> list:
    """The items of an attempt, frozen: [{"version": id, "options": [option ids in order]}].

    A knowledge check asks every formative item of its module. An exam draws `form_length`
    summative items that are neither retired nor exposed, spread over the lesson objectives,
    and prefers items this learner has not been shown before, so a retake is a new form.
    Options are shuffled per attempt; true/false and fixed options keep their place.
    """
    items = Item.objects.filter(
        course_id=assessment.course_id, retired=False, current_version__isnull=False
    ).select_related("current_version")
    if assessment.draws_exam_pool:
        items = items.filter(pool=ItemPool.SUMMATIVE, exposed_at__isnull=True)
        items = _exam_form(
            list(items.prefetch_related("objectives")),
            length=assessment.form_length or DEFAULT_FORM_LENGTH,
            seen=_versions_seen(user, assessment) if user else set(),
            rng=rng,
        )
    else:
        items = list(items.filter(pool=ItemPool.FORMATIVE, module_id=assessment.module_id))
    drawn = []
    for item in items:
        version = item.current_version
        option_ids = [option["id"] for option in version.options]
        if assessment.shuffle_options and item.kind != ItemKind.TRUE_FALSE:
            option_ids = shuffled_options(option_ids, fixed=version.fixed_ids, rng=rng)
        drawn.append({"version": version.pk, "options": option_ids})
    return drawn


def _versions_seen(user: User, assessment: Assessment) -> set[int]:
    """Items this learner was shown by any form drawn from the same pool (the exam's attempts
    and the pre-test's): the exam prefers the others, so the pre-test does not rehearse it."""
    attempts = Attempt.objects.filter(user=user, assessment=assessment)
    if assessment.draws_exam_pool:
        attempts = Attempt.objects.filter(
            user=user,
            assessment__course_id=assessment.course_id,
            assessment__kind__in=[AssessmentKind.EXAM, AssessmentKind.PRETEST],
        )
    seen = set()
    for drawn in attempts.values_list("drawn", flat=True):
        seen.update(entry["version"] for entry in drawn)
    return seen


def _exam_form(items: list[Item], *, length: int, seen: set[int], rng) -> list[Item]:
    """Unseen items first; within each group, round-robin over objectives so a form samples
    the course broadly rather than one lesson. Items whose any version was seen count as seen."""
    seen_items = (
        set(ItemVersion.objects.filter(pk__in=seen).values_list("item_id", flat=True))
        if seen
        else set()
    )
    chosen: list[Item] = []
    for group in (
        [i for i in items if i.pk not in seen_items],
        [i for i in items if i.pk in seen_items],
    ):
        rng.shuffle(group)
        by_objective: dict[int | None, list[Item]] = {}
        for item in group:
            objectives = [o.pk for o in item.objectives.all()] or [None]
            by_objective.setdefault(rng.choice(objectives), []).append(item)
        queues = list(by_objective.values())
        rng.shuffle(queues)
        while queues and len(chosen) < length:
            for queue in list(queues):
                if len(chosen) == length:
                    break
                chosen.append(queue.pop())
                if not queue:
                    queues.remove(queue)
    return sorted(chosen, key=lambda i: rng.random())


def shuffled_options(option_ids: list[str], *, fixed: frozenset[str], rng) -> list[str]:
    """A random order in which every fixed option keeps its index."""
    movable = [o for o in option_ids if o not in fixed]
    rng.shuffle(movable)
    order = iter(movable)
    return [o if o in fixed else next(order) for o in option_ids]


@transaction.atomic
def attempt_start(*, user: User, assessment: Assessment, now=None, rng=None) -> Attempt:
    """Resume the open attempt, or start a new one if the rules allow."""
    now = now or timezone.now()
    open_attempt = (
        Attempt.objects.select_for_update()
        .filter(assessment=assessment, user=user, status=AttemptStatus.IN_PROGRESS)
        .first()
    )
    if open_attempt is not None:
        if not _expired(open_attempt, now):
            return open_attempt
        attempt_submit(attempt=open_attempt, now=now)  # time ran out: grade what was saved
    availability = assessment_availability(user=user, assessment=assessment, now=now)
    if not availability.can_start:
        raise AssessmentRefused(availability.reason)
    drawn = draw_items(assessment=assessment, rng=rng or random.SystemRandom(), user=user)
    if not drawn:
        raise AssessmentRefused("This assessment has no questions yet.")
    deadline = (
        now + timedelta(minutes=assessment.time_limit_minutes)
        if assessment.time_limit_minutes
        else None
    )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                assessment=assessment,
                user=user,
                number=availability.attempts_used + 1,
                drawn=drawn,
                deadline=deadline,
            )
    except IntegrityError:
        # Two tabs pressed Start together: the other one won; resume its attempt.
        return Attempt.objects.get(
            assessment=assessment, user=user, status=AttemptStatus.IN_PROGRESS
        )
    events.attempt_started.send(sender=Attempt, attempt=attempt)
    return attempt


def _expired(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline


def _validated(attempt: Attempt, answers: dict) -> dict[int, list[str]]:
    """{version id: option ids} after checking every answer against the frozen items."""
    if not isinstance(answers, dict):
        raise AssessmentRefused("Answers must map each question to the options chosen.")
    drawn = {str(entry["version"]): entry["options"] for entry in attempt.drawn}
    kinds = dict(
        ItemVersion.objects.filter(pk__in=attempt.version_ids).values_list("pk", "item__kind")
    )
    clean: dict[int, list[str]] = {}
    for version, selected in answers.items():
        if str(version) not in drawn:
            raise AssessmentRefused(f"Question {version} is not part of this attempt.")
        if not isinstance(selected, list) or not all(isinstance(o, str) for o in selected):
            raise AssessmentRefused("Each answer must be a list of option ids.")
        if any(option not in drawn[str(version)] for option in selected):
            raise AssessmentRefused(
                "An answer names an option that does not belong to its question."
            )
        if kinds[int(version)] != ItemKind.MULTIPLE_RESPONSE and len(selected) > 1:
            raise AssessmentRefused("Choose only one option for this question.")
        clean[int(version)] = sorted(set(selected))
    return clean


@transaction.atomic
def attempt_answers_save(*, attempt: Attempt, answers: dict, now=None) -> int:
    """Save (or change) answers while the attempt is open; returns how many were saved."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AssessmentRefused("This attempt has been submitted; its answers can't change.")
    if _expired(attempt, now):
        raise AssessmentRefused(
            f"The time limit ended at {_when(attempt.deadline)}; answers can no longer change."
        )
    clean = _validated(attempt, answers)
    existing = {
        r.item_version_id: r
        for r in Response.objects.filter(attempt=attempt, item_version_id__in=clean)
    }
    changed = []
    for version_id, selected in clean.items():
        response = existing.get(version_id)
        if response is None:
            changed.append(Response(attempt=attempt, item_version_id=version_id, selected=selected))
        elif response.selected != selected:
            response.selected = selected
            response.save(update_fields=["selected", "updated_at"])
    Response.objects.bulk_create([r for r in changed if r.pk is None])
    return len(clean)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: dict | None = None, now=None) -> Attempt:
    """Grade the attempt. Submitting again returns the first result unchanged. Answers sent
    after the time limit are not saved; what was saved before it is graded."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("assessment").get(pk=attempt.pk)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    if answers and not _expired(attempt, now):
        attempt_answers_save(attempt=attempt, answers=answers, now=now)
    versions = {v.pk: v.correct_ids for v in ItemVersion.objects.filter(pk__in=attempt.version_ids)}
    responses = {r.item_version_id: r for r in Response.objects.filter(attempt=attempt)}
    results, score = grade(
        versions={v: versions[v] for v in attempt.version_ids},
        selections={v: frozenset(r.selected) for v, r in responses.items()},
    )
    for result in results:
        response = responses.get(result.version_id)
        if response is None:
            responses[result.version_id] = Response(
                attempt=attempt, item_version_id=result.version_id, selected=[]
            )
        responses[result.version_id].correct = result.correct
    Response.objects.bulk_create([r for r in responses.values() if r.pk is None])
    Response.objects.bulk_update([r for r in responses.values() if r.pk], ["correct"])
    _evidence_record(attempt, results)
    attempt.score = score
    pretest = attempt.assessment.is_pretest
    # A pre-test is a starting point, neither passed nor failed, and completes nothing.
    attempt.passed = None if pretest else score >= attempt.assessment.passing_score
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    attempt.save(update_fields=["score", "passed", "status", "submitted_at"])
    events.attempt_submitted.send(sender=Attempt, attempt=attempt)
    if pretest:
        events.pretest_completed.send(sender=Attempt, attempt=attempt)
        return attempt
    (events.attempt_passed if attempt.passed else events.attempt_failed).send(
        sender=Attempt, attempt=attempt
    )
    if attempt.passed and attempt.assessment.module_id:
        course_services.module_progress_refresh(user=attempt.user, module=attempt.assessment.module)
    elif attempt.passed:
        course_services.course_progress_refresh(user=attempt.user, course=attempt.assessment.course)
    return attempt


def _evidence_record(attempt: Attempt, results) -> None:
    through = Item.competencies.through
    links = through.objects.filter(
        item__current_version__isnull=False,
        item__versions__pk__in=[r.version_id for r in results],
    ).values_list("item__versions__pk", "competency_id")
    by_version: dict[int, list[int]] = {}
    for version_id, competency_id in links:
        by_version.setdefault(version_id, []).append(competency_id)
    tally: dict[int, list[int]] = {}
    for result in results:
        for competency_id in by_version.get(result.version_id, []):
            counts = tally.setdefault(competency_id, [0, 0])
            counts[0] += 1
            counts[1] += int(result.correct)
    CompetencyEvidence.objects.bulk_create(
        [
            CompetencyEvidence(
                user_id=attempt.user_id,
                competency_id=competency_id,
                attempt=attempt,
                answered=answered,
                correct=correct,
            )
            for competency_id, (answered, correct) in tally.items()
        ]
    )


def feedback_shown(*, attempt: Attempt, passed_before: bool = False) -> bool:
    """Whether answers and rationales may be shown for a graded attempt.

    An exam's (summative) key is shown only on the result of the passed attempt itself, and only
    if its policy allows: never on a failed attempt, not even once the learner has passed later,
    since those items stay in the pool that other learners draw from."""
    if attempt.status != AttemptStatus.SUBMITTED:
        return False  # the key never leaves the server before grading
    policy = attempt.assessment.feedback
    if attempt.assessment.is_pretest:
        return False  # its items are the exam's: only the score is ever shown
    if attempt.assessment.is_exam:
        return bool(attempt.passed) and policy != FeedbackPolicy.SCORE_ONLY
    if policy == FeedbackPolicy.FULL:
        return True
    if policy == FeedbackPolicy.SCORE_THEN_FULL_ON_PASS:
        return bool(attempt.passed or passed_before)
    return False


def exam_passed_if_required(*, user: User, course) -> bool:
    """courses' course requirement: a course that requires its exam needs it passed."""
    if not course.exam_required:
        return True
    exam = Assessment.objects.filter(course=course, kind="exam").only("pk").first()
    if exam is None:
        return True
    return Attempt.objects.filter(assessment=exam, user=user, passed=True).exists()


def knowledge_check_passed(*, user: User, module) -> bool:
    """courses' module requirement: a module with a knowledge check needs it passed."""
    assessment = Assessment.objects.filter(module=module).only("pk").first()
    if assessment is None:
        return True
    return Attempt.objects.filter(assessment=assessment, user=user, passed=True).exists()
