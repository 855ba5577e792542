from django import forms

from portal.core.forms import BoundedDateField
from portal.landing.models import LandingPage
from portal.landing.public import TOKEN_PATTERN


class LeadForm(forms.Form):
    """What a visitor leaves on a public page. `website` is a honeypot: hidden
    from people, filled in by form-filling bots."""

    name = forms.CharField(max_length=120, label="Your name")
    email = forms.EmailField(max_length=254, label="Work e-mail")
    company = forms.CharField(max_length=150, required=False, label="Company")
    message = forms.CharField(
        max_length=2000, required=False, label="Message", widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": "Please agree so that we may contact you."},
    )
    website = forms.CharField(required=False, label="Leave this empty")
    token = forms.RegexField(regex=TOKEN_PATTERN, widget=forms.HiddenInput)
    ref = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class LeadFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    page = forms.TypedChoiceField(required=False, label="Page", coerce=int, empty_value=None)
    date_from = BoundedDateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, pages: list[LandingPage], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = [("", "All pages")] + [
            (p.pk, f"{p.asset.title} (/{p.slug}/)") for p in pages
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data.get("q") or "",
            "page_id": data.get("page"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
