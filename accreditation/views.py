"""Acknowledging a course's disclosures and claiming its credit. Thin: the rules are in
accreditation.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accreditation import follow_ups, selectors, services
from accreditation.forms import ClaimForm, FollowUpForm
from courses.models import CoursePage


def _course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


@login_required
@require_POST
def acknowledge(request, course_id: int):
    course = _course(course_id)
    if not selectors.offered_for_credit(course=course):
        messages.info(request, "This course is not offered for CE credit: nothing to acknowledge.")
        return redirect(course.url)
    services.disclosures_acknowledge(user=request.user, course=course)
    messages.success(request, "Thank you: your acknowledgement of the disclosures is recorded.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = course.url
    return redirect(target)


@require_http_methods(["GET", "POST"])
def follow_up(request, token: str):
    """The single-use link of the follow-up email: no sign-in, the link is the key."""
    try:
        pending = follow_ups.follow_up_for(token)
    except follow_ups.FollowUpRefused as refused:
        return render(
            request, "accreditation/follow_up_done.html", {"message": str(refused)}, status=404
        )
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_ups.follow_up_answer(token=token, **form.cleaned_data)
        except follow_ups.FollowUpRefused as refused:
            return render(
                request,
                "accreditation/follow_up_done.html",
                {"message": str(refused)},
                status=409,
            )
        message = "Thank you. Your answer is recorded, without your name."
        return render(request, "accreditation/follow_up_done.html", {"message": message})
    context = {"form": form, "course": pending.claim.course}
    return render(
        request, "accreditation/follow_up.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, course_id: int):
    course = _course(course_id)
    blockers = services.claim_blockers(user=request.user, course=course, today=timezone.localdate())
    if blockers:
        status = 409 if request.method == "POST" else 200
        return render(
            request,
            "accreditation/claim_blocked.html",
            {"course": course, "blockers": blockers},
            status=status,
        )
    designations = selectors.designations(course=course)
    form = ClaimForm(
        request.POST or None,
        designations=designations,
        questions=selectors.evaluation_questions(),
    )
    if request.method == "POST" and form.is_valid():
        designation, hours, answers = form.claim_parts()
        try:
            claimed = services.credit_claim(
                user=request.user,
                course=course,
                request=services.ClaimRequest(designation, hours, answers),
            )
        except services.ClaimRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Credit claimed: {claimed.hours.normalize():f} {claimed.credit_type.name}. Your "
                "credential is "
                "being issued and will be listed here in a moment.",
            )
            return redirect("credentials:mine")
    context = {
        "course": course,
        "form": form,
        "designations": designations,
        "minutes_on_task": selectors.seconds_on_task(user=request.user, course=course) // 60,
    }
    return render(request, "accreditation/claim.html", context, status=400 if form.errors else 200)
