"""Supervised practice, training taken elsewhere, observations, and the program requirements
they count toward."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from assessments import practice
from assessments.models import (
    ExternalTraining,
    Observation,
    PracticeLog,
    ProgramCompetency,
    Rating,
    ReviewStatus,
)
from assessments.practice import PracticeRefused, practice_log_decide, practice_log_record
from assessments.requirements import program_status
from courses.models import Enrolment
from tests.assessments.factories import checklist, competencies
from tests.courses.factories import build_course, build_program
from tests.factories import UserFactory, staff_user

PDF = b"%PDF-1.4\n% evidence\n"


def today():
    # Not a module constant: a run that crosses midnight would see yesterday as "today".
    return timezone.localdate()


@pytest.fixture
def supervisor(db):
    return staff_user(Role.SUPERVISOR)


@pytest.fixture
def program(db, home_page):
    course = build_course("peer-101", modules=1, lessons=1, ce_hours="3")
    program = build_program(
        home_page, courses=[course], training="10", person_centered="5", supervised="6"
    )
    [competency] = competencies("peer.role-and-boundaries")
    ProgramCompetency.objects.create(program=program, competency=competency)
    return program


def log_form(supervisor, **changes) -> dict:
    return {
        "supervisor_email": supervisor.email,
        "date": today().isoformat(),
        "hours": "4",
        "setting": "Peer-run respite",
        "activities": "Co-facilitated a WRAP group.",
        **changes,
    }


@pytest.mark.django_db
class PracticeLogTests:
    def test_learner_logs_supervisor_attests_and_the_program_counts_the_hours(
        self, client, learner, supervisor, program
    ):
        client.force_login(learner)
        response = client.post(reverse("practice:log_create"), log_form(supervisor))
        assert response.status_code == 302
        log = PracticeLog.objects.get()
        assert (log.learner, log.supervisor, log.status) == (learner, supervisor, "submitted")
        # Waiting hours do not count.
        supervised = {r.key: r for r in program_status(user=learner, program=program).requirements}
        assert supervised["supervised_hours"].done == 0

        client.force_login(supervisor)
        queue = client.get(reverse("practice:supervision")).content.decode()
        assert "Co-facilitated a WRAP group." in queue
        client.post(reverse("practice:log_decide", args=[log.pk]), {"decision": "approve"})
        log.refresh_from_db()
        assert log.status == ReviewStatus.APPROVED

        status = {r.key: r for r in program_status(user=learner, program=program).requirements}
        assert (status["supervised_hours"].done, status["supervised_hours"].left) == (4, 2)
        Enrolment.objects.create(user=learner, program=program)
        client.force_login(learner)
        page = client.get(program.url).content.decode()
        assert "Supervised practice hours attested by a supervisor: 4 of 6 hours · 2 left" in page

    @pytest.mark.parametrize(
        "changes, message",
        [
            ({"hours": "0"}, "Ensure this value is greater than or equal to 0.25."),
            ({"hours": "25"}, "Ensure this value is less than or equal to 24."),
            ({"hours": "-3"}, "Ensure this value is greater than or equal to 0.25."),
            (
                {"date": "tomorrow"},
                "The date is in the future.",
            ),
            ({"supervisor_email": "nobody@example.org"}, "No supervisor is registered"),
        ],
    )
    def test_bad_entries_get_a_message_and_save_nothing(
        self, client, learner, supervisor, changes, message
    ):
        client.force_login(learner)
        if changes.get("date") == "tomorrow":
            changes = {"date": (today() + datetime.timedelta(days=1)).isoformat()}
        response = client.post(reverse("practice:log_create"), log_form(supervisor, **changes))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not PracticeLog.objects.exists()

    def test_a_learner_who_is_not_a_supervisor_cannot_be_named(self, client, learner):
        client.force_login(learner)
        other = UserFactory()
        response = client.post(reverse("practice:log_create"), log_form(other))
        assert "No supervisor is registered with that email address." in response.content.decode()

    def test_more_than_24_hours_in_one_day_is_refused(self, client, learner, supervisor):
        client.force_login(learner)
        client.post(reverse("practice:log_create"), log_form(supervisor, hours="20"))
        response = client.post(reverse("practice:log_create"), log_form(supervisor, hours="5"))
        assert response.status_code == 400
        assert "That would make 25 hours on" in response.content.decode()
        assert PracticeLog.objects.count() == 1

    def test_a_supervisor_cannot_supervise_or_attest_their_own_practice(self, supervisor):
        with pytest.raises(PracticeRefused, match="cannot supervise your own practice"):
            practice_log_record(
                learner=supervisor,
                supervisor_email=supervisor.email,
                date=today(),
                hours=Decimal(2),
                setting="Ward",
                activities="Visit",
            )
        other = staff_user(Role.SUPERVISOR)
        log = practice_log_record(
            learner=supervisor,
            supervisor_email=other.email,
            date=today(),
            hours=Decimal(2),
            setting="Ward",
            activities="Visit",
        )
        with pytest.raises(PracticeRefused, match="You cannot attest your own hours."):
            practice_log_decide(log=log, supervisor=supervisor, attest=True)
        assert PracticeLog.objects.get().status == ReviewStatus.SUBMITTED

    def test_a_supervisor_sees_and_decides_only_logs_that_name_them(
        self, client, learner, supervisor
    ):
        other = staff_user(Role.SUPERVISOR)
        log = practice_log_record(
            learner=learner,
            supervisor_email=other.email,
            date=today(),
            hours=Decimal(2),
            setting="Clubhouse",
            activities="Secret activity",
        )
        client.force_login(supervisor)
        assert "Secret activity" not in client.get(reverse("practice:supervision")).content.decode()
        response = client.post(
            reverse("practice:log_decide", args=[log.pk]), {"decision": "approve"}
        )
        assert response.status_code == 404
        assert PracticeLog.objects.get().status == ReviewStatus.SUBMITTED

    def test_learners_cannot_open_the_supervision_queue(self, client, learner):
        client.force_login(learner)
        assert client.get(reverse("practice:supervision")).status_code == 403

    def test_returning_a_log_needs_a_comment(self, client, learner, supervisor):
        log = practice_log_record(
            learner=learner,
            supervisor_email=supervisor.email,
            date=today(),
            hours=Decimal(2),
            setting="Clubhouse",
            activities="Group",
        )
        client.force_login(supervisor)
        response = client.post(
            reverse("practice:log_decide", args=[log.pk]), {"decision": "return"}, follow=True
        )
        assert "Say what needs to change when you return a log." in response.content.decode()
        client.post(
            reverse("practice:log_decide", args=[log.pk]),
            {"decision": "return", "comment": "Add the activities you led."},
        )
        log.refresh_from_db()
        assert (log.status, log.supervisor_comment) == ("returned", "Add the activities you led.")


def training_form(**changes) -> dict:
    return {
        "title": "Intentional Peer Support core training",
        "provider": "A peer training provider",
        "completed_on": today().isoformat(),
        "hours": "6",
        "person_centered": "on",
        "evidence": SimpleUploadedFile("certificate.pdf", PDF, "application/pdf"),
        **changes,
    }


@pytest.mark.django_db
class ExternalTrainingTests:
    def test_approved_training_counts_toward_training_and_person_centered_hours(
        self, client, learner, program
    ):
        client.force_login(learner)
        assert client.post(reverse("practice:training_create"), training_form()).status_code == 302
        training = ExternalTraining.objects.get()
        assert training.evidence.read() == PDF
        admin = staff_user(Role.ADMINISTRATOR)
        client.force_login(admin)
        client.post(
            reverse("practice:training_review"), {"training": training.pk, "decision": "approve"}
        )
        status = {r.key: r for r in program_status(user=learner, program=program).requirements}
        assert status["training_hours"].done == 6
        assert status["person_centered_hours"].done == 6

    @pytest.mark.parametrize(
        "evidence, message",
        [
            (
                SimpleUploadedFile("notes.pdf", b"just text, not a PDF", "application/pdf"),
                "The evidence must be a PDF, PNG or JPEG file.",
            ),
            (
                SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream"),
                "The evidence must be a PDF, PNG or JPEG file.",
            ),
            (
                SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf"),
                "The evidence file is larger than 5 MB.",
            ),
        ],
    )
    def test_evidence_of_the_wrong_type_or_size_is_refused(
        self, client, learner, evidence, message
    ):
        client.force_login(learner)
        response = client.post(
            reverse("practice:training_create"), training_form(evidence=evidence)
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not ExternalTraining.objects.exists()

    def test_evidence_is_private_to_its_owner_and_program_staff(self, client, learner):
        client.force_login(learner)
        client.post(reverse("practice:training_create"), training_form())
        url = reverse("practice:evidence", args=[ExternalTraining.objects.get().pk])
        assert b"".join(client.get(url).streaming_content) == PDF
        client.force_login(UserFactory())
        assert client.get(url).status_code == 404
        client.force_login(staff_user(Role.ADMINISTRATOR))
        assert client.get(url).status_code == 200

    def test_learners_cannot_approve_training(self, client, learner):
        client.force_login(learner)
        assert client.get(reverse("practice:training_review")).status_code == 403


BEHAVIOURS = ("explains-the-role", "keeps-boundaries", "refers-medication-questions")


@pytest.fixture
def supervisee(learner, supervisor):
    """The learner named the supervisor on a log, so the supervisor may observe them."""
    practice_log_record(
        learner=learner,
        supervisor_email=supervisor.email,
        date=today(),
        hours=Decimal(2),
        setting="Respite",
        activities="Support",
    )
    [competency] = competencies("peer.role-and-boundaries")
    checklist(competency, *BEHAVIOURS)
    return learner


def observe_url(learner, competency="peer.role-and-boundaries") -> str:
    query = urlencode({"learner": str(learner.public_id), "competency": competency})
    return f"{reverse('practice:observe')}?{query}"


def checklist_form(**ratings) -> dict:
    return {
        "observed_on": today().isoformat(),
        "comment": "Explained the peer role and referred the medication question on.",
        **{f"behaviour-{code}": ratings.get(code, "competent") for code in BEHAVIOURS},
    }


@pytest.mark.django_db
class ObservationTests:
    def test_the_checklist_lists_each_behaviour_with_the_ratings(
        self, client, supervisor, supervisee
    ):
        client.force_login(supervisor)
        start = client.get(reverse("practice:supervision")).content.decode()
        assert f'action="{reverse("practice:observe")}"' in start
        body = client.get(observe_url(supervisee)).content.decode()
        for code in BEHAVIOURS:
            assert f"Does {code} where it can be seen." in body
            assert f'name="behaviour-{code}" value="developing"' in body

    def test_every_behaviour_competent_counts_toward_observed_competencies(
        self, client, supervisor, supervisee, program
    ):
        client.force_login(supervisor)
        response = client.post(observe_url(supervisee), checklist_form())
        assert response.status_code == 302
        observation = Observation.objects.get()
        assert observation.rating == Rating.COMPETENT
        assert [(r.behaviour.code, r.rating) for r in observation.ratings.all()] == [
            (code, "competent") for code in BEHAVIOURS
        ]
        status = {r.key: r for r in program_status(user=supervisee, program=program).requirements}
        assert status["observed_competencies"].met

    def test_one_developing_behaviour_makes_the_observation_developing(
        self, client, supervisor, supervisee, program
    ):
        client.force_login(supervisor)
        form = checklist_form(**{"keeps-boundaries": "developing"})
        assert client.post(observe_url(supervisee), form).status_code == 302
        assert Observation.objects.get().rating == Rating.DEVELOPING
        status = {r.key: r for r in program_status(user=supervisee, program=program).requirements}
        assert not status["observed_competencies"].met

    def test_a_behaviour_left_unrated_is_refused_and_nothing_is_saved(
        self, client, supervisor, supervisee
    ):
        client.force_login(supervisor)
        form = checklist_form()
        del form["behaviour-keeps-boundaries"]
        response = client.post(observe_url(supervisee), form)
        assert response.status_code == 400
        assert "Rate this behaviour." in response.content.decode()
        assert not Observation.objects.exists()

    def test_an_unknown_rating_is_refused(self, client, supervisor, supervisee):
        client.force_login(supervisor)
        form = checklist_form(**{"keeps-boundaries": "superb"})
        response = client.post(observe_url(supervisee), form)
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not Observation.objects.exists()

    def test_the_service_refuses_a_partial_or_foreign_checklist(self, supervisor, supervisee):
        base = {
            "supervisor": supervisor,
            "learner": supervisee,
            "competency_code": "peer.role-and-boundaries",
            "observed_on": today(),
            "comment": "Seen.",
        }
        with pytest.raises(PracticeRefused, match="1 of 3 not rated"):
            practice.observation_record(
                **base, ratings={"explains-the-role": "competent", "keeps-boundaries": "competent"}
            )
        with pytest.raises(PracticeRefused, match="Not on the checklist .*: elicits-goals"):
            practice.observation_record(
                **base,
                ratings={**dict.fromkeys(BEHAVIOURS, "competent"), "elicits-goals": "competent"},
            )
        with pytest.raises(PracticeRefused, match="Unknown rating: superb"):
            practice.observation_record(
                **base,
                ratings={**dict.fromkeys(BEHAVIOURS, "competent"), "keeps-boundaries": "superb"},
            )
        assert not Observation.objects.exists()

    def test_a_competency_without_a_checklist_cannot_be_observed(
        self, client, supervisor, supervisee
    ):
        competencies("peer.lived-experience")  # no behaviours
        client.force_login(supervisor)
        response = client.get(observe_url(supervisee, "peer.lived-experience"))
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        with pytest.raises(PracticeRefused, match="has no observation checklist yet"):
            practice.observation_record(
                supervisor=supervisor,
                learner=supervisee,
                competency_code="peer.lived-experience",
                observed_on=today(),
                ratings={},
                comment="Seen.",
            )

    def test_only_people_who_named_the_supervisor_can_be_observed(
        self, client, supervisor, supervisee
    ):
        stranger = UserFactory()
        client.force_login(supervisor)
        response = client.post(observe_url(stranger), checklist_form())
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not Observation.objects.exists()

    def test_learners_cannot_open_a_checklist(self, client, supervisee):
        client.force_login(supervisee)
        assert client.get(observe_url(supervisee)).status_code == 403

    def test_the_learner_sees_each_behaviour_rating(self, client, supervisor, supervisee):
        client.force_login(supervisor)
        client.post(observe_url(supervisee), checklist_form(**{"keeps-boundaries": "not_yet"}))
        client.force_login(supervisee)
        body = client.get(reverse("practice:home")).content.decode()
        assert "Not yet demonstrated" in body
        assert (
            "Does keeps-boundaries where it can be seen. <strong>Not yet demonstrated</strong>"
            in body
        )


@pytest.mark.django_db
def test_program_status_runs_a_fixed_number_of_queries(learner, program, django_assert_num_queries):
    # the program's courses, the learner's enrolments in them, their exams (none here, so no
    # query for exams passed), the competencies asked for, every hour total (practice and
    # training elsewhere) in one query, the competencies observed
    with django_assert_num_queries(6):
        status = program_status(user=learner, program=program)
    assert [r.key for r in status.requirements] == [
        "courses",
        "training_hours",
        "person_centered_hours",
        "supervised_hours",
        "observed_competencies",
    ]
    assert not status.met


@pytest.mark.django_db
def test_competency_page_shows_observations_and_attested_practice(client, learner, supervisor):
    [competency] = competencies("peer.role-and-boundaries")
    log = practice_log_record(
        learner=learner,
        supervisor_email=supervisor.email,
        date=today(),
        hours=Decimal("3.5"),
        setting="Respite",
        activities="Support",
        competency_codes=["peer.role-and-boundaries"],
    )
    practice_log_decide(log=log, supervisor=supervisor, attest=True)
    checklist(competency, "keeps-boundaries")
    practice.observation_record(
        supervisor=supervisor,
        learner=learner,
        competency_code=competency.code,
        observed_on=today(),
        ratings={"keeps-boundaries": "developing"},
        comment="Good start.",
    )
    client.force_login(learner)
    body = client.get(reverse("practice:competencies")).content.decode()
    row = body[body.index('<th scope="row">peer.role-and-boundaries</th>') :]
    row = row[: row.index("</tr>")]
    assert "Developing" in row
    assert "3.5 h" in row
    assert "None yet" in row  # no questions answered for it yet


@pytest.mark.django_db
def test_a_malformed_training_id_is_not_found(client):
    client.force_login(staff_user(Role.ADMINISTRATOR))
    response = client.post(
        reverse("practice:training_review"), {"training": "abc", "decision": "approve"}
    )
    assert response.status_code == 404
