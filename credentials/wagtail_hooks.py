"""The CMS "Credentials" menu: achievements (made from the curriculum files; administrators may
reword them), the credentials issued (read-only, revocable with a reason), and issuing by hand."""

from django.urls import path, reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from assessments.admin_views import FromFilesIndexView
from assessments.wagtail_hooks import FromFilesPermissionPolicy, FromFilesViewSet
from credentials.admin_views import CompletionExportView, IssueView, RevokeView, SuspendView
from credentials.models import Achievement, AuditEntry, Credential

register_permission_policy(Achievement, FromFilesPermissionPolicy(Achievement, {"change", "view"}))
# Issued credentials are signed records: never edited, copied or deleted; revoked instead.
register_permission_policy(Credential, FromFilesPermissionPolicy(Credential, {"view"}))
register_permission_policy(AuditEntry, FromFilesPermissionPolicy(AuditEntry, {"view"}))


class AchievementViewSet(FromFilesViewSet):
    model = Achievement
    icon = "trophy"
    list_display = ["name", "kind", "ce_hours", "validity_months"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    panels = [
        HelpPanel(
            "<p>Made from a course or program of the curriculum files. A change here applies to "
            "credentials issued after it; the next <code>load_curricula</code> sets the wording "
            "back when the files change.</p>"
        ),
        FieldPanel("slug", read_only=True),
        FieldPanel("kind", read_only=True),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("criteria"),
        FieldPanel("tracking_number"),
        FieldPanel("ce_hours", read_only=True),
        FieldPanel("validity_months", read_only=True),
        FieldPanel("renewal_ce_hours", read_only=True),
    ]


def _status(credential: Credential) -> str:
    if credential.revoked_at:
        return f"Revoked {credential.revoked_at:%-d %b %Y}"
    if credential.suspended_at:
        return "Suspended"
    return "Issued"


class CredentialIndexView(FromFilesIndexView):
    """No bulk actions: a signed credential is revoked, never deleted."""

    def get_header_buttons(self):
        buttons = list(super().get_header_buttons())
        if self.request.user.has_perm("credentials.add_credential"):
            buttons.append(HeaderButton("Issue a credential", url=reverse("credential_issue")))
        return buttons


class CredentialInspectView(InspectView):
    def get_revocation_display_value(self):
        credential = self.object
        if credential.revoked_at:
            return f"Revoked on {credential.revoked_at:%-d %B %Y}: {credential.revocation_reason}"
        if not self.request.user.has_perm("credentials.change_credential"):
            return "Not revoked"
        url = reverse("credential_revoke", args=[credential.pk])
        return format_html('Not revoked. <a class="button button-small" href="{}">Revoke</a>', url)

    LABELS = {
        "revocation": "Revocation",
        "suspension": "Suspension",
        "verify_page": "Public verification page",
    }

    def get_suspension_display_value(self):
        credential = self.object
        state = (
            f"Suspended since {credential.suspended_at:%-d %B %Y}."
            if credential.suspended_at
            else "Not suspended."
        )
        if credential.revoked_at or not self.request.user.has_perm("credentials.change_credential"):
            return state
        label = "Lift the suspension" if credential.suspended_at else "Suspend"
        url = reverse("credential_suspend", args=[credential.pk])
        return format_html(
            '{} <a class="button button-small button-secondary" href="{}">{}</a>', state, url, label
        )

    def get_field_label(self, field_name, field):
        if field_name in self.LABELS:
            return self.LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_valid_until_display_value(self):
        until = self.object.valid_until
        return f"{until:%-d %B %Y}" if until else "Does not expire"

    def get_issued_by_display_value(self):
        by = self.object.issued_by
        return f"By hand: {by}" if by else "Automatically, when the rules were met"

    def get_verify_page_display_value(self):
        url = reverse("credentials:verify", args=[self.object.pk])
        return format_html('<a href="{}">{}</a>', url, url)


class CredentialViewSet(SnippetViewSet):
    model = Credential
    icon = "tick-inverse"
    menu_label = "Issued credentials"
    index_view_class = CredentialIndexView
    inspect_view_class = CredentialInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["holder_name", "learner__email"]
    list_display = [
        "holder_name",
        "achievement",
        Column("valid_from", label="Issued"),
        "valid_until",
        Column("status", label="Status", accessor=_status),
    ]
    list_filter = ["achievement"]
    inspect_view_fields = [
        "id",
        "holder_name",
        "learner",
        "achievement",
        "credits",
        "valid_from",
        "valid_until",
        "issued_by",
        "status_index",
        "revocation",
        "suspension",
        "verify_page",
    ]

    def get_queryset(self, request):
        return Credential.objects.select_related("achievement", "learner")


class AuditEntryViewSet(FromFilesViewSet):
    """The audit log, read-only; `manage.py audit_verify` checks its hash chain."""

    model = AuditEntry
    icon = "history"
    menu_label = "Audit log"
    list_display = ["at", "action", "subject", "actor_label"]
    list_filter = ["action"]
    search_fields = ["subject", "actor_label"]
    ordering = ["-pk"]
    inspect_view_fields = [
        "at",
        "action",
        "subject",
        "actor_label",
        "details",
        "previous_hash",
        "entry_hash",
    ]


class CredentialsGroup(SnippetViewSetGroup):
    menu_label = "Credentials"
    menu_icon = "tick-inverse"
    menu_order = 260
    items = (AchievementViewSet, CredentialViewSet, AuditEntryViewSet)


register_snippet(CredentialsGroup)


@hooks.register("register_admin_urls")
def register_credential_admin_urls():
    return [
        path("credentials/issue/", IssueView.as_view(), name="credential_issue"),
        path("credentials/<uuid:pk>/revoke/", RevokeView.as_view(), name="credential_revoke"),
        path("credentials/<uuid:pk>/suspend/", SuspendView.as_view(), name="credential_suspend"),
        path("reports/ce-completions/", CompletionExportView.as_view(), name="ce_completions"),
    ]


class CompletionExportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("credentials.view_credential")


@hooks.register("register_reports_menu_item")
def register_completion_export_menu_item():
    return CompletionExportMenuItem(
        "CE completion exports", reverse("ce_completions"), icon_name="download", order=70
    )
