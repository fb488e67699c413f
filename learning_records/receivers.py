"""learning_records listens to the other apps' domain events; no app imports it. Each receiver
writes one outbox row in the event's transaction (so it exists exactly when the event does)."""

from django.dispatch import receiver

from assessments import events as assessment_events
from assessments.models import Attempt, PracticeLog
from courses import events as course_events
from courses.models import Enrolment, LessonProgress, ModuleCompletion
from credentials import events as credential_events
from credentials.models import Credential
from learning_records import recording


@receiver(course_events.enrolled, sender=Enrolment)
def on_enrolled(sender, *, enrolment, **kwargs):
    recording.enrolled(enrolment)


@receiver(course_events.lesson_launched, sender=LessonProgress)
def on_lesson_launched(sender, *, progress, at, **kwargs):
    recording.lesson_launched(progress, at)


@receiver(course_events.lesson_experienced, sender=LessonProgress)
def on_lesson_experienced(sender, *, progress, seconds, **kwargs):
    recording.lesson_experienced(progress, seconds)


@receiver(course_events.lesson_completed, sender=LessonProgress)
def on_lesson_completed(sender, *, progress, **kwargs):
    recording.lesson_completed(progress)


@receiver(course_events.module_completed, sender=ModuleCompletion)
def on_module_completed(sender, *, completion, **kwargs):
    recording.module_completed(completion)


@receiver(course_events.course_completed, sender=Enrolment)
def on_course_completed(sender, *, enrolment, **kwargs):
    recording.course_completed(enrolment)


@receiver(assessment_events.attempt_started, sender=Attempt)
def on_attempt_started(sender, *, attempt, **kwargs):
    recording.attempt(attempt, "attempted")


@receiver(assessment_events.attempt_passed, sender=Attempt)
def on_attempt_passed(sender, *, attempt, **kwargs):
    recording.attempt(attempt, "passed")


@receiver(assessment_events.pretest_completed, sender=Attempt)
def on_pretest_completed(sender, *, attempt, **kwargs):
    recording.attempt(attempt, "completed")


@receiver(assessment_events.attempt_failed, sender=Attempt)
def on_attempt_failed(sender, *, attempt, **kwargs):
    recording.attempt(attempt, "failed")


@receiver(assessment_events.practice_attested, sender=PracticeLog)
def on_practice_attested(sender, *, log, **kwargs):
    recording.practice_attested(log)


@receiver(credential_events.credential_issued, sender=Credential)
def on_credential_issued(sender, *, credential, **kwargs):
    recording.credential_earned(credential)
