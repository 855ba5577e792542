"""Editable fields: the values partners may set on an asset, as a form."""

import datetime

from django import forms

from assets.messaging import banned_phrase_in, banned_phrases_for
from assets.models import Asset, EditableField, FieldValues
from assets.rendering import format_date
from portal.core.forms import BoundedDateField
from portal.partners.models import PartnerOrganisation


def field_defaults(asset: Asset) -> dict[str, str]:
    return {f.name: f.default for f in asset.editable_fields.all()}


def overlay_values(asset: Asset, raw: dict | None) -> dict[str, str]:
    """Defaults overlaid with `raw`, for the fields that still exist."""
    values = field_defaults(asset)
    for name, value in (raw or {}).items():
        if name in values:
            values[name] = str(value)
    return values


def saved_field_values(asset: Asset, partner: PartnerOrganisation) -> dict[str, str]:
    """Defaults overlaid with what the partner saved."""
    saved = (
        FieldValues.objects.filter(asset=asset, organisation=partner)
        .values_list("values", flat=True)
        .first()
    )
    return overlay_values(asset, saved)


def display_values(asset: Asset, values: dict[str, str]) -> dict[str, str]:
    """Values as the renderer shows them (dates spelt out). Values no longer
    valid (a choice the vendor withdrew) are kept as typed rather than failing."""
    form = EditableFieldsForm(values, asset=asset)
    return form.values() if form.is_valid() else dict(values)


def _form_field(spec: EditableField) -> forms.Field:
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    if spec.field_type == EditableField.FieldType.CHOICE:
        choices = [(c, c) for c in spec.choices or []]
        if not spec.required:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if spec.field_type == EditableField.FieldType.DATE:
        return BoundedDateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(max_length=spec.max_length or None, strip=True, **common)


class EditableFieldsForm(forms.Form):
    """A form with one field per editable field of the asset. `values()`
    gives plain strings for the renderer (dates as '24 November 2026').

    With a `partner`, text containing a phrase the messaging rules ban (of
    the asset's kit or the partner's type) is refused, naming the phrase."""

    def __init__(self, *args, asset: Asset, partner: PartnerOrganisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset = asset
        self.partner = partner
        self.specs = list(asset.editable_fields.all())
        for spec in self.specs:
            self.fields[spec.name] = _form_field(spec)

    def clean(self):
        cleaned = super().clean()
        if self.partner is None:
            return cleaned
        phrases = banned_phrases_for(self.asset.kit, self.partner)
        if not phrases:
            return cleaned
        for spec in self.specs:
            value = cleaned.get(spec.name)
            if isinstance(value, str) and (phrase := banned_phrase_in(value, phrases)):
                self.add_error(
                    spec.name,
                    f"“{phrase}” may not be used in partner texts. Reword it and try again.",
                )
        return cleaned

    def values(self) -> dict[str, str]:
        return self._as_text(format_date)

    def raw_values(self) -> dict[str, str]:
        """What to remember: dates as ISO strings so the form can show them again."""
        return self._as_text(datetime.date.isoformat)

    def _as_text(self, date_as_text) -> dict[str, str]:
        result = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.name)
            if isinstance(value, datetime.date):
                value = date_as_text(value)
            result[spec.name] = "" if value is None else str(value)
        return result


def fields_form_for(asset: Asset, partner: PartnerOrganisation, data=None) -> EditableFieldsForm:
    """The form filled with the partner's remembered values (or the defaults)."""
    return EditableFieldsForm(
        data, asset=asset, partner=partner, initial=saved_field_values(asset, partner)
    )


def field_values_with(
    asset: Asset, partner: PartnerOrganisation, overrides: dict[str, str]
) -> dict[str, str]:
    """The partner's values with `overrides` in place of some, checked by
    the asset's form and shown as the renderer shows them; nothing is saved.
    Raises ValueError with one line per problem (an unknown name, a value
    the form refuses)."""
    unknown = sorted(set(overrides) - set(field_defaults(asset)))
    if unknown:
        names = ", ".join(f.name for f in asset.editable_fields.all()) or "none"
        raise ValueError(
            "\n".join(
                f"{name}: this asset has no such field (its fields: {names})." for name in unknown
            )
        )
    form = EditableFieldsForm({**saved_field_values(asset, partner), **overrides}, asset=asset)
    if not form.is_valid():
        raise ValueError(
            "\n".join(
                f"{name}: {message}" for name, errors in form.errors.items() for message in errors
            )
        )
    return form.values()


def values_for_render(asset: Asset, partner: PartnerOrganisation) -> dict[str, str]:
    """The remembered values as the renderer shows them."""
    return display_values(asset, saved_field_values(asset, partner))
