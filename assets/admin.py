from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html

from assets import services
from assets.models import (
    FILE_SOURCE_KINDS,
    TEMPLATE_SOURCE_KINDS,
    Asset,
    AssetKind,
    AssetVersion,
    DownloadEvent,
    EditableField,
    GuidelineEntry,
    Kit,
    Lesson,
    LessonCompletion,
    Tag,
)
from assets.source_checks import check_asset_source
from portal.core.uploads import pdf_upload_clean, removed_content_message
from portal.partners.models import PartnerType


class KitAdminForm(forms.ModelForm):
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
            "status",
            "publish_at",
            "expires_at",
            "audience_tiers",
            "audience_types",
            "audience_regions",
            "audience_partners",
        ]

    def clean(self):
        cleaned = super().clean()
        publish_at, expires_at = cleaned.get("publish_at"), cleaned.get("expires_at")
        if publish_at and expires_at and expires_at <= publish_at:
            self.add_error("expires_at", "The kit must expire after it is published.")
        return cleaned


class AssetInline(admin.TabularInline):
    model = Asset
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


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    form = KitAdminForm
    list_display = (
        "title",
        "status",
        "publish_at",
        "expires_at",
        "asset_count",
        "audience_summary",
    )
    list_filter = ("status", "tags", "audience_tiers", "audience_regions")
    search_fields = ("title", "summary")
    date_hierarchy = "publish_at"
    filter_horizontal = ("tags", "audience_tiers", "audience_regions", "audience_partners")
    inlines = [AssetInline]
    actions = ["publish_now", "archive"]
    fieldsets = (
        (None, {"fields": ("title", "summary", "cover_image", "tags")}),
        ("Schedule", {"fields": ("status", "publish_at", "expires_at")}),
        (
            "Audience (all empty: every partner)",
            {
                "fields": (
                    "audience_tiers",
                    "audience_types",
                    "audience_regions",
                    "audience_partners",
                ),
                "description": "A partner sees the kit when it is named, or when it matches every "
                "criterion that is set.",
            },
        ),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_assets=Count("assets"))

    @admin.display(description="assets", ordering="n_assets")
    def asset_count(self, obj):
        return obj.n_assets

    @admin.display(description="audience")
    def audience_summary(self, obj):
        parts = []
        if obj.audience_types:
            parts.append(", ".join(obj.audience_types))
        return "; ".join(parts) or "see kit"

    @admin.action(description="Publish the selected kits now")
    def publish_now(self, request, queryset):
        for kit in queryset:
            services.kit_publish(kit=kit)
        self.message_user(request, f"{queryset.count()} kit(s) published.", messages.SUCCESS)

    @admin.action(description="Archive the selected kits")
    def archive(self, request, queryset):
        for kit in queryset:
            services.kit_archive(kit=kit)
        self.message_user(request, f"{queryset.count()} kit(s) archived.", messages.SUCCESS)


