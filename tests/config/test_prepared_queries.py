"""A prepared query (config.prepared) returns what its queryset returns, field for field and
annotation for annotation, for every value it is run with; and refuses what it cannot do."""

from django.core.exceptions import ImproperlyConfigured
from django.forms.models import model_to_dict
from django.utils import timezone

import pytest

from accounts.backends import user_with_access_status
from accounts.models import User
from accounts.roles import Role, with_access_status
from accreditation.models import CreditDesignation, CreditType, DisclosureAcknowledgement
from config.prepared import PreparedQuery
from courses import services
from courses.models import Enrolment, LessonProgress
from courses.visits import _enrolment_with_conditions, enrolment_with_conditions
from tests.courses.factories import build_course, lessons_of
from tests.factories import UserFactory, totp_enable


def same(prepared: list, queried: list, annotations: list[str]) -> None:
    assert [type(x) for x in prepared] == [type(x) for x in queried]
    for mine, theirs in zip(prepared, queried, strict=True):
        assert model_to_dict(mine) == model_to_dict(theirs)
        assert {f.attname: getattr(mine, f.attname) for f in type(mine)._meta.concrete_fields} == {
            f.attname: getattr(theirs, f.attname) for f in type(theirs)._meta.concrete_fields
        }
        for name in annotations:
            assert getattr(mine, name) == getattr(theirs, name), name
            assert type(getattr(mine, name)) is type(getattr(theirs, name)), name


