"""Issuing credentials: when the rules are met (on the learning events), by an administrator,
exactly once per period, signed and verifiable; revocation with a reason."""

import json
import threading
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

import pytest

from accounts.models import Licence
from accounts.roles import Role
from credentials.issuance import IssuanceRefused, credential_issue, credential_revoke
from credentials.models import AchievementKind, AuditEntry, Credential
from credentials.renewals import add_months
from credentials.signing_keys import signing_key_add
from credentials.verification import verify_document
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user


@pytest.fixture
def signing_key(db):
    return signing_key_add()[0]


@pytest.fixture
def achievement(db):
    return course_achievement()


@pytest.mark.django_db
class IssuanceTests:
    def test_completing_the_course_issues_one_signed_credential(
        self, signing_key, achievement, django_capture_on_commit_callbacks
    ):
        learner = UserFactory(first_name="Riley", last_name="Resident")
        Licence.objects.create(
            user=learner,
            jurisdiction="US-NY",
            licence_type="MD",
            number="12345",
            verified_at=timezone.now(),
        )
        # Someone else's number, claimed and never verified, is not written into the credential.
        Licence.objects.create(user=learner, jurisdiction="US-NY", licence_type="RN", number="999")
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(learner, achievement)
        credential = Credential.objects.get()
        assert (credential.learner, credential.achievement) == (learner, achievement)
        document = credential.document
        subject = document["credentialSubject"]
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert subject["creditsEarned"] == 3.0
        assert subject["licenseNumber"] == "US-NY MD 12345"
        assert subject["achievement"]["achievementType"] == "Course"
        assert {"identityType": "name", "identityHash": "Riley Resident"}.items() <= (
            subject["identifier"][1].items()
        )
        assert learner.email not in str(document)  # only a salted hash of it
        assert subject["identifier"][0]["identityHash"].startswith("sha256$")
        assert verify_document(document).status == "valid"

    def test_rules_not_met_say_what_is_left(self, signing_key, achievement):
        with pytest.raises(IssuanceRefused, match="Still to do: Modules completed"):
            credential_issue(learner=UserFactory(), achievement=achievement)
        assert not Credential.objects.exists()

    def test_a_second_issuance_returns_the_first_credential(self, signing_key, achievement):
        learner = UserFactory()
        complete_course(learner, achievement)
        first = credential_issue(learner=learner, achievement=achievement)
        again = credential_issue(learner=learner, achievement=achievement)
        assert first.created and not again.created
        assert again.credential == first.credential
        assert Credential.objects.count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_two_racing_issuances_make_one_credential(self, achievement):
        if connection.vendor == "sqlite":
            pytest.skip(
                "SQLite's in-memory test database locks whole tables between threads; the race "
                "runs on PostgreSQL, which CI also runs"
            )
        signing_key_add()
        learner = UserFactory()
        complete_course(learner, achievement)
        # Completing the course already issued it (after commit); race for a fresh one.
        assert Credential.objects.count() == 1
        Credential.objects.all().delete()
        barrier, results, errors = threading.Barrier(2), [], []

        def issue():
            try:
                barrier.wait()
                results.append(credential_issue(learner=learner, achievement=achievement))
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=issue) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert Credential.objects.count() == 1
        assert sorted(r.created for r in results) == [False, True]

    def test_an_administrator_may_issue_without_the_rules_and_is_recorded(
        self, signing_key, achievement
    ):
        admin = staff_user(Role.ADMINISTRATOR)
        issued = credential_issue(learner=UserFactory(), achievement=achievement, issued_by=admin)
        assert issued.credential.issued_by == admin
        # The signed document says so, and it still verifies: the evidence is signed with it.
        [evidence] = issued.credential.document["evidence"]
        assert evidence["name"] == "Issued by hand"
        assert verify_document(issued.credential.document).status == "valid"
        entry = AuditEntry.objects.get(action="credential issued")
        assert (entry.actor_id, entry.details["by hand"]) == (admin.pk, True)
        with pytest.raises(IssuanceRefused, match="Only administrators"):
            credential_issue(
                learner=UserFactory(), achievement=achievement, issued_by=UserFactory()
            )

    def test_nobody_issues_a_credential_to_themselves(self, signing_key, achievement):
        admin = staff_user(Role.ADMINISTRATOR)
        with pytest.raises(IssuanceRefused, match="Nobody issues a credential to themselves"):
            credential_issue(learner=admin, achievement=achievement, issued_by=admin)
        assert not Credential.objects.exists()

    def test_a_credential_earned_by_the_rules_carries_no_by_hand_evidence(
        self, signing_key, achievement
    ):
        learner = UserFactory()
        complete_course(learner, achievement)
        assert (
            "evidence"
            not in credential_issue(learner=learner, achievement=achievement).credential.document
        )

    def test_a_certification_is_valid_for_its_months_then_a_new_period_starts(
        self, signing_key, achievement
    ):
        achievement.kind = AchievementKind.COURSE  # rules of a course, validity of a cert
        achievement.validity_months = 12
        achievement.save()
        learner = UserFactory()
        complete_course(learner, achievement)
        start = timezone.now()
        first = credential_issue(learner=learner, achievement=achievement, now=start).credential
        assert first.valid_until == add_months(start, 12)
        assert first.document["validUntil"].startswith(f"{first.valid_until:%Y-%m-%d}")
        later = first.valid_until + timedelta(days=1)
        renewed = credential_issue(learner=learner, achievement=achievement, now=later)
        assert renewed.created and renewed.credential.period == later.date().isoformat()
        assert verify_document(first.document, now=later).status == "expired"

    def test_without_a_signing_key_nothing_is_half_written(self, achievement):
        learner = UserFactory()
        complete_course(learner, achievement)
        with pytest.raises(Exception, match="credentials_key_add"):
            credential_issue(learner=learner, achievement=achievement)
        assert not Credential.objects.exists()


