"""Text with a control character is never signed: other verifiers canonicalize it differently
(RDFC-1.0 escapes it, pyld writes it raw), so the signature would fail for them. Refused where
people type names, and at both issuance paths for anything that got in another way."""

import pytest

from accounts.forms import ProfileForm, SignupDetailsForm
from accounts.roles import Role
from credentials.bulk_issuance import credentials_issue_bulk
from credentials.issuance import IssuanceRefused, credential_issue
from credentials.models import Credential
from credentials.open_badges import control_character_problem
from credentials.signing_keys import signing_key_add
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user

BELL = "Riley\x07"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Zoë O’Brien-Łukasz 李", False),
        ("two\tparts\nand\rlines", False),  # pyld and RDFC-1.0 escape these alike
        ("bell\x07", True),
        ("back\x08space", True),
        ("form\x0cfeed", True),
        ("nul\x00", True),
        ("delete\x7f", True),
    ],
)
def test_control_characters_are_found_where_they_are(text, refused):
    document = {"credentialSubject": {"identifier": [{}, {"identityHash": text}]}}
    problem = control_character_problem(document)
    assert bool(problem) is refused
    if refused:
        assert problem.startswith("credentialSubject.identifier[1].identityHash contains")


@pytest.fixture
def setup(db):
    signing_key_add()
    return course_achievement()


def test_issuance_refuses_a_name_with_a_control_character_and_signs_nothing(setup):
    learner = UserFactory(first_name=BELL, last_name="Resident")
    complete_course(learner, setup)
    with pytest.raises(IssuanceRefused, match="U\\+0007.*Correct the text"):
        credential_issue(learner=learner, achievement=setup)
    assert not Credential.objects.exists()


def test_bulk_issuance_issues_the_others_and_reports_the_refused(setup):
    clean, bad = UserFactory(), UserFactory(last_name=BELL)
    result = credentials_issue_bulk(
        achievement=setup, learners=[clean, bad], issued_by=staff_user(Role.ADMINISTRATOR)
    )
    assert [c.learner for c in result.issued] == [clean]
    assert [(learner, "U+0007" in reason) for learner, reason in result.refused] == [(bad, True)]
    assert list(Credential.objects.values_list("learner", flat=True)) == [clean.pk]


@pytest.mark.django_db
def test_the_sign_up_and_profile_forms_refuse_control_characters_in_names():
    signup = SignupDetailsForm(data={"first_name": BELL, "last_name": "Resident"})
    assert not signup.is_valid()
    assert "control character" in signup.errors["first_name"][0]
    user = UserFactory()
    profile = ProfileForm(
        instance=user, data={"first_name": "Riley", "last_name": "Res\x1bident", "display_name": ""}
    )
    assert not profile.is_valid()
    assert "control character" in profile.errors["last_name"][0]
