"""The daily sweep: issue what was earned and is not yet issued (an issuance that failed, for
instance while the signing key was unavailable, and ran out of retries)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from accounts.models import User
from courses.models import CoursePage, Enrolment
from credentials.issuance import credentials_issue_earned
from credentials.models import Achievement, AchievementKind, Credential


def course_completions_not_issued():
    """Completed course enrolments whose course has an achievement the learner does not hold
    (revoked credentials do not count as held)."""
    with_achievement = Achievement.objects.filter(
        kind=AchievementKind.COURSE, course_id=OuterRef("course_id")
    )
    held = Credential.objects.filter(
        learner_id=OuterRef("user_id"),
        achievement__course_id=OuterRef("course_id"),
        revoked_at__isnull=True,
    )
    return Enrolment.objects.filter(completed_at__isnull=False, course__isnull=False).filter(
        Exists(with_achievement), ~Exists(held)
    )


def sweep_issue() -> list[Credential]:
    """Issue every course credential earned and missing, and every certification now earned by
    the learners who follow a program. Rules not met are not an error; each credential is
    issued once (issuance locks the learner and checks the period)."""
    courses_by_user: dict[int, list[int]] = {}
    for user_id, course_id in course_completions_not_issued().values_list("user_id", "course_id"):
        courses_by_user.setdefault(user_id, []).append(course_id)
    program_learners = set(
        Enrolment.objects.filter(program__isnull=False).values_list("user_id", flat=True)
    )
    issued = []
    for user in User.objects.filter(pk__in=set(courses_by_user) | program_learners):
        courses = CoursePage.objects.filter(pk__in=courses_by_user.get(user.pk, []))
        issued += credentials_issue_earned(user=user, courses=courses)
    return issued
