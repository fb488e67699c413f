"""Issuing an achievement by hand to many learners at once (credentials_issue_bulk): the same
credentials, audit entries and learning-record statements as issuing each singly."""

from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from accounts.models import Licence
from accounts.roles import Role
from accreditation.models import CreditClaim, CreditType
from credentials import bulk_issuance
from credentials.audit import audit_chain_check
from credentials.bulk_issuance import credentials_issue_bulk
from credentials.issuance import IssuanceRefused, credential_issue
from credentials.models import AuditEntry, Credential
from credentials.signing_keys import signing_key_add
from credentials.verification import verify_document, verify_stored
from learning_records.models import OutboxStatement
from tests.credentials.factories import course_achievement
from tests.factories import UserFactory, staff_user


@pytest.fixture
def signing_key(db):
    return signing_key_add()[0]


@pytest.fixture
def achievement(db):
    return course_achievement()


@pytest.fixture
def admin(db):
    return staff_user(Role.ADMINISTRATOR)


@pytest.mark.django_db
class BulkIssuanceTests:
    def test_each_learner_gets_a_signed_audited_recorded_credential(
        self, signing_key, achievement, admin, monkeypatch
    ):
        monkeypatch.setattr(bulk_issuance, "BATCH", 2)  # three batches
        learners = UserFactory.create_batch(5)
        Licence.objects.create(
            user=learners[0],
            jurisdiction="US-NY",
            licence_type="MD",
            number="12345",
            verified_at=timezone.now(),
        )
        result = credentials_issue_bulk(achievement=achievement, learners=learners, issued_by=admin)
        assert len(result.issued) == 5 and result.held == []
        credentials = Credential.objects.order_by("learner_id")
        assert [c.learner for c in credentials] == learners
        assert len({c.status_index for c in credentials}) == 5
        for credential in credentials:
            assert credential.issued_by == admin
            assert credential.document["evidence"][0]["name"] == "Issued by hand"
            assert verify_document(credential.document).status == "valid"  # full check
            assert verify_stored(credential).status == "valid"  # its digest is the one stored
        assert credentials[0].document["credentialSubject"]["licenseNumber"] == "US-NY MD 12345"
        entries = AuditEntry.objects.filter(action="credential issued")
        assert sorted(e.subject for e in entries) == sorted(
            f"credential {c.pk}" for c in credentials
        )
        assert all(e.actor == admin and e.details["by hand"] for e in entries)
        assert audit_chain_check() == (AuditEntry.objects.count(), None)  # key added, 5 issued
        earned = OutboxStatement.objects.filter(verb="earned")
        assert sorted(s.learner_id for s in earned) == [u.pk for u in learners]

    def test_a_credential_is_the_one_credential_issue_makes(self, signing_key, achievement, admin):
        credit = CreditType.objects.create(
            code="ancc", name="ANCC contact hours", professions="Nurses"
        )
        singly, bulk = UserFactory(), UserFactory()
        for learner in (singly, bulk):
            CreditClaim.objects.create(
                user=learner,
                course=achievement.course,
                credit_type=credit,
                hours=Decimal("1.5"),
                max_hours=Decimal("3"),
                seconds_on_task=5400,
                claimed_at=timezone.now(),
                attestation="I attest.",
            )
        now = timezone.now()
        one = credential_issue(learner=singly, achievement=achievement, issued_by=admin, now=now)
        [other] = credentials_issue_bulk(
            achievement=achievement, learners=[bulk], issued_by=admin, now=now
        ).issued
        assert (other.credits, other.credit_type) == (Decimal("1.5"), "ANCC contact hours")

        def comparable(credential):
            document = credential.document
            subject = document["credentialSubject"]
            return {
                **{k: v for k, v in document.items() if k not in {"id", "proof"}},
                "credentialStatus": len(document["credentialStatus"]),
                "credentialSubject": {k: v for k, v in subject.items() if k != "identifier"},
                "proof": {k: v for k, v in document["proof"].items() if k != "proofValue"},
            }

        assert comparable(other) == comparable(one.credential)
        assert (other.credits, other.credit_type) == (
            one.credential.credits,
            one.credential.credit_type,
        )

    def test_a_holder_keeps_theirs_a_learner_listed_twice_gets_one_and_a_rerun_issues_none(
        self, signing_key, achievement, admin
    ):
        holder, newcomer = UserFactory(), UserFactory()
        credential_issue(learner=holder, achievement=achievement, issued_by=admin)
        result = credentials_issue_bulk(
            achievement=achievement, learners=[holder, newcomer, newcomer], issued_by=admin
        )
        assert [c.learner for c in result.issued] == [newcomer] and result.held == [holder]
        again = credentials_issue_bulk(
            achievement=achievement, learners=[holder, newcomer], issued_by=admin
        )
        assert again.issued == [] and Credential.objects.count() == 2

    def test_only_an_administrator_and_never_to_themselves(self, signing_key, achievement, admin):
        with pytest.raises(IssuanceRefused, match="Only administrators"):
            credentials_issue_bulk(
                achievement=achievement, learners=[UserFactory()], issued_by=UserFactory()
            )
        with pytest.raises(IssuanceRefused, match="Nobody issues a credential to themselves"):
            credentials_issue_bulk(
                achievement=achievement, learners=[UserFactory(), admin], issued_by=admin
            )
        assert not Credential.objects.exists()


@pytest.mark.django_db
class BulkIssuanceCommandTests:
    def test_the_command_issues_to_the_addresses_listed(
        self, signing_key, achievement, admin, tmp_path
    ):
        learners = UserFactory.create_batch(3)
        emails = tmp_path / "cohort.txt"
        emails.write_text("\n".join([u.email.upper() for u in learners] + ["", learners[0].email]))
        out = StringIO()
        call_command(
            "credentials_issue_bulk",
            achievement.slug,
            "--by",
            admin.email,
            "--emails",
            emails,
            stdout=out,
        )
        assert out.getvalue().strip() == (
            f"3 credential(s) of {achievement.slug} issued; "
            "0 learner(s) already hold one for the period."
        )
        assert Credential.objects.count() == 3

    def test_an_unknown_address_issues_nothing(self, signing_key, achievement, admin, tmp_path):
        emails = tmp_path / "cohort.txt"
        emails.write_text(f"{UserFactory().email}\nnobody@example.org\n")
        with pytest.raises(CommandError, match="1 address.*no account, e.g. nobody@example.org"):
            call_command(
                "credentials_issue_bulk", achievement.slug, "--by", admin.email, "--emails", emails
            )
        assert not Credential.objects.exists()
