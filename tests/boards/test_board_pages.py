"""The board's CE compliance pages: who may see them, what a board sees (its own consenting
licensees only), the forms and their refusals, audited reads, and a licensee list whose
queries do not grow with the number of licensees."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from boards import services
from boards.models import CeEvidence, EvidenceStatus, LateRenewal, RuleVersion, SubjectArea
from courses.models import Topic
from credentials.models import AuditEntry
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, ethics_area, licensee, rule
from tests.factories import UserFactory, staff_user

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
PDF = b"%PDF-1.4\n%test evidence\n"
# Overview queries: session, user, groups, board; rules (4, read once for the page and the
# judgement); the judgement's other reads (8); evidence waiting; the audit entry (9, with its
# savepoints); subject areas (3). None per licensee.
OVERVIEW_QUERIES = 30


def grant(board, person, licence, renews_on=None):
    return services.consent_grant(learner=person, licence=licence, board=board, renews_on=renews_on)


class BoardPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        signing_key_add()
        cls.board, cls.member = board_with_staff()
        cls.ethics = ethics_area(cls.board, cls.member)
        # A cycle that began ten days ago, so yesterday's credential is in the current one.
        cls.version = rule(
            cls.board,
            cls.member,
            fixed_start=TODAY - 10 * DAY,
            total_hours=Decimal(4),
            minimums={cls.ethics: Decimal(1)},
        )
        cls.avery, licence = licensee("100")
        cls.avery.first_name, cls.avery.last_name = "Avery", "Ames"
        cls.avery.save()
        cls.consent = grant(cls.board, cls.avery, licence)
        # Class data is built before the per-test fixture that lifts the time on a lesson.
        with override_settings(LESSON_MIN_TIME_SHARE=0):
            cls.credential = credential_on(cls.avery, TODAY - DAY, hours="2", topic="ethics")
        cls.blake, licence = licensee("200")
        cls.blake_consent = grant(cls.board, cls.blake, licence)
        # Another board, with a licensee of its own.
        cls.other, cls.other_member = board_with_staff("Other Medical Board")
        rule(cls.other, cls.other_member, fixed_start=TODAY - 10 * DAY)
        cls.casey, licence = licensee("300")
        cls.casey_consent = grant(cls.other, cls.casey, licence)

    def setUp(self):
        self.client.force_login(self.member)

    def overview(self, **params):
        return self.client.get(reverse("boards_board:overview"), params)

    def detail_url(self, consent=None):
        return reverse("boards_board:licensee", args=[(consent or self.consent).pk])

    # Who may see the pages -------------------------------------------------------------------

    def test_learners_and_board_verifiers_of_no_board_get_403(self):
        urls = [
            reverse("boards_board:overview"),
            self.detail_url(),
            reverse("boards_board:rules"),
            reverse("boards_board:audits"),
        ]
        for user in (UserFactory(), staff_user(Role.BOARD_VERIFIER)):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_the_portal_links_to_the_compliance_pages(self):
        portal = self.client.get(reverse("board:portal"))
        self.assertContains(portal, "CE renewal compliance")
        self.assertContains(portal, f'href="{reverse("boards_board:overview")}"')

    # Overview --------------------------------------------------------------------------------

    def test_the_overview_lists_the_boards_licensees_with_their_status_in_words(self):
        page = self.overview()
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("Avery Ames", html)
        self.assertIn("Physician (MD) 100", html)
        self.assertIn("2 of 4", html)  # hours counted of required
        self.assertIn("Not yet", html)
        self.assertIn("Not compliant", html)  # the previous cycle, over with no CE
        self.assertNotIn("Resident300", html)  # the other board's licensee
        # The rule in words, and its version history.
        self.assertIn("4 hours of CE in each cycle.", html)
        self.assertIn("At least 1 of them in Ethics.", html)
        self.assertIn("Every credit type is accepted.", html)
        self.assertIn("Version 1: took effect on 1 January 2020", html)
        read = AuditEntry.objects.filter(action="board read CE compliance").latest("pk")
        self.assertEqual(read.subject, "licensee list")
        self.assertEqual(read.details["count"], 2)
        self.assertEqual(read.actor_id, self.member.pk)

    def test_the_overview_filters_by_status_and_licence_type(self):
        page = self.overview(status="compliant")
        self.assertContains(page, "No licensee matching these choices shares their CE with you.")
        self.assertNotContains(page, "Avery Ames")
        page = self.overview(status="not_yet", licence_type="MD", show_all="on")
        self.assertContains(page, "Avery Ames")
        self.assertContains(page, "2 licensees.")

    def test_a_bad_filter_is_400_with_the_reason(self):
        page = self.overview(status="excellent")
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "Select a valid choice", status_code=400)

    def test_the_overview_reads_in_the_same_queries_for_2_and_8_licensees(self):
        url = reverse("boards_board:overview")
        self.client.get(url)  # the session and caches warm
        with CaptureQueriesContext(connection) as two:
            self.assertEqual(self.client.get(url).status_code, 200)
        for number in range(400, 406):
            person, licence = licensee(str(number))
            grant(self.board, person, licence)
        with CaptureQueriesContext(connection) as eight:
            page = self.client.get(url)
        self.assertContains(page, "8 licensees.")
        self.assertEqual(len(two), OVERVIEW_QUERIES)
        self.assertEqual(len(eight), OVERVIEW_QUERIES)

    # One licensee ----------------------------------------------------------------------------

    def test_a_licensee_page_shows_each_cycle_its_ce_and_what_is_missing(self):
        page = self.client.get(self.detail_url())
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("<h1>Avery Ames</h1>", html)
        self.assertIn("Current cycle:", html)
        self.assertIn("Previous cycle:", html)
        self.assertIn("All CE: 2 of 4 hours", html)
        self.assertIn('<progress id="bar-current-total" value="50" max="100">', html)
        self.assertIn("Ethics: 2 of 1 hour · met", html)
        self.assertIn("2 more hours in total", html)
        self.assertIn(f'href="/verify/{self.credential.pk}/"', html)
        read = AuditEntry.objects.filter(action="board read CE compliance").latest("pk")
        self.assertEqual(read.subject, f"consent {self.consent.pk}")

    def test_another_boards_consent_and_a_withdrawn_one_are_404(self):
        self.assertEqual(self.client.get(self.detail_url(self.casey_consent)).status_code, 404)
        services.consent_withdraw(consent=self.blake_consent, learner=self.blake)
        self.assertEqual(self.client.get(self.detail_url(self.blake_consent)).status_code, 404)
        page = self.overview()
        self.assertNotContains(page, "Resident200")

    def test_the_board_confirms_a_renewal_date(self):
        url = reverse("boards_board:renewal_date", args=[self.consent.pk])
        page = self.client.post(url, {"renews_on": "not a date"})
        self.assertContains(page, "Enter a valid date.", status_code=400)
        page = self.client.post(url, {"renews_on": "2027-03-31"})
        self.assertRedirects(page, self.detail_url(), fetch_redirect_response=False)
        self.consent.refresh_from_db()
        self.assertEqual(self.consent.renews_on, dt.date(2027, 3, 31))
        self.assertIsNotNone(self.consent.renews_on_confirmed_at)

    def test_a_late_renewal_on_or_before_the_cycle_end_is_refused_with_the_reason(self):
        url = reverse("boards_board:late_renewal", args=[self.consent.pk])
        end = TODAY - 11 * DAY
        page = self.client.post(url, {"cycle_end": end, "renewed_on": end})
        self.assertContains(page, "A late renewal is after the cycle", status_code=400)
        page = self.client.post(url, {"cycle_end": end, "renewed_on": end + 5 * DAY})
        self.assertEqual(page.status_code, 302)
        self.assertTrue(LateRenewal.objects.filter(board=self.board, cycle_end=end).exists())
        page = self.client.get(self.detail_url())
        self.assertContains(page, "Because of a late renewal")

    def test_evidence_is_downloaded_and_decided_and_a_rejection_needs_a_note(self):
        evidence = services.evidence_submit(
            learner=self.avery,
            consent=self.consent,
            title="Ethics workshop",
            provider="State Society",
            completed_on=TODAY - 2 * DAY,
            hours=Decimal("3"),
            delivery="live",
            area=self.ethics,
            credit_type="",
            file=SimpleUploadedFile("certificate.pdf", PDF, "application/pdf"),
        )
        self.assertContains(self.client.get(self.detail_url()), "Ethics workshop")
        self.assertContains(self.overview(), "<td>1</td>")  # one item waiting for a decision
        download = reverse("boards_board:evidence_file", args=[self.consent.pk, evidence.pk])
        response = self.client.get(download)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        decide = reverse("boards_board:evidence_decide", args=[self.consent.pk, evidence.pk])
        prefix = f"evidence-{evidence.pk}"
        page = self.client.post(decide, {f"{prefix}-decision": "reject", f"{prefix}-note": " "})
        self.assertContains(page, "Say why you reject it", status_code=400)
        page = self.client.post(decide, {f"{prefix}-decision": "maybe"})
        self.assertContains(page, "Select a valid choice", status_code=400)
        page = self.client.post(decide, {f"{prefix}-decision": "accept"})
        self.assertEqual(page.status_code, 302)
        evidence.refresh_from_db()
        self.assertEqual(evidence.status, EvidenceStatus.ACCEPTED)
        # Accepted, it counts: 2 + 3 hours meets the total of 4.
        self.assertContains(self.client.get(self.detail_url()), "All CE: 5 of 4 hours")
        # The other board never gets the file; nor does this one once consent is withdrawn.
        self.client.force_login(self.other_member)
        self.assertEqual(self.client.get(download).status_code, 404)
        self.client.force_login(self.member)
        services.consent_withdraw(consent=self.consent, learner=self.avery)
        self.assertEqual(self.client.get(download).status_code, 404)

    def test_evidence_of_another_licensee_is_404_under_this_consent(self):
        evidence = CeEvidence.objects.create(
            board=self.board,
            licence=self.blake_consent.licence,
            title="Elsewhere",
            provider="P",
            completed_on=TODAY,
            hours=Decimal(1),
            delivery="live",
            file=SimpleUploadedFile("e.pdf", PDF),
        )
        url = reverse("boards_board:evidence_file", args=[self.consent.pk, evidence.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    # Rules and subject areas -----------------------------------------------------------------

    def version_data(self, **changes):
        data = {
            "licence_type": "MD",
            "effective_from": "2027-07-01",
            "cycle_kind": "anchored",
            "cycle_months": "24",
            "total_hours": "30",
            f"min_{self.ethics.pk}": "3",
            "max_self_study": "10",
            "carry_over_hours": "5",
        }
        data.update(changes)
        return data

    def test_a_rule_version_is_added_from_the_form(self):
        self.assertEqual(self.client.get(reverse("boards_board:rules")).status_code, 200)
        page = self.client.post(reverse("boards_board:rule_version_add"), self.version_data())
        self.assertEqual(page.status_code, 302)
        version = RuleVersion.objects.get(rule__board=self.board, number=2)
        self.assertEqual(version.cycle_kind, "anchored")
        self.assertEqual([m.hours for m in version.minimums.all()], [Decimal(3)])
        self.assertEqual(version.maximums.get().delivery, "self_study")
        page = self.client.get(reverse("boards_board:rules"))
        self.assertContains(page, "24-month cycles, each ending on the licensee")
        self.assertContains(page, "At most 10 hours of self-study")
        self.assertContains(page, "Up to 5 hours earned beyond")

    def test_a_rule_version_the_service_refuses_is_400_with_its_reason(self):
        url = reverse("boards_board:rule_version_add")
        cases = [
            ({"effective_from": "2020-01-01"}, "already takes effect on 1 January 2020"),
            ({f"min_{self.ethics.pk}": "40"}, "The minimum for Ethics is more than the total."),
            ({"cycle_kind": "fixed"}, "Fixed cycles need the first day of one cycle"),
            ({"total_hours": "-1"}, "greater than or equal to 0"),
            ({"cycle_months": "0"}, "greater than or equal to 1"),
        ]
        for change, message in cases:
            page = self.client.post(url, self.version_data(**change))
            self.assertContains(page, message, status_code=400)
        self.assertEqual(RuleVersion.objects.filter(rule__board=self.board).count(), 1)

    def test_subject_areas_are_added_and_edited_and_refusals_are_400(self):
        topic = Topic.objects.create(slug="safety", name="Medication safety")
        url = reverse("boards_board:area_add")
        page = self.client.post(url, {"name": "Safety"})
        self.assertContains(page, "Map the subject area to at least one", status_code=400)
        page = self.client.post(url, {"name": "ethics", "topics": [topic.pk]})
        self.assertContains(page, "You already have a subject area named ethics", status_code=400)
        page = self.client.post(url, {"name": "Safety", "topics": [topic.pk]})
        self.assertEqual(page.status_code, 302)
        area = SubjectArea.objects.get(board=self.board, name="Safety")
        edit = reverse("boards_board:area_edit", args=[area.pk])
        self.assertContains(self.client.get(edit), "Medication safety")
        page = self.client.post(edit, {"name": "Patient safety", "topics": [topic.pk]})
        self.assertEqual(page.status_code, 302)
        area.refresh_from_db()
        self.assertEqual(area.name, "Patient safety")
        other_area = ethics_area(self.other, self.other_member, slug="law")
        other_edit = reverse("boards_board:area_edit", args=[other_area.pk])
        self.assertEqual(self.client.get(other_edit).status_code, 404)

    # Audits ----------------------------------------------------------------------------------

    def test_an_audit_is_drawn_shown_and_its_reads_recorded(self):
        url = reverse("boards_board:audits")
        self.assertEqual(self.client.get(url).status_code, 200)
        data = {"licence_type": "MD", "cycle": "current", "percent": "100", "seed": "s1"}
        page = self.client.post(url, data)
        self.assertEqual(page.status_code, 302)
        services.consent_withdraw(consent=self.blake_consent, learner=self.blake)
        page = self.client.get(page["Location"])
        html = page.content.decode()
        self.assertIn("<code>s1</code>", html)
        self.assertIn("2 licensees sampled of 2", html)
        self.assertIn("SHA-256 of <code>s1:&lt;licence number&gt;</code>", html)
        self.assertIn("Consent withdrawn: not shown.", html)
        self.assertNotIn("Resident200", html)
        self.assertIn("Avery Ames", html)
        self.assertIn(f"/verify/{self.credential.pk}/", html)
        self.assertIn("Valid", html)
        read = AuditEntry.objects.filter(action="board read CE compliance").latest("pk")
        self.assertTrue(read.subject.startswith("audit "))
        self.assertEqual(read.details["count"], 2)
        self.assertContains(self.client.get(url), "2 of 2 (100%)")

    def test_a_bad_audit_draw_is_400_with_the_reason(self):
        url = reverse("boards_board:audits")
        page = self.client.post(url, {"licence_type": "MD", "cycle": "current", "percent": "0"})
        self.assertContains(page, "greater than or equal to 0.01", status_code=400)
        rule(self.board, self.member, licence_type="RN", fixed_start=TODAY)
        page = self.client.post(url, {"licence_type": "RN", "cycle": "current", "percent": "5"})
        self.assertContains(
            page, "No licensee of that licence type shares their CE with you.", status_code=400
        )
        page = self.client.post(url, {"licence_type": "NP", "cycle": "current", "percent": "5"})
        self.assertContains(page, "Select a valid choice", status_code=400)

    def test_another_boards_audit_is_404(self):
        from boards.audits import audit_draw

        audit = audit_draw(
            board=self.other,
            by=self.other_member,
            licence_type="MD",
            cycle="current",
            percent=Decimal(100),
        )
        for name in ("audit", "audit_csv", "audit_pdf"):
            url = reverse(f"boards_board:{name}", args=[audit.pk])
            self.assertEqual(self.client.get(url).status_code, 404, name)
