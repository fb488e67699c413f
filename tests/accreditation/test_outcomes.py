"""Outcomes and reports of a course offered for credit: the practice-change follow-up sent
CE_FOLLOW_UP_DAYS after a claim by a single-use link, the activity report (CMS, CSV, XLSX) and
the PARS activity file; nothing in them names a learner."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from accreditation import services
from accreditation.follow_ups import follow_ups_send
from accreditation.models import CreditType, FollowUp, FollowUpAnswer
from accreditation.reports import activity_report, pars_activities
from tests.accreditation.factories import EVALUATION, course_for_credit, designation
from tests.credentials.factories import complete_course
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db


def claimed(activity, *, code="ancc-contact-hours", hours="1.5", answers=None, user=None):
    learner = user or UserFactory()
    services.disclosures_acknowledge(user=learner, course=activity.course)
    complete_course(learner, activity)
    answers = EVALUATION | (answers or {})
    request = services.ClaimRequest(designation(activity, code), Decimal(hours), answers)
    return services.credit_claim(user=learner, course=activity.course, request=request)


@pytest.fixture
def activity(db):
    return course_for_credit()


def link_in(message) -> str:
    return re.search(r"https?://\S+/credit/follow-up/\S+/", message.body).group(0)


class FollowUpTests:
    def test_sent_once_when_due_with_a_link_that_works_once(self, client, settings, activity):
        settings.CE_FOLLOW_UP_DAYS = 60
        claim = claimed(activity)
        today = timezone.localdate()
        assert claim.follow_up.due_on == today + timedelta(days=60)
        assert follow_ups_send(today=today + timedelta(days=59)) == 0
        assert follow_ups_send(today=today + timedelta(days=60)) == 1
        assert follow_ups_send(today=today + timedelta(days=61)) == 0  # never twice
        [message] = mail.outbox
        assert message.to == [claim.user.email]
        link = link_in(message)
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert token not in FollowUp.objects.get().token_hash  # only its hash is kept

        path = link.split("://", 1)[1].split("/", 1)[1]
        page = client.get("/" + path).content.decode()
        assert "Since the course, have you changed your practice as you intended?" in page
        response = client.post("/" + path, {"changed": "partly", "comment": "Started asking."})
        assert "Your answer is recorded, without your name." in response.content.decode()
        answer = FollowUpAnswer.objects.get()
        assert (answer.course_id, answer.changed, answer.comment) == (
            activity.course.pk,
            "partly",
            "Started asking.",
        )
        assert not [f for f in FollowUpAnswer._meta.get_fields() if f.name in {"user", "claim"}]
        again = client.post("/" + path, {"changed": "yes"})
        assert again.status_code == 404
        assert "answered already" in again.content.decode()
        assert FollowUpAnswer.objects.count() == 1

    def test_a_made_up_link_or_a_missing_answer_says_why(self, client, activity):
        claimed(activity)
        response = client.get(reverse("accreditation:follow_up", args=["made-up"]))
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()

        follow_ups_send(today=timezone.localdate() + timedelta(days=365))
        path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
        response = client.post("/" + path, {"changed": "maybe"})
        assert response.status_code == 400
        assert "Select a valid choice" in " ".join(response.context["form"].errors["changed"])
        assert not FollowUpAnswer.objects.exists()


class ActivityReportTests:
    def fill(self, activity):
        good = {"objectives-met": "5", "free-of-bias": "5", "commitment": "Review every year."}
        biased = {"objectives-met": "3", "free-of-bias": "2"}
        claimed(activity, answers=good)
        claimed(activity, code="participation", hours="2", answers=biased)
        follow_ups_send(today=timezone.localdate() + timedelta(days=365))
        for message, changed in zip(mail.outbox, ["yes", "no"], strict=True):
            token = link_in(message).rstrip("/").rsplit("/", 1)[1]
            from accreditation.follow_ups import follow_up_answer

            follow_up_answer(token=token, changed=changed, comment="")

    def test_the_report_counts_claims_evaluation_bias_and_follow_up(self, activity):
        self.fill(activity)
        report = activity_report(activity.course)
        assert (report.learners, report.completions, report.acknowledgements) == (2, 2, 2)
        assert report.claims_by_type == [
            ("ANCC contact hours", 1, Decimal("1.5")),
            ("Certificate of participation hours", 1, Decimal("2")),
        ]
        assert report.hours_claimed == Decimal("3.5")
        assert report.evaluations == 2
        assert report.objectives_met_mean == "4.00"
        assert report.perceived_bias == "50%"
        assert report.follow_up_response_rate == "100%"
        assert dict(report.follow_up_answers)["Yes, I have made the change"] == 1
        commitment = next(q for q in report.questions if q.question.code == "commitment")
        assert commitment.texts == ["Review every year."]

    def test_administrators_read_it_in_the_cms_and_export_csv_and_xlsx(self, client, activity):
        self.fill(activity)
        client.force_login(staff_user(Role.ADMINISTRATOR))
        listing = client.get(reverse("ce_activities")).content.decode()
        assert "Course ce" in listing and "50%" in listing
        exported = client.get(reverse("ce_activities") + "?export=csv")
        rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
        assert rows[0]["Activity"] == "Course ce"
        assert rows[0]["Claims by credit type"] == (
            "ANCC contact hours: 1 (1.5 h); Certificate of participation hours: 1 (2 h)"
        )
        xlsx = client.get(reverse("ce_activities") + "?export=xlsx")
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        detail = client.get(reverse("ce_activity", args=[activity.course.pk])).content.decode()
        assert "Review every year." in detail
        assert "Perceived commercial bias (disagreed that the content was free of it): 50%" in (
            detail
        )

    def test_learners_and_authors_cannot_read_it(self, client, activity):
        for role in (Role.LEARNER, Role.AUTHOR):
            client.force_login(staff_user(role) if role == Role.AUTHOR else UserFactory())
            assert client.get(reverse("ce_activities")).status_code in {302, 403}
            assert client.get(reverse("ce_pars")).status_code in {302, 403}


class ParsTests:
    def test_the_activity_file_counts_physicians_apart_and_neutralises_formulas(self, activity):
        course = activity.course
        course.title = "=HYPERLINK(1)"
        course.released_on = timezone.localdate() - timedelta(days=30)
        course.save(update_fields=["title", "released_on"])
        CreditType.objects.filter(code="ancc-contact-hours").update(physician_credit=True)
        claimed(activity)
        claimed(activity, code="participation")
        year = timezone.localdate().year
        [row] = list(csv.DictReader(io.StringIO(pars_activities(year))))
        assert row["activity_title"] == "'=HYPERLINK(1)"
        assert row["activity_type"] == "Internet Enduring Material"
        assert (row["physician_learners"], row["other_learners"]) == ("1", "1")
        assert row["hours_of_instruction"] == "2"
        assert row["commercial_support_received"] == "No"
        assert list(csv.DictReader(io.StringIO(pars_activities(year - 5)))) == []

    def test_the_cms_form_downloads_it_and_refuses_a_bad_year(self, client, activity):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        response = client.post(reverse("ce_pars"), {"year": "2026"})
        assert response["Content-Disposition"] == 'attachment; filename="pars-activities-2026.csv"'
        bad = client.post(reverse("ce_pars"), {"year": "nineteen"})
        assert bad.status_code == 400
