"""CMS views of the question banks: an item's versions with their key, and the item analysis
report. Keys and rationales appear only here, in the CMS, for authors and reviewers."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.snippets.views.snippets import IndexView, InspectView

from accounts.roles import Role
from assessments.analysis import MIN_RESPONSES, item_analysis, item_exposure, option_label
from assessments.models import Item, ItemVersion
from config.csv_output import NeutralisedCsvExportMixin

ANALYSIS_ROLES = {Role.AUTHOR.value, Role.CLINICAL_REVIEWER.value, Role.ADMINISTRATOR.value}

ITEMS_FROM_FILES = (
    "Items come from content/curricula/courses/<course>/items.yaml. Edit an item's wording here "
    "(open it, then Edit) or in the file: either way an answered item gets a new version, and a "
    "change made here stands until the file changes that item."
)


def can_see_item_analysis(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name__in=ANALYSIS_ROLES).exists()
    )


def item_inspect_url(item_id: int) -> str:
    return reverse(Item.snippet_viewset.get_url_name("inspect"), args=[item_id])


class FromFilesIndexView(IndexView):
    """A snippet listing without bulk actions: nothing listed here is deleted in the CMS."""

    @cached_property
    def columns(self):
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]


class ItemIndexView(FromFilesIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items_from_files"] = ITEMS_FROM_FILES
        return context


class CompetencyInspectView(InspectView):
    """A competency with its observation checklist (behaviours come from the framework file)."""

    def get_field_label(self, field_name, field):
        if field_name == "behaviours":
            return "Observation checklist"
        return super().get_field_label(field_name, field)

    def get_behaviours_display_value(self):
        behaviours = self.object.behaviours.filter(retired=False)
        if not behaviours:
            return "None: this competency is not observed."
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((b.text,) for b in behaviours))
        )


class ItemInspectView(InspectView):
    """Every version of an item, newest first: stem, options, key and rationales, and the
    option use of each version that has enough responses for item analysis."""

    def get_object(self, queryset=None):
        items = Item.objects.select_related(
            "course", "module", "vignette", "current_version"
        ).prefetch_related(
            "competencies",
            "objectives",
            Prefetch("versions", queryset=ItemVersion.objects.order_by("-number")),
        )
        return get_object_or_404(items, pk=unquote(str(self.pk)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        analysed = {row.version_id: row for row in item_analysis(item_ids=[item.pk])}
        context["versions"] = [
            {
                "version": version,
                "is_current": version.pk == item.current_version_id,
                "analysis": analysed.get(version.pk),
                "options": _options_with_use(version, analysed.get(version.pk)),
            }
            for version in item.versions.all()
        ]
        context["items_file"] = f"content/curricula/courses/{item.course.slug}/items.yaml"
        if self.request.user.has_perm("assessments.change_item"):
            context["item_edit_url"] = reverse("item_edit", args=[item.pk])
        if self.request.user.has_perm("assessments.expose_item"):
            context["item_status_url"] = reverse("item_status", args=[item.pk])
        context["min_responses"] = MIN_RESPONSES
        return context


def _options_with_use(version: ItemVersion, analysis) -> list[dict]:
    used = {o.id: o for o in analysis.stats.options} if analysis else {}
    return [
        {
            "label": option_label(position),
            "text": option["text"],
            "correct": option["correct"],
            "rationale": option.get("rationale", ""),
            "use": used.get(option["id"]),
        }
        for position, option in enumerate(version.options)
    ]


def _two_places(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _three_places(value) -> str:
    return "" if value is None else f"{value:.3f}"


class ItemAnalysisView(NeutralisedCsvExportMixin, ReportView):
    page_title = "Item analysis"
    header_icon = "table"
    template_name = "assessments/cms/item_analysis.html"
    index_url_name = "item_analysis"
    index_results_url_name = "item_analysis_results"
    permission_policy = None
    export_filename = "item-analysis"
    default_ordering = "-flagged"
    list_export = [
        "course_title",
        "item_code",
        "version_number",
        "is_current",
        "responses",
        "difficulty",
        "discrimination",
        "option_summary",
        "flag_summary",
    ]
    export_headings = {
        "course_title": "Course",
        "item_code": "Item",
        "version_number": "Version",
        "is_current": "Current version",
        "responses": "Graded responses",
        "difficulty": "Difficulty (proportion correct)",
        "discrimination": "Discrimination (point-biserial r)",
        "option_summary": "Options chosen (* = key)",
        "flag_summary": "Flags",
    }
    custom_field_preprocess = {
        "difficulty": {"csv": _three_places, "xlsx": _three_places},
        "discrimination": {"csv": _three_places, "xlsx": _three_places},
    }
    columns = [
        TitleColumn(
            "item_code",
            label="Item",
            get_url=lambda row: item_inspect_url(row.item_id),
            sort_key="item_code",
        ),
        Column("version_number", label="Version"),
        Column("course_title", label="Course", sort_key="course_title"),
        NumberColumn("responses", label="Responses", sort_key="responses"),
        Column(
            "difficulty",
            label="Difficulty (p)",
            accessor=lambda row: _two_places(row.difficulty),
            sort_key="difficulty",
        ),
        Column(
            "discrimination",
            label="Discrimination (r)",
            accessor=lambda row: _two_places(row.discrimination) or "none",
            sort_key="discrimination",
        ),
        Column("option_summary", label="Options chosen (* = key)"),
        Column("flag_summary", label="Flags", sort_key="flagged"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_see_item_analysis(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.order_queryset(item_analysis())

    def order_queryset(self, rows):
        """The rows are a list: sort it in Python. Rows without a value (no discrimination)
        go last either way; ties keep course and bank order."""
        ordering = self.ordering or ""
        key = ordering.lstrip("-")
        if not key:
            return rows
        descending = ordering.startswith("-")
        present = [row for row in rows if getattr(row, key) is not None]
        missing = [row for row in rows if getattr(row, key) is None]
        return sorted(present, key=lambda row: getattr(row, key), reverse=descending) + missing

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["min_responses"] = MIN_RESPONSES
        context["exposure"] = [
            {"row": row, "url": item_inspect_url(row.item_id)} for row in item_exposure()
        ]
        return context
