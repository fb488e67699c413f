"""The "Assessments" CMS menu: the competency framework, vignettes, assessments' rules and the
question banks, plus the item analysis report.

The curriculum files own these records (load_curricula writes them), so the CMS never adds or
deletes them, whoever asks: deleting an assessment would delete its graded attempts, and an item
or competency removed here would come back on the next load. What the CMS may change is limited
per model by the permission policies below, on top of each role's model permissions.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments.admin_views import (
    CompetencyInspectView,
    FromFilesIndexView,
    ItemAnalysisView,
    ItemIndexView,
    ItemInspectView,
    can_see_item_analysis,
)
from assessments.item_editor import ItemWordingEditView, item_status_view
from assessments.models import (
    Assessment,
    Competency,
    CompetencyDomain,
    FeedbackPolicy,
    Item,
    Vignette,
)


class FromFilesPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but only for `actions`: never "add" or "delete"."""

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action in self.actions]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


# Registered before the viewsets, which would otherwise create the default policies.
register_permission_policy(
    CompetencyDomain, FromFilesPermissionPolicy(CompetencyDomain, {"change", "view"})
)
register_permission_policy(Competency, FromFilesPermissionPolicy(Competency, {"change", "view"}))
register_permission_policy(Assessment, FromFilesPermissionPolicy(Assessment, {"change", "view"}))
# Wording shown to learners: changed only through the files, so answered items get a version.
register_permission_policy(Vignette, FromFilesPermissionPolicy(Vignette, {"view"}))
register_permission_policy(Item, FromFilesPermissionPolicy(Item, {"view"}))

FRAMEWORK_FROM_FILES = (
    "<p>The competency framework is loaded from <code>content/competencies.yaml</code>. "
    "The code is its stable id and can't change here; the next <code>load_curricula</code> "
    "sets names, descriptions and retirement back to what the file says, so make lasting "
    "changes in the file. A competency's observation checklist (its behaviours) is edited in "
    "the file only: ratings already given keep the wording they were given for.</p>"
)
RULES_FROM_FILES = (
    "<p>Assessments are created from each course's <code>items.yaml</code>. Rule changes apply "
    "to attempts started after saving; graded attempts keep their result. The next "
    "<code>load_curricula</code> sets the rules back to the files' values (an exam's from "
    "<code>items.yaml</code>, a knowledge check's to the defaults), so make lasting changes in "
    "the file.</p>"
)


class FromFilesViewSet(SnippetViewSet):
    """A snippet whose records the curriculum files own: no bulk actions, no copies, search by
    plain database lookups (no search index to keep up to date)."""

    index_view_class = FromFilesIndexView
    index_template_name = "wagtailadmin/generic/index.html"
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False


class CompetencyDomainViewSet(FromFilesViewSet):
    model = CompetencyDomain
    icon = "folder-open-1"
    menu_label = "Competency domains"
    list_display = ["name", "code"]
    search_fields = ["code", "name", "description"]
    panels = [
        HelpPanel(FRAMEWORK_FROM_FILES),
        FieldPanel("code", read_only=True),
        FieldPanel("name"),
        FieldPanel("description"),
    ]


