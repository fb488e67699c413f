"""Demo data for `manage.py load_demo`: the curricula in content/curricula/.

Medication lessons wait as drafts until a clinical reviewer approves them. So that a newcomer can
browse every course, the demo sends those drafts through the real Clinical review workflow and
approves them as the demo reviewer account, with a comment saying this is demo data and not a
clinical review. Only `load_demo` does this, and it runs only with DEBUG on.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db.models import Q

from wagtail.admin.signal_handlers import register_signal_handlers
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_submitted

from accounts.demo import demo_account
from accounts.roles import Role
from courses.curriculum.lesson_reads import lesson_reads_known
from courses.curriculum.plan import read_curricula
from courses.curriculum.writer import curriculum_write
from courses.models import LessonPage
from courses.review import clinical_review_workflow

CURRICULA = settings.BASE_DIR / "content" / "curricula"
DEMO_REVIEW_COMMENT = (
    "Demo data: approved by the demo reviewer account so the lesson can be browsed in a demo. "
    "This is not a clinical review."
)


def load(*, stdout) -> None:
    plan = read_curricula(CURRICULA, known=lesson_reads_known(CURRICULA))
    report = curriculum_write(plan=plan)
    stdout.write(
        f"Curricula: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
    approved = demo_reviews_approve()
    if approved:
        stdout.write(
            f"  {approved} medication lesson(s) approved by the demo reviewer account "
            "(demo data, not a clinical review)."
        )


@contextmanager
def workflow_emails_muted():
    """Without this, each demo approval emails its submitter and the reviewers: dozens of
    emails on the console of `make run`. Wagtail's own registration puts them back."""
    task_submitted.disconnect(
        sender=TaskState, dispatch_uid="group_approval_task_submitted_email_notification"
    )
    for signal, uid in (
        (workflow_submitted, "workflow_state_submitted_email_notification"),
        (workflow_approved, "workflow_state_approved_email_notification"),
    ):
        signal.disconnect(sender=WorkflowState, dispatch_uid=uid)
    try:
        yield
    finally:
        register_signal_handlers()


def demo_reviews_approve() -> int:
    """Approve, as the demo reviewer, every lesson draft (new, or changed in the files since it
    was approved) that is not already in a workflow."""
    with workflow_emails_muted():
        return _approve_drafts()


def _approve_drafts() -> int:
    workflow = clinical_review_workflow()
    author, reviewer = demo_account(Role.AUTHOR), demo_account(Role.CLINICAL_REVIEWER)
    approved = 0
    drafts = LessonPage.objects.filter(Q(live=False) | Q(has_unpublished_changes=True))
    for lesson in drafts.order_by("path"):
        if lesson.workflow_in_progress:
            continue  # someone's real review is under way: leave it to them
        state = workflow.start(lesson, author)
        task_state = state.current_task_state
        task_state.task.specific.on_action(
            task_state, reviewer, "approve", comment=DEMO_REVIEW_COMMENT
        )
        approved += 1
    return approved
