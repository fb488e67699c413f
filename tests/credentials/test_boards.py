"""Licensing boards: API tokens, the CE hours of licensees who shared them (and only those),
the portal's bulk CSV verification; every read audited."""

import csv
import datetime
import io
import re
import uuid

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Licence
from accounts.roles import Role
from credentials.boards import api_token_create, api_token_revoke
from credentials.issuance import credential_issue, credential_revoke
from credentials.models import AuditEntry, BoardApiToken
from credentials.signing_keys import signing_key_add
from credentials.transcripts import share_with_board, share_withdraw
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user

CE_HOURS = "/api/v1/licensees/ce-hours"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def board(db):
    return staff_user(Role.BOARD_VERIFIER, first_name="State", last_name="Board")


@pytest.fixture
def licensee(db):
    signing_key_add()
    person = UserFactory(first_name="Riley", last_name="Resident")
    Licence.objects.create(
        user=person,
        jurisdiction="US-NY",
        licence_type="MD",
        number="12345",
        verified_at=timezone.now(),
    )
    achievement = course_achievement("ce", ce_hours="2.5")
    complete_course(person, achievement)
    credential_issue(learner=person, achievement=achievement)
    return person


def today():
    return timezone.localdate()


def year():
    return {"start": f"{today():%Y}-01-01", "end": f"{today():%Y}-12-31"}


def ask(client, token, **params):
    query = {"jurisdiction": "us-ny", "licence_number": "12345", **year(), **params}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(CE_HOURS, query, **headers)


