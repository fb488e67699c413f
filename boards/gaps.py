"""Courses that would fill a licensee's CE gap: live, public courses here that offer CE, that
the licensee holds no credential for, and whose credit the rule accepts; for a subject-area gap,
only courses whose topics the board maps to a missing area."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from boards.compliance import Judgement
from boards.models import Delivery, SubjectArea
from courses.models import CoursePage
from credentials.models import Credential

LIMIT = 5


def gap_courses(
    *, learner, judgement: Judgement, today: datetime.date, limit: int = LIMIT
) -> list[CoursePage]:
    """At most `limit` courses, in two queries (the restrictions `public()` reads, and the
    courses), however many credentials or courses there are. Empty when nothing is missing."""
    terms = judgement.terms
    if terms is None:
        return []
    missing_areas = [a.area_id for a in judgement.areas if a.missing]
    if not missing_areas and not judgement.missing_total:
        return []
    if self_study_used_up(judgement):
        return []  # every course here is self-study: none of it would count any more
    courses = offered_for_ce(today).exclude(
        # Not NOT IN over a column with NULLs (a certification's credential has no course):
        # that would leave no course at all.
        pk__in=Credential.objects.filter(
            learner=learner, revoked_at__isnull=True, achievement__course__isnull=False
        ).values("achievement__course_id")
    )
    if missing_areas:
        topics = SubjectArea.topics.through.objects.filter(subjectarea_id__in=missing_areas)
        courses = courses.filter(topics__in=topics.values("topic_id"))
    if terms.credit_types:
        # A course whose only credit the rule refuses would not count toward it.
        courses = courses.filter(credit_designations__credit_type__name__in=terms.credit_types)
    return list(
        courses.distinct()
        .only("pk", "title", "url_path", "path", "depth", "ce_hours")
        .order_by("title", "pk")[:limit]
    )


def self_study_used_up(judgement: Judgement) -> bool:
    """The rule's self-study maximum is reached in this cycle, so no course here would count."""
    most = judgement.terms.maximums.get(Delivery.SELF_STUDY) if judgement.terms else None
    if most is None:
        return False
    used = sum(
        (o.counted for o in judgement.outcomes if o.item.delivery == Delivery.SELF_STUDY),
        Decimal(0),
    )
    return used >= most


def offered_for_ce(today: datetime.date) -> QuerySet[CoursePage]:
    """Live, public courses with CE hours whose credit can still be claimed."""
    return (
        CoursePage.objects.live()
        .public()
        .filter(ce_hours__gt=0)
        .filter(Q(credit_expires_on__isnull=True) | Q(credit_expires_on__gte=today))
    )
