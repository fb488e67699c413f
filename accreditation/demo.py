"""Demo data for `manage.py load_demo`: two credit types a provider might configure, and one
course offered for credit under both, so a newcomer can walk the whole journey (acknowledge the
disclosures, learn, pass, evaluate, claim) as the demo learner; and a small demo cohort that has
already done so (pre-test, exam, evaluation, claim, follow-up), so the activity report and the
PARS file have something to show. The cohort's accounts cannot sign in.

The statements are marked as demonstrations: Recovery Learning is the platform, not an
accredited provider; a provider replaces them with its own in the CMS (Accredited CE).
"""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accreditation.models import CreditDesignation, CreditType, FollowUpAnswer
from accreditation.services import ClaimRequest, credit_claim, disclosures_acknowledge
from accreditation.standard_evaluation import standard_evaluation_ensure
from assessments.models import Assessment, AssessmentKind, ItemVersion
from assessments.services import attempt_start, attempt_submit
from courses.models import CoursePage, LessonPage, LessonProgress, ModulePage
from courses.services import lesson_complete, lesson_view

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


# (pre-test items right of 5, exam items wrong, credit type, hours, evaluation, follow-up)
COHORT = [
    (1, 0, "ancc-contact-hours", "1.25", ("5", "5", "yes", "5"), "yes"),
    (2, 1, "ancc-contact-hours", "1", ("4", "4", "yes", "5"), "partly"),
    (2, 0, "participation", "1.25", ("4", "5", "yes", "4"), "yes"),
    (3, 1, "participation", "1", ("3", "4", "no", "4"), "not_yet"),
    (0, 1, "ancc-contact-hours", "1.25", ("5", "4", "yes", "2"), None),
    (1, 0, "participation", "0.75", ("4", "3", "no", "5"), "no"),
]
COMMITMENTS = [
    "Ask every person on a long-term medicine what they want from it, at each review.",
    "Use the three-talk model and write down the options we discussed.",
    "",
    "",
    "Offer a decision aid before the next medication review.",
    "",
]


def _answer(user, assessment, wrong: int, right: int | None = None) -> None:
    """Answer a drawn attempt: `right` items correctly (all but `wrong` when None)."""
    attempt = attempt_start(user=user, assessment=assessment)
    versions = {v.pk: v for v in ItemVersion.objects.filter(pk__in=attempt.version_ids)}
    answers = {}
    for n, (pk, version) in enumerate(versions.items()):
        good = n < right if right is not None else n >= wrong
        chosen = sorted(version.correct_ids)
        if not good:
            chosen = [o["id"] for o in version.options if not o["correct"]][:1]
        answers[str(pk)] = chosen
    attempt_submit(attempt=attempt, answers=answers)


def _cohort(course: CoursePage) -> int:
    """Demo learners who took the pre-test, learned, passed, evaluated, claimed and answered the
    follow-up. Written through the services, except reading time and the follow-up's clock."""
    pretest = Assessment.objects.filter(course=course, kind=AssessmentKind.PRETEST).first()
    final = Assessment.objects.filter(course=course, kind=AssessmentKind.EXAM).first()
    made = 0
    for n, (pre, wrong, code, hours, ratings, change) in enumerate(COHORT, 1):
        email = f"ce-cohort-{n}@example.org"
        if User.objects.filter(email=email).exists():
            continue
        user = User.objects.create(email=email, first_name="Cohort", last_name=f"Learner {n}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        disclosures_acknowledge(user=user, course=course)
        if pretest is not None:
            _answer(user, pretest, wrong=0, right=pre)
        for module in ModulePage.objects.live().child_of(course):
            for lesson in LessonPage.objects.live().child_of(module):
                lesson_view(user=user, lesson=lesson, course=course)
                LessonProgress.objects.filter(user=user, lesson=lesson).update(
                    seconds_on_page=lesson.estimated_minutes * 60
                )
                lesson_complete(user=user, lesson=lesson, course=course)
            check = Assessment.objects.filter(module=module).first()
            if check is not None:
                _answer(user, check, wrong=0)
        if final is not None:
            _answer(user, final, wrong=wrong)
        objectives, relevant, will_change, unbiased = ratings
        designation = CreditDesignation.objects.get(course=course, credit_type__code=code)
        answers = {
            "objectives-met": objectives,
            "relevant": relevant,
            "will-change": will_change,
            "free-of-bias": unbiased,
        }
        if COMMITMENTS[n - 1]:
            answers["commitment"] = COMMITMENTS[n - 1]
        claim = credit_claim(
            user=user,
            course=course,
            request=ClaimRequest(designation, min(Decimal(hours), designation.max_hours), answers),
        )
        if change is not None:
            # Demo only: as if the follow-up had been emailed and answered weeks later.
            follow_up = claim.follow_up
            follow_up.sent_at = timezone.now()
            follow_up.answered_at = timezone.now()
            follow_up.save(update_fields=["sent_at", "answered_at"])
            FollowUpAnswer.objects.create(
                course=course, answered_on=timezone.localdate(), changed=change
            )
        made += 1
    return made


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
    _cohort(course)
    stdout.write(
        f"Accredited CE: “{course.title}” is offered for ANCC contact hours and a certificate "
        f"of participation; as the demo learner, start it at {course.url} to acknowledge the "
        "disclosures, and claim credit when it is done. A demo cohort of "
        f"{len(COHORT)} has claimed already: see Reports → Accredited CE activities in the CMS."
    )
