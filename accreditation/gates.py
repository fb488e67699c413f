"""Before the first lesson of a course offered for credit, the learner acknowledges its
disclosures (ACCME Standard 3: learners receive them before they engage with the content)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect

from accreditation.models import CreditDesignation, DisclosureAcknowledgement


def credit_disclosures_gate(*, request, lesson, course):
    # One query: [] when the course is not offered for credit, else whether they acknowledged.
    acknowledged = list(
        CreditDesignation.objects.filter(course_id=course.pk)
        .annotate(
            acknowledged=Exists(
                DisclosureAcknowledgement.objects.filter(
                    user=request.user, course_id=OuterRef("course_id")
                )
            )
        )
        .values_list("acknowledged", flat=True)[:1]
    )
    if not acknowledged or acknowledged[0]:
        return None
    messages.info(request, "Before the first lesson, please read and acknowledge the disclosures.")
    return redirect(f"{course.url}?{urlencode({'next': lesson.url})}#credit")
