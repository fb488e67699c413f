"""Item analysis: the statistics on hand-made data with known answers, and the selector that
reads graded responses in a fixed number of queries."""

import statistics

from django.utils import timezone

import pytest

from assessments.analysis import (
    MIN_RESPONSES,
    GradedResponse,
    flags_for,
    item_analysis,
    option_use,
    point_biserial,
    proportion_correct,
    rest_score,
    version_statistics,
)
from assessments.grading import item_correct
from assessments.models import Attempt, AttemptStatus, ItemKind, ItemVersion, Response
from tests.assessments.factories import build_item, exam, option
from tests.courses.factories import build_course
from tests.factories import UserFactory

OPTIONS = [
    {"id": "a", "text": "Right", "correct": True, "rationale": "Why a is right."},
    {"id": "b", "text": "Wrong", "correct": False, "rationale": "Why b is wrong."},
    {"id": "c", "text": "Also wrong", "correct": False, "rationale": "Why c is wrong."},
]


def responses(*rows) -> list[GradedResponse]:
    """responses(("a", True, 0.5), ...): selected option, correct, rest score."""
    return [
        GradedResponse(selected=frozenset(s) if s else frozenset(), correct=c, rest=r)
        for s, c, r in rows
    ]


class PointBiserialTests:
    def test_an_item_that_splits_learners_exactly_as_the_rest_does_has_r_of_one(self):
        assert point_biserial([1, 1, 1, 0, 0, 0], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]) == 1.0

    def test_an_item_that_the_weaker_learners_get_right_has_r_of_minus_one(self):
        assert point_biserial([0, 0, 1, 1], [0.9, 0.9, 0.1, 0.1]) == -1.0

    def test_a_known_value_matches_pearson_and_the_point_biserial_formula(self):
        item = [1, 1, 0, 0, 1, 0, 1, 0]
        rest = [0.8, 0.6, 0.4, 0.2, 0.2, 0.6, 1.0, 0.0]
        r = point_biserial(item, rest)
        # Independent references: Pearson from the standard library, and the textbook
        # (M1 - M0) / s * sqrt(p q) with the population standard deviation.
        assert r == pytest.approx(statistics.correlation([float(x) for x in item], rest))
        m1 = statistics.mean(y for x, y in zip(item, rest, strict=True) if x)
        m0 = statistics.mean(y for x, y in zip(item, rest, strict=True) if not x)
        p = sum(item) / len(item)
        textbook = (m1 - m0) / statistics.pstdev(rest) * (p * (1 - p)) ** 0.5
        assert r == pytest.approx(textbook)
        # By hand: M1 = 0.65, M0 = 0.30, s = sqrt(0.795 / 8) = 0.3152, p = q = 0.5.
        assert r == pytest.approx(0.35 / (0.795 / 8) ** 0.5 * 0.5)
        assert round(r, 3) == 0.555

    def test_a_constant_item_or_a_constant_rest_score_has_no_discrimination(self):
        assert point_biserial([1, 1, 1, 1], [0.2, 0.4, 0.6, 0.8]) is None
        assert point_biserial([0, 0, 0], [0.2, 0.4, 0.6]) is None
        assert point_biserial([1, 0, 1], [0.5, 0.5, 0.5]) is None
        assert point_biserial([1], [0.5]) is None

    def test_scores_must_pair_up(self):
        with pytest.raises(ValueError):
            point_biserial([1, 0], [0.5])


class ScoreTests:
    def test_difficulty_is_the_proportion_correct(self):
        assert proportion_correct([True, False, True, True]) == 0.75
        with pytest.raises(ValueError):
            proportion_correct([])

    def test_rest_score_leaves_the_item_out(self):
        # 4 of 5 correct including this item: 3 of the other 4.
        assert rest_score(answered=5, correct=4, item_correct=True) == 0.75
        assert rest_score(answered=5, correct=4, item_correct=False) == 1.0
        assert rest_score(answered=1, correct=1, item_correct=True) is None


class OptionUseTests:
    def test_counts_and_proportions_per_option_in_authoring_order(self):
        used = option_use(OPTIONS, [["a"], ["a"], ["b"], []])
        assert [(o.label, o.count, o.proportion) for o in used] == [
            ("A", 2, 0.5),
            ("B", 1, 0.25),
            ("C", 0, 0.0),
        ]
        assert [o.is_unused_distractor for o in used] == [False, False, True]

    def test_a_multiple_response_counts_each_option_chosen_once(self):
        used = option_use(OPTIONS, [["a", "b"], ["a", "a"], ["zzz"]])
        assert [o.count for o in used] == [2, 1, 0]


