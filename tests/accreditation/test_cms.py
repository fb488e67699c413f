"""The provider's accreditation set-up in the CMS: credit types with their statements, the
evaluation form, and a course's planning record and credit designations."""

from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from accounts.roles import Role
from accreditation.models import CreditDesignation, CreditType, EvaluationQuestion
from courses.models import CourseDisclosure
from tests.accreditation.factories import course_for_credit, credit_type
from tests.cms import ok, url
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_an_administrator_manages_credit_types_and_the_evaluation_form(client):
    client.force_login(staff_user(Role.ADMINISTRATOR))
    course_for_credit()
    listing = ok(client.get(url(CreditType, "list")))
    assert "ANCC contact hours" in listing
    questions = ok(client.get(url(EvaluationQuestion, "list")))
    assert "The content was free of commercial bias." in questions
    ancc = CreditType.objects.get(code="ancc-contact-hours")
    ok(client.get(url(CreditType, "edit", ancc.pk)))


def test_an_author_cannot_change_the_providers_statements(client):
    client.force_login(staff_user(Role.AUTHOR))
    assert client.get(url(CreditType, "list")).status_code in {302, 403}


def test_a_designation_statement_must_say_where_the_hours_go():
    kind = CreditType(
        code="ama",
        name="AMA PRA Category 1 Credit",
        professions="Physicians",
        accreditation_statement="Accredited by the ACCME.",
        designation_statement="Designates this activity for credit.",
    )
    with pytest.raises(ValidationError) as refused:
        kind.full_clean()
    assert "Write {hours}" in refused.value.message_dict["designation_statement"][0]


def test_a_designation_names_its_maximum_in_its_statement():
    activity = course_for_credit(hours="1.5")
    designation = CreditDesignation.objects.get(
        course=activity.course, credit_type__code="ancc-contact-hours"
    )
    assert designation.statement == (
        "Test Provider designates this activity for up to 1.5 ANCC contact hours."
    )


@pytest.mark.parametrize(
    "hours, message",
    [
        ("2.5", "At most the course's 2 CE hours"),
        ("1.3", "Designate credit in quarter hours."),
    ],
)
def test_a_designation_cannot_exceed_the_course_or_break_quarter_hours(hours, message):
    activity = course_for_credit(hours="2")
    kind = credit_type("naadac", "NAADAC CE hours", "Addiction professionals")
    designation = CreditDesignation(
        course=activity.course, credit_type=kind, max_hours=Decimal(hours)
    )
    with pytest.raises(ValidationError) as refused:
        designation.full_clean()
    assert message in refused.value.message_dict["max_hours"][0]


def test_a_disclosed_relationship_needs_its_mitigation_in_the_cms_too():
    activity = course_for_credit()
    disclosure = CourseDisclosure(
        course=activity.course,
        name="Dr A",
        role="author",
        relationships="Speaker, Acme Pharma",
    )
    with pytest.raises(ValidationError) as refused:
        disclosure.full_clean()
    assert set(refused.value.message_dict) == {"mitigation", "mitigated_by", "mitigated_on"}


def course_form(course, *, designations: list[dict]) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from courses.models import Audience, Topic

    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "objectives": streamfield([("objective", "Describe the idea.")]),
            "ce_hours": "0.25",
            "exam_required": "",
            "disclosures": inline_formset(
                [{"name": "Editorial team", "role": "author", "relationships": "None"}]
            ),
            "practice_gap": "",
            "learning_needs": "",
            "outcomes": inline_formset([]),
            "commercial_support": "None",
            "credit_designations": inline_formset(designations),
        }
    )
    # Many-to-many fields post a list under one name (nested_form_data would number them).
    data["audiences"] = [a.pk for a in Audience.objects.filter(slug="resident")]
    data["topics"] = [t.pk for t in Topic.objects.filter(slug="shared-decision-making")]
    return data


@pytest.mark.parametrize("role, allowed", [(Role.AUTHOR, False), (Role.ADMINISTRATOR, True)])
def test_only_the_providers_administrators_designate_credit_in_the_cms(
    client, settings, tmp_path, role, allowed
):
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command
    from django.urls import reverse

    from courses.models import CoursePage

    settings.MEDIA_ROOT = tmp_path
    fixture = Path(__file__).parents[1] / "courses" / "curriculum"
    call_command("load_curricula", str(fixture), stdout=StringIO())
    course = CoursePage.objects.get(slug="basics")
    kind = credit_type("ancc-contact-hours", "ANCC contact hours", "Nurses")
    client.force_login(staff_user(role))
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        course_form(course, designations=[{"credit_type": kind.pk, "max_hours": "0.25"}]),
    )
    latest = CoursePage.objects.get(pk=course.pk).get_latest_revision().as_object()
    designated = len(latest.credit_designations.all()) == 1
    if allowed:
        assert response.status_code == 302
        assert designated
    else:
        assert response.status_code == 200
        assert "Only the provider&#x27;s administrators may change the credit designations" in (
            response.content.decode()
        )
        assert not designated
