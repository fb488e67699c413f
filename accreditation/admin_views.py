"""CMS reports of accredited CE: each activity's participation, claims, evaluation and
outcomes (list, with CSV and XLSX export, and a page per activity), and the PARS activity
file. For the provider's administrators (accreditation.view_creditclaim)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from accreditation.reports import activities, activity_report, pars_activities
from config.csv_output import NeutralisedCsvExportMixin
from courses.models import CoursePage

REPORT_PERMISSION = "accreditation.view_creditclaim"


class _ReportPermission:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ActivityReportView(_ReportPermission, NeutralisedCsvExportMixin, ReportView):
    page_title = "Accredited CE activities"
    header_icon = "pick"
    index_url_name = "ce_activities"
    index_results_url_name = "ce_activities_results"
    permission_policy = None
    list_export = [
        "title",
        "learners",
        "completions",
        "acknowledgements",
        "claims",
        "hours_claimed",
        "claims_by_type_text",
        "evaluations",
        "objectives_met_mean",
        "perceived_bias",
        "follow_ups_sent",
        "follow_ups_answered",
        "follow_up_response_rate",
        "pre_post_n",
        "mean_pre",
        "mean_post",
        "knowledge_change",
        "effect_size",
    ]
    export_headings = {
        "title": "Activity",
        "hours_claimed": "Hours claimed",
        "claims_by_type_text": "Claims by credit type",
        "objectives_met_mean": "Objectives met (mean, 1-5)",
        "perceived_bias": "Perceived commercial bias",
        "follow_ups_sent": "Follow-ups sent",
        "follow_ups_answered": "Follow-ups answered",
        "follow_up_response_rate": "Follow-up response rate",
        "pre_post_n": "Pre and post-test (n)",
        "mean_pre": "Mean pre-test %",
        "mean_post": "Mean post-test %",
        "knowledge_change": "Change (points)",
        "effect_size": "Effect size (paired d)",
    }
    columns = [
        TitleColumn("title", label="Activity", url_name="ce_activity"),
        Column("learners", label="Learners"),
        Column("completions", label="Completed"),
        Column("claims", label="Claims"),
        Column("hours_claimed", label="Hours claimed"),
        Column("objectives_met_mean", label="Objectives met (1-5)"),
        Column("perceived_bias", label="Perceived bias"),
        Column("knowledge_change", label="Pre to post (points)"),
        Column("follow_up_response_rate", label="Follow-up responses"),
    ]

    def get_queryset(self):
        return [activity_report(course, with_texts=False) for course in activities()]


class ActivityDetailView(_ReportPermission, WagtailAdminTemplateMixin, TemplateView):
    template_name = "accreditation/cms/activity.html"
    header_icon = "pick"

    def get_page_title(self):
        return f"Accredited CE: {self.report.title}"

    def dispatch(self, request, *args, **kwargs):
        course = get_object_or_404(CoursePage, pk=kwargs["pk"])
        self.report = activity_report(course)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ce_activities"), "label": ActivityReportView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class ParsYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, help_text="The reporting year.")


class ParsExportView(_ReportPermission, WagtailAdminTemplateMixin, FormView):
    template_name = "cms/form.html"
    form_class = ParsYearForm
    page_title = "PARS activity file"
    header_icon = "download"

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label="Download CSV",
            submit_button_active_label="Working…",
            **kwargs,
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        year = form.cleaned_data["year"]
        response = HttpResponse(pars_activities(year), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pars-activities-{year}.csv"'
        return response
