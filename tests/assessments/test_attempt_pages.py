"""The attempt pages and the autosave API: the answer key never reaches the browser before
grading, bad input gets a reason, and nobody sees another person's attempt."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone

import pytest

from assessments.models import Attempt, FeedbackPolicy, Response
from assessments.services import attempt_start, attempt_submit
from tests.assessments.factories import build_item, exam, knowledge_check, option
from tests.courses.factories import build_course
from tests.factories import UserFactory


@pytest.fixture
def course(db):
    return build_course("pages", modules=1, lessons=1)


@pytest.fixture
def items(course):
    module = course.get_children().first().specific
    return [build_item(course, code=f"pg-{n}", module=module) for n in range(3)]


@pytest.fixture
def exam_items(course):
    """Summative items: only the course exam draws them."""
    return [build_item(course, code=f"ex-{n}") for n in range(3)]


@pytest.fixture
def check(course, items):
    return knowledge_check(course, course.get_children().first().specific)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def secrets_of(items) -> list[str]:
    """Everything that would give the key away: rationales, and the key's own field."""
    rationales = [o["rationale"] for item in items for o in item.current_version.options]
    return [*rationales, '"correct"', "is-correct"]


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
class AnswerKeyTests:
    def test_no_page_or_response_before_grading_holds_the_key(self, signed_in, check, items):
        detail = page(signed_in.get(reverse("assessments:detail", args=[check.pk])))
        response = signed_in.post(reverse("assessments:detail", args=[check.pk]))
        attempt = Attempt.objects.get()
        assert response.url == reverse("assessments:take", args=[attempt.pk])
        take = page(signed_in.get(response.url))
        saved = signed_in.post(
            reverse("assessments:answers", args=[attempt.pk]),
            json.dumps({"answers": {str(items[0].current_version_id): [option(items[0], "B")]}}),
            content_type="application/json",
        )
        assert saved.json() == {"saved": 1}
        for body in (detail, take, saved.content.decode()):
            for secret in secrets_of(items):
                assert secret not in body
        # The options are there, as ids and text only.
        assert f'value="{option(items[0], "A")}"' in take
        assert "Option A of pg-0" in take

    def test_after_grading_the_full_policy_shows_the_rationales_of_answered_questions(
        self, signed_in, check, items
    ):
        signed_in.post(reverse("assessments:detail", args=[check.pk]))
        attempt = Attempt.objects.get()
        response = signed_in.post(
            reverse("assessments:take", args=[attempt.pk]),
            {f"q-{items[0].current_version_id}": option(items[0], "A"), "action": "submit"},
        )
        assert response.url == reverse("assessments:result", args=[attempt.pk])
        result = page(signed_in.get(response.url))
        assert "33.33%" in result
        for rationale in secrets_of(items[:1])[:-2]:
            assert rationale in result
        # The two questions left blank keep their key: answering is the price of feedback.
        for rationale in secrets_of(items[1:])[:-2]:
            assert rationale not in result
        assert result.count("not answered") == 2

    def test_a_blank_submission_reads_no_key_even_under_the_full_policy(
        self, signed_in, check, items
    ):
        assert check.feedback == FeedbackPolicy.FULL
        signed_in.post(reverse("assessments:detail", args=[check.pk]))
        attempt = Attempt.objects.get()
        signed_in.post(reverse("assessments:take", args=[attempt.pk]), {"action": "submit"})
        result = page(signed_in.get(reverse("assessments:result", args=[attempt.pk])))
        assert "0%" in result
        for secret in secrets_of(items):
            assert secret not in result

    def test_score_only_until_passed_keeps_the_rationales_back(self, signed_in, course, exam_items):
        assessment = exam(course, feedback=FeedbackPolicy.SCORE_THEN_FULL_ON_PASS)
        signed_in.post(reverse("assessments:detail", args=[assessment.pk]))
        attempt = Attempt.objects.get()
        signed_in.post(reverse("assessments:take", args=[attempt.pk]), {"action": "submit"})
        result = page(signed_in.get(reverse("assessments:result", args=[attempt.pk])))
        assert "0%" in result
        assert "shown once you pass" in result
        for secret in secrets_of(exam_items):
            assert secret not in result

    def test_a_failed_exam_attempt_keeps_its_key_back_after_a_later_pass(
        self, signed_in, learner, course, exam_items
    ):
        assessment = exam(course, form_length=3, cooldown_minutes=0)
        failed = attempt_submit(attempt=attempt_start(user=learner, assessment=assessment))
        retake = attempt_start(user=learner, assessment=assessment)
        by_version = {item.current_version_id: item for item in exam_items}
        keys = {str(v): [option(by_version[v], "A")] for v in retake.version_ids}
        assert attempt_submit(attempt=retake, answers=keys).passed
        passed_page = page(signed_in.get(reverse("assessments:result", args=[retake.pk])))
        assert "Why A of ex-0 is right." in passed_page
        failed_page = page(signed_in.get(reverse("assessments:result", args=[failed.pk])))
        assert "3 questions, submitted after 1 minute." in failed_page  # the form and the time
        for secret in secrets_of(exam_items):
            assert secret not in failed_page


