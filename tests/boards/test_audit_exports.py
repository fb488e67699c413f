"""An audit's CSV and PDF: one CSV row per CE item of each sampled licensee (and one for a
licensee with none, or who withdrew consent), each credential with its verify address and its
verification from the signed document; the PDF summary; reads recorded in the audit log."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from boards import services
from boards.audit_exports import CSV_COLUMNS, WITHDRAWN, audit_csv
from boards.audits import audit_draw, audit_results
from boards.selectors import judge_consents, live_consents
from credentials.issuance import credential_revoke
from credentials.models import AuditEntry, Credential
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, licensee, rule
from tests.factories import staff_user

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def grant(board, person, licence):
    return services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)


class AuditExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        signing_key_add()
        cls.board, cls.member = board_with_staff()
        rule(cls.board, cls.member, fixed_start=TODAY - 10 * DAY, total_hours=Decimal(3))
        # 100: three credentials, one revoked, one whose stored document was changed.
        cls.avery, licence = licensee("100")
        grant(cls.board, cls.avery, licence)
        with override_settings(LESSON_MIN_TIME_SHARE=0):
            cls.valid = credential_on(cls.avery, TODAY - 3 * DAY, hours="2")
            cls.revoked = credential_on(cls.avery, TODAY - 2 * DAY, hours="1")
            cls.altered = credential_on(cls.avery, TODAY - DAY, hours="1")
        credential_revoke(
            credential=cls.revoked, by=staff_user(Role.ADMINISTRATOR), reason="Issued in error"
        )
        document = cls.altered.document
        document["credentialSubject"]["creditsEarned"] = 1  # same hours, but not as signed
        document["name"] = "Changed after signing"
        Credential.objects.filter(pk=cls.altered.pk).update(document=document)
        # 200: no CE at all. 300: withdraws consent after the draw.
        cls.blake, licence = licensee("200")
        grant(cls.board, cls.blake, licence)
        cls.casey, licence = licensee("300")
        cls.casey_consent = grant(cls.board, cls.casey, licence)
        cls.audit = audit_draw(
            board=cls.board,
            by=cls.member,
            licence_type="MD",
            cycle="current",
            percent=Decimal(100),
            seed="fixed-seed",
        )
        services.consent_withdraw(consent=cls.casey_consent, learner=cls.casey)

    def setUp(self):
        self.client.force_login(self.member)

    def download(self, name):
        response = self.client.get(reverse(f"boards_board:{name}", args=[self.audit.pk]))
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_csv_has_a_row_per_item_and_per_licensee_without_items(self):
        response = self.download("audit_csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        reader = csv.DictReader(io.StringIO(response.content.decode()))
        self.assertEqual(reader.fieldnames, CSV_COLUMNS)
        rows = list(reader)
        by_licence = {}
        for row in rows:
            by_licence.setdefault(row["licence_number"], []).append(row)
        self.assertEqual(sorted(by_licence), ["100", "200", "300"])
        for row in rows:
            self.assertEqual(row["seed"], "fixed-seed")
            self.assertEqual(row["population"], "3")
            self.assertEqual(row["population_digest"], self.audit.population_digest)

        # The licensee with credentials: one row each, verified from the signed document.
        avery = {row["credential_id"]: row for row in by_licence["100"]}
        self.assertEqual(set(avery), {str(c.pk) for c in (self.valid, self.revoked, self.altered)})
        valid, revoked, altered = (
            avery[str(c.pk)] for c in (self.valid, self.revoked, self.altered)
        )
        self.assertEqual(valid["verify_url"], f"{settings.SITE_URL}/verify/{self.valid.pk}/")
        self.assertEqual(
            (valid["verification_status"], valid["failed_checks"], valid["item_hours_counted"]),
            ("valid", "", "2"),
        )
        self.assertEqual(revoked["verification_status"], "revoked")
        self.assertIn("revocation:", revoked["failed_checks"])
        self.assertEqual(revoked["item_hours_counted"], "0")
        self.assertIn("Not counted", revoked["not_counted_because"])
        self.assertEqual(altered["verification_status"], "invalid")
        self.assertIn("signature:", altered["failed_checks"])
        self.assertEqual(altered["item_hours_counted"], "0")
        self.assertIn("verification failed", altered["not_counted_because"])
        # Only the valid credential's 2 hours count: not compliant yet with 3 required.
        for row in by_licence["100"]:
            self.assertEqual(
                (row["status"], row["hours_counted"], row["hours_required"]),
                ("Not yet", "2", "3"),
            )
            self.assertEqual(row["missing"], "1 more hour in total")
            self.assertEqual(row["licensee"], "Riley Resident100")

        # No CE: one row, no item.
        (blake,) = by_licence["200"]
        self.assertEqual(
            (blake["status"], blake["hours_counted"], blake["item"]), ("Not yet", "0", "")
        )
        # Withdrawn: one row, nothing about the person or their CE.
        (casey,) = by_licence["300"]
        self.assertEqual(casey["licensee"], WITHDRAWN)
        self.assertEqual(casey["status"], "Consent withdrawn")
        self.assertEqual(casey["hours_counted"], "")
        self.assertNotIn("Resident300", response.content.decode())

    def test_the_csv_agrees_with_the_boards_compliance_list_where_the_documents_verify(self):
        """The list reads our columns (revocation included); the audit reads the signed
        documents. They differ only on the altered credential, which the audit refuses."""
        (listed,) = [
            row
            for row in judge_consents(self.board, live_consents(self.board))
            if row.licence.number == "100"
        ]
        self.assertEqual(listed.current.counted, Decimal(3))  # 2 valid + 1 altered
        results = audit_results(self.audit, by=self.member)
        (avery,) = [r for r in results if r.licence.number == "100"]
        self.assertEqual(avery.compliance.counted, Decimal(2))
        rows = list(csv.DictReader(io.StringIO(audit_csv(self.audit, results))))
        self.assertEqual(len(rows), 5)  # 3 items + 1 licensee without + 1 withdrawn

    def test_the_pdf_is_a_pdf_stating_how_many_were_sampled(self):
        response = self.download("audit_pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertIn(b"3 licensees sampled of 3", response.content)

    def test_every_download_is_recorded_as_a_read(self):
        before = AuditEntry.objects.filter(action="board read CE compliance").count()
        self.download("audit_csv")
        self.download("audit_pdf")
        reads = AuditEntry.objects.filter(action="board read CE compliance").order_by("pk")
        self.assertEqual(reads.count(), before + 2)
        for entry in reads.reverse()[:2]:
            self.assertEqual(entry.subject, f"audit {self.audit.pk}")
            self.assertEqual(entry.details["count"], 3)
            self.assertEqual(entry.actor_id, self.member.pk)