class FlagTests:
    def used(self, *counts):
        return option_use(
            OPTIONS, [[o] for o, n in zip("abc", counts, strict=True) for _ in range(n)]
        )

    def test_a_well_behaved_item_has_no_flags(self):
        options = self.used(6, 2, 2)
        assert flags_for(difficulty=0.6, discrimination=0.35, options=options) == []
        # The thresholds themselves are acceptable.
        assert flags_for(difficulty=0.95, discrimination=0.2, options=options) == []
        assert flags_for(difficulty=0.2, discrimination=0.2, options=options) == []

    @pytest.mark.parametrize(
        "difficulty, discrimination, expected",
        [
            (0.96, 0.3, "Too easy: 96% correct"),
            (0.19, 0.3, "Too hard: 19% correct"),
            (0.6, 0.19, "Low discrimination (0.19)"),
            (0.6, -0.25, "Negative discrimination (-0.25)"),
            (0.6, None, "No discrimination"),
        ],
    )
    def test_misbehaving_items(self, difficulty, discrimination, expected):
        [flag] = flags_for(
            difficulty=difficulty, discrimination=discrimination, options=self.used(6, 2, 2)
        )
        assert flag.startswith(expected)

    def test_a_distractor_nobody_chose(self):
        flags = flags_for(difficulty=0.6, discrimination=0.4, options=self.used(6, 4, 0))
        assert flags == ["Distractor C never chosen"]


class VersionStatisticsTests:
    def test_a_perfectly_discriminating_item(self):
        stats = version_statistics(
            OPTIONS,
            responses(
                (["a"], True, 1.0),
                (["a"], True, 1.0),
                (["b"], False, 0.0),
                (["c"], False, 0.0),
            ),
        )
        assert (stats.responses, stats.difficulty, stats.discrimination) == (4, 0.5, 1.0)
        assert not stats.flagged

    def test_a_constant_item_is_flagged_too_easy_and_without_discrimination(self):
        stats = version_statistics(
            OPTIONS, responses(*[(["a"], True, rest) for rest in (0.2, 0.5, 0.9, 1.0)])
        )
        assert stats.difficulty == 1.0
        assert stats.discrimination is None
        assert [flag.split(":")[0].split(" (")[0] for flag in stats.flags] == [
            "Too easy",
            "No discrimination",
            "Distractor B never chosen",
            "Distractor C never chosen",
        ]

    def test_attempts_without_other_items_count_for_difficulty_but_not_discrimination(self):
        stats = version_statistics(
            OPTIONS,
            responses(
                (["a"], True, 1.0),
                (["b"], False, 0.0),
                (["a"], True, None),  # a one-item attempt: no rest score
                ([], False, None),
            ),
        )
        assert stats.difficulty == 0.5
        assert stats.discrimination == 1.0
        assert stats.unanswered == 1


# == The selector, on graded attempts in the database ==


@pytest.fixture
def course(db):
    return build_course("analysis", modules=1, lessons=1)


@pytest.fixture
def learner_pool(db):
    return [UserFactory() for _ in range(3)]


class Grader:
    """Graded attempts written straight to the database: {item: letters chosen} per attempt."""

    def __init__(self, assessment, users):
        self.assessment, self.users = assessment, users
        self.numbers: dict[int, int] = {}

    def attempt(self, choices: dict, *, submitted=True) -> Attempt:
        user = self.users[sum(self.numbers.values()) % len(self.users)]
        self.numbers[user.pk] = number = self.numbers.get(user.pk, 0) + 1
        attempt = Attempt.objects.create(
            assessment=self.assessment,
            user=user,
            number=number,
            drawn=[{"version": item.current_version_id, "options": []} for item in choices],
            status=AttemptStatus.SUBMITTED if submitted else AttemptStatus.IN_PROGRESS,
            submitted_at=timezone.now() if submitted else None,
        )
        rows = []
        for item, letters in choices.items():
            version = item.current_version
            selected = [option(item, letter) for letter in letters]
            correct = item_correct(correct_ids=version.correct_ids, selected=frozenset(selected))
            rows.append(
                Response(
                    attempt=attempt,
                    item_version=version,
                    selected=selected,
                    correct=correct if submitted else None,
                )
            )
        Response.objects.bulk_create(rows)
        return attempt


@pytest.fixture
def bank(course):
    return {
        code: build_item(course, code=code) for code in ("sharp", "easy", "other", "rare", "multi")
    }


@pytest.fixture
def graded(course, bank, learner_pool):
    """30 attempts. Strong learners (15) answer everything right; weak learners (15) choose a
    distractor. "easy" is right for everyone; "rare" is answered only 29 times."""
    grader = Grader(exam(course, max_attempts=None), learner_pool)
    for n in range(MIN_RESPONSES):
        strong = n % 2 == 0
        wrong = "B" if n % 4 == 1 else "C"
        choices = {
            bank["sharp"]: "A" if strong else wrong,
            bank["easy"]: "A",
            bank["other"]: "A" if strong else wrong,
        }
        if n:  # the first attempt didn't draw it
            choices[bank["rare"]] = "A" if strong else wrong
        grader.attempt(choices)
    # An attempt still open: its answers are not graded and count for nothing.
    grader.attempt({bank["rare"]: "A", bank["sharp"]: "B"}, submitted=False)
    return grader


