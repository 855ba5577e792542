from django import forms
from django.contrib import admin, messages

from portal.core.admin_errors import CobrandErrorAdminMixin
from portal.partners import services
from portal.partners.models import (
    BrandProfile,
    Invitation,
    Membership,
    PartnerOrganisation,
    Region,
    Tier,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)


class BrandProfileInline(admin.StackedInline):
    model = BrandProfile
    can_delete = False
    extra = 0
    fields = (
        ("display_name", "tagline"),
        ("phone", "email"),
        ("website", "referral_url"),
        "address",
        ("primary_color", "secondary_color"),
        "logo_sha256",
    )
    readonly_fields = ("logo_sha256",)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(CobrandErrorAdminMixin, admin.ModelAdmin):
    list_display = ("name", "partner_type", "tier", "region", "status", "created_at")
    list_filter = ("status", "partner_type", "tier", "region")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BrandProfileInline, MembershipInline]
    actions = ["suspend", "reactivate"]

    @admin.action(description="Suspend the selected partners (their users see nothing)")
    def suspend(self, request, queryset):
        n = services.organisation_set_status(
            organisations=queryset, status=PartnerOrganisation.Status.SUSPENDED
        )
        self.message_user(request, f"{n} partner(s) suspended.", messages.WARNING)

    @admin.action(description="Reactivate the selected partners")
    def reactivate(self, request, queryset):
        n = services.organisation_set_status(
            organisations=queryset, status=PartnerOrganisation.Status.ACTIVE
        )
        self.message_user(request, f"{n} partner(s) reactivated.", messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "joined_at")
    list_filter = ("role", "organisation")
    search_fields = ("user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ("organisation", "email", "role")


@admin.register(Invitation)
class InvitationAdmin(CobrandErrorAdminMixin, admin.ModelAdmin):
    """Marketing admins invite partner people here; the e-mail carries the link."""

    form = InvitationAdminForm
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "state")
    list_filter = ("role", "organisation")
    search_fields = ("email", "organisation__name")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ("organisation", "email", "role") if obj else ()

    @admin.display(description="state")
    def state(self, obj):
        if obj.accepted_at:
            return "accepted"
        if obj.revoked_at:
            return "withdrawn"
        return "open" if obj.is_open else "expired"

    def save_model(self, request, obj, form, change):
        if change:
            return
        # A rule that fails raises: the mixin shows the form again with why.
        invitation, _ = services.invitation_create(
            organisation=obj.organisation,
            email=obj.email,
            role=obj.role,
            invited_by=request.user,
        )
        obj.pk = invitation.pk

    @admin.action(description="Withdraw the selected invitations")
    def revoke(self, request, queryset):
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("name", "rank")
    search_fields = ("name",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ("name",)
