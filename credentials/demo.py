"""Demo data for `manage.py load_demo`: the demo learner completes the short prescriber course
(its lessons, knowledge checks and exam, through the same services a learner's clicks use) and
so holds one signed credential that a newcomer can verify at once, and has shared this year's CE
transcript with the demo board account."""

from django.utils import timezone

from accounts.demo import demo_account
from accounts.roles import Role
from assessments.models import Assessment, AssessmentKind, ItemVersion
from assessments.services import attempt_start, attempt_submit
from courses.models import CoursePage, LessonPage, LessonProgress, ModulePage
from courses.services import lesson_complete, lesson_view
from credentials.issuance import credential_issue
from credentials.models import Achievement, Credential, SigningKey, TranscriptShare
from credentials.signing_keys import signing_key_add
from credentials.transcripts import share_with_board

DEMO_COURSE = "treatment-optimization-primary-care"


def _pass(user, assessment: Assessment) -> None:
    """Answer every drawn item with its key: the demo learner knows the material."""
    attempt = attempt_start(user=user, assessment=assessment)
    versions = {v.pk: v for v in ItemVersion.objects.filter(pk__in=attempt.version_ids)}
    answers = {str(pk): sorted(version.correct_ids) for pk, version in versions.items()}
    attempt_submit(attempt=attempt, answers=answers)


def _read(user, lesson: LessonPage, course: CoursePage) -> None:
    """Demo data: the demo learner is recorded as having spent each lesson's estimated time on
    it, written directly so that their study clock is left untouched for real use."""
    lesson_view(user=user, lesson=lesson, course=course)
    LessonProgress.objects.filter(user=user, lesson=lesson).update(
        seconds_on_page=lesson.estimated_minutes * 60
    )


def load(*, stdout) -> None:
    course = CoursePage.objects.live().filter(slug=DEMO_COURSE).first()
    achievement = Achievement.objects.filter(course=course).first() if course else None
    if achievement is None:
        return
    learner = demo_account(Role.LEARNER)
    if not Credential.objects.filter(learner=learner, achievement=achievement).exists():
        if not SigningKey.objects.filter(is_current=True).exists():
            signing_key_add()  # a development key, as `credentials_key_add --if-none` makes
        for module in ModulePage.objects.live().child_of(course):
            for lesson in LessonPage.objects.live().child_of(module):
                _read(learner, lesson, course)
                lesson_complete(user=learner, lesson=lesson, course=course)
            check = Assessment.objects.filter(module=module).first()
            if check is not None:
                _pass(learner, check)
        exam = Assessment.objects.filter(course=course, kind=AssessmentKind.EXAM).first()
        if exam is not None:
            _pass(learner, exam)
        credential_issue(learner=learner, achievement=achievement)
    credential = Credential.objects.get(learner=learner, achievement=achievement)
    board = demo_account(Role.BOARD_VERIFIER)
    if not TranscriptShare.objects.filter(learner=learner, board=board).exists():
        today = timezone.localdate()
        share_with_board(
            learner=learner, board=board, start=today.replace(month=1, day=1), end=today
        )
    stdout.write(
        f"Credentials: the demo learner holds “{achievement.name}”; verify it at "
        f"/verify/{credential.pk}/ (its JSON: /credentials/{credential.pk}.json). They shared "
        "this year's CE transcript with the demo board account, which reads it at /board/."
    )
