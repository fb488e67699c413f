from django.template.response import TemplateResponse
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import progress, selectors, services
from courses.corrections import correction_record
from courses.gates import gate_response
from courses.models import Audience, LessonPage, Topic
from courses.review_report import ClinicalReviewDueView, can_see_report
from courses.visits import lesson_visit_read


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    list_display = ["name", "slug"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]


register_snippet(AudienceViewSet)
register_snippet(TopicViewSet)


@hooks.register("register_admin_urls")
def register_review_report_urls():
    view = ClinicalReviewDueView
    return [
        path("reports/clinical-review-due/", view.as_view(), name="clinical_review_due"),
        path(
            "reports/clinical-review-due/results/",
            view.as_view(results_only=True),
            name="clinical_review_due_results",
        ),
    ]


class ClinicalReviewDueMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_report(request.user)


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return ClinicalReviewDueMenuItem(
        "Clinical review due", reverse("clinical_review_due"), icon_name="warning", order=50
    )


@hooks.register("before_serve_page")
def gate_and_record_lesson_visit(page, request, serve_args, serve_kwargs):
    """Before a signed-in learner sees a lesson: show unmet prerequisites instead of it, or
    record the visit (which enrols them in the course on their first lesson)."""
    if not isinstance(page, LessonPage) or not request.user.is_authenticated:
        return None  # LessonPage.serve sends anonymous visitors to sign in
    if getattr(request, "is_preview", False):
        return None
    # Kept on the page for its own context, with the lessons this learner completed.
    page.trail = selectors.lesson_trail(lesson=page, learner=request.user)
    course = page.trail.course
    visit = lesson_visit_read(user=request.user, lesson=page, course=course)
    if visit.prerequisites_missing:
        missing = progress.prerequisites_missing(user=request.user, course=course)
        return TemplateResponse(
            request,
            "courses/prerequisites_missing.html",
            {"page": page, "course": course, "missing": missing},
            status=403,
        )
    gated = gate_response(closed=visit.closed_gates, request=request, lesson=page, course=course)
    if gated is not None:
        return gated
    # Kept on the page for its progress bar, which would otherwise read it again.
    page.learner_enrolment = services.lesson_view(
        user=request.user, lesson=page, course=course, visit=visit
    )
    return None


@hooks.register("after_edit_page")
def record_material_correction(request, page):
    """The lesson form checked the tick and its summary; record them against this revision."""
    specific = page.specific
    summary = request.POST.get("correction_summary", "").strip()
    if isinstance(specific, LessonPage) and request.POST.get("material_correction") and summary:
        correction_record(lesson=specific, summary=summary, user=request.user)
