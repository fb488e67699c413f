"""The "Accredited CE" CMS menu: the provider's credit types with their statements, and the
evaluation form learners complete before claiming credit."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accreditation.admin_views import (
    REPORT_PERMISSION,
    ActivityDetailView,
    ActivityReportView,
    ParsExportView,
)
from accreditation.models import CreditType, EvaluationQuestion


class CreditTypeViewSet(SnippetViewSet):
    model = CreditType
    icon = "pick"
    menu_label = "Credit types"
    list_display = ["name", "accreditor", "professions", "code"]
    search_fields = ["name", "code", "accreditor"]


class EvaluationQuestionViewSet(SnippetViewSet):
    model = EvaluationQuestion
    icon = "help"
    menu_label = "Evaluation form"
    list_display = ["text", "kind", "required", "active", "sort_order"]
    ordering = ["sort_order", "pk"]


class AccreditationGroup(SnippetViewSetGroup):
    menu_label = "Accredited CE"
    menu_icon = "pick"
    menu_order = 260
    items = (CreditTypeViewSet, EvaluationQuestionViewSet)


register_snippet(AccreditationGroup)


@hooks.register("register_admin_urls")
def register_accreditation_admin_urls():
    return [
        path("reports/ce-activities/", ActivityReportView.as_view(), name="ce_activities"),
        path(
            "reports/ce-activities/results/",
            ActivityReportView.as_view(results_only=True),
            name="ce_activities_results",
        ),
        path("reports/ce-activities/<int:pk>/", ActivityDetailView.as_view(), name="ce_activity"),
        path("reports/ce-activities/pars/", ParsExportView.as_view(), name="ce_pars"),
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_activity_report_menu_item():
    return ReportMenuItem(
        "Accredited CE activities", reverse("ce_activities"), icon_name="pick", order=75
    )


@hooks.register("register_reports_menu_item")
def register_pars_menu_item():
    return ReportMenuItem("PARS activity file", reverse("ce_pars"), icon_name="download", order=76)
