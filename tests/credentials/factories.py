"""Achievements and learners who have earned them, for credential tests."""

from decimal import Decimal

from courses.services import lesson_complete
from credentials.models import Achievement, AchievementKind
from tests.courses.factories import build_course, build_program, lessons_of


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


def issued_credential(slug: str = "sdm"):
    """Riley Resident completed course `slug` and holds its signed credential (needs a key)."""
    from credentials.issuance import credential_issue
    from tests.factories import UserFactory

    achievement = course_achievement(slug)
    learner = UserFactory(first_name="Riley", last_name="Resident")
    complete_course(learner, achievement)
    return credential_issue(learner=learner, achievement=achievement).credential


def certification(home_page, *, renewal_ce_hours: str = "2") -> Achievement:
    """A one-year certification of a small program, renewed with `renewal_ce_hours`."""
    program = build_program(home_page, credential_name="Certified Peer Specialist")
    return Achievement.objects.create(
        slug="program-peer-cert",
        kind=AchievementKind.CERTIFICATION,
        program=program,
        name="Certified Peer Specialist",
        description="For peers.",
        criteria="All of it.",
        validity_months=12,
        renewal_ce_hours=Decimal(renewal_ce_hours),
    )
