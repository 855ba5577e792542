"""The form logic of an asset's source, shared by the Django admin and the
marketing workspace: the source fields a kind uses, their checks through
the kind's contract (`check_source`), picture uploads, and the arguments of
`services.asset_version_create`. Also the lesson form (an attached PDF
loses its active content first)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from assets.kinds import spec_for
from assets.messaging import legal_rule_names
from assets.models import Lesson
from assets.rendering import resource_url
from assets.resources import pictures_from_uploads, resource_count_problem, resources_after
from assets.source_fields import kinds_using, source_fields
from portal.core.uploads import pdf_upload_clean


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, cleaned one by one into a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


#: The form fields that make up a version's source, in display order.
SOURCE_FORM_FIELDS = (
    "source_upload",
    "template",
    "stylesheet",
    "subject",
    "layout",
    "output_format",
    "pictures",
    "remove_pictures",
)

#: Each source field's value when the kind does not use it.
_EMPTY = {
    "source_upload": None,
    "template": "",
    "stylesheet": "",
    "subject": "",
    "layout": [],
    "output_format": "",
    "pictures": [],
    "remove_pictures": [],
}

#: The prefix of the editable fields' formset on an asset's page.
EDITABLE_FIELDS_PREFIX = "editable_fields"


def used_source_fields(kind: str) -> tuple[str, ...]:
    """The source form fields an asset of this kind shows."""
    used = set(source_fields(kind))
    if "pictures" in used:
        used.add("remove_pictures")
    return tuple(name for name in SOURCE_FORM_FIELDS if name in used)


class AssetSourceForm(forms.Form):
    """The source fields of an asset (mixed into a ModelForm of the asset).
    Subclasses say which kind and version they edit (`source_kind`,
    `source_version`) and may supply a kept upload (`kept_upload`).
    After validation, `version_arguments()` are what
    `services.asset_version_create` takes; `new_pictures` are the checked
    pictures; `pdf_removed` says what an uploaded PDF lost."""

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
    pictures = MultipleFileField(
        required=False,
        label="Add pictures",
        help_text="PNG, JPEG or WebP files. Each file's name becomes the picture's name "
        "(badge.png is “badge”; a picture of the same name is replaced). Use it as "
        '<img src="resources/badge.png"> or url(resources/badge.png) in HTML and CSS, '
        'and as "resource": "badge" in an image zone.',
    )
    remove_pictures = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Remove pictures",
        help_text="The pictures of the current version; ticked ones are left out "
        "of the new version.",
    )

    # --- what subclasses say ------------------------------------------------

    def source_kind(self, cleaned: dict) -> str | None:
        raise NotImplementedError

    def source_version(self):
        raise NotImplementedError

    def source_kit(self, cleaned: dict):
        """The kit the asset belongs to (its messaging rules apply)."""
        if cleaned.get("kit") is not None:
            return cleaned["kit"]
        return self.instance.kit if self.instance.kit_id else None

    def kept_upload(self) -> UploadedFile | None:
        """A file kept from an earlier try, used when none is uploaded now."""
        return None

    # --- setting up -----------------------------------------------------------

    def source_setup(self, *, kind: str | None, version) -> None:
        """Fill the fields from the current version and drop those the kind
        does not use (with no kind yet, keep all and say who uses each)."""
        self.new_pictures = []
        if version is not None:
            self.initial.update(
                template=version.template,
                stylesheet=version.stylesheet,
                subject=version.subject,
                layout=version.layout,
                output_format=version.output_format,
            )
            self.fields["remove_pictures"].choices = [
                (
                    row.name,
                    f"{row.name}: {resource_url(row.name)}, {row.width}×{row.height} px "
                    f"({row.original_name or row.name})",
                )
                for row in version.resources.all()
            ]
        if kind:
            used = used_source_fields(kind)
            for name in SOURCE_FORM_FIELDS:
                if name not in used:
                    del self.fields[name]
        else:
            del self.fields["remove_pictures"]  # a new asset has none
            for name in SOURCE_FORM_FIELDS[:-1]:
                field = self.fields[name]
                field.help_text = f"{field.help_text} Used by: {', '.join(kinds_using(name))}."

    # --- checking -------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        kind = self.source_kind(cleaned)
        used = used_source_fields(kind) if kind else ()
        # Values of fields this kind does not use are never stored or hashed.
        for name, empty in _EMPTY.items():
            if name not in used or name not in self.fields:
                cleaned[name] = empty
        keep = "source_upload" in used and "source_upload" not in self.errors
        if keep and cleaned.get("source_upload") is None:
            cleaned["source_upload"] = self.kept_upload()
        version = self.source_version()
        remove = cleaned.get("remove_pictures") or []
        if cleaned.get("pictures"):
            self.new_pictures, problems = pictures_from_uploads(cleaned["pictures"])
            for message in problems:
                self.add_error("pictures", message)
        names = set(resources_after(version, add=self.new_pictures, remove=remove))
        if problem := resource_count_problem(len(names)):
            self.add_error("pictures", problem)
        if kind:
            for field, message in spec_for(kind).check_source(
                template=cleaned.get("template") or "",
                stylesheet=cleaned.get("stylesheet") or "",
                resource_names=names,
                subject=cleaned.get("subject") or "",
                layout=cleaned.get("layout") or [],
                upload=cleaned.get("source_upload"),
                field_names=self.editable_field_names(),
                current_file=version.source_file if version is not None else None,
                legal_rules=legal_rule_names(self.source_kit(cleaned)),
            ):
                self.add_error(field if field in self.fields else None, message)
        upload = cleaned.get("source_upload")
        if upload is not None and "source_upload" not in self.errors:
            try:
                cleaned["source_upload"], self.pdf_removed = pdf_upload_clean(upload)
            except forms.ValidationError as exc:
                self.add_error("source_upload", exc)
        return cleaned

    def editable_field_names(self) -> set[str]:
        """The editable fields' names after this save: those in the formset
        posted with the form (fields added in the same save count), else
        the asset's."""
        names = set()
        prefix = EDITABLE_FIELDS_PREFIX
        total = self.data.get(f"{prefix}-TOTAL_FORMS")
        if total and total.isdigit():
            for i in range(int(total)):
                name = self.data.get(f"{prefix}-{i}-name")
                if name and not self.data.get(f"{prefix}-{i}-DELETE"):
                    names.add(name.strip())
        elif self.instance.pk:
            names = set(self.instance.editable_fields.values_list("name", flat=True))
        return names

    def version_arguments(self) -> dict:
        """The source, as `services.asset_version_create` takes it."""
        data = self.cleaned_data
        return {
            "source_file": data.get("source_upload"),
            "template": data.get("template") or "",
            "stylesheet": data.get("stylesheet") or "",
            "subject": data.get("subject") or "",
            "layout": data.get("layout") or [],
            "output_format": data.get("output_format") or "",
            "pictures": self.new_pictures,
            "remove_pictures": data.get("remove_pictures") or [],
        }


class LessonForm(forms.ModelForm):
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
