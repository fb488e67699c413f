"""Achievements and learners who have earned them, for credential tests."""

from decimal import Decimal

from courses.services import lesson_complete
from credentials.models import Achievement, AchievementKind
from tests.courses.factories import build_course, lessons_of


def course_achievement(slug: str = "sdm", *, ce_hours: str = "3") -> Achievement:
    course = build_course(slug, modules=1, lessons=2, ce_hours=ce_hours)
    return Achievement.objects.create(
        slug=f"course-{slug}",
        kind=AchievementKind.COURSE,
        course=course,
        name=f"Course {slug}",
        description="A course about choices.",
        criteria="Completed every module.",
        ce_hours=Decimal(ce_hours),
    )


def complete_course(user, achievement: Achievement) -> None:
    """Through the same service a learner's clicks use: every lesson marked complete."""
    for lesson in lessons_of(achievement.course):
        lesson_complete(user=user, lesson=lesson, course=achievement.course)
