"""A board with a rule, and licensees holding credentials issued on chosen days."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Licence
from accounts.roles import Role
from boards import services
from boards.models import Board, CycleKind
from courses.models import Topic
from credentials.issuance import credential_issue
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user


def board_with_staff(name: str = "New York Medical Board") -> tuple[Board, object]:
    board = services.board_create(name=name, jurisdiction="US-NY")
    member = staff_user(Role.BOARD_VERIFIER, first_name="Blair", last_name="Board")
    services.board_member_add(board=board, user=member)
    return board, member


def ethics_area(board, member, *, slug: str = "ethics"):
    topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    return services.subject_area_save(
        board=board, by=member, name=slug.title(), topics=[topic], domains=[]
    )


def rule(board, member, **terms):
    """A 12-month fixed-cycle rule from 1 July 2025 for physicians (MD), 20 hours."""
    values = {
        "licence_type": "MD",
        "effective_from": datetime.date(2020, 1, 1),
        "cycle_kind": CycleKind.FIXED,
        "cycle_months": 12,
        "fixed_start": datetime.date(2025, 7, 1),
        "total_hours": Decimal(20),
    }
    values.update(terms)
    return services.rule_version_add(board=board, by=member, **values)


def licensee(number: str = "123456", *, licence_type: str = "MD", verified: bool = True):
    person = UserFactory(first_name="Riley", last_name=f"Resident{number}")
    licence = Licence.objects.create(
        user=person,
        jurisdiction="US-NY",
        licence_type=licence_type,
        number=number,
        verified_at=timezone.now() if verified else None,
    )
    return person, licence


def moment(day: datetime.date) -> datetime.datetime:
    """Noon of `day`, or a minute ago for today: a credential is never issued in the future."""
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return min(noon, timezone.now() - datetime.timedelta(minutes=1))


_courses = iter(range(10**6))


def credential_on(person, day: datetime.date, *, hours: str = "2", topic: str | None = None):
    """`person` completes a fresh course of `hours` CE hours and holds its credential, issued
    at noon on `day` (needs a signing key)."""
    achievement = course_achievement(f"c{next(_courses)}", ce_hours=hours)
    if topic:
        t, _ = Topic.objects.get_or_create(slug=topic, defaults={"name": topic.title()})
        achievement.course.topics.add(t)
        achievement.course.save()  # a cluster's relations reach the database when it is saved
    complete_course(person, achievement)
    return credential_issue(learner=person, achievement=achievement, now=moment(day)).credential
