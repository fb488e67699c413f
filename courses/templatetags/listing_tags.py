"""Long listings rendered in Python: the catalogue's course cards and the dashboard's courses.

Django's template engine takes some 80 µs for a catalogue card or a dashboard course (resolving,
localizing and escaping each value, and an include for the progress bar), which made a listing
of 250 cards or 50 courses most of its page's time (issue 17); these take a tenth of that. The
markup, whitespace included, is what the templates' loops wrote, each value escaped as the
template escaped it: Django's escape is html.escape, behind checks for lazy and already-safe
text that these values never are. Numbers are written as the template wrote them with no
thousands separator (USE_THOUSAND_SEPARATOR is off).
"""

from html import escape

from django import template
from django.template.defaultfilters import date, floatformat, pluralize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from courses.templatetags.courses_tags import duration, hours

register = template.Library()

CARD = """
            <li>
              <article class="course-card" aria-labelledby="course-{pk}">
                <h3 id="course-{pk}"><a href="{url}">{title}</a></h3>
                <p>{summary}</p>
                <ul class="facts" aria-label="Course facts">
                  <li><strong>{hours}</strong> CE hour{plural}</li>
                  <li>About {duration}</li>
                  <li>For: {audiences}</li>
                </ul>
                <ul class="tags" aria-label="Topics">
                  {topics}
                </ul>
              </article>
            </li>
          """

# courses/includes/progress.html, as {% include %} writes it (tests compare the two).
PROGRESS = """
<div class="progress-block">
  <label for="progress-{id}">{label}: {done} of {total} lesson{plural} ({percent}%)</label>
  <progress id="progress-{id}" value="{done}" max="{max}">{percent}%</progress>
</div>
"""

DASHBOARD_COURSE = """
          <li>
            <h3><a href="{url}">{title}</a></h3>
            {progress}
            {status}
          </li>
        """
COMPLETED = """
              <p>Completed on {on} · {hours} CE hours</p>
            """
NEXT = """
              <p>Next: <a href="{url}">{title}</a></p>
            """


@register.simple_tag
def course_cards(courses) -> SafeString:
    """A `<li>` card for each of the catalogue's courses (courses.catalogue.CourseCard)."""
    return mark_safe(  # noqa: S308  (every value in it is escaped here)
        "".join(
            CARD.format(
                pk=course.pk,
                url=escape(str(course.url)),
                title=escape(course.title),
                summary=escape(course.summary),
                hours=escape(hours(course.ce_hours)),
                plural=pluralize(course.ce_hours),
                duration=escape(duration(course.estimated_minutes)),
                audiences=escape(", ".join(audience.name for audience in course.audiences)),
                topics="".join(f"<li>{escape(topic.name)}</li>" for topic in course.topics),
            )
            for course in courses
        )
    )


def progress_bar(*, bar_id, label: str, done: int, total: int, percent: int) -> str:
    """courses/includes/progress.html with these values, as escaped HTML."""
    return PROGRESS.format(
        id=escape(str(bar_id)),
        label=escape(label),
        done=done,
        total=total,
        plural=pluralize(total),
        max=total or 1,
        percent=percent,
    )


@register.simple_tag
def dashboard_courses(items) -> SafeString:
    """A `<li>` for each of the dashboard's courses (courses.progress.CourseSummary): link,
    progress bar, and when it was completed or where to continue."""
    parts = []
    for item in items:
        if item.completed:
            on = date(template_localtime(item.enrolment.completed_at), "j F Y")
            status = COMPLETED.format(on=escape(on), hours=floatformat(item.course.ce_hours, "-2"))
        elif item.next_lesson:
            lesson = item.next_lesson
            status = NEXT.format(url=escape(str(lesson.url)), title=escape(lesson.title))
        else:
            status = ""
        progress = progress_bar(
            bar_id=item.course.pk,
            label="Progress",
            done=item.done,
            total=item.total,
            percent=item.percent,
        )
        parts.append(
            DASHBOARD_COURSE.format(
                url=escape(str(item.course.url)),
                title=escape(item.course.title),
                progress=progress,
                status=status,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value in it is escaped here)
