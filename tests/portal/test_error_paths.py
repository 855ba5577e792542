"""Bad input answers a clear 4xx or a form error, never a 500, and leaves
nothing half-done."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.core.forms import BoundedDateField
from portal.core.text import one_line
from portal.partners.models import BrandProfile, Invitation, PartnerOrganisation
from tests.factories import BRAND_PROFILE_FORM, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=9999-12-31&date_to=0001-01-01"],
)
def test_lead_filters_out_of_range_are_a_400(partner_client, query):
    page = partner_client.get(f"{reverse('landing:lead_list')}?{query}")
    assert page.status_code == 400 and "Enter a date between 1900 and 2999" in page.content.decode()
    export = partner_client.get(f"{reverse('landing:lead_export')}?{query}")
    assert export.status_code == 400 and "between 1900 and 2999" in export.content.decode()


def test_date_fields_are_bounded():
    field = BoundedDateField()
    assert str(field.clean("2999-12-31")) == "2999-12-31"
    for value in ("9999-12-31", "0001-01-01"):
        with pytest.raises(Exception, match="between 1900 and 2999"):
            field.clean(value)


@pytest.mark.parametrize("ssl_redirect", [True, False])
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/", "/p/acme/offer/"])
def test_a_foreign_host_header_is_a_400(client, settings, ssl_redirect, path):
    settings.SECURE_SSL_REDIRECT = ssl_redirect
    client.raise_request_exception = True
    response = client.get(path, HTTP_HOST="evil.example", secure=not ssl_redirect)
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


def test_an_organisation_name_with_line_breaks_still_gets_its_invitation_sent(
    admin_client, django_capture_on_commit_callbacks
):
    # Stored before names were checked (or by a script): the mail still goes out.
    org = PartnerFactory(name="Acme\r\nBcc: victim@example.com", slug="acme-crlf")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:partners_invitation_add"),
            {"organisation": org.pk, "email": "new@acme.example", "role": "user"},
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(organisation=org).count() == 1
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\r" not in subject and "\n" not in subject
    assert subject == "You're invited to Acme Bcc: victim@example.com on the partner portal"
    assert mail.outbox[0].to == ["new@acme.example"]


def test_organisation_names_must_be_one_line(admin_client, partner):
    url = reverse("admin:partners_partnerorganisation_change", args=[partner.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        name="Acme\nResellers",
        tier=partner.tier_id,
        region=partner.region_id,
        **{
            "brand-TOTAL_FORMS": 0,
            "brand-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Use one line of text" in response.content.decode()
    assert PartnerOrganisation.objects.get(pk=partner.pk).name == "Acme Resellers"


def test_brand_display_names_must_be_one_line(admin_client_partner, partner):
    response = admin_client_partner.post(
        reverse("partners:brand_profile"),
        {**BRAND_PROFILE_FORM, "display_name": "Acme\u2028Resellers"},
    )
    assert response.status_code == 200 and "Use one line of text" in response.content.decode()
    assert BrandProfile.objects.get(organisation=partner).display_name != "Acme\u2028Resellers"


def test_one_line_removes_every_kind_of_line_break():
    assert one_line("a\r\nb\x00c\u2028d\u2029e\x85f\tg") == "a b c d e f g"
    assert one_line("  long   name ", 6) == "long n"