class CompetencyViewSet(FromFilesViewSet):
    model = Competency
    icon = "pick"
    list_display = ["name", "code", "domain", BooleanColumn("retired", label="Retired")]
    list_filter = ["domain", "retired"]
    search_fields = ["code", "name", "description"]
    inspect_view_class = CompetencyInspectView
    inspect_view_fields = ["code", "domain", "name", "description", "retired", "behaviours"]
    panels = [
        HelpPanel(FRAMEWORK_FROM_FILES),
        FieldPanel("code", read_only=True),
        FieldPanel("domain"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("retired"),
    ]

    def get_queryset(self, request):
        return Competency.objects.select_related("domain")


class VignetteViewSet(FromFilesViewSet):
    model = Vignette
    icon = "doc-full"
    list_display = ["title", "code", "course"]
    search_fields = ["code", "title", "text"]
    inspect_view_fields = ["code", "course", "title", "text"]

    def get_queryset(self, request):
        return Vignette.objects.select_related("course")


class AssessmentRulesForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if not self.instance.is_exam and cleaned.get("form_length"):
            self.add_error(
                "form_length",
                forms.ValidationError(
                    "A knowledge check asks every formative item of its module; leave this empty."
                ),
            )
        if self.instance.is_exam and not cleaned.get("form_length"):
            self.add_error(
                "form_length",
                forms.ValidationError("An exam draws a fixed number of summative items."),
            )
        if self.instance.is_exam and cleaned.get("feedback") == FeedbackPolicy.FULL:
            self.add_error(
                "feedback",
                forms.ValidationError(
                    "An exam's key and rationales are shown only once it is passed: choose "
                    "'Score only, rationales once passed' or 'Score only'."
                ),
            )
        return cleaned


class AssessmentViewSet(FromFilesViewSet):
    model = Assessment
    icon = "tasks"
    list_display = [
        "title",
        "kind",
        "course",
        "passing_score",
        "max_attempts",
        "cooldown_minutes",
        "time_limit_minutes",
        "feedback",
    ]
    list_filter = ["kind", "feedback"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            HelpPanel(RULES_FROM_FILES),
            MultiFieldPanel(
                [
                    FieldPanel("title", read_only=True),
                    FieldPanel("kind", read_only=True),
                    FieldPanel("course", read_only=True),
                    FieldPanel("module", read_only=True),
                ],
                heading="Assessment",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("passing_score"),
                    FieldPanel("form_length"),
                    FieldPanel("max_attempts"),
                    FieldPanel("cooldown_minutes"),
                    FieldPanel("time_limit_minutes"),
                    FieldPanel("feedback"),
                    FieldPanel("shuffle_options"),
                ],
                heading="Rules",
            ),
        ],
        base_form_class=AssessmentRulesForm,
    )

    def get_queryset(self, request):
        return Assessment.objects.select_related("course", "module").order_by(
            "course__path", "kind", "module__path"
        )


class ItemViewSet(FromFilesViewSet):
    model = Item
    icon = "help"
    menu_label = "Items"
    list_display = [
        "code",
        "course",
        "pool",
        "kind",
        "difficulty",
        "current_version__number",
        BooleanColumn("retired", label="Retired"),
        "exposed_at",
    ]
    list_filter = ["pool", "kind", "difficulty", "retired"]
    search_fields = ["code", "current_version__stem"]
    index_view_class = ItemIndexView
    inspect_view_class = ItemInspectView
    inspect_view_fields = [
        "code",
        "course",
        "pool",
        "module",
        "vignette",
        "kind",
        "difficulty",
        "competencies",
        "objectives",
        "retired",
        "exposed_at",
        "exposed_note",
    ]
    inspect_template_name = "assessments/cms/item_inspect.html"
    index_template_name = "assessments/cms/item_index.html"

    def get_queryset(self, request):
        return Item.objects.select_related("course", "current_version")


class AssessmentsGroup(SnippetViewSetGroup):
    menu_label = "Assessments"
    menu_icon = "tasks"
    menu_order = 250
    submenu_hook = "register_assessments_menu_item"
    items = (
        CompetencyDomainViewSet,
        CompetencyViewSet,
        AssessmentViewSet,
        ItemViewSet,
        VignetteViewSet,
    )


register_snippet(AssessmentsGroup)


@hooks.register("register_admin_urls")
def register_assessments_admin_urls():
    return [
        path("assessments/items/<int:pk>/edit/", ItemWordingEditView.as_view(), name="item_edit"),
        path("assessments/items/<int:pk>/status/", item_status_view, name="item_status"),
        path("reports/item-analysis/", ItemAnalysisView.as_view(), name="item_analysis"),
        path(
            "reports/item-analysis/results/",
            ItemAnalysisView.as_view(results_only=True),
            name="item_analysis_results",
        ),
    ]


class ItemAnalysisMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_item_analysis(request.user)


def _item_analysis_menu_item(order):
    return ItemAnalysisMenuItem(
        "Item analysis", reverse("item_analysis"), icon_name="table", order=order
    )


@hooks.register("register_reports_menu_item")
def register_item_analysis_report_menu_item():
    return _item_analysis_menu_item(order=60)


@hooks.register("register_assessments_menu_item")
def register_item_analysis_assessments_menu_item():
    return _item_analysis_menu_item(order=900)