@pytest.mark.django_db
class TokenTests:
    def test_a_token_is_shown_once_stored_as_a_hash_and_revocable(self, client, board, licensee):
        row, token = api_token_create(board=board, name="renewals")
        assert token.startswith("rlb_") and token not in row.token_hash
        assert (
            client.get(
                f"/api/v1/credentials/{uuid.uuid4()}", HTTP_AUTHORIZATION=f"Bearer {token}"
            ).status_code
            == 404
        )
        row.refresh_from_db()
        assert row.last_used_at is not None
        api_token_revoke(token=row, board=board)
        response = ask(client, token)
        assert response.status_code == 401
        assert "not valid" in response.json()["detail"]

    def test_a_boards_verifications_are_audited_and_anonymous_ones_are_not(
        self, client, board, licensee
    ):
        _row, token = api_token_create(board=board, name="renewals")
        credential = licensee.credentials.get()
        client.get(f"/api/v1/credentials/{credential.pk}")
        assert not AuditEntry.objects.filter(action="board verified").exists()
        client.get(f"/api/v1/credentials/{credential.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        client.post(
            "/api/v1/verify/bulk",
            {"ids": [str(credential.pk)] * 3},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        entries = AuditEntry.objects.filter(action="board verified", actor=board)
        assert [e.details["count"] for e in entries] == [1, 3]

    def test_a_mistyped_token_is_401_not_anonymous(self, client, db):
        response = client.get(
            f"/api/v1/credentials/{uuid.uuid4()}", HTTP_AUTHORIZATION="Bearer rlb_nonsense"
        )
        assert response.status_code == 401

    def test_only_board_accounts_hold_tokens(self, db):
        from credentials.boards import BoardRefused

        with pytest.raises(BoardRefused, match="Only licensing board accounts"):
            api_token_create(board=UserFactory(), name="mine")

    def test_a_board_token_gets_the_board_allowance(self, client, settings, board, db):
        settings.CREDENTIALS_API_RATE_LIMITS = {"verify": 1, "bulk": 1, "board": 5}
        _row, token = api_token_create(board=board, name="renewals")
        url = f"/api/v1/credentials/{uuid.uuid4()}"
        assert [
            client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code for _ in range(6)
        ] == [404] * 5 + [429]
        assert client.get(url).status_code == 404
        assert client.get(url).status_code == 429


@pytest.mark.django_db
class CeHoursApiTests:
    def test_a_shared_period_answers_with_the_credits(self, client, board, licensee):
        share_with_board(
            learner=licensee,
            board=board,
            start=datetime.date(today().year, 1, 1),
            end=datetime.date(today().year, 12, 31),
        )
        _row, token = api_token_create(board=board, name="renewals")
        response = ask(client, token)
        assert response.status_code == 200
        body = response.json()
        assert (body["licensee"], body["total_ce_hours"]) == ("Riley Resident", 2.5)
        assert body["credentials"][0]["verify_url"].endswith("/")
        assert AuditEntry.objects.filter(action="board read a transcript").count() == 1

    def test_nothing_without_a_share_covering_the_period(self, client, board, licensee):
        _row, token = api_token_create(board=board, name="renewals")
        not_shared = ask(client, token)
        assert not_shared.status_code == 403
        assert "has shared a transcript covering this period" in not_shared.json()["detail"]
        share = share_with_board(learner=licensee, board=board, start=today(), end=today())
        assert ask(client, token).status_code == 403  # the year is wider than the share
        assert ask(client, token, start=today(), end=today()).status_code == 200
        assert (
            ask(client, token, start=today(), end=today(), licence_number="999").status_code == 403
        )
        share_withdraw(share=share, learner=licensee)
        assert ask(client, token, start=today(), end=today()).status_code == 403

    def test_another_board_sees_nothing(self, client, board, licensee):
        share_with_board(learner=licensee, board=board, start=today(), end=today())
        other = staff_user(Role.BOARD_VERIFIER)
        _row, token = api_token_create(board=other, name="theirs")
        assert ask(client, token, start=today(), end=today()).status_code == 403

    def test_anonymous_and_bad_queries(self, client, board, licensee):
        assert ask(client, None).status_code == 401
        _row, token = api_token_create(board=board, name="renewals")
        backwards = ask(client, token, start="2026-05-01", end="2026-01-01")
        assert backwards.status_code == 400
        assert backwards.json()["detail"] == "The period ends before it starts."
        response = client.get(CE_HOURS, {"jurisdiction": "US-NY"})
        assert response.status_code in {401, 422}


@pytest.mark.django_db
class PortalTests:
    def test_the_portal_is_for_boards_only(self, client, licensee):
        client.force_login(licensee)
        assert client.get(reverse("board:portal")).status_code == 403

    def test_a_board_reads_a_shared_transcript_in_the_portal(self, client, board, licensee):
        share = share_with_board(learner=licensee, board=board, start=today(), end=today())
        client.force_login(board)
        portal = client.get(reverse("board:portal")).content.decode()
        assert "Riley Resident" in portal
        page = client.get(reverse("board:share", args=[share.pk])).content.decode()
        assert "US-NY Physician (MD) 12345" in page and "<strong>2.5</strong>" in page
        share_withdraw(share=share, learner=licensee)
        assert client.get(reverse("board:share", args=[share.pk])).status_code == 404

    def test_bulk_csv_gives_a_results_csv_in_input_order(self, client, board, licensee):
        credential = licensee.credentials.get()
        revoked_holder = UserFactory()
        other = course_achievement("other")
        complete_course(revoked_holder, other)
        revoked = credential_issue(learner=revoked_holder, achievement=other).credential
        credential_revoke(credential=revoked, by=staff_user(Role.ADMINISTRATOR), reason="Error.")
        upload = "credential_id\n" + "\n".join(
            [str(credential.pk), str(revoked.pk), "not-an-id", str(uuid.uuid4())]
        )
        client.force_login(board)
        response = client.post(
            reverse("board:bulk_verify"),
            {"file": SimpleUploadedFile("ids.csv", upload.encode(), "text/csv")},
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert [r["status"] for r in rows] == ["valid", "revoked", "unknown", "unknown"]
        assert rows[0]["holder"] == "Riley Resident" and rows[0]["ce_hours"] == "2.5"
        assert rows[1]["reason"] == "Revoked by the issuer."
        assert rows[2]["reason"] == "not a credential id"

    def test_the_results_csv_writes_a_formula_like_name_as_text(self, client, board, licensee):
        credential = licensee.credentials.get()
        credential.holder_name = '=HYPERLINK("https://evil.example","Verify")'
        credential.save(update_fields=["holder_name"])
        client.force_login(board)
        response = client.post(
            reverse("board:bulk_verify"),
            {"file": SimpleUploadedFile("ids.csv", str(credential.pk).encode(), "text/csv")},
        )
        [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert row["holder"] == '\'=HYPERLINK("https://evil.example","Verify")'

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"\xff\xfe\x00bad", "not UTF-8 text"),
            (b"credential_id\n", "no credential ids in its first column"),
            (("\n".join(str(uuid.uuid4()) for _ in range(1001))).encode(), "At most 1000 ids"),
        ],
    )
    def test_bad_files_get_a_form_error(self, client, board, content, message):
        client.force_login(board)
        response = client.post(
            reverse("board:bulk_verify"), {"file": SimpleUploadedFile("ids.csv", content)}
        )
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_tokens_are_made_and_revoked_in_the_portal(self, client, board):
        client.force_login(board)
        created = client.post(reverse("board:token_create"), {"name": "renewals"})
        # The token reaches the page through the session, never through a cookie.
        assert "messages" not in created.cookies
        response = client.get(created["Location"])
        secret = re.search(r"shown once\): (rlb_\S+?)<", response.content.decode()).group(1)
        assert all(secret not in morsel.value for morsel in client.cookies.values())
        assert secret not in client.get(created["Location"]).content.decode()  # once only
        token = BoardApiToken.objects.get()
        client.post(reverse("board:token_revoke", args=[token.pk]))
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert client.post(reverse("board:token_create"), {"name": ""}).status_code == 400
