import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.partners import services
from portal.partners.models import Invitation
from tests.factories import PASSWORD, UserFactory, make_marketing_admin

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_and_logout(client, partner_user):
    response = login(client, partner_user.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home:dashboard")
    assert client.get(reverse("home:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_marketing_admins_land_in_the_workspace(client):
    admin = make_marketing_admin(email="morgan@northwind.example")
    response = login(client, admin.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("workspace:kit_list")
    # Signed in already: the sign-in page sends them there too.
    assert client.get(reverse("accounts:login"))["Location"] == reverse("workspace:kit_list")


def test_next_wins_over_the_start_page(client, partner_user):
    admin = make_marketing_admin(email="morgan@northwind.example")
    target = reverse("admin:index")
    response = client.post(
        reverse("accounts:login") + f"?next={target}",
        {"username": admin.email, "password": PASSWORD},
    )
    assert response["Location"] == target
    client.post(reverse("accounts:logout"))
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": partner_user.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("home:dashboard")


def test_other_staff_keep_the_usual_start_page(client):
    staff = UserFactory(is_staff=True)
    response = login(client, staff.email, PASSWORD)
    assert response["Location"] == reverse("home:dashboard")


def test_password_reset_sends_a_working_link(
    client, partner_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": partner_user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "A-new-long-pass-2026", "new_password2": "A-new-long-pass-2026"},
    )
    assert response.status_code == 302
    partner_user.refresh_from_db()
    assert partner_user.check_password("A-new-long-pass-2026")


def _invite(partner, partner_admin, email="newbie@acme.example"):
    invitation, token = services.invitation_create(
        organisation=partner, email=email, role="user", invited_by=partner_admin
    )
    return invitation, token


def test_partner_admin_invites_and_link_works_once(
    client, admin_client_partner, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_partner.post(
            reverse("partners:team"), {"email": "Newbie@Acme.example", "role": "user"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/accounts/invitation/\S+/)", mail.outbox[0].body).group(1)
    invitation = Invitation.objects.get(email="newbie@acme.example")
    assert invitation.token_hash not in mail.outbox[0].body
    client.logout()
    form = {
        "first_name": "New",
        "last_name": "Bie",
        "password1": "Sturdy-pass-2026",
        "password2": "Sturdy-pass-2026",
    }
    response = client.post(path, form)
    assert response.status_code == 302
    user = User.objects.get(email="newbie@acme.example")
    assert user.membership.organisation == partner and user.membership.role == "user"
    client.logout()
    again = client.post(path, form)
    assert again.status_code == 410
    assert User.objects.filter(email="newbie@acme.example").count() == 1


def test_expired_revoked_and_unknown_invitations(client, partner, partner_admin):
    invitation, token = _invite(partner, partner_admin)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("partners:invitation_accept", args=[token])).status_code == 410
    invitation2, token2 = _invite(partner, partner_admin, "other@acme.example")
    services.invitation_revoke(invitation=invitation2)
    assert client.get(reverse("partners:invitation_accept", args=[token2])).status_code == 410
    assert client.get(reverse("partners:invitation_accept", args=["made-up"])).status_code == 404
    assert not User.objects.filter(email__in=["newbie@acme.example", "other@acme.example"]).exists()


def test_weak_password_is_a_form_error(client, partner, partner_admin):
    _, token = _invite(partner, partner_admin)
    response = client.post(
        reverse("partners:invitation_accept", args=[token]),
        {"first_name": "A", "last_name": "B", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="newbie@acme.example").exists()


def test_inviting_a_member_of_the_team_is_refused(admin_client_partner, partner_user):
    response = admin_client_partner.post(
        reverse("partners:team"), {"email": partner_user.email.upper(), "role": "user"}
    )
    assert response.status_code == 200
    assert "already in the team" in response.content.decode()
    assert not Invitation.objects.exists()
