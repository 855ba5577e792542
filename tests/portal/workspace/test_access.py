"""Only marketing admins reach the workspace; everyone else gets a 404
(anonymous visitors are sent to sign in), checked in every view."""

import pytest
from django.urls import reverse

from tests.factories import KitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_marketing_admins_see_the_kits(ws_client):
    KitFactory(title="Autumn push")
    response = ws_client.get(reverse("workspace:kit_list"))
    assert response.status_code == 200
    assert "Autumn push" in response.content.decode()


def test_partners_and_other_staff_get_404(client, partner_admin, partner_user):
    plain_staff = UserFactory(is_staff=True)
    for user in (partner_admin, partner_user, plain_staff):
        client.force_login(user)
        assert client.get(reverse("workspace:kit_list")).status_code == 404


def test_superusers_may_use_it(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("workspace:kit_list")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("workspace:kit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
