"""GET /api/v1/licensees/compliance: a board token reads one consenting licensee's compliance,
with the same answer for every licence it may not see, and each read in the audit log."""

import datetime as dt
import types
import uuid
from decimal import Decimal

from django.core.cache import cache

import pytest

from accounts.roles import Role
from accounts.services import user_roles_set
from boards import api as boards_api
from boards import services
from boards.models import Delivery
from credentials.boards import api_token_create
from credentials.models import AuditEntry
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, ethics_area, licensee, rule
from tests.factories import staff_user

D = dt.date
TODAY = D(2026, 12, 4)  # in the cycle 1 July 2026 - 30 June 2027
URL = "/api/v1/licensees/compliance"
QUERY = {"jurisdiction": "US-NY", "licence_type": "MD", "licence_number": "100"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    cache.clear()  # fresh rate limits
    monkeypatch.setattr(boards_api, "timezone", types.SimpleNamespace(localdate=lambda: TODAY))


@pytest.fixture
def setup(db):
    """A board with a 4-hour rule (1 hour of Ethics, at most 3 self-study) and a consenting
    licensee, number 100, who holds three credentials."""
    signing_key_add()
    board, member = board_with_staff()
    ethics = ethics_area(board, member)
    rule(
        board,
        member,
        total_hours=Decimal(4),
        minimums={ethics: Decimal(1)},
        maximums={Delivery.SELF_STUDY: Decimal(3)},
    )
    person, licence = licensee("100")
    consent = services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
    credentials = [
        credential_on(person, D(2026, 5, 1), hours="1"),  # previous cycle
        credential_on(person, D(2026, 8, 1), hours="2", topic="ethics"),
        credential_on(person, D(2026, 9, 1), hours="2"),
    ]
    _row, token = api_token_create(board=member, name="renewals")
    return types.SimpleNamespace(
        board=board,
        member=member,
        person=person,
        licence=licence,
        consent=consent,
        credentials=credentials,
        token=token,
    )


def get(client, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(URL, {**QUERY, **params}, headers=headers)


def test_a_board_reads_the_current_cycle_with_every_number(client, setup):
    response = get(client, setup.token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["licensee"] == "Riley Resident100"
    assert body["licence"] == {"jurisdiction": "US-NY", "licence_type": "MD", "number": "100"}
    assert body["board"] == "New York Medical Board"
    assert (body["status"], body["status_label"]) == ("not_yet", "Not yet")
    assert body["cycle"] == {"start": "2026-07-01", "end": "2027-06-30", "window_end": "2027-06-30"}
    assert body["rule"] == {"version": 1, "effective_from": "2020-01-01"}
    assert (body["required_hours"], body["counted_hours"], body["carried_in_hours"]) == (4, 3, 0)
    assert body["subject_areas"] == [
        {"name": "Ethics", "required_hours": 1, "earned_hours": 2, "missing_hours": 0}
    ]
    ethics, other = setup.credentials[1], setup.credentials[2]
    items = [(i["credential_id"], i["date"], i["hours"], i["counted_hours"]) for i in body["items"]]
    assert items == [(str(ethics.pk), "2026-08-01", 2, 2), (str(other.pk), "2026-09-01", 2, 1)]
    assert body["items"][0]["verify_url"].endswith(f"/verify/{ethics.pk}/")
    assert body["items"][0]["reason"] == ""
    assert "at most 3 hours of self study" in body["items"][1]["reason"]
    assert body["missing"] == ["1 more hour in total"]


def test_the_previous_cycle_and_a_cycle_by_date(client, setup):
    previous = get(client, setup.token, cycle="previous").json()
    assert previous["status"] == "not_compliant"
    assert previous["cycle"]["start"] == "2025-07-01"
    assert [i["credential_id"] for i in previous["items"]] == [str(setup.credentials[0].pk)]
    # A day in the previous cycle names the same cycle, judged as of today: over, not "not yet".
    by_date = get(client, setup.token, cycle="2026-01-15").json()
    assert (by_date["status"], by_date["cycle"]) == (previous["status"], previous["cycle"])
    assert by_date["counted_hours"] == 1
    ahead = get(client, setup.token, cycle="2027-08-01").json()
    assert (ahead["status"], ahead["cycle"]["start"], ahead["items"]) == (
        "not_yet",
        "2027-07-01",
        [],
    )


def test_a_licence_is_matched_however_its_parts_are_typed(client, setup):
    response = get(client, setup.token, jurisdiction=" us-ny ", licence_type="md")
    assert response.status_code == 200
    assert response.json()["licence"]["number"] == "100"


@pytest.mark.parametrize(
    ("cycle", "reason"),
    [
        ("last", "cycle: `current` (the default), `previous`, or a date (YYYY-MM-DD)"),
        ("2026-13-01", "We got '2026-13-01'"),
        ("0001-01-01", "cycle: give a date from 1970-01-01"),
        ("9999-12-31", "cycle: give a date from 1970-01-01"),
    ],
)
def test_a_cycle_that_is_not_one_is_refused_with_the_reason(client, setup, cycle, reason):
    response = get(client, setup.token, cycle=cycle)
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_an_unknown_licence_type_is_refused_with_the_choices(client, setup):
    response = get(client, setup.token, licence_type="WIZARD")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("licence_type: use one of MD, DO,")


def test_a_missing_parameter_is_a_422_that_names_it(client, setup):
    response = client.get(
        URL, {"jurisdiction": "US-NY"}, headers={"Authorization": f"Bearer {setup.token}"}
    )
    assert response.status_code == 422
    missing = {problem["loc"][-1] for problem in response.json()["detail"]}
    assert missing == {"licence_type", "licence_number"}


def test_without_a_token_it_is_a_401(client, setup):
    response = get(client)
    assert response.status_code == 401
    assert "Send your board's API token" in response.json()["detail"]


def test_a_learners_or_unknown_token_is_a_401(client, setup):
    # A token made while its account was a board verifier, now a learner's.
    former = staff_user(Role.BOARD_VERIFIER)
    _row, learner_token = api_token_create(board=former, name="scripts")
    user_roles_set(user=former, roles={Role.LEARNER})
    for token in (learner_token, "rlb_" + "x" * 43, "not-even-ours"):
        response = get(client, token)
        assert response.status_code == 401
        assert "The API token is not valid" in response.json()["detail"]


def test_a_board_verifier_who_acts_for_no_board_is_a_403(client, setup):
    loner = staff_user(Role.BOARD_VERIFIER)
    _row, token = api_token_create(board=loner, name="scripts")
    response = get(client, token)
    assert response.status_code == 403
    assert "does not act for a licensing board" in response.json()["detail"]


def not_found(client, token, **params):
    response = get(client, token, **params)
    assert response.status_code == 404
    return response.json()["detail"]


def test_every_licence_the_board_may_not_see_gets_the_same_404(client, setup):
    same = not_found(client, setup.token, licence_number="999")  # nobody holds it
    assert same == boards_api.NOT_SHARED
    # A verified licensee of the board's jurisdiction who never consented.
    person, licence = licensee("200")
    assert not_found(client, setup.token, licence_number="200") == same
    # One who consented to another board only.
    other, other_member = board_with_staff("Second New York Board")
    rule(other, other_member)
    services.consent_grant(learner=person, licence=licence, board=other, renews_on=None)
    assert not_found(client, setup.token, licence_number="200") == same
    # One who consented and withdrew.
    services.consent_withdraw(consent=setup.consent, learner=setup.person)
    assert not_found(client, setup.token) == same
    # A licence claimed but not verified, even with a consent made while it was verified.
    person3, licence3 = licensee("300")
    services.consent_grant(learner=person3, licence=licence3, board=setup.board, renews_on=None)
    type(licence3).objects.filter(pk=licence3.pk).update(verified_at=None)
    assert not_found(client, setup.token, licence_number="300") == same
    assert not AuditEntry.objects.filter(action="board read CE compliance").exists()


def test_each_read_is_in_the_audit_log(client, setup):
    get(client, setup.token, cycle="previous")
    entry = AuditEntry.objects.get(action="board read CE compliance")
    assert entry.actor == setup.member
    assert entry.subject == f"licence {setup.licence.pk}"
    assert entry.details == {
        "board": "New York Medical Board",
        "count": 1,
        "via": "API",
        "cycle": "previous",
    }


# The token (look-up, its account's roles, last used), the board, the judgement (12: rules,
# subject areas, consents, CE items), the audit entry and its savepoints.
QUERIES = 26


def test_the_read_takes_a_fixed_number_of_queries(client, setup, django_assert_num_queries):
    with django_assert_num_queries(QUERIES):
        assert get(client, setup.token).status_code == 200
    credential_on(setup.person, D(2026, 10, 1), hours="1", topic="ethics")
    cache.clear()
    with django_assert_num_queries(QUERIES):
        assert len(get(client, setup.token).json()["items"]) == 3


def test_the_openapi_document_lists_it_with_its_answers_and_security(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/licensees/compliance"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "422", "429"}
    assert operation["security"] == [{"BoardToken": []}]
    assert "BoardToken" in schema["components"]["securitySchemes"]
    parameters = {p["name"]: p["required"] for p in operation["parameters"]}
    assert parameters == {
        "jurisdiction": True,
        "licence_type": True,
        "licence_number": True,
        "cycle": False,
    }
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]["properties"]
    assert {"status", "cycle", "rule", "subject_areas", "items", "missing"} <= set(fields)
    # The existing licensee endpoint is still there beside it.
    assert "/api/v1/licensees/ce-hours" in schema["paths"]


def test_an_unknown_id_looks_like_nothing_else(client, setup):
    # A number in another shape (a uuid) is just another number nobody shares.
    assert not_found(client, setup.token, licence_number=str(uuid.uuid4())) == (
        boards_api.NOT_SHARED
    )
