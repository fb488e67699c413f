"""A course offered for credit, from the learner's side: the disclosures acknowledged before the
first lesson; at the end, the evaluation and a claim of the time really spent, which alone
issues the credential, with the claimed hours and credit type in its signed document."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from accreditation import services
from accreditation.models import CreditClaim, DisclosureAcknowledgement, EvaluationResponse
from credentials.issuance import achievement_status, credentials_issue_earned
from credentials.models import AuditEntry, Credential
from credentials.signing_keys import signing_key_add
from credentials.verification import verify_stored
from tests.accreditation.factories import STANDARD_ANSWERS, course_for_credit, designation
from tests.courses.factories import lessons_of
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_key(db):
    return signing_key_add()[0]


@pytest.fixture
def activity(db):
    return course_for_credit()


@pytest.fixture
def learner(db):
    return UserFactory(first_name="Nia", last_name="Nurse")


def acknowledge(learner, activity):
    services.disclosures_acknowledge(user=learner, course=activity.course)


def claim_url(activity) -> str:
    return reverse("accreditation:claim", args=[activity.course.pk])


def form(activity, **changes) -> dict:
    data = STANDARD_ANSWERS | {
        "designation": str(designation(activity).pk),
        "hours": "1.5",
        "attest": "on",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


class DisclosureGateTests:
    def test_the_first_lesson_waits_for_the_disclosures_then_opens(self, client, learner, activity):
        client.force_login(learner)
        lesson = lessons_of(activity.course)[0]
        response = client.get(lesson.url)
        assert response.status_code == 302
        assert response.url.startswith(activity.course.url + "?next=")
        assert response.url.endswith("#credit")
        page = client.get(response.url).content.decode()
        assert "I have read the disclosures" in page
        assert "ANCC contact hours" in page
        assert "Test Provider designates this activity for up to 2 ANCC contact hours." in page

        response = client.post(
            reverse("accreditation:acknowledge", args=[activity.course.pk]),
            {"next": lesson.url},
        )
        assert response.status_code == 302 and response.url == lesson.url
        acknowledgement = DisclosureAcknowledgement.objects.get(user=learner)
        assert timezone.now() - acknowledgement.acknowledged_at < timedelta(minutes=1)
        assert client.get(lesson.url).status_code == 200
        assert (
            "You acknowledged the disclosures on"
            in client.get(activity.course.url).content.decode()
        )

    def test_a_course_not_offered_for_credit_opens_without_it(self, client, learner):
        plain = course_achievement("plain")
        client.force_login(learner)
        assert client.get(lessons_of(plain.course)[0].url).status_code == 200

    def test_a_next_address_on_another_site_is_not_followed(self, client, learner, activity):
        client.force_login(learner)
        response = client.post(
            reverse("accreditation:acknowledge", args=[activity.course.pk]),
            {"next": "https://evil.example.net/"},
        )
        assert response.url == activity.course.url


class ClaimTests:
    def test_credit_waits_for_the_claim_then_says_what_was_claimed(
        self, client, signing_key, learner, activity, django_capture_on_commit_callbacks
    ):
        acknowledge(learner, activity)
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(learner, activity)
        # Completing the course is not enough: the credential waits for the claim.
        assert not Credential.objects.exists()
        status = achievement_status(user=learner, achievement=activity)
        assert [(r.key, r.met) for r in status.requirements][-1] == ("credit_claimed", False)

        client.force_login(learner)
        page = client.get(claim_url(activity)).content.decode()
        assert "Our record shows about 0 minutes" in page  # the guide, not a limit
        assert "The course met its stated learning objectives." in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(claim_url(activity), form(activity))
        assert response.status_code == 302 and response.url == reverse("credentials:mine")

        claim = CreditClaim.objects.get()
        assert (claim.user, claim.hours, claim.max_hours) == (learner, Decimal("1.5"), Decimal(2))
        assert claim.credit_type.name == "ANCC contact hours"
        assert "I attest that I spent 1.5 hours" in claim.attestation
        credential = Credential.objects.get()
        assert (credential.credits, credential.credit_type) == (
            Decimal("1.5"),
            "ANCC contact hours",
        )
        subject = credential.document["credentialSubject"]
        assert subject["creditsEarned"] == 1.5
        [result] = subject["result"]
        [described] = subject["achievement"]["resultDescription"]
        assert result["value"] == "ANCC contact hours"
        assert result["resultDescription"] == described["id"]
        assert described["resultType"] == "Result"
        assert verify_stored(credential).status == "valid"
        assert AuditEntry.objects.filter(action="credit claimed").count() == 1

        mine = client.get(reverse("credentials:mine")).content.decode()
        assert "1.5 ANCC contact hours" in mine
        verify = client.get(reverse("credentials:verify", args=[credential.pk])).content.decode()
        assert "<dt>Credit type</dt><dd>ANCC contact hours</dd>" in verify

    def test_the_api_bulk_csv_and_regulator_exports_report_the_claimed_credit(
        self, client, signing_key, learner, activity, django_capture_on_commit_callbacks
    ):
        from credentials.boards import bulk_csv_verify
        from credentials.regulator_exports import ce_broker_roster, pars_batch

        acknowledge(learner, activity)
        complete_course(learner, activity)
        client.force_login(learner)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(claim_url(activity), form(activity))
        credential = Credential.objects.get()
        client.logout()
        status = client.get(f"/api/v1/credentials/{credential.pk}").json()
        assert (status["ce_hours"], status["credit_type"]) == (1.5, "ANCC contact hours")
        bulk = bulk_csv_verify(str(credential.pk).encode())
        assert f"{credential.pk},valid,Nia Nurse,Course ce,1.5,ANCC contact hours," in bulk
        today = timezone.localdate()
        for export in (pars_batch(today, today),):
            assert export.splitlines()[0].endswith(",credit_type")
            assert export.splitlines()[1].endswith(",ANCC contact hours")
        assert ce_broker_roster(today, today).splitlines()[0].endswith(",credit_type")

    def test_the_evaluation_is_stored_apart_from_the_learner(
        self, client, signing_key, learner, activity
    ):
        acknowledge(learner, activity)
        complete_course(learner, activity)
        client.force_login(learner)
        client.post(claim_url(activity), form(activity))
        response = EvaluationResponse.objects.get()
        assert response.answers == {
            "objectives-met": "5",
            "relevant": "4",
            "will-change": "yes",
            "commitment": "Ask about withdrawal at every review.",
            "free-of-bias": "5",
        }
        assert response.submitted_on == timezone.localdate()
        assert not [f for f in EvaluationResponse._meta.get_fields() if f.name in {"user", "claim"}]

    def test_claiming_twice_is_refused_with_what_was_claimed(
        self, client, signing_key, learner, activity
    ):
        acknowledge(learner, activity)
        complete_course(learner, activity)
        client.force_login(learner)
        client.post(claim_url(activity), form(activity))
        participation = designation(activity, "participation")
        again = client.post(claim_url(activity), form(activity, designation=str(participation.pk)))
        assert again.status_code == 409
        assert "You have already claimed credit for this course: 1.5 ANCC contact hours" in (
            again.content.decode()
        )
        assert CreditClaim.objects.count() == 1 and EvaluationResponse.objects.count() == 1

    def test_no_credit_after_the_activity_expires(self, client, learner, activity):
        acknowledge(learner, activity)
        complete_course(learner, activity)
        course = activity.course
        course.credit_expires_on = timezone.localdate() - timedelta(days=1)
        course.save(update_fields=["credit_expires_on"])
        client.force_login(learner)
        response = client.post(claim_url(activity), form(activity))
        assert response.status_code == 409
        assert "the activity&#x27;s credit period has ended" in response.content.decode()
        assert not CreditClaim.objects.exists()

    def test_before_the_course_is_complete_the_page_says_what_is_left(
        self, client, learner, activity
    ):
        client.force_login(learner)
        page = client.get(claim_url(activity)).content.decode()
        assert "Read and acknowledge the course&#x27;s disclosures." in page
        assert "Modules completed" in page
        assert client.post(claim_url(activity), form(activity)).status_code == 409
        assert not CreditClaim.objects.exists()

    @pytest.mark.parametrize(
        "changes, field, message",
        [
            ({"hours": "2.25"}, "hours", "Select a valid choice"),
            ({"hours": "0.3"}, "hours", "Select a valid choice"),
            ({"attest": None}, "attest", "This field is required"),
            ({"q-objectives-met": None}, "q-objectives-met", "This field is required"),
            ({"q-relevant": "9"}, "q-relevant", "Select a valid choice"),
            ({"designation": "999999"}, "designation", "Select a valid choice"),
        ],
    )
    def test_bad_claims_are_refused_with_the_reason_and_nothing_written(
        self, client, learner, activity, changes, field, message
    ):
        acknowledge(learner, activity)
        complete_course(learner, activity)
        client.force_login(learner)
        response = client.post(claim_url(activity), form(activity, **changes))
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert not CreditClaim.objects.exists() and not EvaluationResponse.objects.exists()

    def test_the_service_refuses_more_than_the_maximum_and_other_courses_designations(
        self, learner, activity
    ):
        acknowledge(learner, activity)
        complete_course(learner, activity)
        other = course_for_credit("other")
        for request, reason in [
            (services.ClaimRequest(designation(activity), Decimal("2.5"), {}), "at most 2"),
            (services.ClaimRequest(designation(activity), Decimal("0.3"), {}), "quarter hours"),
            (services.ClaimRequest(designation(other), Decimal("1"), {}), "not designated"),
        ]:
            with pytest.raises(services.ClaimRefused, match=reason):
                services.credit_claim(user=learner, course=activity.course, request=request)
        assert not CreditClaim.objects.exists()

    def test_the_service_too_refuses_a_claim_without_the_evaluation(self, learner, activity):
        acknowledge(learner, activity)
        complete_course(learner, activity)
        partial = {"objectives-met": "5", "relevant": " "}
        request = services.ClaimRequest(designation(activity), Decimal("1"), partial)
        with pytest.raises(services.ClaimRefused, match="Complete the evaluation first") as refused:
            services.credit_claim(user=learner, course=activity.course, request=request)
        assert "The content was relevant to my practice." in str(refused.value)
        assert "The course met its stated learning objectives." not in str(refused.value)
        assert not CreditClaim.objects.exists()

    def test_a_course_not_offered_for_credit_still_issues_on_completion(self, signing_key, learner):
        plain = course_achievement("plain", ce_hours="1")
        complete_course(learner, plain)
        [credential] = credentials_issue_earned(user=learner, courses=[plain.course])
        assert (credential.credits, credential.credit_type) == (Decimal(1), "")
        assert "result" not in credential.document["credentialSubject"]
