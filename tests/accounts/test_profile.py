from django.urls import reverse

import pytest

from accounts.models import Licence
from tests.factories import LicenceFactory, UserFactory

PROFILE = reverse("accounts:profile")


def add_licence(client, **fields):
    return client.post(PROFILE, {"action": "licence", **fields})


@pytest.mark.django_db
class ProfilePageTests:
    def test_requires_sign_in(self, client):
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_shows_name_roles_and_licences(self, client, learner):
        LicenceFactory(user=learner, number="NY-123456")
        client.force_login(learner)
        response = client.get(PROFILE)
        assert response.status_code == 200
        assert b"NY-123456" in response.content
        assert b"Learner" in response.content

    def test_edits_name(self, client, learner):
        client.force_login(learner)
        response = client.post(
            PROFILE,
            {"action": "profile", "first_name": "Sky", "last_name": "Lee", "display_name": "Sky"},
        )
        assert response.status_code == 302
        learner.refresh_from_db()
        assert (learner.first_name, learner.last_name, learner.display_name) == (
            "Sky",
            "Lee",
            "Sky",
        )

    def test_chooses_a_time_zone_from_the_list_only(self, client, learner):
        client.force_login(learner)
        form = {"action": "profile", "first_name": "Sky", "last_name": "Lee"}
        page = client.get(PROFILE).content.decode()
        assert '<option value="America/New_York">America/New York</option>' in page
        response = client.post(PROFILE, {**form, "time_zone": "America/New_York"})
        assert response.status_code == 302
        learner.refresh_from_db()
        assert learner.time_zone == "America/New_York"
        response = client.post(PROFILE, {**form, "time_zone": "Mars/Olympus_Mons"})
        assert response.status_code == 400
        assert "“Mars/Olympus_Mons” is not a time zone name" in str(
            response.context["profile_form"].errors["time_zone"]
        )
        learner.refresh_from_db()
        assert learner.time_zone == "America/New_York"

    def test_month_and_day_of_birth_are_optional_together_and_must_exist(self, client, learner):
        client.force_login(learner)
        form = {"action": "profile", "first_name": "Sky", "last_name": "Lee"}
        response = client.post(PROFILE, {**form, "birth_month": "2"})
        assert response.status_code == 400
        assert "Give both the month and the day of birth, or neither." in response.content.decode()
        response = client.post(PROFILE, {**form, "birth_month": "2", "birth_day": "30"})
        assert response.status_code == 400
        assert "February has no day 30." in response.content.decode()
        assert (
            client.post(PROFILE, {**form, "birth_month": "2", "birth_day": "29"}).status_code == 302
        )
        learner.refresh_from_db()
        assert (learner.birth_month, learner.birth_day) == (2, 29)

    def test_empty_legal_name_is_a_form_error(self, client, learner):
        client.force_login(learner)
        response = client.post(PROFILE, {"action": "profile", "first_name": "", "last_name": "Lee"})
        assert response.status_code == 400
        assert "required" in str(response.context["profile_form"].errors["first_name"])
        learner.refresh_from_db()
        assert learner.first_name == "Jordan"

    def test_unknown_form_action_is_a_400_with_a_message(self, client, learner):
        client.force_login(learner)
        response = client.post(PROFILE, {"action": "bogus"})
        assert response.status_code == 400
        assert b"could not be recognised" in response.content


@pytest.mark.django_db
class LicenceFormTests:
    def test_adds_a_licence_and_normalises_the_jurisdiction(self, client, learner):
        client.force_login(learner)
        response = add_licence(client, jurisdiction=" us-ny ", licence_type="MD", number="123456")
        assert response.status_code == 302
        licence = learner.licences.get()
        assert (licence.jurisdiction, licence.licence_type, licence.number) == (
            "US-NY",
            "MD",
            "123456",
        )

    def test_several_licences_per_person(self, client, learner):
        client.force_login(learner)
        add_licence(client, jurisdiction="US-NY", licence_type="MD", number="1")
        add_licence(client, jurisdiction="CA-ON", licence_type="MD", number="2")
        assert learner.licences.count() == 2

    def test_empty_number_is_a_form_error_and_nothing_is_saved(self, client, learner):
        client.force_login(learner)
        response = add_licence(client, jurisdiction="US-NY", licence_type="MD", number="  ")
        assert response.status_code == 400
        assert "required" in str(response.context["licence_form"].errors["number"])
        assert not Licence.objects.exists()

    @pytest.mark.parametrize("bad", ["New York", "USA-NY", "U", "US_NY", "12"])
    def test_unknown_jurisdiction_format_is_a_form_error(self, client, learner, bad):
        client.force_login(learner)
        response = add_licence(client, jurisdiction=bad, licence_type="RN", number="A1")
        assert response.status_code == 400
        assert "ISO 3166" in str(response.context["licence_form"].errors["jurisdiction"])
        assert not Licence.objects.exists()

    def test_unknown_licence_type_is_a_form_error(self, client, learner):
        client.force_login(learner)
        response = add_licence(client, jurisdiction="GB", licence_type="WIZARD", number="A1")
        assert "valid choice" in str(response.context["licence_form"].errors["licence_type"])
        assert not Licence.objects.exists()

    def test_the_same_licence_twice_is_a_form_error(self, client, learner):
        LicenceFactory(user=learner, jurisdiction="GB", licence_type="RN", number="A1")
        client.force_login(learner)
        response = add_licence(client, jurisdiction="gb", licence_type="RN", number="A1")
        assert response.status_code == 400
        assert "already added" in str(response.context["licence_form"].errors)
        assert learner.licences.count() == 1

    def test_removes_only_your_own_licence(self, client, learner):
        mine = LicenceFactory(user=learner)
        theirs = LicenceFactory(user=UserFactory())
        client.force_login(learner)
        client.post(reverse("accounts:licence_remove", args=[theirs.pk]))
        assert Licence.objects.filter(pk=theirs.pk).exists()
        client.post(reverse("accounts:licence_remove", args=[mine.pk]))
        assert not Licence.objects.filter(pk=mine.pk).exists()

    def test_removal_needs_post(self, client, learner):
        mine = LicenceFactory(user=learner)
        client.force_login(learner)
        assert client.get(reverse("accounts:licence_remove", args=[mine.pk])).status_code == 405
        assert Licence.objects.filter(pk=mine.pk).exists()
