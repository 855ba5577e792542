"""Templates are rendered once with sample values when saved, so what fails
at render time is refused with its message; a partner's download of a
template that fails anyway answers a 409 page with the message, never a 500."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from assets.models import Asset, AssetKind, Rendition
from assets.roles import MARKETING_ADMINS
from assets.services import asset_version_create
from tests.factories import AssetFactory, KitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    client.force_login(staff)
    return client


def _form(kind, template, **extra):
    data = {
        "kit": KitFactory().pk,
        "kind": kind,
        "title": "New asset",
        "description": "",
        "position": 0,
        "template": template,
        "stylesheet": "",
        "subject": "Hello" if kind == "email" else "",
        "layout": "[]",
        "output_format": "",
        "editable_fields-TOTAL_FORMS": 0,
        "editable_fields-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def _errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.mark.parametrize("kind", ["email", "landing_page", "html_document"])
@pytest.mark.parametrize(
    "template, message",
    [
        (
            "<p>{{ partner.name }}</p>\n<p>{{ 1|divisibleby:0 }}</p>",
            "Line 2: The |divisibleby filter failed: integer modulo by zero",
        ),
        ('<p>{{ today|date:"r" }}</p>', "Line 1: The |date filter failed"),
        (
            '<p>{{ partner.name|ljust:"50000000" }}</p>',
            "The |ljust filter was given 50,000,000; the largest it may be given is 1,000.",
        ),
    ],
)
def test_templates_failing_at_render_time_are_refused_on_save(
    staff_client, kind, template, message
):
    response = staff_client.post(reverse("admin:assets_asset_add"), _form(kind, template))
    assert response.status_code == 200 and message in _errors(response)
    assert not Asset.objects.exists()


def test_a_template_over_the_output_cap_with_sample_values_is_refused(staff_client, settings):
    settings.RENDER_MAX_OUTPUT_BYTES = 100_000
    loops = "{% for a in 'abcdefghijklmnopqrstuvwxyz'|make_list %}" * 3
    template = loops + "<p>{{ partner.name }}</p>" + "{% endfor %}" * 3
    response = staff_client.post(reverse("admin:assets_asset_add"), _form("email", template))
    assert "would produce more than 100,000 characters of text" in _errors(response)
    assert not Asset.objects.exists()


def test_a_working_template_still_saves(staff_client):
    template = "<p>{{ partner.name|ljust:20 }} {{ 10|divisibleby:2 }} {{ today }}</p>"
    response = staff_client.post(reverse("admin:assets_asset_add"), _form("email", template))
    assert response.status_code == 302, _errors(response)
    assert Asset.objects.get().current_version.template == template


@pytest.mark.parametrize("output_format", ["html", "eml"])
def test_an_email_download_whose_template_fails_is_a_409_with_the_message(
    partner_client, output_format
):
    asset = AssetFactory(kit=KitFactory(), kind=AssetKind.EMAIL, title="Newsletter")
    # Saved through the service (as an import would): no save check ran.
    asset_version_create(
        asset=asset, template="<p>{{ partner.name }}</p>{{ 1|divisibleby:0 }}", subject="Hi"
    )
    response = partner_client.get(reverse("assets:asset_render", args=[asset.pk, output_format]))
    assert response.status_code == 409
    assert "The |divisibleby filter failed: integer modulo by zero" in response.content.decode()
    assert not Rendition.objects.exists()
