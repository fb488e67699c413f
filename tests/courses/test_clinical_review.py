"""Medication content is published only through a clinical reviewer's approval."""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import WorkflowState
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from accounts.roles import Role
from courses.models import LessonPage, ModulePage
from courses.review_report import review_overdue_lessons
from tests.factories import UserFactory, staff_user

FIXTURE = Path(__file__).parent / "curriculum"


@pytest.fixture
def tree(db, tmp_path):
    call_command("load_curricula", str(FIXTURE), stdout=StringIO())


def lesson_form(title: str, slug: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "A lesson written in the CMS.",
            "estimated_minutes": 5,
            "body": streamfield(
                [
                    (
                        "text",
                        {
                            "text": rich_text("<p>Effects vary between people.</p>"),
                            "references": streamfield([]),
                        },
                    )
                ]
            ),
        }
    )


@pytest.mark.django_db
class ClinicalReviewGateTests:
    def test_medication_pages_use_clinical_review_and_others_editorial(self, tree):
        meds = LessonPage.objects.get(slug="reviewed")
        basics = LessonPage.objects.get(slug="what-it-is")
        assert meds.get_workflow().name == "Clinical review"
        assert basics.get_workflow().name == "Editorial review"
        task = meds.get_workflow().tasks.get().specific
        assert [g.name for g in task.groups.all()] == [Role.CLINICAL_REVIEWER.value]

    def test_nobody_publishes_medication_content_directly_not_even_a_superuser(self, tree):
        superuser = UserFactory(roles=[], is_staff=True, is_superuser=True)
        meds = LessonPage.objects.get(slug="unreviewed")
        basics = LessonPage.objects.get(slug="what-it-is")
        assert not meds.permissions_for_user(superuser).can_publish()
        assert not meds.get_parent().specific.permissions_for_user(superuser).can_publish_subpage()
        assert basics.permissions_for_user(superuser).can_publish()

    def test_publish_button_in_the_cms_does_not_publish_medication_content(self, client, tree):
        admin = staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
        client.force_login(admin)
        page = LessonPage.objects.get(slug="unreviewed")
        revisions = page.revisions.count()
        data = lesson_form("Unreviewed lesson", "unreviewed") | {"action-publish": "publish"}
        client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        # The edit was valid and saved, as a draft: publishing was not an option.
        assert page.revisions.count() == revisions + 1
        assert not LessonPage.objects.get(pk=page.pk).live

    def test_author_writes_a_lesson_submits_it_and_a_reviewer_approves_and_publishes(
        self, client, tree
    ):
        author, reviewer = (
            staff_user(Role.AUTHOR),
            staff_user(Role.CLINICAL_REVIEWER, first_name="Casey", last_name="Reviewer"),
        )
        module = ModulePage.objects.get(slug="effects")
        client.force_login(author)
        add_url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
        response = client.post(
            add_url, lesson_form("New lesson", "new-lesson") | {"action-submit": "submit"}
        )
        assert response.status_code == 302, response.content[:2000]
        lesson = LessonPage.objects.get(slug="new-lesson")
        assert not lesson.live
        state = WorkflowState.objects.get(object_id=str(lesson.pk))
        assert state.workflow.name == "Clinical review" and state.status == "in_progress"

        client.force_login(reviewer)
        approve = reverse(
            "wagtailadmin_pages:workflow_action",
            args=[lesson.pk, "approve", state.current_task_state.pk],
        )
        response = client.post(approve, {"comment": "Checked against the cited sources."})
        assert response.status_code in {200, 302}
        lesson.refresh_from_db()
        assert lesson.live
        assert lesson.clinically_reviewed_on == datetime.date.today()
        assert lesson.clinical_reviewer == "Casey Reviewer"

    def test_an_author_cannot_approve(self, client, tree):
        author = staff_user(Role.AUTHOR)
        lesson = LessonPage.objects.get(slug="unreviewed")
        workflow = lesson.get_workflow()
        state = workflow.start(lesson, author)
        client.force_login(author)
        approve = reverse(
            "wagtailadmin_pages:workflow_action",
            args=[lesson.pk, "approve", state.current_task_state.pk],
        )
        client.post(approve, {"comment": ""})
        assert not LessonPage.objects.get(pk=lesson.pk).live


@pytest.mark.django_db
class ReviewOverdueReportTests:
    def test_lists_unreviewed_and_expired_medication_lessons_only(self, tree):
        LessonPage.objects.filter(slug="unreviewed").update(live=True)
        today = datetime.date(2027, 10, 2)  # a year and a day after the fixture's review
        overdue = {page.slug for page in review_overdue_lessons(today=today)}
        assert overdue == {"reviewed", "unreviewed"}
        assert {p.slug for p in review_overdue_lessons(today=datetime.date(2027, 9, 30))} == {
            "unreviewed"
        }

    def test_report_page_is_for_reviewers_and_administrators(self, client, tree):
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        response = client.get(reverse("clinical_review_due"))
        assert response.status_code == 200
        client.force_login(staff_user(Role.AUTHOR))
        assert client.get(reverse("clinical_review_due")).status_code in {302, 403}

    def test_report_csv_export(self, client, tree):
        LessonPage.objects.filter(slug="unreviewed").update(live=True)
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        response = client.get(reverse("clinical_review_due") + "?export=csv")
        body = b"".join(response.streaming_content).decode()
        assert "Unreviewed lesson" in body


@pytest.mark.django_db
class EditingPermissionTests:
    def test_authors_may_upload_images_and_reviewers_only_choose_them(self, tree):
        image_permissions = policy_registry.get_by_type(get_image_model())
        author, reviewer = staff_user(Role.AUTHOR), staff_user(Role.CLINICAL_REVIEWER)
        assert image_permissions.user_has_permission(author, "add")
        assert not image_permissions.user_has_permission(reviewer, "add")
        assert image_permissions.user_has_permission(reviewer, "choose")

    def test_authors_may_add_and_edit_pages_but_not_publish(self, tree):
        author = staff_user(Role.AUTHOR)
        basics = LessonPage.objects.get(slug="what-it-is")
        tester = basics.permissions_for_user(author)
        assert tester.can_edit()
        assert not tester.can_publish()
        module = ModulePage.objects.get(slug="intro")
        assert module.permissions_for_user(author).can_add_subpage()
