"""The CMS "xAPI statements" listing: what went to the LRS, what waits, and what the LRS refused
with its reason. Statements are records of events: never edited or deleted here."""

import json

from django.urls import path, reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView

from assessments.wagtail_hooks import FromFilesPermissionPolicy, FromFilesViewSet
from learning_records.admin_views import RequeueView
from learning_records.models import OutboxState, OutboxStatement

register_permission_policy(OutboxStatement, FromFilesPermissionPolicy(OutboxStatement, {"view"}))


class StatementInspectView(InspectView):
    LABELS = {"last_error": "The LRS's answer", "statement": "Statement (xAPI 1.0.3)"}

    def get_field_label(self, field_name, field):
        return self.LABELS.get(field_name) or super().get_field_label(field_name, field)

    def get_statement_display_value(self):
        return format_html("<pre>{}</pre>", json.dumps(self.object.statement, indent=2))

    def get_last_error_display_value(self):
        row = self.object
        if not row.last_error:
            return "None"
        if row.state != OutboxState.FAILED or not self.request.user.has_perm(
            "learning_records.requeue_outboxstatement"
        ):
            return row.last_error
        url = reverse("xapi_statement_requeue", args=[row.pk])
        return format_html(
            '{} <a class="button button-small" href="{}">Send again</a>', row.last_error, url
        )


class OutboxStatementViewSet(FromFilesViewSet):
    model = OutboxStatement
    icon = "resubmit"
    menu_label = "xAPI statements"
    menu_order = 270
    add_to_admin_menu = True
    inspect_view_class = StatementInspectView
    list_display = [
        "activity_name",  # first: the link to the statement
        "verb",
        Column("created_at", label="Recorded"),
        "state",
        "attempts",
        Column("last_error", label="The LRS's answer"),
    ]
    list_filter = ["state", "verb"]
    search_fields = ["verb", "last_error"]
    inspect_view_fields = [
        "id",
        "verb",
        "learner",
        "created_at",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "statement",
    ]


register_snippet(OutboxStatementViewSet)


@hooks.register("register_admin_urls")
def register_learning_record_admin_urls():
    return [
        path(
            "learning-records/<uuid:pk>/requeue/",
            RequeueView.as_view(),
            name="xapi_statement_requeue",
        ),
    ]