class AssetAdminForm(forms.ModelForm):
    """The asset plus its source. Saving a changed source makes a new version.
    An uploaded PDF loses its active content first (`pdf_removed` says what)."""

    pdf_removed: tuple[str, ...] = ()

    source_upload = forms.FileField(
        required=False,
        label="Source file",
        help_text="Designed PDF, base image or the file to download. "
        "Leave empty to keep the current file.",
    )
    template = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 18, "class": "vLargeTextField", "spellcheck": "false"}
        ),
        help_text="HTML with {{ partner.name }}, {{ field.NAME }}... (see the variable list).",
    )
    stylesheet = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
    )
    subject = forms.CharField(
        required=False,
        max_length=200,
        help_text="E-mail subject line, with {placeholders} such as {partner.name}.",
    )
    layout = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text="Zones stamped on the PDF or image, as a JSON list.",
    )
    output_format = forms.ChoiceField(
        required=False,
        choices=[("", "default"), ("png", "PNG"), ("jpeg", "JPEG")],
        help_text="For images with zones.",
    )

    class Meta:
        model = Asset
        fields = ("kit", "kind", "title", "description", "thumbnail", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            self.initial.update(
                template=version.template,
                stylesheet=version.stylesheet,
                subject=version.subject,
                layout=version.layout,
                output_format=version.output_format,
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        upload = cleaned.get("source_upload")
        has_file = upload is not None or bool(
            self.instance.pk
            and self.instance.current_version
            and self.instance.current_version.source_file
        )
        if kind in FILE_SOURCE_KINDS and not has_file:
            self.add_error("source_upload", "This kind of asset needs a source file.")
        if kind in TEMPLATE_SOURCE_KINDS and not (cleaned.get("template") or "").strip():
            self.add_error("template", "This kind of asset needs a template.")
        if kind:
            version = self.instance.current_version if self.instance.pk else None
            for field, message in check_asset_source(
                kind=kind,
                template=cleaned.get("template") or "",
                subject=cleaned.get("subject") or "",
                layout=cleaned.get("layout") or [],
                upload=upload,
                field_names=self._field_names(),
                current_file=version.source_file if version is not None else None,
            ):
                self.add_error(field, message)
        if upload is not None and "source_upload" not in self.errors:
            try:
                cleaned["source_upload"], self.pdf_removed = pdf_upload_clean(upload)
            except forms.ValidationError as exc:
                self.add_error("source_upload", exc)
        return cleaned

    def _field_names(self) -> set[str]:
        # Fields being added in the same save are in the inline formset data.
        names = set()
        prefix = "editable_fields"
        total = self.data.get(f"{prefix}-TOTAL_FORMS")
        if total and total.isdigit():
            for i in range(int(total)):
                name = self.data.get(f"{prefix}-{i}-name")
                if name and not self.data.get(f"{prefix}-{i}-DELETE"):
                    names.add(name.strip())
        elif self.instance.pk:
            names = set(self.instance.editable_fields.values_list("name", flat=True))
        return names


class EditableFieldInline(admin.TabularInline):
    model = EditableField
    extra = 0
    fields = (
        "position",
        "name",
        "label",
        "field_type",
        "required",
        "max_length",
        "default",
        "choices",
        "help_text",
    )


class GuidelineEntryInline(admin.StackedInline):
    model = GuidelineEntry
    extra = 0
    fields = (("section", "position"), "title", "body")


class LessonAdminForm(forms.ModelForm):
    """A lesson; an attached PDF loses its active content first."""

    pdf_removed: tuple[str, ...] = ()

    class Meta:
        model = Lesson
        fields = ("title", "position", "body", "attachment", "attachment_name")

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if isinstance(attachment, UploadedFile):
            attachment, self.pdf_removed = pdf_upload_clean(attachment)
        return attachment


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
class AssetAdmin(admin.ModelAdmin):
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
                ),
                "description": "Saving a changed source publishes a new version; "
                "partners always get "
                "the current one.",
            },
        ),
    )

    change_form_template = "admin/assets/asset/change_form.html"

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
        from assets.rendering.variables import VARIABLES

        names = ", ".join(f"{{{{ {name} }}}}" for name in VARIABLES)
        context["variables_help"] = (
            f"{names}, and {{{{ field.NAME }}}} for each editable field. "
            "In zone text and e-mail subjects write them as {partner.name}."
        )
        return super().render_change_form(request, context, *args, **kwargs)

    def get_inlines(self, request, obj):
        inlines = [EditableFieldInline]
        if obj is not None and obj.kind == AssetKind.GUIDELINE:
            inlines = [GuidelineEntryInline]
        elif obj is not None and obj.kind == AssetKind.TRAINING:
            inlines = [LessonInline]
        return [*inlines, AssetVersionInline]

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
        if asset.kind in FILE_SOURCE_KINDS | TEMPLATE_SOURCE_KINDS:
            data = form.cleaned_data
            services.asset_version_create(
                asset=asset,
                by=request.user,
                source_file=data.get("source_upload"),
                template=data.get("template") or "",
                stylesheet=data.get("stylesheet") or "",
                subject=data.get("subject") or "",
                layout=data.get("layout") or [],
                output_format=data.get("output_format") or "",
            )


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
