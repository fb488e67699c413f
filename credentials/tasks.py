"""Background work of credentials: issuing what a learner has earned, after the event's
transaction commits, so signing never slows or breaks a learner's request.

When the signing key is unavailable the task books itself again with a growing delay; what is
still not issued after the last try is found by the daily sweep (`credentials_sweep`), so an
earned credential is never silently lost."""

import datetime
import logging
import random

from django.utils import timezone

from django_tasks import task

from accounts.models import User
from courses.models import CoursePage
from credentials.issuance import credentials_issue_earned
from credentials.signing_keys import SigningKeyUnavailable

log = logging.getLogger(__name__)

RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_MAX_TRIES = 10  # 1, 2, 4 ... 256 minutes: about 8.5 hours in all


def retry_delay(tries: int, rng=random) -> datetime.timedelta:
    """Exponential backoff with jitter (a random half to all of the step)."""
    return RETRY_FIRST * (2 ** (tries - 1)) * rng.uniform(0.5, 1)


@task()
def issue_earned_credentials(user_id: int, course_ids: list[int], tries: int = 1) -> list[str]:
    user = User.objects.get(pk=user_id)
    courses = CoursePage.objects.filter(pk__in=course_ids)
    try:
        return [str(c.pk) for c in credentials_issue_earned(user=user, courses=courses)]
    except SigningKeyUnavailable as unavailable:
        if tries >= RETRY_MAX_TRIES or not issue_earned_credentials.get_backend().supports_defer:
            # The daily sweep (credentials_sweep) issues it once the key is back.
            log.error(
                "Issuance for user %s stopped after %s tries: %s", user_id, tries, unavailable
            )
            raise
        delay = retry_delay(tries)
        log.warning("Issuance for user %s waits %s: %s", user_id, delay, unavailable)
        issue_earned_credentials.using(run_after=timezone.now() + delay).enqueue(
            user_id, course_ids, tries + 1
        )
        return []
