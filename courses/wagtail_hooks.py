from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import Audience, Topic
from courses.review_report import ClinicalReviewDueView, can_see_report


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
