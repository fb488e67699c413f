"""Background work of courses: telling learners about a material correction, after the
publishing transaction commits; indexing what a curriculum load saved."""

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail

from wagtail.models import ReferenceIndex
from wagtail.tasks import update_reference_index_task

from django_tasks import task
from modelsearch import index as search_index
from modelsearch.tasks import insert_or_update_object_task

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


@task()
def index_saved_objects(objects: list[list[str]]) -> int:
    """Search- and reference-index each [app_label, model_name, pk] once, as Wagtail's per-save
    tasks would have (see courses.curriculum.indexing); an object deleted since is skipped."""
    searched = set(search_index.get_indexed_models())
    indexed = 0
    for app_label, model_name, pk in objects:
        model = apps.get_model(app_label, model_name)
        if not model.objects.filter(pk=pk).exists():
            continue
        if model in searched:
            insert_or_update_object_task.call(app_label, model_name, pk)
        if model in ReferenceIndex.tracked_models:
            update_reference_index_task.call(app_label, model_name, pk)
        indexed += 1
    return indexed
