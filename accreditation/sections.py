"""The CE credit section of a course page: designations and their statements, the activity's
dates, the disclosure summary, and the learner's acknowledgement and claim."""

from functools import partial

from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accreditation import selectors, services
from content.fragments import page_data
from courses.models import CoursePage
from courses.selectors import course_facts


def credit_section(*, request, page) -> dict | None:
    if not isinstance(page, CoursePage):
        return None
    designations = page_data(
        request, page, "credit-designations", partial(selectors.designations, course=page)
    )
    if not designations:
        return None
    disclosures = course_facts(course=page, request=request).disclosures
    section = {
        "template": "accreditation/includes/credit_section.html",
        "place": "after_disclosures",
        "course": page,
        "designations": designations,
        "any_relationships": any(d.has_relationships for d in disclosures),
        "period_open": selectors.credit_period_open(course=page, today=timezone.localdate()),
    }
    user = request.user
    if user.is_authenticated:
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = ""
        claim = selectors.claim_of(user=user, course=page)
        section |= {
            "acknowledged_at": selectors.acknowledged_at(user=user, course=page),
            "next": target,
            "claim": claim,
            "blockers": []
            if claim
            else services.claim_blockers(user=user, course=page, today=timezone.localdate()),
        }
    return section
