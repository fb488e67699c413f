"""Taking assessments: overview and start, answer (form or autosave), submit, result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assessments import selectors, services
from assessments.models import Assessment, Attempt, AttemptStatus
from config.json_input import JsonRefused, content_length_refused, json_parse

# An autosave holds a few option ids per question: far below this.
MAX_ANSWERS_BYTES = 64 * 1024


def _assessment(assessment_id) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("course", "module"), pk=assessment_id
    )
    if not assessment.course.live or (assessment.module and not assessment.module.live):
        raise Http404("No such assessment.")
    return assessment


def _own_attempt(request, attempt_id) -> Attempt:
    # Someone else's attempt is a 404, not a 403: attempt ids are not to be probed.
    return get_object_or_404(
        Attempt.objects.select_related("assessment__course", "assessment__module"),
        pk=attempt_id,
        user=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request, assessment_id):
    assessment = _assessment(assessment_id)
    if request.method == "POST":
        try:
            attempt = services.attempt_start(user=request.user, assessment=assessment)
        except services.AssessmentRefused as refused:
            messages.error(request, str(refused))
            return redirect("assessments:detail", assessment_id=assessment.pk)
        return redirect("assessments:take", attempt_id=attempt.pk)
    availability = services.assessment_availability(user=request.user, assessment=assessment)
    return render(
        request,
        "assessments/assessment.html",
        {
            "assessment": assessment,
            "availability": availability,
            "attempts": selectors.attempts_of(user=request.user, assessment=assessment),
            "back": assessment.module or assessment.course,
        },
    )


def _posted_answers(post) -> dict:
    """{version id: [option ids]} from fields named q-<version id>."""
    answers = {}
    for key in post:
        if key.startswith("q-"):
            answers[key[2:]] = post.getlist(key)
    return answers


@login_required
@require_http_methods(["GET", "POST"])
def attempt_take(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        return redirect("assessments:result", attempt_id=attempt.pk)
    if request.method == "POST":
        answers = _posted_answers(request.POST)
        late = attempt.deadline is not None and timezone.now() > attempt.deadline
        try:
            if request.POST.get("action") == "submit" or late:
                services.attempt_submit(attempt=attempt, answers=answers)
                if late:
                    messages.warning(
                        request,
                        "The time limit had ended, so the answers saved before it were graded.",
                    )
                return redirect("assessments:result", attempt_id=attempt.pk)
            services.attempt_answers_save(attempt=attempt, answers=answers)
        except services.AssessmentRefused as refused:
            messages.error(request, str(refused))
            return redirect("assessments:take", attempt_id=attempt.pk)
        messages.success(request, "Your answers are saved. You can come back to them later.")
        return redirect("assessments:take", attempt_id=attempt.pk)
    return render(
        request,
        "assessments/take.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "items": selectors.attempt_items(attempt=attempt),
            "autosave_url": reverse("assessments:answers", args=[attempt.pk]),
        },
    )


@login_required
@require_POST
def attempt_answers(request, attempt_id):
    """Autosave from the attempt page: {"answers": {version id: [option ids]}}."""
    attempt = _own_attempt(request, attempt_id)
    refused = content_length_refused(request, MAX_ANSWERS_BYTES)
    if refused is not None:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    try:
        body = json_parse(request.body or b"{}", max_bytes=MAX_ANSWERS_BYTES)
    except JsonRefused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    if not isinstance(body, dict):
        return JsonResponse({"error": 'The body must be JSON like {"answers": {...}}.'}, status=400)
    answers = body.get("answers")
    try:
        saved = services.attempt_answers_save(attempt=attempt, answers=answers)
    except services.AssessmentRefused as refused:
        status = 409 if attempt.status == AttemptStatus.SUBMITTED else 400
        return JsonResponse({"error": str(refused)}, status=status)
    return JsonResponse({"saved": saved})


@login_required
def attempt_result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != AttemptStatus.SUBMITTED:
        return redirect("assessments:take", attempt_id=attempt.pk)
    attempts = selectors.attempts_of(user=request.user, assessment=attempt.assessment)
    # A knowledge check passed once may show every attempt's rationales; an exam shows them only
    # on the passed attempt (services.feedback_shown).
    passed_any = any(a.passed for a in attempts)
    shown = services.feedback_shown(attempt=attempt, passed_before=passed_any)
    return render(
        request,
        "assessments/result.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "feedback_shown": shown,
            "items": selectors.attempt_items(attempt=attempt, with_feedback=shown),
            "availability": services.assessment_availability(
                user=request.user, assessment=attempt.assessment
            ),
            "back": attempt.assessment.module or attempt.assessment.course,
        },
    )
