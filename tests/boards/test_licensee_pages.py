"""The licensee's /licences/ page: boards whose rule covers each licence, sharing and
withdrawing, the judgement the board reads, courses for the gap, evidence uploads and their
files; another learner's consent and files are 404; bad input is a 400 that says why; queries
constant in the number of credentials."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateformat import format as date_format

import pytest

from boards import services
from boards.cycles import fixed_cycle
from boards.models import CeEvidence, CycleKind, Delivery, EvidenceStatus, LicenceConsent
from courses.models import Topic
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, ethics_area, licensee, rule
from tests.courses.factories import build_course

PDF = b"%PDF-1.4\n% certificate\n"
URL = "/licences/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def setup(db, today):
    """A board asking 4 hours a year, 1.5 of them in Ethics, in cycles that began 60 days ago;
    a verified physician licensee."""
    signing_key_add()
    board, member = board_with_staff()
    ethics = ethics_area(board, member)
    start = today - dt.timedelta(days=60)
    rule(
        board,
        member,
        fixed_start=start,
        total_hours=Decimal(4),
        minimums={ethics: Decimal("1.5")},
        maximums={Delivery.SELF_STUDY: Decimal(3)},
    )
    person, licence = licensee("100")
    return board, member, ethics, person, licence


def share(board, person, licence):
    return services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)


def evidence_post(**overrides):
    data = {
        "title": "Ethics in prescribing",
        "provider": "State University",
        "completed_on": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "hours": "1.5",
        "delivery": Delivery.LIVE,
        "area": "",
        "credit_type": "AMA PRA Category 1 Credit",
        "file": SimpleUploadedFile("certificate.pdf", PDF, "application/pdf"),
    }
    data.update(overrides)
    return data


def test_an_unshared_licence_lists_its_board_rule_and_what_sharing_shows(client, setup, today):
    board, _member, _ethics, person, _licence = setup
    client.force_login(person)
    page = client.get(URL).content.decode()
    cycle = fixed_cycle(today, first_start=today - dt.timedelta(days=60), months=12)
    assert "Physician (MD) 100 (US-NY)" in page
    assert "New York Medical Board" in page
    assert "4 hours of CE every 12 months" in page
    assert f"runs from {date_format(cycle.start, 'j F Y')}" in page
    assert "You can withdraw at any time" in page
    assert "Share this licence's CE with New York Medical Board" in page


def test_no_board_is_listed_for_a_licence_no_rule_covers(client, setup):
    _board, _member, _ethics, _person, _licence = setup
    nurse, _ = licensee("200", licence_type="RN")
    client.force_login(nurse)
    page = client.get(URL).content.decode()
    assert "No board here has a CE rule for this type of licence yet." in page
    assert "New York Medical Board" not in page


def test_sharing_through_the_form_records_consent_with_the_renewal_date(client, setup):
    board, _member, _ethics, person, licence = setup
    client.force_login(person)
    response = client.post(
        f"{URL}share/", {"licence": licence.pk, "board": board.pk, "renews_on": "2027-06-30"}
    )
    assert response.status_code == 302
    consent = LicenceConsent.objects.get(licence=licence, board=board, withdrawn_at=None)
    assert consent.renews_on == dt.date(2027, 6, 30)


def test_the_page_shows_the_boards_judgement_the_gap_in_words_and_courses_to_fill_it(
    client, setup, today
):
    board, member, _ethics, person, licence = setup
    share(board, person, licence)
    credential_on(person, today - dt.timedelta(days=20), hours="2")
    credential_on(person, today - dt.timedelta(days=10), hours="2")  # 1 of its 2 h is over the max
    held = credential_on(person, today - dt.timedelta(days=5), hours="0.5", topic="ethics")
    ethics_topic = Topic.objects.get(slug="ethics")
    fills = build_course("ethics-next", modules=1, lessons=1, ce_hours="2")
    fills.topics.add(ethics_topic)
    fills.save()
    other = build_course("unrelated", modules=1, lessons=1, ce_hours="2")
    client.force_login(person)
    page = client.get(URL).content.decode()
    end = fixed_cycle(today, first_start=today - dt.timedelta(days=60), months=12).end
    assert "Status: Not yet." in page
    # 2 + 1 (self-study maximum 3) ... and the ethics half hour does not fit either.
    assert "All CE: 3 of 4 hours · 1 to go" in page
    assert "Ethics: 0 of 1.5 hours · 1.5 to go" in page
    assert f"You need 1.5 more hours of Ethics by {date_format(end, 'j F Y')}." in page
    assert f"You need 1 more hour in total by {date_format(end, 'j F Y')}." in page
    assert "1 of 2 hours count: the rule allows at most 3 hours of self study." in page
    assert "0 of 0.5 hours count" in page
    assert "Counts in full." in page
    assert f"/verify/{held.pk}/" in page
    # The self-study maximum is used up: a course here (self-study) would not count, so none
    # is suggested, not even the one on the missing area's topic.
    assert "Self-study no longer counts toward this cycle" in page
    assert fills.title not in page
    assert other.title not in page
    assert held.achievement.course.title + "</a> (" not in page  # held, so not suggested
    # The previous cycle is over and nothing was earned in it.
    assert "Status: Not compliant." in page
    assert "It was short of: 4 more hours in total; 1.5 more hours of Ethics." in page


def test_evidence_the_board_accepted_counts_and_a_rejection_shows_its_note(client, setup, today):
    board, member, ethics, person, licence = setup
    consent = share(board, person, licence)
    client.force_login(person)
    response = client.post(
        f"{URL}shares/{consent.pk}/evidence/", evidence_post(area=str(ethics.pk))
    )
    assert response.status_code == 302
    accepted = CeEvidence.objects.get(licence=licence)
    assert (accepted.area, accepted.hours, accepted.status) == (
        ethics,
        Decimal("1.5"),
        EvidenceStatus.SUBMITTED,
    )
    assert "Waiting for the board" in client.get(URL).content.decode()
    services.evidence_decide(board=board, by=member, evidence=accepted, accept=True)
    client.post(f"{URL}shares/{consent.pk}/evidence/", evidence_post(title="Weekend retreat"))
    rejected = CeEvidence.objects.get(title="Weekend retreat")
    services.evidence_decide(
        board=board, by=member, evidence=rejected, accept=False, note="Not an accredited provider."
    )
    page = client.get(URL).content.decode()
    assert "Ethics: 1.5 of 1.5 hours · met" in page
    assert "Ethics in prescribing (State University) (evidence the board accepted)" in page
    assert "Not an accredited provider." in page
    assert "Rejected" in page


def test_withdrawing_ends_sharing_and_offers_to_share_again(client, setup):
    board, _member, _ethics, person, licence = setup
    consent = share(board, person, licence)
    client.force_login(person)
    response = client.post(f"{URL}shares/{consent.pk}/withdraw/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    page = client.get(URL).content.decode()
    assert "You withdrew sharing on" in page
    assert "Status:" not in page


def test_another_learners_consent_and_evidence_are_not_found(client, setup):
    board, _member, _ethics, person, licence = setup
    consent = share(board, person, licence)
    client.force_login(person)
    client.post(f"{URL}shares/{consent.pk}/evidence/", evidence_post())
    evidence = CeEvidence.objects.get(licence=licence)
    own = client.get(f"{URL}evidence/{evidence.pk}/file/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF

    stranger, stranger_licence = licensee("300")
    client.force_login(stranger)
    page = client.get(URL).content.decode()
    assert "Physician (MD) 100 " not in page
    assert "Status:" not in page
    assert client.post(f"{URL}shares/{consent.pk}/withdraw/").status_code == 404
    assert client.post(f"{URL}shares/{consent.pk}/evidence/", evidence_post()).status_code == 404
    assert client.get(f"{URL}evidence/{evidence.pk}/file/").status_code == 404
    # Nor can they share someone else's licence.
    response = client.post(f"{URL}share/", {"licence": licence.pk, "board": board.pk})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert CeEvidence.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"completed_on": "2999-01-01"}, "The completion date is in the future."),
        ({"hours": "0"}, "Hours must be from 0.25 to 1,000."),
        (
            {"file": SimpleUploadedFile("notes.pdf", b"just text", "application/pdf")},
            "The evidence must be a PDF, PNG or JPEG file.",
        ),
        (
            {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream")},
            "The evidence must be a PDF, PNG or JPEG file.",
        ),
    ],
)
def test_bad_evidence_is_refused_with_the_reason(client, setup, overrides, message):
    board, _member, _ethics, person, licence = setup
    consent = share(board, person, licence)
    client.force_login(person)
    response = client.post(f"{URL}shares/{consent.pk}/evidence/", evidence_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CeEvidence.objects.exists()


def test_sharing_an_unverified_licence_is_refused_with_the_reason(client, setup):
    board, _member, _ethics, _person, _licence = setup
    person, claimed = licensee("400", verified=False)
    client.force_login(person)
    page = client.get(URL).content.decode()
    assert "waiting to be verified" in page
    response = client.post(f"{URL}share/", {"licence": claimed.pk, "board": board.pk})
    assert response.status_code == 400
    assert "This licence is not verified yet." in response.content.decode()
    assert not LicenceConsent.objects.exists()


def test_sharing_twice_is_refused_with_the_reason(client, setup):
    board, _member, _ethics, person, licence = setup
    share(board, person, licence)
    client.force_login(person)
    response = client.post(f"{URL}share/", {"licence": licence.pk, "board": board.pk})
    assert response.status_code == 400
    assert "You already share this licence&#x27;s CE with New York Medical Board." in (
        response.content.decode()
    )
    assert LicenceConsent.objects.count() == 1


def test_an_anchored_rule_needs_the_renewal_date(client, setup):
    board, member, _ethics, _person, _licence = setup
    rule(board, member, licence_type="DO", cycle_kind=CycleKind.ANCHORED, fixed_start=None)
    person, licence = licensee("500", licence_type="DO")
    client.force_login(person)
    assert "each cycle ending on your licence's renewal date" in client.get(URL).content.decode()
    response = client.post(f"{URL}share/", {"licence": licence.pk, "board": board.pk})
    assert response.status_code == 400
    assert "give the date on your licence" in response.content.decode()
    assert not LicenceConsent.objects.exists()
    response = client.post(
        f"{URL}share/", {"licence": licence.pk, "board": board.pk, "renews_on": "2027-02-28"}
    )
    assert response.status_code == 302


def test_the_page_needs_a_signed_in_learner(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queries_are_constant_in_the_number_of_credentials(client, setup, today):
    board, _member, _ethics, person, licence = setup
    consent = share(board, person, licence)
    fills = build_course("ethics-next", modules=1, lessons=1, ce_hours="2")
    fills.topics.add(Topic.objects.get(slug="ethics"))
    fills.save()
    client.force_login(person)
    client.post(f"{URL}shares/{consent.pk}/evidence/", evidence_post())
    client.get(URL)  # shows the "sent" message, so neither count includes it

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        assert "Course ethics-next" in response.content.decode()
        return len(queries)

    credential_on(person, today - dt.timedelta(days=9), hours="0.5")
    one = count()
    for days in range(2, 6):
        credential_on(person, today - dt.timedelta(days=days), hours="0.25", topic="other")
    # Session and user 2, licences 1, rules 1, consents 1, the board's judgement 12, evidence
    # and areas 2, courses for the gap 2, the site for their links 1.
    assert count() == one == 22


def test_a_learner_without_licences_is_sent_to_add_one_and_the_profile_links_here(client, learner):
    client.force_login(learner)
    page = client.get(URL).content.decode()
    assert "You have not added a licence yet." in page
    assert 'href="/accounts/profile/"' in page
    assert f'href="{URL}"' in client.get("/accounts/profile/").content.decode()
