import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms

from portal.core.uploads import LogoField
from portal.partners.models import BrandProfile, Membership

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ColourInput(forms.TextInput):
    input_type = "color"


class BrandProfileForm(forms.ModelForm):
    logo_upload = LogoField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG or WebP. A wide logo of at least 600 pixels prints best.",
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    logo_dark_upload = LogoField(
        label="Logo for dark backgrounds",
        required=False,
        help_text="Optional: a light version used on dark zones.",
    )
    remove_logo_dark = forms.BooleanField(required=False, label="Remove the dark-background logo")

    class Meta:
        model = BrandProfile
        fields = [
            "display_name",
            "tagline",
            "phone",
            "email",
            "website",
            "referral_url",
            "address",
            "primary_color",
            "secondary_color",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "primary_color": ColourInput(),
            "secondary_color": ColourInput(),
        }
        help_texts = {
            "display_name": "How your name appears on material (empty: your organisation's name).",
            "referral_url": "The link your leads should follow; it also becomes the QR code.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Identity",
                "display_name",
                "tagline",
                Div(
                    Div("logo_upload", css_class="col-md-6"),
                    Div("logo_dark_upload", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("remove_logo", css_class="col-md-6"),
                    Div("remove_logo_dark", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Contact details",
                Div(
                    Div("phone", css_class="col-md-6"),
                    Div("email", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("website", css_class="col-md-6"),
                    Div("referral_url", css_class="col-md-6"),
                    css_class="row",
                ),
                Field("address"),
            ),
            Fieldset(
                "Colours",
                Div(
                    Div("primary_color", css_class="col-6 col-md-3"),
                    Div("secondary_color", css_class="col-6 col-md-3"),
                    css_class="row",
                ),
            ),
        )

    def _clean_colour(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not HEX_COLOUR.match(value):
            raise forms.ValidationError("Use a colour like #1F4E79.")
        return value.upper()

    def clean_primary_color(self):
        return self._clean_colour("primary_color")

    def clean_secondary_color(self):
        return self._clean_colour("secondary_color")

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"[0-9+() .\-/]{5,40}", phone):
            raise forms.ValidationError("Use digits, spaces and + ( ) - . / only.")
        return phone


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.USER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(
            Div("email", css_class="col-md-6"),
            Div("role", css_class="col-md-3"),
            Div(Submit("invite", "Send invitation", css_class="mb-3"), css_class="col-md-3"),
        )
