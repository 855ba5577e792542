"""Forms of the workspace's asset pages: the asset with its source (the
checks shared with the Django admin, assets/source_forms.py), its editable
fields, and the rows of guidelines and training courses."""

from django import forms
from django.forms import inlineformset_factory

from assets.kinds import spec_for
from assets.models import Asset, EditableField, GuidelineEntry, Lesson, PendingUpload
from assets.pending_uploads import (
    asset_pending_upload,
    pending_upload_data,
    pending_upload_file,
    pending_upload_from_token,
    pending_upload_store,
    pending_upload_token,
)
from assets.source_forms import (
    EDITABLE_FIELDS_PREFIX,
    AssetSourceForm,
    LessonForm,
    MultipleFileField,
)
from portal.core.errors import DomainError


def bootstrap(form: forms.BaseForm) -> None:
    """Give a form's widgets the site's Bootstrap classes."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css
        if isinstance(widget, forms.Textarea) and "spellcheck" in widget.attrs:
            widget.attrs["class"] += " font-monospace"


class AssetPageForm(AssetSourceForm, forms.ModelForm):
    """An asset's details and source on its workspace page. A base file
    uploaded with a save that fails validation is kept (`keep_upload`) and
    named by a signed token in `source_upload_token`, so the next save
    uses it without a new upload."""

    source_upload_token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Asset
        fields = ("title", "description", "position")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kept: PendingUpload | None = None
        asset = self.instance
        version = asset.current_version
        self.source_setup(kind=asset.kind, version=version)
        if "layout" in self.fields:
            self.fields["layout"].help_text = (
                "Zones stamped on the PDF or image, as a JSON list; the zone editor draws "
                "them with the mouse. Boxes are in millimetres (PDF) or pixels (image) from "
                "the top-left corner."
            )
        if version is None and not self.is_bound:
            # A draft from the bulk upload: its file waits as a pending upload.
            pending = asset_pending_upload(asset)
            if pending is not None:
                self.initial["source_upload_token"] = pending_upload_token(pending)
                first = spec_for(asset.kind).source_from_upload(
                    pending.original_name, pending_upload_data(pending)
                )
                self.initial.update(template=first.template, subject=first.subject)
        bootstrap(self)

    def source_kind(self, cleaned):
        return self.instance.kind

    def source_version(self):
        return self.instance.current_version

    def _token(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("source_upload_token"), "")
        return self.initial.get("source_upload_token", "")

    def kept_pending(self) -> PendingUpload | None:
        """The upload kept from an earlier try that the next save will use."""
        if self.kept is None:
            self.kept = pending_upload_from_token(self._token(), by=self.user, asset=self.instance)
        return self.kept

    def kept_upload(self):
        pending = self.kept_pending()
        return pending_upload_file(pending) if pending is not None else None

    def used_kept_upload(self) -> PendingUpload | None:
        """The kept upload this (valid) save takes as its source file."""
        if self.files.get(self.add_prefix("source_upload")):
            return None
        return self.kept_pending() if "source_upload" in self.fields else None

    def keep_upload(self) -> None:
        """After a failed save: keep a newly uploaded file that passed its
        own checks, and point the form's token at it."""
        upload = self.files.get(self.add_prefix("source_upload"))
        if upload is None or "source_upload" in self.errors:
            return
        try:
            pending = pending_upload_store(upload=upload, by=self.user, asset=self.instance)
        except DomainError as exc:
            self.add_error("source_upload", exc.message)
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("source_upload_token")] = pending_upload_token(pending)
        self.kept = pending


class EditableFieldForm(forms.ModelForm):
    """One value partners may set; approved values one per line."""

    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Approved values",
        help_text="For choice fields: one value per line.",
    )

    class Meta:
        model = EditableField
        fields = EditableField.SETTINGS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices"] = "\n".join(self.instance.choices or [])
        bootstrap(self)

    def clean_choices(self):
        lines = (self.cleaned_data.get("choices") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("field_type") == EditableField.FieldType.CHOICE:
            choices = cleaned.get("choices") or []
            if not choices and "choices" not in self.errors:
                self.add_error("choices", "A choice field needs at least one approved value.")
            default = cleaned.get("default")
            if default and choices and default not in choices:
                self.add_error("default", "The default must be one of the approved values.")
        return cleaned


class _RowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class GuidelineEntryForm(_RowForm):
    class Meta:
        model = GuidelineEntry
        fields = ("section", "title", "body", "position")
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class LessonRowForm(LessonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["rows"] = 4
        bootstrap(self)


EditableFieldFormSet = inlineformset_factory(
    Asset, EditableField, form=EditableFieldForm, extra=1, can_delete=True
)

#: The formset editing a kind's content rows (AssetKindSpec.content_rows).
ROW_FORMSETS = {
    "guideline_entries": inlineformset_factory(
        Asset, GuidelineEntry, form=GuidelineEntryForm, extra=1, can_delete=True
    ),
    "lessons": inlineformset_factory(Asset, Lesson, form=LessonRowForm, extra=1, can_delete=True),
}


def asset_formsets(asset: Asset, data=None, files=None) -> list:
    """The formsets of an asset's page: its content rows for guidelines
    and courses, its editable fields for kinds with versions."""
    spec = asset.kind_spec
    formsets = []
    if spec.content_from_rows:
        formset_class = ROW_FORMSETS[spec.content_rows]
        formsets.append(formset_class(data, files, instance=asset, prefix=spec.content_rows))
    if spec.versioned:
        formsets.append(
            EditableFieldFormSet(data, files, instance=asset, prefix=EDITABLE_FIELDS_PREFIX)
        )
    return formsets


class BulkUploadForm(forms.Form):
    """The plain multiple-file input of the bulk upload page (the page's
    script sends each file on its own; without it the form posts them all)."""

    files = MultipleFileField(
        label="Files",
        help_text="PDF, PNG, JPEG, WebP, HTML, video, office files, ZIP…",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
