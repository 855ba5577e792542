"""One error root, one handler: a CobrandError left to a view becomes a page
with its message and status, the same way everywhere."""

import subprocess
import sys

import pytest
from django.core import mail
from django.urls import reverse

from assets.models import DownloadEvent, Rendition
from assets.rendering import MissingBrandDetails, RenderError
from portal.core.errors import CobrandError, DomainError
from portal.partners.models import BrandProfile, Invitation, Membership
from tests.factories import MembershipFactory, UserFactory, make_document

pytestmark = pytest.mark.django_db


def test_render_problems_and_product_rules_share_one_root():
    assert issubclass(RenderError, CobrandError) and RenderError.status == 409
    assert issubclass(DomainError, CobrandError)
    error = MissingBrandDetails(["phone"])
    assert error.message == str(error) == "Add your phone number to your brand profile."


def test_the_error_root_imports_neither_django_nor_celery():
    code = (
        "import sys, portal.core.errors, assets.rendering.errors\n"
        "print(sorted(m for m in ('django', 'celery') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_task_queue_app_is_still_reachable_from_the_project_package():
    import portal
    from portal.celery import app

    assert portal.celery_app is app and app.main == "portal"


def test_a_product_rule_raised_in_a_view_is_a_page_with_its_status_and_message(client, partner):
    admin = MembershipFactory(organisation=partner, role="admin")
    client.force_login(admin.user)
    response = client.post(
        reverse("partners:member_remove", args=[admin.pk]),
        HTTP_REFERER="http://testserver" + reverse("partners:team"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "You can&#x27;t remove yourself." in html
    assert f'href="http://testserver{reverse("partners:team")}"' in html  # back where it was
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_a_render_error_is_a_409_page_naming_what_to_fix(partner_client, partner):
    BrandProfile.objects.filter(organisation=partner).update(phone="")
    asset = make_document()
    response = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Add your phone number to your brand profile." in html
    assert reverse("partners:brand_profile") in html
    assert "<html" in html and "Acme Resellers" in html  # the site's page, partner nav and all
    assert not Rendition.objects.exists() and not DownloadEvent.objects.exists()


def test_an_htmx_request_gets_only_the_message(partner_client, partner):
    BrandProfile.objects.filter(organisation=partner).update(phone="")
    asset = make_document()
    response = partner_client.get(
        reverse("assets:asset_preview", args=[asset.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Add your phone number" in html and "<html" not in html


def test_anonymous_requests_go_to_sign_in_htmx_ones_by_header(client, partner):
    asset = make_document()
    url = reverse("assets:asset_render", args=[asset.pk, "pdf"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    htmx = client.get(url, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == response["Location"]


def test_staff_without_membership_and_suspended_partners_keep_their_pages(client, partner):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("assets:library"))
    assert response.status_code == 403 and "Marketing admins work in" in response.content.decode()
    member = MembershipFactory(organisation=partner).user
    partner.status = partner.Status.SUSPENDED
    partner.save()
    client.force_login(member)
    response = client.get(reverse("assets:library"))
    assert response.status_code == 403
    assert response.templates[0].name == "partners/suspended.html"


def test_a_used_invitation_answers_410_with_the_reason(client, partner, partner_admin):
    from portal.partners import services

    invitation, token = services.invitation_create(
        organisation=partner, email="late@acme.example", role="user", invited_by=partner_admin
    )
    UserFactory(email="late@acme.example")  # an account appeared meanwhile
    response = client.post(
        reverse("partners:invitation_accept", args=[token]),
        {
            "first_name": "La",
            "last_name": "Te",
            "password1": "Sturdy-pass-2026",
            "password2": "Sturdy-pass-2026",
        },
    )
    assert response.status_code == 410
    assert "already has an account" in response.content.decode()
    assert not Membership.objects.filter(user__email="late@acme.example").exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


# --- The admin ----------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_invitation_the_rules_refuse_shows_one_error_and_stores_nothing(
    superuser_client, partner, partner_user
):
    # partner_user is already in Acme's team: inviting them again is refused.
    response = superuser_client.post(
        reverse("admin:partners_invitation_add"),
        {"organisation": partner.pk, "email": partner_user.email, "role": "user"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("This person is already in the team.") == 1
    assert "added successfully" not in html and "/None/" not in html
    assert not any(m.message for m in response.context["messages"])  # only the form says it
    assert partner_user.email in html  # the form again, as typed
    assert not Invitation.objects.exists() and mail.outbox == []


def test_an_invitation_the_rules_allow_is_added_once(
    superuser_client, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:partners_invitation_add"),
            {"organisation": partner.pk, "email": "fresh@acme.example", "role": "user"},
            follow=True,
        )
    invitation = Invitation.objects.get()
    assert "added successfully" in response.content.decode()
    assert f"/admin/partners/invitation/{invitation.pk}/change/" in response.content.decode()
    assert len(mail.outbox) == 1