def test_add_months_keeps_the_day_or_takes_the_months_last():
    moment = timezone.now().replace(year=2026, month=1, day=31)
    assert add_months(moment, 1).date().isoformat() == "2026-02-28"
    assert add_months(moment, 12).date().isoformat() == "2027-01-31"
    assert add_months(moment.replace(year=2027, month=2, day=28), 12).day == 28


@pytest.mark.django_db
class RevocationTests:
    def test_revoking_flips_the_status_list_bit_and_verification_says_revoked(
        self, signing_key, achievement
    ):
        learner = UserFactory()
        complete_course(learner, achievement)
        credential = credential_issue(learner=learner, achievement=achievement).credential
        credential_revoke(
            credential=credential, by=staff_user(Role.ADMINISTRATOR), reason="Issued in error."
        )
        credential.refresh_from_db()
        assert credential.revocation_reason == "Issued in error."
        result = verify_document(credential.document)
        assert result.status == "revoked"
        assert [c.name for c in result.checks if not c.passed] == ["revocation"]

    def test_after_revoking_a_corrected_credential_can_be_issued(self, signing_key, achievement):
        learner = UserFactory()
        complete_course(learner, achievement)
        first = credential_issue(learner=learner, achievement=achievement).credential
        credential_revoke(credential=first, by=staff_user(Role.ADMINISTRATOR), reason="Typo.")
        second = credential_issue(learner=learner, achievement=achievement)
        assert second.created and second.credential.pk != first.pk
        assert second.credential.status_index != first.status_index

    def test_a_reason_and_an_administrator_are_required(self, signing_key, achievement):
        learner = UserFactory()
        complete_course(learner, achievement)
        credential = credential_issue(learner=learner, achievement=achievement).credential
        with pytest.raises(IssuanceRefused, match="Give the reason"):
            credential_revoke(credential=credential, by=staff_user(Role.ADMINISTRATOR), reason=" ")
        with pytest.raises(IssuanceRefused, match="Only administrators"):
            credential_revoke(credential=credential, by=learner, reason="Mine.")
        assert verify_document(credential.document).status == "valid"


