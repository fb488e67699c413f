"""Receivers of Wagtail's page events: a lesson going live publishes its pending material
corrections (whether an editor published it or its review workflow did)."""

from django.dispatch import receiver

from wagtail.signals import page_published

from courses.corrections import corrections_publish_live
from courses.models import LessonPage


@receiver(page_published, sender=LessonPage)
def lesson_published(sender, instance, **kwargs):
    corrections_publish_live(lesson=instance)
