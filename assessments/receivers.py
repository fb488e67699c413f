"""Receivers of other apps' domain events. They call services; they hold no rules."""

from django.dispatch import receiver

from assessments.bank_import import curriculum_assessments_write
from courses import events as course_events
from courses.curriculum.writer import CurriculumWriter


@receiver(course_events.curriculum_written, sender=CurriculumWriter)
def store_competencies_and_question_banks(sender, *, plan, courses, report, **kwargs):
    curriculum_assessments_write(plan=plan, courses=courses, report=report)