@pytest.mark.django_db
class ExportTests:
    def test_exports_signed_credentials_as_json_lines_with_filters(self, signing_key, tmp_path):
        first, second = course_achievement("one"), course_achievement("two")
        learner, other = UserFactory(email="riley@example.org"), UserFactory()
        for person, achievement in ((learner, first), (learner, second), (other, first)):
            complete_course(person, achievement)
            credential_issue(learner=person, achievement=achievement)
        out = StringIO()
        call_command(
            "export_credentials", "--learner", "RILEY@example.org", stdout=out, stderr=StringIO()
        )
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len(lines) == 2
        assert all(verify_document(line).status == "valid" for line in lines)
        target = tmp_path / "first.jsonl"
        call_command(
            "export_credentials",
            "--achievement",
            "course-one",
            "--output",
            str(target),
            stderr=StringIO(),
        )
        assert len(target.read_text().splitlines()) == 2
        with pytest.raises(CommandError, match="No achievement 'nope'"):
            call_command("export_credentials", "--achievement", "nope", stderr=StringIO())


@pytest.mark.django_db
class SuspensionTests:
    def test_suspend_then_reinstate(self, signing_key, achievement):
        from credentials.issuance import credential_suspend

        learner = UserFactory()
        complete_course(learner, achievement)
        credential = credential_issue(learner=learner, achievement=achievement).credential
        admin = staff_user(Role.ADMINISTRATOR)
        credential_suspend(credential=credential, by=admin, suspend=True)
        assert verify_document(credential.document).status == "suspended"
        with pytest.raises(IssuanceRefused, match="already suspended"):
            credential_suspend(credential=credential, by=admin, suspend=True)
        credential_suspend(credential=credential, by=admin, suspend=False)
        assert verify_document(credential.document).status == "valid"
        credential_revoke(credential=credential, by=admin, reason="Misconduct.")
        with pytest.raises(IssuanceRefused, match="cannot be suspended"):
            credential_suspend(credential=credential, by=admin, suspend=True)


@pytest.mark.django_db
def test_a_certification_is_issued_when_its_last_requirement_is_observed(
    signing_key, home_page, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from assessments import practice
    from assessments.models import ProgramCompetency
    from courses.models import Enrolment
    from credentials.models import Achievement
    from tests.assessments.factories import checklist, competencies
    from tests.courses.factories import build_program

    achievement = course_achievement("peer-101")
    program = build_program(
        home_page,
        courses=[achievement.course],
        credential_name="Certified Peer Specialist",
        training="3",
        supervised="2",
    )
    [competency] = competencies("peer.role-and-boundaries")
    checklist(competency, "explains-the-role")
    ProgramCompetency.objects.create(program=program, competency=competency)
    certification = Achievement.objects.create(
        slug="program-peer-cert",
        kind=AchievementKind.CERTIFICATION,
        program=program,
        name="Certified Peer Specialist",
        description="For peers.",
        criteria="All of it.",
        validity_months=12,
    )
    learner, supervisor = UserFactory(), staff_user(Role.SUPERVISOR)
    Enrolment.objects.create(user=learner, program=program)
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, achievement)
        log = practice.practice_log_record(
            learner=learner,
            supervisor_email=supervisor.email,
            date=timezone.localdate(),
            hours=Decimal(2),
            setting="Respite",
            activities="Support",
        )
        practice.practice_log_decide(log=log, supervisor=supervisor, attest=True)
    assert not Credential.objects.filter(achievement=certification).exists()  # not observed yet
    with django_capture_on_commit_callbacks(execute=True):
        practice.observation_record(
            supervisor=supervisor,
            learner=learner,
            competency_code=competency.code,
            observed_on=timezone.localdate(),
            ratings={"explains-the-role": "competent"},
            comment="Clear about the role.",
        )
    credential = Credential.objects.get(achievement=certification)
    assert credential.valid_until == add_months(credential.valid_from, 12)
    assert credential.document["credentialSubject"]["achievement"]["achievementType"] == (
        "Certification"
    )
