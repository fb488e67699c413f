"""Question banks built straight into the database, for attempt and grading tests."""

from assessments.item_versions import option_id
from assessments.models import (
    Assessment,
    AssessmentKind,
    Behaviour,
    Competency,
    CompetencyDomain,
    FeedbackPolicy,
    Item,
    ItemKind,
    ItemPool,
    ItemVersion,
)


def competencies(*codes: str) -> list[Competency]:
    domain, _ = CompetencyDomain.objects.get_or_create(code="test", defaults={"name": "Test"})
    return [
        Competency.objects.get_or_create(code=code, defaults={"domain": domain, "name": code})[0]
        for code in codes
    ]


def checklist(competency: Competency, *codes: str) -> list[Behaviour]:
    """Behaviours to observe for `competency`, in the order given."""
    return [
        Behaviour.objects.create(
            competency=competency,
            code=code,
            text=f"Does {code} where it can be seen.",
            sort_order=i,
        )
        for i, code in enumerate(codes)
    ]


def build_item(
    course, *, code: str, module=None, competency=None, kind=ItemKind.SINGLE_CHOICE, pool=None
):
    """Options A (correct), B, C; a multiple-response item has A and B correct. An item in a
    module is formative (its knowledge check); one in none is summative (the exam)."""
    pool = pool or (ItemPool.FORMATIVE if module else ItemPool.SUMMATIVE)
    item = Item.objects.create(
        code=code, course=course, module=module, kind=kind, difficulty="medium", pool=pool
    )
    item.competencies.set([competency or competencies("test.default")[0]])
    correct = {"A", "B"} if kind == ItemKind.MULTIPLE_RESPONSE else {"A"}
    options = [
        {
            "id": option_id(code, letter),
            "text": f"Option {letter} of {code}",
            "correct": letter in correct,
            "rationale": f"Why {letter} of {code} is {'right' if letter in correct else 'wrong'}.",
        }
        for letter in "ABC"
    ]
    item.current_version = ItemVersion.objects.create(
        item=item, number=1, stem=f"Question {code}?", options=options
    )
    item.save(update_fields=["current_version"])
    return item


def option(item: Item, letter: str) -> str:
    return option_id(item.code, letter)


def knowledge_check(course, module, **rules) -> Assessment:
    return Assessment.objects.create(
        kind=AssessmentKind.KNOWLEDGE_CHECK,
        course=course,
        module=module,
        title=f"Knowledge check: {module.title}",
        **rules,
    )


def exam(course, **rules) -> Assessment:
    defaults = {
        "feedback": FeedbackPolicy.SCORE_THEN_FULL_ON_PASS,
        "shuffle_options": True,
        "form_length": 8,
    }
    return Assessment.objects.create(
        kind=AssessmentKind.EXAM,
        course=course,
        title=f"Course exam: {course.title}",
        **{**defaults, **rules},
    )


def pretest(course, *, form_length: int = 3) -> Assessment:
    """The course's optional pre-test, as the loader makes it: the exam's pool, once, score only."""
    return Assessment.objects.create(
        kind=AssessmentKind.PRETEST,
        course=course,
        title=f"Pre-test: {course.title}",
        passing_score=100,
        form_length=form_length,
        max_attempts=1,
        feedback=FeedbackPolicy.SCORE_ONLY,
    )
