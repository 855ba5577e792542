"""The workspace's kit forms."""

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify

from assets import lifecycle
from assets.audience import Audience
from assets.models import Kit, Tag
from assets.rendering import ImageRejected, NormalisedPicture, normalise_picture
from portal.core.errors import DomainError
from portal.partners.models import PartnerOrganisation, PartnerType, Region, Tier
from portal.workspace.pending_uploads import pending_load

#: The longest side a cover is kept at.
COVER_MAX_SIDE = 2400


class MinuteDateTimeField(forms.DateTimeField):
    """A date and time to the minute, typed in the browser's own picker.
    Unchanged when only the seconds differ: the picker shows none."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True

        def minute(value):
            if value is None:
                return None
            if isinstance(value, str):
                value = self.to_python(value)
            return timezone.localtime(value).replace(second=0, microsecond=0)

        return minute(initial) != minute(data)


@dataclass(frozen=True)
class CheckedCover:
    picture: NormalisedPicture
    name: str


class CoverImageField(forms.FileField):
    """A cover picture: at most KIT_COVER_MAX_UPLOAD_BYTES, a PNG, JPEG or
    WebP image by its content (whatever its name), stored without metadata."""

    widget = forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        limit = settings.KIT_COVER_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; a cover can be at most "
                f"{filesizeformat(limit)}."
            )
        upload.seek(0)
        try:
            picture = normalise_picture(upload.read(limit + 1), max_side=COVER_MAX_SIDE)
        except ImageRejected as exc:
            raise forms.ValidationError(exc.message) from None
        return CheckedCover(picture=picture, name=(upload.name or "cover").rsplit("/", 1)[-1])


class WorkspaceFormMixin:
    """Bootstrap classes on every widget, and the field's help and error
    tied to it for screen readers."""

    def style_widgets(self) -> None:
        for name, form_field in self.fields.items():
            widget = form_field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = css
            if form_field.help_text and not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-help"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} {self[name].auto_id}-error".strip()


class KitAudienceForm(WorkspaceFormMixin, forms.ModelForm):
    """Who a kit is for. Also posted alone, as the audience changes, to count
    the partners it would reach."""

    audience_types = forms.MultipleChoiceField(
        label="Partner types",
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any type.",
    )

    class Meta:
        model = Kit
        fields = [
            "audience_tiers",
            "audience_min_tier",
            "audience_types",
            "audience_regions",
            "audience_partners",
        ]
        labels = {
            "audience_tiers": "Tiers",
            "audience_min_tier": "Or this tier and above",
            "audience_regions": "Regions",
            "audience_partners": "Named partners",
        }
        help_texts = {
            "audience_tiers": "None ticked and no tier below: any tier.",
            "audience_min_tier": "Every tier ranked at least as high as this one.",
            "audience_regions": "None ticked: any region.",
            "audience_partners": "Always see the kit, whatever the criteria above.",
        }
        widgets = {
            "audience_tiers": forms.CheckboxSelectMultiple,
            "audience_regions": forms.CheckboxSelectMultiple,
            "audience_partners": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tiers = Tier.objects.order_by("-rank", "name")
        self.fields["audience_tiers"].queryset = tiers
        self.fields["audience_min_tier"].queryset = tiers
        self.fields["audience_min_tier"].empty_label = "No minimum"
        self.fields["audience_min_tier"].label_from_instance = lambda t: f"{t.name} and above"
        self.fields["audience_regions"].queryset = Region.objects.order_by("name")
        self.fields["audience_partners"].queryset = PartnerOrganisation.objects.order_by("name")
        self.style_widgets()

    def audience(self) -> Audience:
        data = self.cleaned_data
        min_tier = data.get("audience_min_tier")
        return Audience(
            tier_ids=frozenset(t.pk for t in data.get("audience_tiers") or ()),
            min_tier_rank=min_tier.rank if min_tier is not None else None,
            types=frozenset(data.get("audience_types") or ()),
            region_ids=frozenset(r.pk for r in data.get("audience_regions") or ()),
            partner_ids=frozenset(p.pk for p in data.get("audience_partners") or ()),
        )


@dataclass
class KitInput:
    """What the kit form decided, for kit_create / kit_update."""

    title: str
    summary: str
    tags: list[Tag]
    new_tags: list[str]
    audience_tiers: list[Tier]
    audience_min_tier: Tier | None
    audience_types: list[str]
    audience_regions: list[Region]
    audience_partners: list[PartnerOrganisation]
    cover: CheckedCover | None = None
    remove_cover: bool = False
    dates: dict[str, datetime | None] = field(default_factory=dict)


class KitForm(KitAudienceForm):
    """A kit's content, schedule and audience. Its status changes only
    through the lifecycle buttons; a new publish date schedules it."""

    cover_upload = CoverImageField(
        label="Cover image",
        required=False,
        help_text="PNG, JPEG or WebP; shown to partners on the kit's page.",
    )
    cover_token = forms.CharField(required=False, widget=forms.HiddenInput)
    remove_cover = forms.BooleanField(label="Remove the cover", required=False)
    new_tags = forms.CharField(
        label="New tags",
        required=False,
        max_length=300,
        help_text="Separate them with commas; a tag that exists already is reused.",
    )
    publish_at = MinuteDateTimeField(
        label="Publish at",
        required=False,
        help_text="A date in the future schedules the kit. To publish at once, use "
        "“Publish now” on the kit's page.",
    )
    expires_at = MinuteDateTimeField(
        label="Expires at",
        required=False,
        help_text="Hidden from partners from this moment (empty: never).",
    )

    class Meta(KitAudienceForm.Meta):
        fields = [
            "title",
            "summary",
            "tags",
            "publish_at",
            "expires_at",
            *KitAudienceForm.Meta.fields,
        ]
        widgets = {
            **KitAudienceForm.Meta.widgets,
            "tags": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {**KitAudienceForm.Meta.labels, "tags": "Tags"}
        help_texts = KitAudienceForm.Meta.help_texts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.order_by("name")
        self.fields["tags"].required = False
        #: The cover kept from an earlier try (see pending_uploads), if any.
        self.kept_cover: CheckedCover | None = None
        self.kept_cover_token = ""
        if not (self.instance.pk and self.instance.cover_image):
            del self.fields["remove_cover"]
        self.style_widgets()

    def clean_new_tags(self) -> list[str]:
        names = []
        for raw in self.cleaned_data.get("new_tags", "").split(","):
            name = " ".join(raw.split())
            if not name:
                continue
            if len(name) > 40:
                raise forms.ValidationError(f"“{name[:40]}…” is too long: at most 40 characters.")
            if not slugify(name):
                raise forms.ValidationError(f"“{name}” needs at least one letter or digit.")
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        return names

    def clean_cover_token(self) -> str:
        token = self.cleaned_data.get("cover_token", "")
        if not token or self.files.get(self.add_prefix("cover_upload")):
            return ""
        kept = pending_load(token)
        if kept is None:
            self.add_error(
                "cover_upload",
                "The cover kept from your last try is no longer available: upload it again.",
            )
            return ""
        try:
            picture = normalise_picture(kept.data, max_side=COVER_MAX_SIDE)
        except ImageRejected as exc:  # pragma: no cover - it was checked when kept
            self.add_error("cover_upload", exc.message)
            return ""
        self.kept_cover = CheckedCover(picture=picture, name=kept.name)
        self.kept_cover_token = token
        return token

    def date_changes(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("publish_at", "expires_at")
            if name in self.changed_data
        }

    def clean(self):
        cleaned = super().clean()
        changes = {
            name: value for name, value in self.date_changes().items() if name not in self.errors
        }
        try:
            lifecycle.check_dates(self.instance, timezone.now(), **changes)
        except DomainError as exc:
            self.add_error("expires_at" if "expires_at" in changes else "publish_at", exc.message)
        return cleaned

    def cover(self) -> CheckedCover | None:
        """The cover this try brings: a new upload, else the one kept."""
        return self.cleaned_data.get("cover_upload") or self.kept_cover

    def kit_input(self) -> KitInput:
        data = self.cleaned_data
        return KitInput(
            title=data["title"],
            summary=data.get("summary", ""),
            tags=list(data.get("tags") or ()),
            new_tags=data.get("new_tags") or [],
            audience_tiers=list(data.get("audience_tiers") or ()),
            audience_min_tier=data.get("audience_min_tier"),
            audience_types=list(data.get("audience_types") or ()),
            audience_regions=list(data.get("audience_regions") or ()),
            audience_partners=list(data.get("audience_partners") or ()),
            cover=self.cover(),
            remove_cover=bool(data.get("remove_cover")),
            dates=self.date_changes(),
        )


class ScheduleForm(WorkspaceFormMixin, forms.Form):
    at = MinuteDateTimeField(label="Publish at", help_text="A moment in the future.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
