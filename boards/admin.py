"""Administrators set up boards and their staff here. Rules and their versions are shown read-only:
a board writes them in its portal (boards.services.rule_version_add), which keeps versions
immutable and records each in the audit log."""

from django import forms
from django.contrib import admin

from accounts.models import User
from accounts.roles import Role
from boards.models import (
    Board,
    BoardMember,
    DeliveryMaximum,
    RenewalRule,
    RuleVersion,
    SubjectArea,
    SubjectMinimum,
)


class BoardMemberForm(forms.ModelForm):
    class Meta:
        model = BoardMember
        fields = ["user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only board-verifier accounts act for a board (as boards.services.board_member_add).
        self.fields["user"].queryset = User.objects.filter(
            groups__name=Role.BOARD_VERIFIER.value
        ).order_by("email")
        self.fields["user"].label_from_instance = lambda user: f"{user} <{user.email}>"
        self.fields["user"].help_text = (
            "Board-verifier accounts only; give the account that role first. A person acts for "
            "one board."
        )


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    form = BoardMemberForm
    extra = 1
    verbose_name = "staff member"
    verbose_name_plural = "staff (board-verifier accounts acting for the board)"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SubjectAreaInline(ReadOnlyInline):
    model = SubjectArea
    fields = ["name", "topic_names", "domain_names"]
    readonly_fields = fields

    @admin.display(description="course topics")
    def topic_names(self, area):
        return ", ".join(t.name for t in area.topics.all()) or "none"

    @admin.display(description="competency domains")
    def domain_names(self, area):
        return ", ".join(str(d) for d in area.domains.all()) or "none"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics", "domains")


class RuleInline(ReadOnlyInline):
    model = RenewalRule
    fields = ["licence_type", "version_count"]
    readonly_fields = fields
    show_change_link = True

    @admin.display(description="versions")
    def version_count(self, rule):
        return rule.versions.count()


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "staff"]
    search_fields = ["name", "jurisdiction"]
    inlines = [BoardMemberInline, SubjectAreaInline, RuleInline]

    @admin.display(description="staff")
    def staff(self, board):
        return ", ".join(m.user.email for m in board.memberships.all()) or "none yet"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__user")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = RuleVersion
    fields = ["number", "effective_from", "cycle_kind", "cycle_months", "total_hours"]
    readonly_fields = fields
    show_change_link = True


@admin.register(RenewalRule)
class RenewalRuleAdmin(ReadOnlyAdmin):
    list_display = ["board", "licence_type"]
    list_filter = ["board", "licence_type"]
    inlines = [VersionInline]


class MinimumInline(ReadOnlyInline):
    model = SubjectMinimum
    fields = ["area", "hours"]
    readonly_fields = fields


class MaximumInline(ReadOnlyInline):
    model = DeliveryMaximum
    fields = ["delivery", "hours"]
    readonly_fields = fields


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["rule", "number", "effective_from", "cycle_kind", "cycle_months", "total_hours"]
    list_filter = ["rule__board", "rule__licence_type"]
    list_select_related = ["rule__board"]
    inlines = [MinimumInline, MaximumInline]
