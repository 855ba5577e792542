from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from assets import lifecycle, services
from assets.models import (
    Asset,
    AssetVersion,
    DownloadEvent,
    EditableField,
    GuidelineEntry,
    Kit,
    Lesson,
    LessonCompletion,
    Tag,
)
from assets.source_forms import (
    SOURCE_FORM_FIELDS,
    AssetSourceForm,
    LessonForm,
    used_source_fields,
)
from portal.core.admin_errors import CobrandErrorAdminMixin
from portal.core.errors import DomainError
from portal.core.uploads import removed_content_message
from portal.partners.models import PartnerType

# The buttons of the kit's change form, and the lifecycle service each calls.
KIT_BUTTONS = {
    "_kit_publish": lifecycle.kit_publish,
    "_kit_expire": lifecycle.kit_expire,
    "_kit_archive": lifecycle.kit_archive,
}


class KitAdminForm(forms.ModelForm):
    """The kit's content and audience. Its status is never a field: the dates
    and the buttons go through the lifecycle services (assets/lifecycle.py)."""

    audience_types = forms.MultipleChoiceField(
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Empty: any partner type.",
    )

    class Meta:
        model = Kit
        fields = [
            "title",
            "summary",
            "cover_image",
            "tags",
            "publish_at",
            "expires_at",
            "audience_tiers",
            "audience_min_tier",
            "audience_types",
            "audience_regions",
            "audience_partners",
        ]
        help_texts = {
            "publish_at": "A new date in the future schedules the kit. "
            "To publish at once, use “Publish now”.",
            "expires_at": "Hidden from partners from this moment (empty: never). "
            "To take it off show at once, use “Expire now”.",
        }

    def date_changes(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("publish_at", "expires_at")
            if name in self.changed_data
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        now = timezone.now()
        changes = self.date_changes()
        try:
            lifecycle.check_dates(self.instance, now, **changes)
        except DomainError as exc:
            self.add_error("expires_at" if "expires_at" in changes else "publish_at", exc.message)
            return cleaned
        probe = Kit(
            status=Kit.Status.SCHEDULED if "publish_at" in changes else self.instance.status,
            publish_at=changes.get("publish_at", self.instance.publish_at),
            expires_at=changes.get("expires_at", self.instance.expires_at),
        )
        try:
            if "_kit_publish" in self.data:
                lifecycle.check_publish(probe, now)
            elif "_kit_expire" in self.data:
                lifecycle.check_expiry(probe, None, now)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned


class AssetInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An asset's kind is chosen when it is created: its versions,
            # fields and renditions belong to that kind.
            self.fields["kind"].disabled = True


class AssetInline(admin.TabularInline):
    model = Asset
    form = AssetInlineForm
    fields = ("title", "kind", "position", "current_version", "edit_link")
    readonly_fields = ("current_version", "edit_link")
    extra = 0
    show_change_link = True
    ordering = ("position", "id")

    @admin.display(description="Sources and fields")
    def edit_link(self, obj):
        if not obj.pk:
            return "Save first"
        return format_html(
            '<a href="{}">Edit sources</a>', reverse("admin:assets_asset_change", args=[obj.pk])
        )


class KitStatusFilter(admin.SimpleListFilter):
    title = "status as partners see it"
    parameter_name = "status_now"

    def lookups(self, request, model_admin):
        return [(code, code.capitalize()) for code in lifecycle.STATUS_CODES]

    def queryset(self, request, queryset):
        if self.value() in lifecycle.STATUS_CODES:
            return queryset.filter(lifecycle.kit_status_now_q(self.value(), timezone.now()))
        return queryset


@admin.register(Kit)
class KitAdmin(CobrandErrorAdminMixin, admin.ModelAdmin):
    form = KitAdminForm
    change_form_template = "admin/assets/kit/change_form.html"
    list_display = (
        "title",
        "status_now",
        "publish_at",
        "expires_at",
        "asset_count",
        "audience_summary",
    )
    list_filter = (KitStatusFilter, "tags", "audience_tiers", "audience_regions")
    search_fields = ("title", "summary")
    date_hierarchy = "publish_at"
    filter_horizontal = ("tags", "audience_tiers", "audience_regions", "audience_partners")
    inlines = [AssetInline]
    actions = ["publish_now", "expire_now", "archive"]
    readonly_fields = ("status_now",)
    fieldsets = (
        (None, {"fields": ("title", "summary", "cover_image", "tags")}),
        ("Schedule", {"fields": ("status_now", "publish_at", "expires_at")}),
        (
            "Audience (all empty: every partner)",
            {
                "fields": (
                    "audience_tiers",
                    "audience_min_tier",
                    "audience_types",
                    "audience_regions",
                    "audience_partners",
                ),
                "description": "A partner sees the kit when it is named, or when it matches every "
                "criterion that is set. Its tier matches when it is ticked or ranks at least the "
                "“tier and above” one.",
            },
        ),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_assets=Count("assets"))

    @admin.display(description="status")
    def status_now(self, obj):
        if obj is None or not obj.pk:
            return "Draft"
        return lifecycle.kit_status_now(obj).label

    @admin.display(description="assets", ordering="n_assets")
    def asset_count(self, obj):
        return obj.n_assets

    @admin.display(description="audience")
    def audience_summary(self, obj):
        parts = []
        if obj.audience_types:
            parts.append(", ".join(obj.audience_types))
        return "; ".join(parts) or "see kit"

    def save_model(self, request, obj, form, change):
        # The dates are written by the lifecycle services, after the rest.
        if change:
            stored = Kit.objects.only("publish_at", "expires_at").get(pk=obj.pk)
            obj.publish_at, obj.expires_at = stored.publish_at, stored.expires_at
        else:
            obj.publish_at = obj.expires_at = None
        super().save_model(request, obj, form, change)
        try:
            if changes := form.date_changes():
                lifecycle.kit_dates_change(kit=obj, by=request.user, **changes)
            for button, service in KIT_BUTTONS.items():
                if button in request.POST:
                    service(kit=obj, by=request.user)
        except DomainError as exc:
            # Checked by the form already; only a concurrent change gets here.
            self.message_user(request, exc.message, messages.ERROR)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["kit_status_now"] = lifecycle.kit_status_now(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        if any(button in request.POST for button in KIT_BUTTONS):
            status = lifecycle.kit_status_now(obj)
            self.message_user(request, f"“{obj}” saved. Now: {status.label}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _run(self, request, queryset, service, done: str):
        changed, refused = 0, []
        for kit in queryset:
            try:
                service(kit=kit, by=request.user)
                changed += 1
            except DomainError as exc:
                refused.append(f"{kit}: {exc.message}")
        if changed:
            self.message_user(request, f"{changed} kit(s) {done}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Publish the selected kits now")
    def publish_now(self, request, queryset):
        self._run(request, queryset, lifecycle.kit_publish, "published")

    @admin.action(description="Expire the selected kits now")
    def expire_now(self, request, queryset):
        self._run(request, queryset, lifecycle.kit_expire, "expired")

    @admin.action(description="Archive the selected kits")
    def archive(self, request, queryset):
        self._run(request, queryset, lifecycle.kit_archive, "archived")


class AssetAdminForm(AssetSourceForm, forms.ModelForm):
    """The asset plus its source (assets/source_forms.py). Saving a changed
    source makes a new version. An existing asset's form holds only the
    source fields its kind uses; on the add page the others are ignored. An
    uploaded PDF loses its active content first (`pdf_removed` says what)."""

    class Meta:
        model = Asset
        fields = ("kit", "kind", "title", "description", "thumbnail", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pk = self.instance.pk
        self.source_setup(
            kind=self.instance.kind if pk else None,
            version=self.instance.current_version if pk else None,
        )

    def source_kind(self, cleaned):
        return self.instance.kind if self.instance.pk else cleaned.get("kind")

    def source_version(self):
        return self.instance.current_version if self.instance.pk else None


class EditableFieldInline(admin.TabularInline):
    model = EditableField
    extra = 0
    fields = ("position", *(name for name in EditableField.SETTINGS if name != "position"))


class GuidelineEntryInline(admin.StackedInline):
    model = GuidelineEntry
    extra = 0
    fields = (("section", "position"), "title", "body")


LessonAdminForm = LessonForm


class LessonInline(admin.StackedInline):
    model = Lesson
    form = LessonAdminForm
    extra = 0
    fields = (("title", "position"), "body", ("attachment", "attachment_name"))


class AssetVersionInline(admin.TabularInline):
    model = AssetVersion
    extra = 0
    can_delete = False
    fields = ("number", "created_at", "created_by", "source_name", "content_hash")
    readonly_fields = fields
    ordering = ("-number",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Asset)
class AssetAdmin(CobrandErrorAdminMixin, admin.ModelAdmin):
    form = AssetAdminForm
    list_display = ("title", "kind", "kit", "current_version", "updated_at")
    list_filter = ("kind", "kit__status", "kit")
    search_fields = ("title", "description", "kit__title")
    list_select_related = ("kit", "current_version")
    autocomplete_fields = ("kit",)
    fieldsets = (
        (None, {"fields": ("kit", "kind", "title", "description", "thumbnail", "position")}),
        (
            "Source",
            {
                "fields": (
                    "source_upload",
                    "template",
                    "stylesheet",
                    "subject",
                    "layout",
                    "output_format",
                    "pictures",
                    "remove_pictures",
                ),
                "description": "Saving a changed source publishes a new version; "
                "partners always get "
                "the current one.",
            },
        ),
    )

    change_form_template = "admin/assets/asset/change_form.html"

    def get_fieldsets(self, request, obj=None):
        # The kind is chosen once; an asset's page shows the source fields it uses.
        (main, source) = self.fieldsets
        used = SOURCE_FORM_FIELDS[:-1] if obj is None else used_source_fields(obj.kind)
        if not used:
            return (main,)
        return (main, (source[0], {**source[1], "fields": used}))

    def get_readonly_fields(self, request, obj=None):
        return ("kind",) if obj is not None else ()

    def get_urls(self):
        from django.urls import path

        from assets import admin_preview

        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                view(lambda request, pk: admin_preview.preview_page(self, request, pk)),
                name="assets_asset_preview",
            ),
            path(
                "<int:pk>/preview/<str:who>/<str:output_format>/",
                view(
                    lambda request, pk, who, output_format: admin_preview.preview_file(
                        self, request, pk, who, output_format
                    )
                ),
                name="assets_asset_preview_file",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        from assets.rendering import VARIABLES

        names = ", ".join(f"{{{{ {name} }}}}" for name in VARIABLES)
        context["variables_help"] = (
            f"{names}, and {{{{ field.NAME }}}} for each editable field. "
            "In zone text and e-mail subjects write them as {partner.name}."
        )
        return super().render_change_form(request, context, *args, **kwargs)

    #: The inline editing a kind's content rows (AssetKindSpec.content_rows).
    ROW_INLINES = {"guideline_entries": GuidelineEntryInline, "lessons": LessonInline}

    def get_inlines(self, request, obj):
        rows = obj.kind_spec.content_rows if obj is not None else None
        return [self.ROW_INLINES.get(rows, EditableFieldInline), AssetVersionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for each in [form, *(f for formset in formsets for f in formset.forms)]:
            removed = getattr(each, "pdf_removed", ())
            if removed:
                upload = each.cleaned_data.get("source_upload") or each.cleaned_data.get(
                    "attachment"
                )
                self.message_user(
                    request, removed_content_message(upload.name, removed), messages.WARNING
                )
        asset = form.instance
        if asset.kind_spec.versioned:
            services.asset_version_create(asset=asset, by=request.user, **form.version_arguments())


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(DownloadEvent)
class DownloadEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organisation", "asset", "asset_version", "user", "file_name")
    list_filter = ("organisation", "asset__kind", "asset__kit")
    search_fields = ("asset__title", "organisation__name", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("organisation", "asset", "asset_version__asset", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ("completed_at", "lesson", "user")
    list_filter = ("lesson__asset",)
    search_fields = ("user__email", "lesson__title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
