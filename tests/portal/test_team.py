import pytest
from django.urls import reverse

from portal.partners.models import Membership
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
