"""Background work of credentials: issuing what a learner has earned, after the event's
transaction commits, so signing never slows or breaks a learner's request."""

from django_tasks import task

from accounts.models import User
from courses.models import CoursePage
from credentials.issuance import credentials_issue_earned


@task()
def issue_earned_credentials(user_id: int, course_ids: list[int]) -> list[str]:
    user = User.objects.get(pk=user_id)
    courses = CoursePage.objects.filter(pk__in=course_ids)
    return [str(c.pk) for c in credentials_issue_earned(user=user, courses=courses)]
