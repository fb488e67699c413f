"""Background work of courses: telling learners about a material correction, after the
publishing transaction commits."""

from django.conf import settings
from django.core.mail import send_mail

from django_tasks import task

from courses.corrections import learners_to_tell
from courses.models import LessonCorrection


@task()
def notify_correction(correction_id: int) -> int:
    correction = (
        LessonCorrection.objects.select_related("lesson", "course")
        .filter(pk=correction_id, notified=0)
        .first()
    )
    if correction is None:
        return 0  # already told (a retry), or gone
    url = settings.SITE_URL + correction.lesson.url
    sent = 0
    for enrolment in learners_to_tell(correction):
        send_mail(
            f"A correction to “{correction.course.title}”",
            f"You completed “{correction.course.title}”. Since then we have corrected the "
            f"lesson “{correction.lesson.title}” "
            f"({correction.published_at:%-d %B %Y}):\n\n{correction.summary}\n\n"
            f"Read the corrected lesson: {url}\n",
            None,
            [enrolment.user.email],
        )
        sent += 1
    LessonCorrection.objects.filter(pk=correction.pk).update(notified=sent)
    return sent
