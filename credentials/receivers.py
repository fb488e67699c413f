"""Receivers of other apps' domain events. They call services or enqueue tasks; no rules here."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from accreditation import events as accreditation_events
from accreditation.models import CreditClaim
from assessments import events as assessment_events
from assessments.models import ExternalTraining, Observation, PracticeLog
from courses import events as course_events
from courses.curriculum.writer import CurriculumWriter
from courses.models import Enrolment
from credentials.achievement_import import curriculum_achievements_write
from credentials.tasks import issue_earned_credentials


@receiver(course_events.curriculum_written, sender=CurriculumWriter)
def store_achievements(sender, *, plan, courses, report, **kwargs):
    curriculum_achievements_write(plan=plan, courses=courses, report=report)


def _issue_after_commit(user_id: int, course_ids: list[int]) -> None:
    transaction.on_commit(partial(issue_earned_credentials.enqueue, user_id, course_ids))


@receiver(course_events.course_completed, sender=Enrolment)
def course_completed(sender, *, enrolment, **kwargs):
    _issue_after_commit(enrolment.user_id, [enrolment.course_id])


@receiver(accreditation_events.credit_claimed, sender=CreditClaim)
def credit_claimed(sender, *, claim, **kwargs):
    _issue_after_commit(claim.user_id, [claim.course_id])


# Program requirements (hours, observations) may be met by any of these.
@receiver(assessment_events.practice_attested, sender=PracticeLog)
def practice_attested(sender, *, log, **kwargs):
    _issue_after_commit(log.learner_id, [])


@receiver(assessment_events.observation_recorded, sender=Observation)
def observation_recorded(sender, *, observation, **kwargs):
    _issue_after_commit(observation.learner_id, [])


@receiver(assessment_events.training_approved, sender=ExternalTraining)
def training_approved(sender, *, training, **kwargs):
    _issue_after_commit(training.learner_id, [])