@pytest.mark.django_db
class ItemAnalysisSelectorTests:
    def test_reports_versions_with_enough_graded_responses_and_their_statistics(self, graded, bank):
        rows = {row.item_code: row for row in item_analysis()}
        assert set(rows) == {"sharp", "easy", "other"}  # "rare" has 29; "multi" none

        sharp = rows["sharp"]
        assert (sharp.responses, sharp.difficulty) == (30, 0.5)
        # The rest of a strong attempt is all right (1.0), of a weak one only "easy" (1/3):
        # the rest score takes two values, exactly as the item does, so r is 1.
        assert sharp.discrimination == pytest.approx(1.0)
        assert [(o.label, o.correct, o.count) for o in sharp.options] == [
            ("A", True, 15),
            ("B", False, 8),
            ("C", False, 7),
        ]
        assert sharp.option_summary == "A* 15 (50%); B 8 (27%); C 7 (23%)"
        assert not sharp.flagged
        assert sharp.is_current and sharp.version_number == 1
        assert sharp.course_title == "Course analysis"

        easy = rows["easy"]
        assert (easy.difficulty, easy.discrimination) == (1.0, None)
        assert easy.flagged
        assert "Too easy: 100% correct" in easy.flag_summary

    def test_the_threshold_can_be_lowered(self, graded):
        codes = {row.item_code for row in item_analysis(min_responses=29)}
        assert codes == {"sharp", "easy", "other", "rare"}

    def test_a_perfectly_discriminating_item_has_r_of_one(self, course, bank, learner_pool):
        # Two items answered alike: each one's rest score is the other's score.
        grader = Grader(exam(course, max_attempts=None), learner_pool)
        for n in range(MIN_RESPONSES):
            letter = "A" if n % 2 else ("B" if n % 4 else "C")
            grader.attempt({bank["sharp"]: letter, bank["other"]: letter})
        rows = {row.item_code: row for row in item_analysis()}
        assert rows["sharp"].discrimination == 1.0
        assert rows["other"].discrimination == 1.0

    def test_each_version_is_analysed_on_its_own(self, course, bank, learner_pool):
        item = bank["sharp"]
        grader = Grader(exam(course, max_attempts=None), learner_pool)
        for letter in "ABCA":
            grader.attempt({item: letter, bank["other"]: letter})
        first = item.current_version
        item.current_version = ItemVersion.objects.create(
            item=item, number=2, stem="Reworded?", options=first.options
        )
        item.save(update_fields=["current_version"])
        for letter in "AA":
            grader.attempt({item: letter, bank["other"]: "B"})
        rows = [r for r in item_analysis(min_responses=2) if r.item_code == "sharp"]
        assert [(r.version_number, r.is_current, r.responses, r.difficulty) for r in rows] == [
            (1, False, 4, 0.5),
            (2, True, 2, 1.0),
        ]

    def test_items_can_be_selected(self, graded, bank):
        rows = item_analysis(item_ids=[bank["sharp"].pk, bank["rare"].pk])
        assert [row.item_code for row in rows] == ["sharp"]

    def test_multiple_response_items_count_every_option_chosen(self, course, learner_pool):
        item = build_item(course, code="mr", kind=ItemKind.MULTIPLE_RESPONSE)
        other = build_item(course, code="mr-other")
        grader = Grader(exam(course, max_attempts=None), learner_pool)
        for letters in ("AB", "AB", "A", "BC"):
            grader.attempt({item: letters, other: "A"})
        [row] = [r for r in item_analysis(min_responses=4) if r.item_code == "mr"]
        assert row.difficulty == 0.5
        assert [o.count for o in row.options] == [3, 3, 1]

    def test_the_query_count_does_not_grow_with_items_or_attempts(
        self, graded, course, bank, learner_pool, django_assert_num_queries
    ):
        with django_assert_num_queries(3):
            assert len(item_analysis()) == 3
        more = [build_item(course, code=f"more-{n}") for n in range(4)]
        for n in range(MIN_RESPONSES):
            graded.attempt(dict.fromkeys([*more, bank["multi"]], "A" if n % 3 else "B"))
        with django_assert_num_queries(3):
            assert len(item_analysis()) == 8

    def test_nothing_graded_yet(self, db, django_assert_num_queries):
        with django_assert_num_queries(3):
            assert item_analysis() == []
