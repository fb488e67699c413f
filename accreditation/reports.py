"""What an accredited provider reports about an activity (a course offered for credit):
participation, claims by credit type, the evaluation summary with perceived commercial bias,
and outcomes (pre-test to post-test change in knowledge, and the follow-up on practice change).
Read from anonymous evaluation and follow-up answers, claims and attempts; nothing here names a
learner.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from accreditation.models import (
    AGREEMENT_SCALE,
    YES_NO,
    CreditClaim,
    CreditDesignation,
    DisclosureAcknowledgement,
    EvaluationQuestion,
    EvaluationResponse,
    FollowUp,
    FollowUpAnswer,
    PracticeChange,
    QuestionKind,
)
from assessments.models import AssessmentKind, Attempt
from config.csv_output import csv_text
from courses.disclosures import no_relationships
from courses.models import CoursePage, Enrolment

# The evaluation question whose disagreement means a learner perceived commercial bias.
BIAS_QUESTION = "free-of-bias"
OBJECTIVES_QUESTION = "objectives-met"


@dataclass
class QuestionSummary:
    question: EvaluationQuestion
    answered: int = 0
    mean: float | None = None  # agreement questions, 1 (strongly disagree) to 5
    counts: list[tuple[str, int]] = field(default_factory=list)  # choice label, n
    texts: list[str] = field(default_factory=list)  # free-text answers


@dataclass
class KnowledgeChange:
    """Pre-test to post-test (the learner's first exam attempt), for learners who took both."""

    pairs: list[tuple[Decimal, Decimal]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def mean_pre(self) -> float | None:
        return statistics.fmean(float(p) for p, _ in self.pairs) if self.pairs else None

    @property
    def mean_post(self) -> float | None:
        return statistics.fmean(float(q) for _, q in self.pairs) if self.pairs else None

    @property
    def change(self) -> float | None:
        return None if not self.pairs else self.mean_post - self.mean_pre

    @property
    def effect_size(self) -> float | None:
        """Cohen's d for paired scores: the mean change over the standard deviation of the
        changes. None with fewer than two pairs or no spread."""
        changes = [float(q - p) for p, q in self.pairs]
        if len(changes) < 2 or statistics.stdev(changes) == 0:
            return None
        return statistics.fmean(changes) / statistics.stdev(changes)


def knowledge_change(course, *, start=None, end=None) -> KnowledgeChange:
    """Each learner's pre-test score against their first exam attempt (their post-test)."""
    pre = dict(
        Attempt.objects.filter(
            assessment__course_id=course.pk,
            assessment__kind=AssessmentKind.PRETEST,
            submitted_at__isnull=False,
        ).values_list("user_id", "score")
    )
    exams = Attempt.objects.filter(
        assessment__course_id=course.pk,
        assessment__kind=AssessmentKind.EXAM,
        submitted_at__isnull=False,
        user_id__in=list(pre),
    ).order_by("user_id", "started_at")
    if start is not None:
        exams = exams.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    post: dict[int, Decimal] = {}
    for user_id, score in exams.values_list("user_id", "score"):
        post.setdefault(user_id, score)
    return KnowledgeChange([(pre[user], post[user]) for user in sorted(post)])


def _rounded(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


@dataclass
class ActivityReport:
    course: CoursePage
    learners: int = 0
    completions: int = 0
    acknowledgements: int = 0
    claims: int = 0
    hours_claimed: Decimal = Decimal(0)
    claims_by_type: list[tuple[str, int, Decimal]] = field(default_factory=list)
    evaluations: int = 0
    questions: list[QuestionSummary] = field(default_factory=list)
    follow_ups_sent: int = 0
    follow_up_answers: list[tuple[str, int]] = field(default_factory=list)
    follow_up_comments: list[str] = field(default_factory=list)
    knowledge: KnowledgeChange = field(default_factory=KnowledgeChange)

    @property
    def pre_post_n(self) -> int:
        return self.knowledge.n

    @property
    def mean_pre(self) -> str:
        return _rounded(self.knowledge.mean_pre)

    @property
    def mean_post(self) -> str:
        return _rounded(self.knowledge.mean_post)

    @property
    def knowledge_change(self) -> str:
        return _rounded(self.knowledge.change)

    @property
    def effect_size(self) -> str:
        return _rounded(self.knowledge.effect_size, 2)

    @property
    def title(self) -> str:
        return self.course.title

    @property
    def pk(self) -> int:  # the CMS listing links each row to its activity page
        return self.course.pk

    def _question(self, code: str) -> QuestionSummary | None:
        return next((q for q in self.questions if q.question.code == code), None)

    @property
    def objectives_met_mean(self) -> str:
        summary = self._question(OBJECTIVES_QUESTION)
        return "" if summary is None or summary.mean is None else f"{summary.mean:.2f}"

    @property
    def perceived_bias(self) -> str:
        """Share of answers disagreeing that the content was free of commercial bias."""
        summary = self._question(BIAS_QUESTION)
        if summary is None or not summary.answered:
            return ""
        disagreed = sum(n for label, n in summary.counts if label in DISAGREE)
        return f"{100 * disagreed / summary.answered:.0f}%"

    @property
    def follow_ups_answered(self) -> int:
        return sum(n for _, n in self.follow_up_answers)

    @property
    def follow_up_response_rate(self) -> str:
        if not self.follow_ups_sent:
            return ""
        return f"{100 * self.follow_ups_answered / self.follow_ups_sent:.0f}%"

    @property
    def claims_by_type_text(self) -> str:
        return "; ".join(
            f"{name}: {n} ({hours.normalize():f} h)" for name, n, hours in self.claims_by_type
        )


DISAGREE = {label for value, label in AGREEMENT_SCALE if value in {"1", "2"}}


def activities() -> list[CoursePage]:
    """Courses offered for credit, by title."""
    offered = CreditDesignation.objects.values("course_id")
    return list(CoursePage.objects.filter(pk__in=offered).order_by("title"))


def activity_report(course: CoursePage, *, with_texts: bool = True) -> ActivityReport:
    report = ActivityReport(course=course)
    enrolments = Enrolment.objects.filter(course=course)
    report.learners = enrolments.count()
    report.completions = enrolments.filter(completed_at__isnull=False).count()
    report.acknowledgements = DisclosureAcknowledgement.objects.filter(course=course).count()
    by_type = (
        CreditClaim.objects.filter(course=course)
        .values("credit_type__name")
        .annotate(n=Count("pk"), hours=Sum("hours"))
        .order_by("credit_type__name")
    )
    report.claims_by_type = [(row["credit_type__name"], row["n"], row["hours"]) for row in by_type]
    report.claims = sum(n for _, n, _ in report.claims_by_type)
    report.hours_claimed = sum((h for _, _, h in report.claims_by_type), Decimal(0))
    answers = list(
        EvaluationResponse.objects.filter(course=course).values_list("answers", flat=True)
    )
    report.evaluations = len(answers)
    report.questions = [
        _summary(question, answers, with_texts) for question in EvaluationQuestion.objects.all()
    ]
    report.follow_ups_sent = FollowUp.objects.filter(
        claim__course=course, sent_at__isnull=False
    ).count()
    follow_ups = FollowUpAnswer.objects.filter(course=course)
    counted = Counter(follow_ups.values_list("changed", flat=True))
    report.follow_up_answers = [(label, counted[value]) for value, label in PracticeChange.choices]
    if with_texts:
        report.follow_up_comments = [c for c in follow_ups.values_list("comment", flat=True) if c]
    report.knowledge = knowledge_change(course)
    return report


def _summary(
    question: EvaluationQuestion, answers: list[dict], with_texts: bool
) -> QuestionSummary:
    given = [a[question.code] for a in answers if a.get(question.code) not in (None, "")]
    summary = QuestionSummary(question=question, answered=len(given))
    if question.kind == QuestionKind.TEXT:
        summary.texts = given if with_texts else []
        return summary
    scale = AGREEMENT_SCALE if question.kind == QuestionKind.AGREEMENT else YES_NO
    counted = Counter(given)
    summary.counts = [(label, counted[value]) for value, label in scale]
    if question.kind == QuestionKind.AGREEMENT and given:
        summary.mean = sum(int(v) for v in given) / len(given)
    return summary


PARS_COLUMNS = [
    "activity_id",
    "activity_title",
    "activity_type",
    "start_date",
    "end_date",
    "hours_of_instruction",
    "physician_learners",
    "other_learners",
    "commercial_support_received",
    "changes_in_competence_measured",
    "changes_in_performance_measured",
    "changes_in_patient_health_measured",
]


def pars_activities(year: int) -> str:
    """The ACCME PARS activity file for `year`, as far as the data supports it: an internet
    enduring material is reported for each year it is available, with the learners who
    completed it (claimed credit) that year, physicians apart from other learners."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = []
    for course in activities():
        if course.released_on and course.released_on > end:
            continue
        if course.credit_expires_on and course.credit_expires_on < start:
            continue
        claims = CreditClaim.objects.filter(
            course=course, claimed_at__date__gte=start, claimed_at__date__lte=end
        )
        physicians = claims.filter(credit_type__physician_credit=True).count()
        hours = max(
            (d.max_hours for d in CreditDesignation.objects.filter(course=course)),
            default=Decimal(0),
        )
        competence = knowledge_change(course, start=start, end=end).n > 0
        performance = FollowUpAnswer.objects.filter(
            course=course, answered_on__gte=start, answered_on__lte=end
        ).exists()
        rows.append(
            [
                course.slug,
                course.title,
                "Internet Enduring Material",
                f"{course.released_on:%m/%d/%Y}" if course.released_on else "",
                f"{course.credit_expires_on:%m/%d/%Y}" if course.credit_expires_on else "",
                f"{hours.normalize():f}",
                physicians,
                claims.count() - physicians,
                "No" if no_relationships(course.commercial_support) else "Yes",
                "Yes" if competence else "No",
                "Yes" if performance else "No",
                "No",
            ]
        )
    return csv_text(PARS_COLUMNS, rows)
