"""Demo data for `manage.py load_demo`: two credit types a provider might configure, and one
course offered for credit under both, so a newcomer can walk the whole journey (acknowledge the
disclosures, learn, pass, evaluate, claim) as the demo learner.

The statements are marked as demonstrations: Recovery Learning is the platform, not an
accredited provider; a provider replaces them with its own in the CMS (Accredited CE).
"""

from decimal import Decimal

from accreditation.models import CreditDesignation, CreditType
from accreditation.standard_evaluation import standard_evaluation_ensure
from courses.models import CoursePage

DEMO_COURSE = "shared-decision-making"
DEMO_NOTE = (
    " [Demonstration wording: Recovery Learning is not an accredited provider. A provider "
    "enters its own statements under Accredited CE in the CMS.]"
)
CREDIT_TYPES = [
    {
        "code": "ancc-contact-hours",
        "name": "ANCC contact hours",
        "accreditor": "American Nurses Credentialing Center (ANCC)",
        "professions": "Nurses",
        "accreditation_statement": "The provider is accredited as a provider of nursing "
        "continuing professional development by the American Nurses Credentialing Center's "
        "Commission on Accreditation." + DEMO_NOTE,
        "designation_statement": "This activity is designated for up to {hours} ANCC contact "
        "hours.",
    },
    {
        "code": "participation",
        "name": "Certificate of participation hours",
        "accreditor": "",
        "professions": "Peer specialists, advocates and other professionals",
        "accreditation_statement": "A certificate of participation records the time spent; "
        "whether it counts towards a licence or certification is for your board to decide."
        + DEMO_NOTE,
        "designation_statement": "This activity offers a certificate of participation for up "
        "to {hours} hours.",
    },
]


def load(*, stdout) -> None:
    standard_evaluation_ensure()
    course = CoursePage.objects.live().filter(slug=DEMO_COURSE).first()
    if course is None:
        return
    for order, fields in enumerate(CREDIT_TYPES):
        kind, _ = CreditType.objects.get_or_create(code=fields["code"], defaults=fields)
        CreditDesignation.objects.get_or_create(
            course=course,
            credit_type=kind,
            defaults={"max_hours": Decimal(course.ce_hours), "sort_order": order},
        )
    stdout.write(
        f"Accredited CE: “{course.title}” is offered for ANCC contact hours and a certificate "
        f"of participation; as the demo learner, start it at {course.url} to acknowledge the "
        "disclosures, and claim credit when it is done."
    )
