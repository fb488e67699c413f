"""The CMS report of medication lessons whose clinical review is missing or overdue."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from accounts.roles import Role
from config.csv_output import NeutralisedCsvExportMixin
from courses.models import MEDICATION_TOPIC, CoursePage, LessonPage, within_any
from courses.review import add_months

REPORT_ROLES = {Role.CLINICAL_REVIEWER.value, Role.ADMINISTRATOR.value}


def review_overdue_lessons(*, today: date | None = None) -> QuerySet[LessonPage]:
    """Live lessons of medication courses never reviewed, or reviewed so long ago that the
    review interval has run out by `today`."""
    today = today or date.today()
    cutoff = add_months(today, -settings.CLINICAL_REVIEW_INTERVAL_MONTHS)
    courses = list(CoursePage.objects.filter(topics__slug=MEDICATION_TOPIC).only("path"))
    if not courses:
        return LessonPage.objects.none()
    return (
        LessonPage.objects.live()
        .filter(within_any(courses))
        .filter(Q(clinically_reviewed_on__isnull=True) | Q(clinically_reviewed_on__lte=cutoff))
        .order_by("clinically_reviewed_on", "path")
    )


def can_see_report(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=REPORT_ROLES).exists()


class ClinicalReviewDueView(NeutralisedCsvExportMixin, ReportView):
    page_title = "Clinical review due"
    header_icon = "warning"
    index_url_name = "clinical_review_due"
    index_results_url_name = "clinical_review_due_results"
    permission_policy = None
    list_export = ["title", "url_path", "clinically_reviewed_on", "clinical_reviewer"]
    export_headings = {"url_path": "Path", "clinically_reviewed_on": "Reviewed on"}
    columns = [
        TitleColumn("title", label="Lesson", url_name="wagtailadmin_pages:edit"),
        DateColumn("clinically_reviewed_on", label="Last reviewed"),
        Column("clinical_reviewer", label="Reviewer"),
        DateColumn("next_review_due", label="Review due"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return review_overdue_lessons()
