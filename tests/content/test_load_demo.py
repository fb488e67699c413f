from io import StringIO

from django.core.management import CommandError, call_command

from wagtail.models import Page, TaskState, WorkflowState

import pytest

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User
from accounts.roles import Role, user_mfa_status, user_roles
from assessments import demo as assessments_demo
from assessments.models import PracticeLog
from courses import demo as courses_demo
from courses.models import LessonPage
from tests.courses.test_load_curricula import copy_curriculum


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class LoadDemoTests:
    @pytest.fixture(autouse=True)
    def curriculum(self, settings, monkeypatch, tmp_path):
        # The small test curriculum keeps these tests fast; tests/content/test_curricula.py
        # imports the real one.
        settings.DEBUG = True
        curriculum = copy_curriculum(tmp_path)
        monkeypatch.setattr(courses_demo, "CURRICULA", curriculum)
        return curriculum

    def test_creates_one_account_per_role_and_prints_the_logins(self):
        output = load_demo()
        assert {role for role, *_ in DEMO_ACCOUNTS} == set(Role)
        for role, email, *_ in DEMO_ACCOUNTS:
            user = User.objects.get(email=email)
            assert user_roles(user) == {role}
            assert user.check_password(DEMO_PASSWORD)
            assert email in output
        assert DEMO_PASSWORD in output

    def test_accounts_that_need_mfa_get_an_authenticator(self):
        load_demo()
        for _, email, *_ in DEMO_ACCOUNTS:
            requires, has = user_mfa_status(User.objects.get(email=email))
            assert has == requires

    def test_running_twice_duplicates_nothing(self):
        load_demo()
        counts = (User.objects.count(), Page.objects.count())
        load_demo()
        assert (User.objects.count(), Page.objects.count()) == counts

    def test_demo_reviewer_approves_medication_drafts_through_the_workflow(self):
        output = load_demo()
        assert not LessonPage.objects.filter(live=False).exists()
        lesson = LessonPage.objects.get(slug="unreviewed")
        assert lesson.clinical_reviewer == "Casey Reviewer"
        state = WorkflowState.objects.get(object_id=str(lesson.pk))
        assert (state.workflow.name, state.status) == ("Clinical review", "approved")
        task = TaskState.objects.get(workflow_state=state)
        assert task.finished_by.email == "reviewer@example.org"
        assert task.comment == courses_demo.DEMO_REVIEW_COMMENT
        assert "approved by the demo reviewer account (demo data, not a clinical review)" in output

    def test_a_lesson_changed_in_the_files_is_approved_again(self, curriculum):
        load_demo()
        file = curriculum / "courses/meds/effects/unreviewed.md"
        file.write_text(file.read_text().replace("never prescribed", "not prescribed"))
        load_demo()
        lesson = LessonPage.objects.get(slug="unreviewed")
        assert not lesson.has_unpublished_changes
        assert "not prescribed" in str(lesson.body[0].value["text"])
        assert WorkflowState.objects.filter(object_id=str(lesson.pk)).count() == 2

    def test_a_review_already_under_way_is_left_to_its_reviewer(self):
        load_demo()
        lesson = LessonPage.objects.get(slug="unreviewed")
        lesson.save_revision()  # a new draft, submitted for a real review
        LessonPage.objects.filter(pk=lesson.pk).update(live=False)
        courses_demo.clinical_review_workflow().start(
            lesson, User.objects.get(email="author@example.org")
        )
        load_demo()
        assert WorkflowState.objects.filter(object_id=str(lesson.pk)).count() == 2
        assert LessonPage.objects.get(pk=lesson.pk).workflow_in_progress

    def test_demo_learner_has_practice_waiting_for_the_demo_supervisor(self, monkeypatch):
        monkeypatch.setattr(assessments_demo, "PEER_PROGRAM", "peer-cert")
        load_demo()
        load_demo()
        [log] = PracticeLog.objects.all()
        assert (log.learner.email, log.supervisor.email, log.status) == (
            "learner@example.org",
            "supervisor@example.org",
            "submitted",
        )
        assert log.learner.enrolments.filter(program__slug="peer-cert").exists()

    def test_one_course_is_offered_for_credit_under_two_credit_types(self, monkeypatch):
        from accreditation import demo as accreditation_demo
        from accreditation.models import CreditDesignation
        from accreditation.reports import activity_report
        from courses.models import CoursePage

        monkeypatch.setattr(accreditation_demo, "DEMO_COURSE", "basics")
        output = load_demo() + load_demo()  # twice: nothing duplicates
        designations = CreditDesignation.objects.filter(course__slug="basics")
        assert sorted((d.credit_type.name, str(d.max_hours)) for d in designations) == [
            ("ANCC contact hours", "0.25"),
            ("Certificate of participation hours", "0.25"),
        ]
        assert "Demonstration wording" in designations[0].credit_type.accreditation_statement
        assert "offered for ANCC contact hours and a certificate of participation" in output
        # The demo cohort gives the activity report something to show, once.
        report = activity_report(CoursePage.objects.get(slug="basics"))
        assert report.claims == len(accreditation_demo.COHORT)
        assert report.evaluations == len(accreditation_demo.COHORT)
        assert report.follow_ups_answered == 5
        assert report.perceived_bias == "17%"  # one of six disagreed it was free of bias

    def test_demo_totp_prints_a_six_digit_code_per_mfa_account(self):
        load_demo()
        out = StringIO()
        call_command("demo_totp", stdout=out)
        lines = out.getvalue().splitlines()
        assert len(lines) == sum(1 for role, *_ in DEMO_ACCOUNTS if role != Role.LEARNER)
        assert all(line.split()[1].isdigit() and len(line.split()[1]) == 6 for line in lines)


@pytest.mark.django_db
class LoadDemoSafetyTests:
    def test_refuses_without_debug(self):
        with pytest.raises(CommandError, match="DEBUG=1"):
            call_command("load_demo", stdout=StringIO())
        assert not User.objects.exists()

    def test_demo_totp_refuses_without_debug(self):
        with pytest.raises(CommandError, match="DEBUG=1"):
            call_command("demo_totp", stdout=StringIO())
