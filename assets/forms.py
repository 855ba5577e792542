from django import forms

from assets.models import AssetKind


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
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *AssetKind.choices])
    kit = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Kit")
    tag = forms.ChoiceField(required=False, label="Tag")

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
