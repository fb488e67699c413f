"""Before the first lesson of a course offered for credit, the learner acknowledges its
disclosures (ACCME Standard 3: learners receive them before they engage with the content)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists
from django.shortcuts import redirect

from accreditation.models import CreditDesignation, DisclosureAcknowledgement
from courses.gates import LessonGate


def disclosures_unacknowledged(*, user, course):
    """True when the course is offered for credit and the learner has not acknowledged its
    disclosures."""
    return Exists(CreditDesignation.objects.filter(course_id=course)) & ~Exists(
        DisclosureAcknowledgement.objects.filter(user=user, course_id=course)
    )


def disclosures_first(*, request, lesson, course):
    messages.info(request, "Before the first lesson, please read and acknowledge the disclosures.")
    return redirect(f"{course.url}?{urlencode({'next': lesson.url})}#credit")


credit_disclosures_gate = LessonGate(
    name="credit_disclosures", closed=disclosures_unacknowledged, response=disclosures_first
)
