import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.partners import services
from portal.partners.models import Invitation, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_partner_users_cannot_open_the_team_page(partner_client):
    assert partner_client.get(reverse("partners:team")).status_code == 404


def test_partner_admin_removes_a_colleague(admin_client_partner, partner, partner_user):
    membership = partner_user.membership
    response = admin_client_partner.post(reverse("partners:member_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    partner_user.refresh_from_db()
    assert not partner_user.is_active


def test_an_organisation_keeps_one_partner_admin(client, partner):
    first = MembershipFactory(organisation=partner, role="admin")
    second = MembershipFactory(organisation=partner, role="admin")
    client.force_login(first.user)
    client.post(reverse("partners:member_remove", args=[second.pk]))
    assert not Membership.objects.filter(pk=second.pk).exists()
    response = client.post(reverse("partners:member_remove", args=[first.pk]), follow=True)
    assert "can&#x27;t remove yourself" in response.content.decode()
    assert Membership.objects.filter(pk=first.pk).exists()


def test_team_page_lists_only_open_invitations(admin_client_partner, partner, partner_admin):
    def invite(email):
        invitation, _token = services.invitation_create(
            organisation=partner, email=email, role="user", invited_by=partner_admin
        )
        return Invitation.objects.filter(pk=invitation.pk)

    invite("open@acme.example")
    invite("accepted@acme.example").update(accepted_at=timezone.now())
    invite("expired@acme.example").update(expires_at=timezone.now() - timedelta(seconds=1))
    services.invitation_revoke(invitation=invite("withdrawn@acme.example").get())
    html = admin_client_partner.get(reverse("partners:team")).content.decode()
    listed = re.findall(r"<td>([^<]+@acme\.example)</td>", html.split("Open invitations", 1)[1])
    assert listed == ["open@acme.example"]
