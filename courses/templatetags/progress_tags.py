"""Progress on course, program and lesson pages, for the signed-in learner."""

import math

from django import template
from django.urls import reverse

from courses import progress, selectors, services
from courses.models import Enrolment

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def learner_course_state(context, course, lessons=None, enrolment=None, completed_ids=None):
    """The signed-in learner's progress in `course`; None for visitors and the not enrolled.
    A lesson page passes the lessons, enrolment and completions it already has, to save reading
    them again."""
    user = _user(context)
    if user is None:
        return None
    enrolment = enrolment or Enrolment.objects.filter(user=user, course_id=course.pk).first()
    if enrolment is None:
        return None
    return progress.courses_progress(
        user=user,
        courses=[course],
        enrolments={course.pk: enrolment},
        lessons={course.pk: lessons} if lessons is not None else None,
        completed={course.pk: completed_ids} if completed_ids is not None else None,
    )[course.pk]


@register.inclusion_tag("courses/includes/course_progress.html", takes_context=True)
def course_progress(context, course, lessons=None, completed_ids=None):
    """Progress bar and where to continue, on the course page (which passes the lessons and
    completions it read for its outline)."""
    state = learner_course_state(context, course, lessons=lessons, completed_ids=completed_ids)
    return {"state": state, "show_continue": True}


@register.inclusion_tag("courses/includes/lesson_completion.html", takes_context=True)
def lesson_completion(context, lesson, state):
    """The "Mark as complete" form, or that the lesson is complete; the time-on-page beacon."""
    if _user(context) is None or state is None:
        return {"show": False}
    done = lesson.pk in state.completed_ids
    return {
        "show": True,
        "done": done,
        "required_minutes": math.ceil(services.seconds_required(lesson) / 60),
        "complete_url": reverse("courses:lesson_complete", args=[lesson.pk]),
        "time_url": reverse("courses:lesson_time", args=[lesson.pk]),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("courses/includes/program_progress.html", takes_context=True)
def program_progress(context, program):
    """Enrol button, or progress across the program's courses for an enrolled learner."""
    user = _user(context)
    if user is None:
        return {"signed_in": False, "program": program}
    request = context["request"]
    courses = selectors.program_courses(program=program, request=request)
    enrolments = selectors.program_enrolments(user=user, program=program, courses=courses)
    if enrolments.program is None:
        return {
            "signed_in": True,
            "program": program,
            "enrol_url": reverse("courses:program_enrol", args=[program.pk]),
            "csrf_token": context.get("csrf_token"),
        }
    states = progress.courses_progress(
        user=user,
        courses=courses,
        enrolments=enrolments.courses,
        lessons=selectors.program_lessons(program=program, request=request),
    )
    return {
        "signed_in": True,
        "program": program,
        "state": progress.ProgramProgress(enrolments.program, [states[c.pk] for c in courses]),
    }