@pytest.mark.django_db
class AttemptPageInputTests:
    @pytest.fixture
    def attempt(self, signed_in, check):
        signed_in.post(reverse("assessments:detail", args=[check.pk]))
        return Attempt.objects.get()

    def autosave(self, client, attempt, body, **extra):
        return client.post(
            reverse("assessments:answers", args=[attempt.pk]),
            body,
            content_type="application/json",
            **extra,
        )

    def test_autosave_rejects_bad_json_and_foreign_options_with_a_reason(
        self, signed_in, attempt, items
    ):
        response = self.autosave(signed_in, attempt, "{not json")
        assert response.status_code == 400
        assert "JSON" in response.json()["error"]
        foreign = {"answers": {str(items[0].current_version_id): [option(items[1], "A")]}}
        response = self.autosave(signed_in, attempt, json.dumps(foreign))
        assert response.status_code == 400
        assert response.json() == {
            "error": "An answer names an option that does not belong to its question."
        }
        assert not Response.objects.exists()

    @pytest.mark.parametrize(
        ("body", "status", "reason"),
        [
            ("[" * 20_000 + "]" * 20_000, 400, "nested too deeply"),
            ('{"answers": {"1": [' + "7" * 5000 + "]}}", 400, "A number has 5000 characters"),
            ('{"answers": {}, "pad": "' + "x" * (70 * 1024) + '"}', 413, "at most 64 KiB"),
            ("[]", 400, 'The body must be JSON like {"answers": {...}}.'),
        ],
    )
    def test_hostile_autosave_bodies_get_a_4xx_with_a_reason(
        self, signed_in, attempt, body, status, reason
    ):
        response = self.autosave(signed_in, attempt, body)
        assert response.status_code == status
        assert reason in response.json()["error"]
        assert not Response.objects.exists()

    def test_autosave_after_submitting_is_a_conflict(self, signed_in, attempt, items):
        signed_in.post(reverse("assessments:take", args=[attempt.pk]), {"action": "submit"})
        body = {"answers": {str(items[0].current_version_id): [option(items[0], "A")]}}
        response = self.autosave(signed_in, attempt, json.dumps(body))
        assert response.status_code == 409
        assert "submitted" in response.json()["error"]

    def test_a_form_answer_for_a_question_not_in_the_attempt_is_refused(self, signed_in, attempt):
        response = signed_in.post(
            reverse("assessments:take", args=[attempt.pk]),
            {"q-424242": "x", "action": "save"},
            follow=True,
        )
        assert "Question 424242 is not part of this attempt." in page(response)
        assert not Response.objects.exists()

    def test_saving_from_the_form_keeps_the_answers_for_later(self, signed_in, attempt, items):
        version = items[0].current_version_id
        signed_in.post(
            reverse("assessments:take", args=[attempt.pk]),
            {f"q-{version}": option(items[0], "B"), "action": "save"},
        )
        take = page(signed_in.get(reverse("assessments:take", args=[attempt.pk])))
        assert f'value="{option(items[0], "B")}" checked' in take

    def test_another_persons_attempt_is_not_found(self, client, attempt):
        client.force_login(UserFactory())
        for name in ("take", "result"):
            assert client.get(reverse(f"assessments:{name}", args=[attempt.pk])).status_code == 404
        response = self.autosave(client, attempt, json.dumps({"answers": {}}))
        assert response.status_code == 404

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, check):
        response = client.get(reverse("assessments:detail", args=[check.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_starting_during_a_cool_down_says_when_to_come_back(
        self, signed_in, course, exam_items
    ):
        assessment = exam(course, cooldown_minutes=120)
        signed_in.post(reverse("assessments:detail", args=[assessment.pk]))
        attempt = Attempt.objects.get()
        signed_in.post(reverse("assessments:take", args=[attempt.pk]), {"action": "submit"})
        response = signed_in.post(reverse("assessments:detail", args=[assessment.pk]), follow=True)
        assert "You can try again from" in page(response)
        assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_module_and_course_pages_link_to_their_assessments(signed_in, course, check, items):
    exam_ = exam(course)
    module = course.get_children().first().specific
    assert reverse("assessments:detail", args=[check.pk]) in page(signed_in.get(module.url))
    assert reverse("assessments:detail", args=[exam_.pk]) in page(signed_in.get(course.url))


@pytest.mark.django_db
class TimeZoneTests:
    """Times appear in the zone the learner chose on their profile."""

    def test_the_deadline_and_the_cool_down_are_shown_in_the_learners_zone(
        self, signed_in, learner, course, exam_items
    ):
        learner.time_zone = "Asia/Tokyo"  # UTC+9 all year
        learner.save(update_fields=["time_zone"])
        assessment = exam(course, time_limit_minutes=30, cooldown_minutes=60)
        start = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
        attempt = attempt_start(user=learner, assessment=assessment, now=start)
        take = page(signed_in.get(reverse("assessments:take", args=[attempt.pk])))
        assert "answers saved before 19:30 JST (1 March 2026)" in take
        attempt_submit(attempt=attempt, now=start + datetime.timedelta(minutes=5))
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now())
        detail = page(signed_in.get(reverse("assessments:detail", args=[assessment.pk])))
        assert " JST" in detail and "You can try again from" in detail

    def test_without_a_choice_times_are_in_the_sites_zone(
        self, signed_in, learner, course, exam_items
    ):
        assessment = exam(course, time_limit_minutes=30)
        start = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
        attempt = attempt_start(user=learner, assessment=assessment, now=start)
        take = page(signed_in.get(reverse("assessments:take", args=[attempt.pk])))
        assert "answers saved before 10:30 UTC (1 March 2026)" in take
