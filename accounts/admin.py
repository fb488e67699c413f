from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Licence, User
from accounts.privilege import groups_within_reach
from accounts.services import LicenceRefused, licence_verify


class LicenceInline(admin.TabularInline):
    model = Licence
    fk_name = "user"
    extra = 0
    readonly_fields = ["verified_at", "verified_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name", "display_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        ("Name", {"fields": ["first_name", "last_name", "display_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    inlines = [LicenceInline]

    # No one grants more than they hold (accounts.privilege): a user manager who is not a
    # superuser sees the superuser and staff flags read-only, can give only groups within their
    # own permissions, and cannot change or delete a superuser.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = groups_within_reach(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    """Program staff verify a claimed licence here, after checking the issuing board's public
    register; only verified licences reach credentials, exports and board lookups."""

    list_display = ["number", "jurisdiction", "licence_type", "user", "verified_at", "verified_by"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "jurisdiction", "licence_type"]
    search_fields = ["number", "user__email", "user__last_name"]
    readonly_fields = ["verified_at", "verified_by"]
    actions = ["verify"]

    @admin.action(description="Verify the selected licences", permissions=["change"])
    def verify(self, request, queryset):
        done = 0
        for licence in queryset.select_related("user"):
            try:
                licence_verify(licence=licence, by=request.user)
                done += 1
            except LicenceRefused as refused:
                self.message_user(request, f"{licence}: {refused}", messages.ERROR)
        self.message_user(request, f"{done} licence(s) verified.")
