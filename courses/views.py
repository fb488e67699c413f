"""Learner actions outside the page tree: completing lessons, time on page, the dashboard."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from courses import progress, services
from courses.corrections import corrections_for
from courses.models import CoursePage, LessonPage, ProgramPage


def _live_lesson(lesson_id: int) -> tuple[LessonPage, CoursePage]:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    course = lesson and CoursePage.objects.live().ancestor_of(lesson).first()
    if lesson is None or course is None:
        raise Http404("No such lesson.")
    return lesson, course


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson, course = _live_lesson(lesson_id)
    missing = progress.prerequisites_missing(user=request.user, course=course)
    if missing:
        messages.error(request, "Complete the prerequisite courses first.")
        return redirect(lesson.url)
    seconds = request.POST.get("seconds", "")
    if seconds.isdigit() and len(seconds) <= 7 and int(seconds) > 0:
        # Time on screen the page had not reported yet; credited under the same clock rule.
        # A lesson never opened has no time to credit: the completion below refuses it.
        with contextlib.suppress(LookupError):
            services.lesson_time_add(user=request.user, lesson=lesson, seconds=int(seconds))
    try:
        services.lesson_complete(user=request.user, lesson=lesson, course=course)
    except services.CompletionRefused as refused:
        messages.error(request, str(refused))
        return redirect(lesson.url)
    state = progress.courses_progress(user=request.user, courses=[course])[course.pk]
    following = state.next_lesson
    if following is None:
        messages.success(request, f"You have completed every lesson of “{course.title}”.")
        return redirect(course.url)
    messages.success(request, f"“{lesson.title}” is complete. Next: “{following.title}”.")
    return redirect(following.url)


@login_required
@require_POST
def lesson_time(request, lesson_id: int):
    """Beacon from the lesson page: seconds the lesson was visible since the last report."""
    lesson, _ = _live_lesson(lesson_id)
    try:
        seconds = int(request.POST.get("seconds", ""))
    except ValueError:
        return JsonResponse({"error": "seconds must be a whole number"}, status=400)
    try:
        total = services.lesson_time_add(user=request.user, lesson=lesson, seconds=seconds)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except LookupError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    return JsonResponse({"seconds_on_page": total})


@login_required
@require_POST
def program_enrol(request, program_id: int):
    program = ProgramPage.objects.live().filter(pk=program_id).first()
    if program is None:
        raise Http404("No such program.")
    services.program_enrol(user=request.user, program=program)
    messages.success(request, f"You are enrolled in “{program.title}”.")
    return redirect(program.url)


@login_required
@require_GET
def dashboard(request):
    board = progress.dashboard(user=request.user)
    context = {
        "dashboard": board,
        "corrections": corrections_for(user=request.user, completed=board.completed_on),
    }
    return render(request, "courses/dashboard.html", context)