@pytest.mark.django_db
class PreparedQueryTests:
    def test_the_user_with_access_status_matches_the_queryset_for_every_kind_of_user(self):
        learner = UserFactory()
        author = UserFactory(roles=[Role.AUTHOR])
        totp_enable(author)
        admin = UserFactory(is_staff=True, is_superuser=True)
        annotations = ["access_privileged", "access_has_mfa", "access_cms"]
        for user in (learner, author, admin):
            queried = list(with_access_status(User.objects.filter(pk=user.pk)))
            same(user_with_access_status(user_id=user.pk), queried, annotations)
        assert user_with_access_status(user_id=10**9) == []

    def test_the_lesson_visit_matches_the_queryset_before_and_after_progress(self, learner):
        first = build_course("prepared-first", modules=1, lessons=1)
        course = build_course("prepared", modules=1, lessons=2)
        course.prerequisites.add(first)
        course.save()
        lesson = lessons_of(course)[0]
        credit = CreditType.objects.create(code="test-credit", name="Test credit")
        CreditDesignation.objects.create(course=course, credit_type=credit, max_hours=1)
        Enrolment.objects.create(user=learner, course=course)
        values = {"user_id": learner.pk, "lesson_id": lesson.pk, "course_id": course.pk}
        annotations = ["opened_before", "prerequisite_missing", "gate_credit_disclosures"]

        def check(expected: dict) -> None:
            prepared = enrolment_with_conditions(**values)
            same(prepared, list(_enrolment_with_conditions(**values)), annotations)
            assert {name: getattr(prepared[0], name) for name in expected} == expected

        check(
            {"opened_before": False, "prerequisite_missing": True, "gate_credit_disclosures": True}
        )
        LessonProgress.objects.create(user=learner, lesson=lesson, course=course)
        DisclosureAcknowledgement.objects.create(
            user=learner, course=course, acknowledged_at=timezone.now()
        )
        services.lesson_complete(user=learner, lesson=lessons_of(first)[0], course=first)
        check(
            {"opened_before": True, "prerequisite_missing": False, "gate_credit_disclosures": False}
        )
        assert enrolment_with_conditions(**{**values, "course_id": first.pk + 10**6}) == []

    def test_practice_totals_match_the_queryset_with_and_without_hours(self, learner):
        import datetime
        from decimal import Decimal

        from django.core.files.uploadedfile import SimpleUploadedFile

        from assessments.models import ExternalTraining, PracticeLog, ReviewStatus
        from assessments.selectors import (
            PRACTICE_TOTALS,
            _with_practice_totals,
            practice_totals,
            with_practice_totals,
        )

        def check():
            queried = list(_with_practice_totals(user_id=learner.pk))
            same(with_practice_totals(user_id=learner.pk), queried, list(PRACTICE_TOTALS))

        check()
        assert set(practice_totals(user=learner).values()) == {Decimal(0)}
        supervisor = UserFactory()
        for hours, status in (("2.5", ReviewStatus.APPROVED), ("1", ReviewStatus.SUBMITTED)):
            PracticeLog.objects.create(
                learner=learner,
                supervisor=supervisor,
                date=datetime.date(2026, 1, 5),
                hours=Decimal(hours),
                setting="Peer-run respite",
                activities="Co-facilitated a group.",
                status=status,
            )
        ExternalTraining.objects.create(
            learner=learner,
            title="WRAP facilitator",
            provider="Copeland Center",
            completed_on=datetime.date(2026, 1, 9),
            hours=Decimal("12.25"),
            person_centered=True,
            evidence=SimpleUploadedFile("c.pdf", b"%PDF-1.4"),
            status=ReviewStatus.APPROVED,
        )
        check()
        assert practice_totals(user=learner) == {
            "attested": Decimal("2.5"),
            "waiting": Decimal(1),
            "approved": Decimal("12.25"),
            "person_centered": Decimal("12.25"),
        }

    def test_values_must_be_the_named_integers_or_strings(self):
        with pytest.raises(TypeError, match="user_id must be int, not str"):
            user_with_access_status(user_id="1")
        with pytest.raises(TypeError, match="Expected the values"):
            user_with_access_status(pk=1)
        by_email = PreparedQuery(lambda email: User.objects.filter(email=email), strings=("email",))
        with pytest.raises(TypeError, match="email must be str, not int"):
            by_email(email=1)
        with pytest.raises(TypeError, match="must name parameters"):
            PreparedQuery(lambda user_id: User.objects.all(), strings=("email",))

    def test_a_string_compared_for_equality_matches_the_queryset(self):
        learner, other = UserFactory(email="riley@example.org"), UserFactory()
        by_email = PreparedQuery(
            lambda email, user_id: User.objects.filter(email=email).exclude(pk=user_id),
            strings=("email",),
        )
        queried = list(User.objects.filter(email="riley@example.org").exclude(pk=other.pk))
        same(by_email(email="riley@example.org", user_id=other.pk), queried, [])
        assert by_email(email="riley@example.org", user_id=learner.pk) == []
        # Text that would break out of a literal is a parameter like any other.
        assert by_email(email="x' OR '1'='1", user_id=other.pk) == []

    def test_the_ancestry_and_the_hinted_page_match_their_querysets(self, home_page):
        from content.pages import _ancestry_query
        from content.serving import _page_at
        from courses.models import CoursePage

        course = build_course("prepared-ancestry", modules=1, lessons=1)
        lesson = lessons_of(course)[0]
        paths = lesson._ancestor_paths()
        expected = sorted(_ancestry_query(paths), key=lambda page: page.path)
        assert [p.path for p in lesson.ancestry()] == [p.path for p in expected] == paths
        same(lesson.ancestry(), expected, ["restricted"])
        (found,) = _page_at(CoursePage)(page_id=course.pk, url_path=course.url_path)
        queried = CoursePage.objects.get(pk=course.pk)
        fields = CoursePage._meta.concrete_fields  # the page's own and its base Page's
        assert type(found) is CoursePage
        assert {f.attname: getattr(found, f.attname) for f in fields} == {
            f.attname: getattr(queried, f.attname) for f in fields
        }
        assert _page_at(CoursePage)(page_id=course.pk, url_path="/elsewhere/") == []

    def test_what_it_cannot_prepare_is_refused(self):
        joined = PreparedQuery(
            lambda user_id: Enrolment.objects.filter(pk=user_id).select_related("user")
        )
        with pytest.raises(ImproperlyConfigured, match="select_related"):
            joined(user_id=1)
        unused = PreparedQuery(lambda user_id: User.objects.all())
        with pytest.raises(ImproperlyConfigured, match="did not reach the SQL"):
            unused(user_id=1)
        # A lookup that rewrites its text (here into a LIKE pattern) cannot be prepared.
        pattern = PreparedQuery(
            lambda email: User.objects.filter(email__startswith=email), strings=("email",)
        )
        with pytest.raises(ImproperlyConfigured, match="did not reach the SQL"):
            pattern(email="riley")
