"""The optional course pre-test: drawn from the exam's pool, once and before the exam, score
only (never its key), completing nothing; the exam then prefers items not seen in it; item
analysis leaves it out; the CE report measures pre-test to post-test change."""

from decimal import Decimal

from django.urls import reverse

import pytest

from accreditation.reports import knowledge_change
from assessments.analysis import item_analysis
from assessments.item_versions import option_id
from assessments.models import AssessmentKind, ItemVersion
from assessments.services import (
    AssessmentRefused,
    attempt_start,
    attempt_submit,
    feedback_shown,
)
from courses.models import Enrolment, ModuleCompletion
from learning_records.models import OutboxStatement
from tests.assessments.factories import build_item, exam, pretest
from tests.courses.factories import build_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    course = build_course("pre", modules=1, lessons=1)
    for n in range(6):
        build_item(course, code=f"pre-{n}")  # no module: summative, the exam's pool
    build_item(course, code="pre-kc", module=course.get_children().first().specific)
    return course


def answer_all(attempt, right: int):
    """Answer the attempt's first `right` items with their key (option A), the rest with B."""
    answers = {}
    for n, entry in enumerate(attempt.drawn):
        code = ItemVersion.objects.get(pk=entry["version"]).item.code
        answers[str(entry["version"])] = [option_id(code, "A" if n < right else "B")]
    return attempt_submit(attempt=attempt, answers=answers)


class PretestTests:
    def test_scored_never_passed_shows_no_key_and_completes_nothing(self, client, course):
        learner = UserFactory()
        test = pretest(course)
        attempt = attempt_start(user=learner, assessment=test)
        versions = {entry["version"] for entry in attempt.drawn}
        assert len(versions) == 3
        graded = answer_all(attempt, right=3)
        assert graded.score == Decimal(100) and graded.passed is None
        assert not feedback_shown(attempt=graded)
        assert not ModuleCompletion.objects.exists()
        assert not Enrolment.objects.filter(completed_at__isnull=False).exists()
        client.force_login(learner)
        page = client.get(reverse("assessments:result", args=[graded.pk])).content.decode()
        assert "Your starting point: 100%" in page
        assert "Why A of" not in page and "rationale" not in page  # the key stays secret
        [statement] = OutboxStatement.objects.filter(verb="completed")
        result = statement.statement["result"]
        assert result["score"]["raw"] == 100.0 and "success" not in result

    def test_once_and_only_before_the_exam(self, course):
        learner, other = UserFactory(), UserFactory()
        test, final = pretest(course), exam(course, form_length=3)
        answer_all(attempt_start(user=learner, assessment=test), right=1)
        with pytest.raises(AssessmentRefused, match="used all 1 attempts"):
            attempt_start(user=learner, assessment=test)
        attempt_start(user=other, assessment=final)
        with pytest.raises(AssessmentRefused, match="taken before the exam"):
            attempt_start(user=other, assessment=test)

    def test_the_exam_prefers_items_the_pretest_did_not_show(self, course):
        learner = UserFactory()
        test, final = pretest(course), exam(course, form_length=3)
        seen = {
            e["version"] for e in answer_all(attempt_start(user=learner, assessment=test), 0).drawn
        }
        drawn = {e["version"] for e in attempt_start(user=learner, assessment=final).drawn}
        assert len(drawn) == 3 and not drawn & seen

    def test_item_analysis_leaves_pretest_answers_out(self, course):
        test = pretest(course, form_length=6)
        for _ in range(3):
            answer_all(attempt_start(user=UserFactory(), assessment=test), right=0)
        assert item_analysis(min_responses=1) == []

    def test_the_report_measures_change_from_pretest_to_first_exam_attempt(self, course):
        test, final = pretest(course), exam(course, form_length=3, max_attempts=3)
        for pre_right, post_right in ((1, 3), (0, 2)):
            learner = UserFactory()
            answer_all(attempt_start(user=learner, assessment=test), right=pre_right)
            answer_all(attempt_start(user=learner, assessment=final), right=post_right)
        lone = UserFactory()  # took the exam only: not in the pairs
        answer_all(attempt_start(user=lone, assessment=final), right=3)
        change = knowledge_change(course)
        assert change.n == 2
        assert change.pairs == [
            (Decimal("33.33"), Decimal("100")),
            (Decimal("0"), Decimal("66.67")),
        ]
        assert change.mean_pre == pytest.approx(16.665)
        assert change.mean_post == pytest.approx(83.335)
        assert change.change == pytest.approx(66.67)
        assert change.effect_size is None  # both rose by the same 66.67 points: no spread
        assert AssessmentKind.PRETEST in AssessmentKind.values


def test_the_effect_size_is_the_mean_change_over_its_spread():
    from accreditation.reports import KnowledgeChange

    change = KnowledgeChange([(Decimal(40), Decimal(80)), (Decimal(60), Decimal(90))])
    # changes 40 and 30: mean 35, standard deviation 7.07
    assert change.effect_size == pytest.approx(35 / 7.0710678, rel=1e-6)
