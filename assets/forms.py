from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from assets.models import AssetKind


class PlainSelect(forms.Select):
    """A <select> written out in Python. The widget templates cost about a
    millisecond an option, and the library's kit filter lists every kit the
    partner sees."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class LibraryFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Search titles and descriptions",
                "type": "search",
                "class": "form-control",
            }
        ),
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Any kind"), *AssetKind.choices], widget=PlainSelect
    )
    kit = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Kit", widget=PlainSelect
    )
    tag = forms.ChoiceField(required=False, label="Tag", widget=PlainSelect)

    def __init__(self, *args, kits, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kit"].choices = [("", "Any kit"), *((k.pk, k.title) for k in kits)]
        self.fields["tag"].choices = [("", "Any tag"), *((t.slug, t.name) for t in tags)]
        for name in ("kind", "kit", "tag"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {
            key: value
            for key, value in {
                "text": data.get("q", "").strip(),
                "kind": data.get("kind", ""),
                "kit_id": data.get("kit"),
                "tag": data.get("tag", ""),
            }.items()
            if value
        }
