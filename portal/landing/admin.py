"""Marketing admins see every partner's pages and leads, read-only."""

from django.contrib import admin
from django.db.models import Count

from portal.landing.models import LandingPage, Lead
from portal.landing.selectors import views_total


class ReadOnlyAdmin(admin.ModelAdmin):
    """What visitors and partners created is evidence: nobody edits it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "name", "email", "company", "organisation", "page_title", "kit")
    list_filter = (
        "organisation",
        ("page__asset__kit", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("name", "email", "company", "message")
    date_hierarchy = "created_at"
    list_select_related = ("organisation", "page__asset__kit")
    fields = (
        "organisation",
        "page",
        "asset_version",
        "created_at",
        "name",
        "email",
        "company",
        "message",
        "consent",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "referrer",
    )

    @admin.display(description="page", ordering="page__asset__title")
    def page_title(self, obj):
        return obj.page.asset.title if obj.page else "—"

    @admin.display(description="kit", ordering="page__asset__kit__title")
    def kit(self, obj):
        return obj.page.asset.kit.title if obj.page else "—"


@admin.register(LandingPage)
class LandingPageAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "asset",
        "organisation",
        "status",
        "published_at",
        "views",
        "lead_total",
    )
    list_filter = ("status", "organisation", ("asset__kit", admin.RelatedOnlyFieldListFilter))
    search_fields = ("slug", "asset__title", "organisation__name")
    list_select_related = ("organisation", "asset")
    fields = (
        "organisation",
        "asset",
        "slug",
        "status",
        "field_values",
        "published_at",
        "unpublished_at",
        "published_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_views=views_total(), _leads=Count("leads", distinct=True))
        )

    @admin.display(description="views", ordering="_views")
    def views(self, obj):
        return obj._views

    @admin.display(description="leads", ordering="_leads")
    def lead_total(self, obj):
        return obj._leads
