"""Completion exports for regulators: a CE Broker-style roster and an ACCME PARS-style batch,
from the course credentials of a period, downloaded from the CMS by administrators."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Licence
from accounts.roles import Role
from credentials.issuance import credential_issue, credential_revoke
from credentials.regulator_exports import ce_broker_roster, pars_batch
from credentials.signing_keys import signing_key_add
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user


@pytest.fixture
def completions(db, settings):
    settings.CE_PROVIDER_ID = "50-1234"
    signing_key_add()
    achievement = course_achievement("sdm", ce_hours="2.5")
    achievement.tracking_number = "20-998877"
    achievement.save(update_fields=["tracking_number"])
    riley = UserFactory(first_name="Riley", last_name="Resident", birth_month=4, birth_day=9)
    verified = {"verified_at": timezone.now()}
    Licence.objects.create(
        user=riley, jurisdiction="US-NY", licence_type="MD", number="111", **verified
    )
    Licence.objects.create(
        user=riley, jurisdiction="US-FL", licence_type="MD", number="222", **verified
    )
    # A claim nobody verified stays out of every export.
    Licence.objects.create(user=riley, jurisdiction="US-CA", licence_type="MD", number="333")
    revoked = UserFactory(first_name="Rev", last_name="Oked")
    for person in (riley, revoked):
        complete_course(person, achievement)
        credential_issue(learner=person, achievement=achievement)
    credential_revoke(
        credential=revoked.credentials.get(), by=staff_user(Role.ADMINISTRATOR), reason="Error."
    )
    return riley


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def today():
    return timezone.localdate()


@pytest.mark.django_db
class ExportTests:
    def test_the_roster_has_one_row_per_licence_and_leaves_out_revoked(self, completions):
        roster = rows(ce_broker_roster(today(), today()))
        licences = sorted((r["license_number"], r["state"]) for r in roster)
        assert licences == [("111", "NY"), ("222", "FL")]
        first = next(r for r in roster if r["license_number"] == "111")
        assert (first["provider_id"], first["course_tracking_number"], first["hours"]) == (
            "50-1234",
            "20-998877",
            "2.5",
        )
        assert first["profession"] == "Physician (MD)"
        assert first["completion_date"] == f"{today():%m/%d/%Y}"

    def test_the_pars_batch_has_one_row_per_learner_and_course(self, completions):
        [row] = rows(pars_batch(today(), today()))
        assert (row["first_name"], row["birth_month"], row["birth_day"], row["credits"]) == (
            "Riley",
            "4",
            "9",
            "2.5",
        )
        assert row["activity_id"] == "20-998877"

    def test_another_period_is_empty(self, completions):
        last_year = today().replace(year=today().year - 1)
        assert rows(ce_broker_roster(last_year, last_year)) == []


@pytest.mark.django_db
class ExportViewTests:
    def test_an_administrator_downloads_either_format(self, client, completions):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        url = reverse("ce_completions")
        assert client.get(url).status_code == 200
        period = {"start": today().isoformat(), "end": today().isoformat()}
        response = client.post(url, {**period, "kind": "pars"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(
            'attachment; filename="ce-completions-pars'
        )
        assert "Riley" in response.content.decode()
        backwards = client.post(url, {"start": "2026-05-01", "end": "2026-01-01", "kind": "roster"})
        assert backwards.status_code == 400
        assert "The period ends before it starts." in backwards.content.decode()

    def test_others_cannot(self, client, completions):
        client.force_login(staff_user(Role.AUTHOR))
        assert client.get(reverse("ce_completions")).status_code in {302, 403}


@pytest.mark.django_db
def test_a_name_that_looks_like_a_formula_is_written_as_text(completions):
    completions.first_name = '=HYPERLINK("https://evil.example","Click")'
    completions.last_name = "@SUM(1+1)"
    completions.save(update_fields=["first_name", "last_name"])
    for text in (ce_broker_roster(today(), today()), pars_batch(today(), today())):
        cells = {value for row in rows(text) for value in row.values()}
        assert '\'=HYPERLINK("https://evil.example","Click")' in cells
        assert "'@SUM(1+1)" in cells
        assert not any(cell.startswith(("=", "@")) for cell in cells)


def test_every_formula_start_is_neutralised_and_numbers_pass():
    from config.csv_output import csv_cell

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(start + "1") == "'" + start + "1"
    assert (csv_cell(-3), csv_cell("Riley"), csv_cell("")) == (-3, "Riley", "")
